import type { Command } from 'commander';
import { createToken, listTokens, revokeToken } from '../services/accounts';
import { formatInstant } from '../activities/email/dates';
import { runCommand } from './client';
import { withAccountStore } from './user';

/** Registers `dondoc token create|list|revoke`: API tokens for machine clients of `/api/`. */
export function registerToken(program: Command): void {
  const token = program.command('token').description('Mã truy cập API cho máy khách: tạo, liệt kê, thu hồi');

  token
    .command('create')
    .description('Tạo mã truy cập API (in ra một lần; chỉ lưu bản băm SHA-256)')
    .requiredOption('--name <name>', 'tên máy khách (ghi vào nhật ký khi nó điều hành)')
    .requiredOption('--role <role>', 'officer (chỉ đọc) hoặc admin (đọc và điều hành)')
    .option('--by <name>', 'người tạo (ghi lại)', process.env.USER || 'dondoc')
    .option('--json', 'in kết quả dạng JSON')
    .action((o: { name: string; role: string; by: string; json?: boolean }) =>
      runCommand(async () => {
        const created = await withAccountStore((store) =>
          createToken(store, { name: o.name, role: o.role, createdBy: o.by }),
        );
        if (o.json) return console.log(JSON.stringify({ ...created.record, token: created.token }, null, 2));
        console.log(`Đã tạo mã truy cập ${created.record.id} "${created.record.name}" (${created.record.role}).`);
        console.log(`Mã (token), chỉ in một lần: ${created.token}`);
        console.log('Dùng: Authorization: Bearer <mã>. Thu hồi: dondoc token revoke ' + created.record.id);
      }),
    );

  token
    .command('list')
    .description('Liệt kê mã truy cập (không in mã)')
    .option('--json', 'in kết quả dạng JSON')
    .action((o: { json?: boolean }) =>
      runCommand(async () => {
        const tokens = await withAccountStore((store) => listTokens(store));
        if (o.json) return console.log(JSON.stringify(tokens, null, 2));
        if (tokens.length === 0) return console.log('Chưa có mã truy cập nào (no tokens).');
        for (const t of tokens) {
          const state = t.revokedAt ? `đã thu hồi ${formatInstant(t.revokedAt, 'Asia/Ho_Chi_Minh')}` : 'đang dùng';
          const used = t.lastUsedAt ? `dùng lần cuối ${formatInstant(t.lastUsedAt, 'Asia/Ho_Chi_Minh')}` : 'chưa dùng';
          console.log(
            `${t.id}  ${t.name} (${t.role}), tạo bởi ${t.createdBy} ${formatInstant(t.createdAt, 'Asia/Ho_Chi_Minh')}, ${used}, ${state}`,
          );
        }
      }),
    );

  token
    .command('revoke <id>')
    .description('Thu hồi mã truy cập: từ chối ngay mọi yêu cầu dùng nó')
    .action((id: string) =>
      runCommand(async () => {
        await withAccountStore((store) => revokeToken(store, id));
        console.log(`Đã thu hồi mã truy cập ${id} (token revoked).`);
      }),
    );
}
