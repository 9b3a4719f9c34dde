import { ImapFlow } from 'imapflow';
import type { InboundOutcome } from '../services/inbound-reply';

/** Where the mailbox is: `imaps://user@host[:port]/MAILBOX` (TLS) or `imap://…` (STARTTLS when offered). */
export interface ImapMailbox {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  mailbox: string;
}

/** Reads `--imap`'s URL; the password comes apart (`DONDOC_IMAP_PASSWORD`), never in the URL or the logs. */
export function imapMailboxFromUrl(text: string): ImapMailbox {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--imap ${text}: cần dạng imaps://người-dùng@máy-chủ/INBOX`);
  }
  if (url.protocol !== 'imaps:' && url.protocol !== 'imap:') {
    throw new Error(`--imap phải bắt đầu bằng imaps:// hoặc imap://, nhận được ${url.protocol}//`);
  }
  if (url.password) throw new Error('--imap: không ghi mật khẩu trong địa chỉ; đặt DONDOC_IMAP_PASSWORD');
  if (!url.username) throw new Error('--imap: thiếu tên đăng nhập (imaps://người-dùng@máy-chủ/INBOX)');
  const secure = url.protocol === 'imaps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(url.username),
    mailbox: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX',
  };
}

/** What one pass over the mailbox did. */
export interface ImapPass {
  /** Messages handed to the service and marked seen. */
  processed: number;
  /** Left unseen because the service deferred them (Temporal did not answer): read again on the next pass. */
  deferred: number;
}

/**
 * One pass: each unseen message goes through `receive`, and is marked seen only once it has been processed, so a
 * message the service deferred (or a crash mid-pass) is read again next time; the Message-ID makes that safe.
 */
export async function pollImapOnce(
  mailbox: ImapMailbox,
  password: string,
  receive: (raw: Buffer) => Promise<InboundOutcome>,
): Promise<ImapPass> {
  const client = new ImapFlow({
    host: mailbox.host,
    port: mailbox.port,
    secure: mailbox.secure,
    auth: { user: mailbox.user, pass: password },
    logger: false,
  });
  const pass: ImapPass = { processed: 0, deferred: 0 };
  await client.connect();
  try {
    const lock = await client.getMailboxLock(mailbox.mailbox);
    try {
      const uids = (await client.search({ seen: false }, { uid: true })) || [];
      for (const uid of uids) {
        const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (!message || !message.source) continue;
        try {
          await receive(message.source);
        } catch (err) {
          if ((err as Error).name !== 'InboundDeferredError') throw err;
          // Temporal is not answering: the rest would be deferred too.
          pass.deferred = uids.length - pass.processed;
          break;
        }
        await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        pass.processed++;
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return pass;
}

/** Polls the mailbox every `everyMs` until stopped; a failed pass is reported and the next one tries again. */
export function startImapPoller(options: {
  mailbox: ImapMailbox;
  password: string;
  receive: (raw: Buffer) => Promise<InboundOutcome>;
  everyMs: number;
  warn: (line: string) => void;
}): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = pollImapOnce(options.mailbox, options.password, options.receive)
      .then((pass) => {
        if (pass.deferred) options.warn(`${pass.deferred} thư chưa xử lý được (Temporal không trả lời), sẽ đọc lại`);
      })
      .catch((err: Error) => options.warn(`không đọc được hộp thư ${options.mailbox.host}: ${err.message}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.everyMs);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
