import nodemailer from 'nodemailer';

/** A file attached to an email. */
export interface MailAttachment {
  filename: string;
  content: Buffer | string;
  contentType: string;
}

/** One email ready to go: rendered, addressed, with its deterministic Message-ID. */
export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  attachments?: MailAttachment[];
  replyTo?: string[];
  headers?: Record<string, string>;
}

/** What the SMTP server answered. */
export interface Delivery {
  accepted: string[];
  rejected: string[];
  response: string;
}

/** Sends emails; the only door to SMTP. */
export interface Mailer {
  /** The From address. */
  readonly from: string;
  /** Where mail goes, for people (no password). */
  readonly description: string;
  send(mail: OutgoingMail): Promise<Delivery>;
  close(): void;
}

/** Where and as whom to send. */
export interface MailerConfig {
  /** `smtp://user:pass@host:587` (STARTTLS when offered), `smtps://user:pass@host:465` (TLS). */
  smtpUrl: string;
  from: string;
  /** True for the local capture: plain SMTP on loopback, no TLS upgrade. */
  local?: boolean;
}

/** The local capture's SMTP port when `DONDOC_MAIL_CAPTURE_SMTP_PORT` does not say. */
export const defaultCaptureSmtpPort = 2525;

/** `SMTP_URL` and `MAIL_FROM`; without `SMTP_URL`, the local mail capture on 127.0.0.1. */
export function mailerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MailerConfig {
  const from = env.MAIL_FROM || '"Hệ thống Đôn đốc" <dondoc@localhost>';
  if (env.SMTP_URL) return { smtpUrl: env.SMTP_URL, from };
  const port = Number(env.DONDOC_MAIL_CAPTURE_SMTP_PORT || defaultCaptureSmtpPort);
  return { smtpUrl: `smtp://127.0.0.1:${port}`, from, local: true };
}

/** The SMTP URL without its password. */
export function describeSmtpUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(SMTP_URL không hợp lệ)';
  }
}

/** A nodemailer SMTP transport from configuration. */
export function createMailer(config: MailerConfig): Mailer {
  let url: URL;
  try {
    url = new URL(config.smtpUrl);
  } catch {
    throw new Error(`SMTP_URL không hợp lệ: cần dạng smtp://người-dùng:mật-khẩu@máy-chủ:587 hoặc smtps://…:465`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL phải bắt đầu bằng smtp:// hoặc smtps://, nhận được ${url.protocol}//`);
  }
  const transport = nodemailer.createTransport({
    url: config.smtpUrl,
    // Reused connections: a burst of reminders does not pay the TCP/TLS/EHLO handshake per message.
    pool: true,
    maxConnections: 3,
    // Bounded waits: a hung server fails the attempt and Temporal retries it, instead of blocking the activity.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    ...(config.local ? { ignoreTLS: true } : {}),
  });
  return {
    from: config.from,
    description: config.local
      ? `hộp thư thử nghiệm ${describeSmtpUrl(config.smtpUrl)}`
      : describeSmtpUrl(config.smtpUrl),
    async send(mail: OutgoingMail): Promise<Delivery> {
      const info = await transport.sendMail({
        from: config.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        attachments: mail.attachments,
        replyTo: mail.replyTo?.length ? mail.replyTo : undefined,
        headers: mail.headers,
        // Vietnamese text is largely multi-byte UTF-8: base64 is smaller than quoted-printable for it, and faster to encode.
        textEncoding: 'base64',
      });
      const addresses = (list: unknown): string[] =>
        Array.isArray(list)
          ? list.map((a) => (typeof a === 'string' ? a : String((a as { address?: string }).address)))
          : [];
      return {
        accepted: addresses(info.accepted),
        rejected: addresses(info.rejected),
        response: String(info.response ?? ''),
      };
    },
    close: () => transport.close(),
  };
}

/**
 * The mailer of previews such as `dondoc simulate`: each message reaches it rendered and addressed, and it delivers
 * none. Thousands of messages that nobody will read skip MIME encoding and SMTP.
 */
export function createPreviewMailer(from: string): Mailer {
  return {
    from,
    description: 'xem trước (không gửi thư)',
    send: async (mail) => ({ accepted: [...mail.to], rejected: [], response: 'preview: not delivered' }),
    close: () => undefined,
  };
}
