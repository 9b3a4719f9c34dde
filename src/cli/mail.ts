import { resolve } from 'node:path';
import type { Command } from 'commander';
import { defaultCaptureSmtpPort } from '../activities/email/transport';
import { openStore, storeConfigFromEnv } from '../activities/storage/open-store';
import type { SendLogEntry, SendStatus } from '../activities/storage/store';
import { startMailCapture } from '../mail-capture';

/** Exit codes: 0 done, 2 bad option or the database/port cannot be opened. */
const EXIT_BAD_INPUT = 2;

/** The capture's web page port when `DONDOC_MAIL_CAPTURE_HTTP_PORT` does not say. */
export const defaultCaptureHttpPort = 8025;

const statuses: readonly SendStatus[] = ['sending', 'sent', 'failed', 'rejected'];
const statusLabels: Record<SendStatus, string> = {
  sending: 'đang gửi',
  sent: 'đã gửi',
  failed: 'lỗi, sẽ gửi lại',
  rejected: 'bị từ chối',
};

class MailCliError extends Error {
  override readonly name = 'MailCliError';
}

function port(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new MailCliError(`${option}: cần số cổng 0–65535, nhận được "${text}"`);
  return n;
}

function when(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour12: false }) : '—';
}

function printLog(entries: SendLogEntry[]): void {
  if (entries.length === 0) {
    console.log('Nhật ký gửi thư trống.');
    return;
  }
  for (const e of entries) {
    console.log(
      `${statusLabels[e.status].padEnd(16)} ${when(e.firstSentAt ?? e.updatedAt).padEnd(22)} ${e.subjectLine}`,
    );
    console.log(
      `${''.padEnd(16)} đến: ${e.recipients.join(', ')}; ${e.attempts} lần gửi${e.lastError ? `; lỗi gần nhất: ${e.lastError}` : ''}`,
    );
    if (e.refused?.length) console.log(`${''.padEnd(16)} máy chủ thư từ chối: ${e.refused.join(', ')}`);
  }
  const count = (s: SendStatus) => entries.filter((e) => e.status === s).length;
  console.log(`\nTổng: ${entries.length} thư; ${statuses.map((s) => `${statusLabels[s]} ${count(s)}`).join('; ')}.`);
}

async function guard(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.name === 'MailCliError') console.error(`dondoc: ${e.message}`);
    else if (e.code === 'EADDRINUSE') console.error(`dondoc: cổng đã có chương trình khác dùng (${e.message})`);
    else console.error(`dondoc: không mở được cơ sở dữ liệu hoặc hộp thư: ${e.message}`);
    process.exitCode = EXIT_BAD_INPUT;
  }
}

/** `dondoc mail capture` (the local mail capture on its own) and `dondoc mail log` (what was sent, what failed). */
export function registerMail(program: Command): void {
  const mail = program.command('mail').description('Thư điện tử: hộp thư thử nghiệm và nhật ký gửi thư');

  mail
    .command('capture')
    .description('Chạy hộp thư thử nghiệm: máy chủ SMTP cục bộ giữ lại mọi thư và trang web để đọc thư')
    .option(
      '--smtp-port <port>',
      'cổng SMTP',
      process.env.DONDOC_MAIL_CAPTURE_SMTP_PORT ?? String(defaultCaptureSmtpPort),
    )
    .option(
      '--http-port <port>',
      'cổng trang web',
      process.env.DONDOC_MAIL_CAPTURE_HTTP_PORT ?? String(defaultCaptureHttpPort),
    )
    .option('--dir <dir>', 'thư mục lưu tệp .eml', '.dondoc/mail')
    .action((options: { smtpPort: string; httpPort: string; dir: string }) =>
      guard(async () => {
        const capture = await startMailCapture({
          smtpPort: port(options.smtpPort, '--smtp-port'),
          httpPort: port(options.httpPort, '--http-port'),
          dir: resolve(options.dir),
        });
        console.log(`Hộp thư thử nghiệm: http://127.0.0.1:${capture.httpPort}`);
        console.log(
          `SMTP: 127.0.0.1:${capture.smtpPort} — thư được lưu tại ${resolve(options.dir)}, không gửi ra ngoài.`,
        );
        console.log('Nhấn Ctrl+C để dừng.');
        await new Promise<void>((done) => {
          const stop = () => void capture.stop().then(done);
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      }),
    );

  mail
    .command('log')
    .description('Nhật ký gửi thư: thư đã gửi, đang gửi lại và bị từ chối (DATABASE_URL hoặc .dondoc/dondoc.db)')
    .option('--status <status>', `chỉ thư có trạng thái: ${statuses.join(', ')}`)
    .option('--plan <id>', 'chỉ thư của một kế hoạch')
    .option('--json', 'in dạng JSON')
    .action((options: { status?: string; plan?: string; json?: boolean }) =>
      guard(async () => {
        if (options.status !== undefined && !statuses.includes(options.status as SendStatus)) {
          throw new MailCliError(`--status: cần một trong ${statuses.join(', ')}, nhận được "${options.status}"`);
        }
        const store = await openStore(storeConfigFromEnv());
        try {
          const entries = await store.listSends({
            planId: options.plan,
            status: options.status as SendStatus | undefined,
          });
          if (options.json) console.log(JSON.stringify(entries, null, 2));
          else printLog(entries);
        } finally {
          await store.close();
        }
      }),
    );
}
