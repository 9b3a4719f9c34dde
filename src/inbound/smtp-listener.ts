import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { replyKeyOf, type ReplyAddressConfig } from '../activities/inbound/reply-address';
import { defaultAttachmentLimits } from '../activities/storage/attachments';
import type { InboundOutcome } from '../services/inbound-reply';

/** Where the listener listens and what it hands each message to. */
export interface SmtpListenerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host: string;
  reply: ReplyAddressConfig;
  /** Largest message accepted (bytes); larger ones are refused with 552 before they are read. */
  maxMessageBytes?: number;
  /** Takes one message; an `InboundDeferredError` (or any failure) answers 451 so the sender tries again later. */
  receive(raw: Buffer, envelope: { to: string[] }): Promise<InboundOutcome>;
  /** One line per problem, without message contents. */
  warn?(line: string): void;
}

/** A running listener. */
export interface SmtpListener {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** The embedded defaults: `DONDOC_INBOUND_SMTP_HOST` (127.0.0.1) and `DONDOC_INBOUND_SMTP_PORT` (2526). */
export const defaultInboundSmtpPort = 2526;

/** A report may carry a few files at the store's limit; base64 makes each a third larger. */
export const defaultMaxMessageBytes = Math.ceil(defaultAttachmentLimits.maxBytes * (4 / 3) * 3) + 1024 * 1024;

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * An SMTP server that takes mail for the reply addresses only (`<prefix>+<key>@<domain>`; any other recipient is
 * refused at RCPT with 550, so it relays nothing) and hands each message to `receive`. No TLS and no authentication:
 * it listens on loopback for the local mail server (or `dondoc up`'s capture) to deliver to.
 */
export async function startSmtpListener(options: SmtpListenerOptions): Promise<SmtpListener> {
  const warn = options.warn ?? (() => undefined);
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    size: options.maxMessageBytes ?? defaultMaxMessageBytes,
    logger: false,
    banner: 'dondoc inbound',
    onRcptTo(address, _session, callback) {
      if (replyKeyOf(options.reply, address.address)) return callback();
      callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here (only report replies are accepted)`));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
          return callback(smtpError(552, '5.3.4 Message too large'));
        }
        const to = session.envelope.rcptTo.map((r) => r.address);
        options.receive(Buffer.concat(chunks), { to }).then(
          (outcome) => callback(null, `2.0.0 ${outcome.status}${outcome.inboundId ? ` ${outcome.inboundId}` : ''}`),
          (err: Error) => {
            // Nothing was recorded: the sending server keeps the message and delivers it again later.
            if (err.name !== 'InboundDeferredError') warn(`thư đến bị hoãn vì lỗi: ${err.message}`);
            callback(smtpError(451, '4.3.0 Temporarily unable to take the message, try again later'));
          },
        );
      });
    },
  });
  server.on('error', (err) => warn(`máy chủ SMTP nhận thư: ${err.message}`));
  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.server.off('error', reject);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
  return {
    host: options.host,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
