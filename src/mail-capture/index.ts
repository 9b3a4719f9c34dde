import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Mailbox } from './mailbox';
import { createWebView } from './web-view';

/** Where the capture listens and keeps its files; port 0 picks a free port. */
export interface MailCaptureOptions {
  smtpPort: number;
  httpPort: number;
  /** Folder of the `.eml` files, e.g. `.dondoc/mail`. */
  dir: string;
  /** Largest message accepted, bytes (default 50 MiB). */
  maxMessageBytes?: number;
}

/** A running capture. */
export interface MailCapture {
  smtpPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

function listen(
  server: {
    listen(port: number, host: string, cb: () => void): unknown;
    once(event: 'error', cb: (err: Error) => void): unknown;
  },
  port: number,
  address: () => AddressInfo | string | null,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const info = address();
      resolve(typeof info === 'object' && info ? info.port : port);
    });
  });
}

/**
 * The local mail capture for embedded defaults: an SMTP server on 127.0.0.1 that keeps every message as an `.eml`
 * file and never relays it, and a web page on 127.0.0.1 where a person reads them.
 */
export async function startMailCapture(options: MailCaptureOptions): Promise<MailCapture> {
  const mailbox = new Mailbox(options.dir);
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    // The client is always loopback: no reverse DNS lookup per connection (up to 1.5 s without a resolver).
    disableReverseLookup: true,
    size: options.maxMessageBytes ?? 50 * 1024 * 1024,
    logger: false,
    banner: 'dondoc mail capture',
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
          return callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
        }
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        mailbox.save(Buffer.concat(chunks), envelope).then(
          (id) => callback(null, `Đã lưu ${id}`),
          // 451: the sender keeps the message and tries again later.
          (err: Error) =>
            callback(Object.assign(new Error(`Cannot store message: ${err.message}`), { responseCode: 451 })),
        );
      });
    },
  });
  const smtpPort = await listen(smtp, options.smtpPort, () => smtp.server.address());
  const web = createWebView(mailbox, smtpPort);
  let httpPort: number;
  try {
    httpPort = await listen(web, options.httpPort, () => web.address());
  } catch (err) {
    await new Promise<void>((r) => smtp.close(() => r()));
    throw err;
  }
  return {
    smtpPort,
    httpPort,
    stop: async () => {
      web.closeAllConnections();
      await Promise.all([
        new Promise<void>((r) => smtp.close(() => r())),
        new Promise<void>((r) => web.close(() => r())),
      ]);
    },
  };
}
