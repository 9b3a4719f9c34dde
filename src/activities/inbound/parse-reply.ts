import { createHash } from 'node:crypto';
import EmailReplyParser from 'email-reply-parser';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { trimEndMatching } from '../../text/trim';

/** A file attached to a reply. */
export interface ReplyAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** What dondoc takes from a received message. */
export interface ParsedReply {
  /** The Message-ID with its angle brackets; derived from the content when the message has none. */
  messageId: string;
  /** The From address, lowercase. */
  from?: string;
  fromName?: string;
  subject: string;
  /** Every address the message was for (To, Cc, Delivered-To, X-Original-To), lowercase. */
  recipients: string[];
  /** The reply's own text: no quoted original, no signature; NFC. */
  text: string;
  attachments: ReplyAttachment[];
  /** The Message-IDs it answers (In-Reply-To and References). */
  references: string[];
  /** Why this is an automatic message (an out-of-office answer, a bounce), which must not become a report. */
  automated?: string;
}

// Lines where a quoted original starts, in the forms mail clients write them (Vietnamese first).
const QUOTE_STARTS: readonly RegExp[] = [
  // Gmail in Vietnamese: "Vào Th 2, 15 thg 5, 2025 lúc 08:00 Sở Nội vụ <a@b> đã viết:", and "Vào lúc …, … đã viết:".
  /^Vào\s[^]*\sđã viết\s*:?$/i,
  // Gmail, Apple Mail, Thunderbird in English: "On Mon, 15 May 2025 at 08:00, Name <a@b> wrote:".
  /^On\s[^]*\swrote\s*:?$/i,
  // Outlook: "-----Original Message-----", in Vietnamese "-----Thư gốc-----".
  /^-{2,}\s*(?:Original Message|Thư gốc|Tin nhắn gốc)\s*-{2,}$/i,
  /^_{10,}$/,
];

// Outlook's header block of the quoted message: "From:"/"Từ:" followed by "Sent:"/"Đã gửi:"/"Date:"/"Ngày:".
const OUTLOOK_FROM = /^\*?(?:From|Từ)\s*:\*?\s*\S/i;
const OUTLOOK_NEXT = /^\*?(?:Sent|Date|Đã gửi|Ngày gửi|Ngày|To|Đến|Subject|Chủ đề|Cc)\s*:/i;

// Mobile and webmail signatures the library does not know, in Vietnamese and English.
const SIGNATURE_LINES: readonly RegExp[] = [
  /^(?:Gửi|Được gửi) từ (?:iPhone|iPad|điện thoại|thiết bị|ứng dụng|Samsung|Mail|Outlook)\b.*$/i,
  /^Sent from (?:my |Mail |Outlook |Yahoo ).*$/i,
  /^Get Outlook for .*$/i,
];

/** Where the quoted original starts in `lines`, or `lines.length`. */
function quoteStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    // A header the client wrapped over two or three lines ("… <\nabc@x.vn> đã viết:").
    for (let span = 1; span <= 3 && i + span <= lines.length; span++) {
      const joined = lines
        .slice(i, i + span)
        .map((l) => l.trim())
        .join(' ');
      if (QUOTE_STARTS.some((re) => re.test(joined))) return i;
    }
    if (OUTLOOK_FROM.test(line)) {
      const next = lines.slice(i + 1, i + 5).filter((l) => l.trim());
      if (next.length > 0 && OUTLOOK_NEXT.test(next[0].trim())) return i;
    }
  }
  return lines.length;
}

