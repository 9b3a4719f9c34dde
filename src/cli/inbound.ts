import type { Command } from 'commander';
import type { InboundMessage, InboundStatus } from '../activities/storage/store';
import { CommandError, runCommand } from './client';

const STATUS_TEXT: Record<InboundStatus, string> = {
  accepted: 'đã ghi nhận',
  rejected: 'không nhận',
  'pending-confirmation': 'chờ xác nhận',
  'unknown-key': 'không tìm thấy địa chỉ',
  closed: 'kỳ đã đóng',
};

/** One line per received message, for officers. */
export function formatInbound(messages: readonly InboundMessage[]): string[] {
  if (messages.length === 0) return ['Không có thư trả lời nào (no inbound messages).'];
  return messages.map((m) => {
    const at = new Date(m.receivedAt).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour12: false });
    const outcome = m.reportId ? ` → ${m.reportId}` : m.reason ? ` — ${m.reason}` : '';
    return `${m.id}  ${at}  ${STATUS_TEXT[m.status]}  ${m.sender}  “${m.subjectLine}”${outcome}`;
  });
}

/** `dondoc inbound --list`: the messages received, optionally of one status. */
export async function inboundListCommand(
  status: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<InboundMessage[]> {
  if (status && !(status in STATUS_TEXT)) {
    throw new CommandError(`--status ${status}: cần một trong ${Object.keys(STATUS_TEXT).join(', ')}`, 2);
  }
  const { openStore, storeConfigFromEnv } = await import('../activities/storage');
  const { envWithDataHome } = await import('../services/data-home');
  const store = await openStore(storeConfigFromEnv(envWithDataHome(env)));
  try {
    return await store.listInbound(status ? { status: status as InboundStatus } : {});
  } finally {
    await store.close();
  }
}

/**
 * `dondoc inbound`: the SMTP listener for replies alone, for production (the organisation's mail server forwards the
 * reply domain to it), until SIGINT or SIGTERM.
 */
export async function inboundCommand(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { startInboundFromEnv } = await import('../inbound/inbound-from-env');
  const inbound = await startInboundFromEnv(env);
  console.log(
    `dondoc inbound đang chạy (running): SMTP ${inbound.listener.host}:${inbound.listener.port}, ` +
      `nhận thư gửi đến ${inbound.reply.prefix}+<khóa>@${inbound.reply.domain}`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  console.log('Đang dừng (stopping)…');
  await inbound.stop();
}

/**
 * `dondoc inbound --imap imaps://user@host/INBOX`: reads the replies from a mailbox instead of listening for SMTP, every
 * `everySeconds`; the password is `DONDOC_IMAP_PASSWORD`. Runs until SIGINT or SIGTERM.
 */
export async function inboundImapCommand(
  url: string,
  everySeconds: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const { imapMailboxFromUrl, startImapPoller } = await import('../inbound/imap-poller');
  const { inboundDepsFromEnv } = await import('../inbound/inbound-from-env');
  const { receiveReply } = await import('../services/inbound-reply');
  let mailbox;
  try {
    mailbox = imapMailboxFromUrl(url);
  } catch (err) {
    throw new CommandError((err as Error).message, 2);
  }
  const password = env.DONDOC_IMAP_PASSWORD;
  if (!password) throw new CommandError('--imap cần mật khẩu hộp thư trong DONDOC_IMAP_PASSWORD', 2);
  if (!Number.isFinite(everySeconds) || everySeconds < 5) throw new CommandError('--every: ít nhất 5 giây', 2);
  const { deps, close } = await inboundDepsFromEnv(env);
  const poller = startImapPoller({
    mailbox,
    password,
    receive: (raw) => receiveReply(deps, raw),
    everyMs: everySeconds * 1000,
    warn: (line) => console.warn(`dondoc inbound: ${line}`),
  });
  console.log(
    `dondoc inbound đang đọc hộp thư (polling) ${mailbox.user}@${mailbox.host}/${mailbox.mailbox} mỗi ${everySeconds} giây`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  console.log('Đang dừng (stopping)…');
  await poller.stop();
  await close();
}

/** Registers `dondoc inbound`. */
export function registerInbound(program: Command): void {
  program
    .command('inbound')
    .description('Nhận thư trả lời của các cơ quan (máy chủ SMTP, hoặc đọc hộp thư IMAP) và ghi nhận thành báo cáo')
    .option('--list', 'liệt kê các thư trả lời đã nhận rồi thoát')
    .option('--status <status>', 'với --list: chỉ thư có trạng thái này (ví dụ pending-confirmation)')
    .option(
      '--imap <url>',
      'đọc thư từ hộp thư IMAP thay vì nhận qua SMTP, ví dụ imaps://baocao@mail.tinh.gov.vn/INBOX',
    )
    .option('--every <seconds>', 'với --imap: đọc hộp thư mỗi chừng ấy giây', '60')
    .action((options: { list?: boolean; status?: string; imap?: string; every: string }) =>
      runCommand(async () => {
        if (options.list) {
          for (const line of formatInbound(await inboundListCommand(options.status))) console.log(line);
          return;
        }
        if (options.imap) {
          await inboundImapCommand(options.imap, Number(options.every));
          return;
        }
        await inboundCommand();
      }),
    );
}
