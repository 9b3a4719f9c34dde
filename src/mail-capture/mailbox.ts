import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

/** A captured message as the list shows it. */
export interface MessageSummary {
  id: string;
  /** ISO instant the capture received it. */
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  attachments: number;
}

const ID = /^[0-9TZ]+-[0-9a-f]{8}$/;

function addressList(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value.map((v) => (v.name ? `${v.name} <${v.address}>` : (v.address ?? ''))));
}

/** A folder of `.eml` files, one per captured message, named so that they sort by arrival. */
export class Mailbox {
  private readonly cache = new Map<string, { mtimeMs: number; parsed: ParsedMail }>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** True for ids this mailbox could have made (guards paths built from URLs). */
  static isId(id: string): boolean {
    return ID.test(id);
  }

  /** Keeps a message with the SMTP envelope in front (as an MTA's trace headers), written atomically. */
  async save(raw: Buffer, envelope: { from: string; to: string[] }, now = new Date()): Promise<string> {
    const id = `${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
    const trace = `X-Dondoc-Received-At: ${now.toISOString()}\r\nX-Dondoc-Envelope-From: ${envelope.from}\r\nX-Dondoc-Envelope-To: ${envelope.to.join(', ')}\r\n`;
    const file = join(this.dir, `${id}.eml`);
    await writeFile(`${file}.part`, Buffer.concat([Buffer.from(trace, 'utf8'), raw]));
    await rename(`${file}.part`, file);
    return id;
  }

  /** The raw bytes of a message, or undefined. */
  async raw(id: string): Promise<Buffer | undefined> {
    if (!Mailbox.isId(id)) return undefined;
    return readFile(join(this.dir, `${id}.eml`)).catch(() => undefined);
  }

  /** The parsed message, or undefined. */
  async read(id: string): Promise<ParsedMail | undefined> {
    if (!Mailbox.isId(id)) return undefined;
    const file = join(this.dir, `${id}.eml`);
    const info = await stat(file).catch(() => undefined);
    if (!info) return undefined;
    const cached = this.cache.get(id);
    if (cached && cached.mtimeMs === info.mtimeMs) return cached.parsed;
    const parsed = await simpleParser(await readFile(file));
    this.cache.set(id, { mtimeMs: info.mtimeMs, parsed });
    return parsed;
  }

  /** Every message, newest first. */
  async list(): Promise<MessageSummary[]> {
    const ids = (await readdir(this.dir))
      .filter((f) => f.endsWith('.eml'))
      .map((f) => f.slice(0, -4))
      .filter(Mailbox.isId)
      .sort()
      .reverse();
    const out: MessageSummary[] = [];
    for (const id of ids) {
      const mail = await this.read(id);
      if (!mail) continue;
      const receivedAt = String(mail.headers.get('x-dondoc-received-at') ?? mail.date?.toISOString() ?? '');
      out.push({
        id,
        receivedAt,
        from: addressList(mail.from)[0] ?? '',
        to: addressList(mail.to),
        subject: mail.subject ?? '',
        attachments: mail.attachments.length,
      });
    }
    return out;
  }
}