/** The reply's own text from a plain-text body: the quoted original, "> " lines and the signature removed. */
export function replyText(body: string): string {
  const lines = body.normalize('NFC').replace(/\r\n?/g, '\n').split('\n');
  const own = lines.slice(0, quoteStart(lines));
  // Trailing "> " quoting the client put without a header.
  while (own.length && (own[own.length - 1].trim() === '' || /^\s*>/.test(own[own.length - 1]))) own.pop();
  const signature = own.findIndex((l) => SIGNATURE_LINES.some((re) => re.test(l.trim())));
  const kept = signature >= 0 ? own.slice(0, signature) : own;
  // The library removes the remaining quoted fragments and "-- " signatures.
  const visible = new EmailReplyParser().read(`${kept.join('\n')}\n`).getVisibleText();
  return (
    visible
      // Each line without its trailing spaces; `/[ \t]+$/gm` is quadratic on a long run of spaces inside a line.
      .replace(/[^\r\n\u2028\u2029]+/g, (line) => trimEndMatching(line, /[ \t]/))
      .replace(/\n{3,}/g, '\n\n')
      .trim()
      .normalize('NFC')
  );
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value.flatMap((v) => (v.address ? [v.address.toLowerCase()] : [])));
}

function headerAddresses(mail: ParsedMail, name: string): string[] {
  return mail.headerLines
    .filter((h) => h.key === name)
    .flatMap((h) => h.line.slice(h.line.indexOf(':') + 1).split(','))
    .map((a) => a.trim().replace(/^.*</, '').replace(/>.*$/, '').toLowerCase())
    .filter((a) => a.includes('@'));
}

function header(mail: ParsedMail, name: string): string {
  const value = mail.headers.get(name);
  return typeof value === 'string' ? value.toLowerCase() : '';
}

/** Why a message is automatic (RFC 3834 and the headers mail systems use), or undefined. */
function automatedReason(mail: ParsedMail): string | undefined {
  const auto = header(mail, 'auto-submitted');
  if (auto && auto !== 'no') return `thư tự động (Auto-Submitted: ${auto})`;
  if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond')) return 'thư trả lời tự động';
  const precedence = header(mail, 'precedence');
  if (['auto_reply', 'bulk', 'junk', 'list'].includes(precedence)) return `thư tự động (Precedence: ${precedence})`;
  const type = mail.headers.get('content-type') as { value?: string } | undefined;
  if (type?.value?.toLowerCase() === 'multipart/report') return 'thư báo lỗi gửi thư (bounce)';
  return undefined;
}

/** Parses a raw message: who sent it, to which addresses, the reply's own text (HTML-only replies as text), its files. */
export async function parseReply(raw: Buffer): Promise<ParsedReply> {
  const mail = await simpleParser(raw, { skipImageLinks: true });
  const from = addresses(mail.from)[0];
  const fromName = mail.from?.value[0]?.name || undefined;
  const recipients = [
    ...new Set([
      ...addresses(mail.to),
      ...addresses(mail.cc),
      ...headerAddresses(mail, 'delivered-to'),
      ...headerAddresses(mail, 'x-original-to'),
    ]),
  ];
  // mailparser turns an HTML-only body into text, with blockquotes as "> " lines.
  const body = mail.text ?? '';
  const attachments = mail.attachments
    // Pictures of an HTML signature (inline, referenced by cid:) are not the agency's files.
    .filter((a) => !(a.related && a.contentDisposition === 'inline'))
    .map((a, i) => ({
      filename: (a.filename || `tep-dinh-kem-${i + 1}`).normalize('NFC'),
      contentType: a.contentType || 'application/octet-stream',
      content: a.content,
    }));
  return {
    messageId: mail.messageId || `<${createHash('sha256').update(raw).digest('hex').slice(0, 32)}@dondoc.invalid>`,
    ...(from ? { from } : {}),
    ...(fromName ? { fromName: fromName.normalize('NFC') } : {}),
    subject: (mail.subject ?? '').normalize('NFC'),
    recipients,
    references: [
      ...new Set([mail.inReplyTo ?? [], mail.references ?? []].flat().flatMap((r) => r.match(/<[^<>\s]+>/g) ?? [])),
    ],
    text: replyText(body),
    attachments,
    ...(automatedReason(mail) ? { automated: automatedReason(mail) } : {}),
  };
}
