import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message the sink accepted: the SMTP envelope, the raw bytes and the parsed message. */
export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
}

/** An in-process SMTP server on loopback that keeps what it receives. */
export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  stop(): Promise<void>;
}

/** How the sink behaves: its port, addresses it refuses, and a wait before it accepts each message. */
export interface SmtpSinkOptions {
  port?: number;
  /** Answered 550. */
  rejectRecipients?: string[];
  /**
   * Awaited after a message's data arrived and before the sink keeps it and answers 250 (a slow server). A message
   * whose client disconnected meanwhile is dropped: the server never took it, as SMTP has it.
   */
  beforeAccept?: (envelope: ReceivedMail['envelope']) => Promise<void>;
}

/** Starts a sink (on `port`, or a free one); `rejectRecipients` answers 550 to those addresses. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const closed = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    // The client is always loopback: no reverse DNS lookup per connection (up to 1.5 s without a resolver).
    disableReverseLookup: true,
    logger: false,
    // Stopping closes the client's pooled connections after this long instead of waiting for it to quit.
    closeTimeout: 200,
    onClose(session) {
      if (options.beforeAccept) closed.add(session.id);
    },
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipients?.includes(address.address)) {
        const error = Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        Promise.resolve(options.beforeAccept?.(envelope))
          .then(() => simpleParser(raw))
          .then((parsed) => {
            if (!closed.has(session.id)) received.push({ envelope, raw, parsed });
            callback();
          })
          .catch(callback);
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return {
    port,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
