import type { Command } from 'commander';
import { openStore, storeConfigFromEnv } from '../activities/storage';
import type { Store } from '../activities/storage/store';
import { AccountError, addUser, changePassword, listUsers, removeUser } from '../services/accounts';
import { envWithDataHome } from '../services/data-home';
import { formatInstant } from '../activities/email/dates';
import { CommandError, runCommand } from './client';

/** Runs `fn` on the environment's store (the one `dondoc up` and the web server use); account errors exit 2. */
export async function withAccountStore<T>(fn: (store: Store) => Promise<T>, env = process.env): Promise<T> {
  const store = await openStore(storeConfigFromEnv(envWithDataHome(env)));
  try {
    return await fn(store);
  } catch (err) {
    if (err instanceof AccountError) throw new CommandError(err.message, 2);
    throw err;
  } finally {
    await store.close();
  }
}

/** The password piped on stdin (first line), or undefined when stdin is a terminal or empty. */
export async function passwordFromStdin(stdin: NodeJS.ReadStream = process.stdin): Promise<string | undefined> {
  if (stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk));
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
  return line ? line : undefined;
}

/** Asks for a password twice on the terminal without echoing it. */
async function promptPassword(): Promise<string> {
  const ask = (question: string) =>
    new Promise<string>((resolve, reject) => {
      const stdin = process.stdin;
      process.stderr.write(question);
      let value = '';
      stdin.setRawMode(true);
      stdin.resume();
      const onData = (data: Buffer) => {
        for (const ch of data.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            finish();
            return resolve(value);
          }
          if (ch === '\u0003') {
            finish();
            return reject(new CommandError('đã hủy (cancelled)', 130));
          }
          if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
          else value += ch;
        }
      };
      const finish = () => {
        stdin.off('data', onData);
        stdin.setRawMode(false);
        stdin.pause();
        process.stderr.write('\n');
      };
      stdin.on('data', onData);
    });
  const first = await ask('Mật khẩu (password): ');
  const second = await ask('Nhập lại (again): ');
  if (first !== second) throw new CommandError('hai lần nhập mật khẩu không giống nhau (passwords differ)', 2);
  return first;
}

/** `--password-stdin`: the piped line; a terminal: asked twice; `undefined` (add only): generate one. */
async function readPassword(fromStdin: boolean, generateIfNone: boolean): Promise<string | undefined> {
  if (fromStdin) {
    const piped = await passwordFromStdin();
    if (!piped) throw new CommandError('không đọc được mật khẩu từ stdin (no password on stdin)', 2);
    return piped;
  }
  if (generateIfNone || !process.stdin.isTTY) {
    if (generateIfNone) return undefined;
    throw new CommandError('cần --password-stdin khi không chạy trong cửa sổ dòng lệnh (no terminal)', 2);
  }
  return promptPassword();
}

const roleLabel: Record<string, string> = { admin: 'quản trị (admin)', officer: 'cán bộ (officer)' };

/** Registers `dondoc user add|passwd|remove|list`. */
export function registerUser(program: Command): void {
  const user = program.command('user').description('Tài khoản đăng nhập trang web: thêm, đổi mật khẩu, xóa, liệt kê');

  user
    .command('add <name>')
    .description('Thêm tài khoản; không có --password-stdin thì tạo mật khẩu dùng một lần (đổi khi đăng nhập lần đầu)')
    .requiredOption('--role <role>', 'admin (xem và điều hành) hoặc officer (chỉ xem)')
    .option('--password-stdin', 'đọc mật khẩu từ dòng đầu của stdin')
    .option('--json', 'in kết quả dạng JSON')
    .action((name: string, o: { role: string; passwordStdin?: boolean; json?: boolean }) =>
      runCommand(async () => {
        const password = await readPassword(!!o.passwordStdin, true);
        const added = await withAccountStore((store) => addUser(store, { name, role: o.role, password }));
        if (o.json) return console.log(JSON.stringify(added, null, 2));
        console.log(`Đã thêm tài khoản ${added.name}, vai trò ${roleLabel[added.role]} (account added).`);
        if (added.password) {
          console.log(`Mật khẩu dùng một lần (one-time password): ${added.password}`);
          console.log('Mật khẩu này chỉ in một lần; người dùng phải đổi khi đăng nhập lần đầu.');
        }
      }),
    );

  user
    .command('passwd <name>')
    .description(
      'Đặt mật khẩu mới (hỏi hai lần, hoặc đọc từ stdin với --password-stdin); các phiên đăng nhập cũ kết thúc',
    )
    .option('--password-stdin', 'đọc mật khẩu từ dòng đầu của stdin')
    .action((name: string, o: { passwordStdin?: boolean }) =>
      runCommand(async () => {
        const password = (await readPassword(!!o.passwordStdin, false)) as string;
        await withAccountStore((store) => changePassword(store, name, password));
        console.log(`Đã đổi mật khẩu của ${name.normalize('NFC').trim()} (password changed).`);
      }),
    );

  user
    .command('remove <name>')
    .description('Xóa tài khoản; phiên đăng nhập của nó kết thúc ngay')
    .action((name: string) =>
      runCommand(async () => {
        await withAccountStore((store) => removeUser(store, name));
        console.log(`Đã xóa tài khoản ${name.normalize('NFC').trim()} (account removed).`);
      }),
    );

  user
    .command('list')
    .description('Liệt kê tài khoản')
    .option('--json', 'in kết quả dạng JSON')
    .action((o: { json?: boolean }) =>
      runCommand(async () => {
        const users = await withAccountStore((store) => listUsers(store));
        if (o.json) return console.log(JSON.stringify(users, null, 2));
        if (users.length === 0)
          return console.log('Chưa có tài khoản nào (no accounts): dondoc user add <tên> --role admin');
        for (const u of users) {
          const notes = [
            roleLabel[u.role],
            u.lastLoginAt ? `đăng nhập lần cuối ${formatInstant(u.lastLoginAt, 'Asia/Ho_Chi_Minh')}` : 'chưa đăng nhập',
            ...(u.mustChangePassword ? ['phải đổi mật khẩu'] : []),
            ...(u.disabled ? ['đã khóa'] : []),
          ];
          console.log(`${u.name}: ${notes.join(', ')}`);
        }
      }),
    );
}
