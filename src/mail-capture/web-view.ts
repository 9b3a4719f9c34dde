import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressObject, ParsedMail } from 'mailparser';
import { Mailbox, type MessageSummary } from './mailbox';

const e = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const style = `
body { font-family: system-ui, sans-serif; margin: 24px; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
a { color: #0b57d0; }
pre { white-space: pre-wrap; background: #fafafa; border: 1px solid #ddd; padding: 12px; }
iframe { width: 100%; height: 70vh; border: 1px solid #ddd; }
.muted { color: #666; }`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${e(title)}</title><style>${style}</style></head><body>${body}</body></html>`;
}

function when(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour12: false });
}

function addresses(field: AddressObject | AddressObject[] | undefined): string {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.map((a) => a.text).join(', ');
}

function listPage(messages: MessageSummary[], smtpPort: number): string {
  const rows = messages
    .map(
      (m) =>
        `<tr><td>${e(when(m.receivedAt))}</td><td>${e(m.from)}</td><td>${e(m.to.join(', '))}</td>` +
        `<td><a href="/thu/${m.id}">${e(m.subject || '(không có tiêu đề)')}</a></td><td>${m.attachments || ''}</td></tr>`,
    )
    .join('');
  return page(
    'Hộp thư thử nghiệm',
    `<h1>Hộp thư thử nghiệm</h1>
<p class="muted">Thư gửi đến máy chủ SMTP cục bộ 127.0.0.1:${smtpPort} được giữ lại ở đây, không gửi ra ngoài. Có ${messages.length} thư.</p>
<table><thead><tr><th>Thời gian nhận</th><th>Người gửi</th><th>Người nhận</th><th>Tiêu đề</th><th>Tệp đính kèm</th></tr></thead>
<tbody>${rows || '<tr><td colspan="5" class="muted">Chưa có thư nào.</td></tr>'}</tbody></table>`,
  );
}

function messagePage(id: string, mail: ParsedMail): string {
  const files = mail.attachments
    .map(
      (a, i) =>
        `<li><a href="/thu/${id}/tep/${i}">${e(a.filename ?? `tệp ${i + 1}`)}</a> <span class="muted">(${e(a.contentType)}, ${a.size} byte)</span></li>`,
    )
    .join('');
  const html = typeof mail.html === 'string' ? mail.html : '';
  return page(
    mail.subject ?? 'Thư',
    `<p><a href="/">← Danh sách thư</a></p>
<h1>${e(mail.subject ?? '(không có tiêu đề)')}</h1>
<table>
<tr><th>Người gửi</th><td>${e(addresses(mail.from))}</td></tr>
<tr><th>Người nhận</th><td>${e(addresses(mail.to))}</td></tr>
<tr><th>Trả lời đến</th><td>${e(addresses(mail.replyTo))}</td></tr>
<tr><th>Ngày gửi</th><td>${e(mail.date ? when(mail.date.toISOString()) : '')}</td></tr>
<tr><th>Message-ID</th><td>${e(mail.messageId ?? '')}</td></tr>
<tr><th>Tệp gốc</th><td><a href="/thu/${id}.eml">Tải về .eml</a></td></tr>
</table>
${files ? `<h2>Tệp đính kèm</h2><ul>${files}</ul>` : ''}
${html ? `<h2>Nội dung HTML</h2><iframe sandbox srcdoc="${e(html)}" title="Nội dung HTML"></iframe>` : ''}
<h2>Nội dung văn bản</h2><pre>${e(mail.text ?? '')}</pre>`,
  );
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': type,
    // The messages' HTML is shown in a sandboxed frame: no scripts, no remote content.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'",
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

function contentDisposition(filename: string): string {
  const ascii = filename
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

async function route(mailbox: Mailbox, smtpPort: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return send(res, 405, 'text/plain; charset=utf-8', 'Chỉ hỗ trợ GET.');
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  let m: RegExpMatchArray | null;
  if (path === '/') return send(res, 200, 'text/html; charset=utf-8', listPage(await mailbox.list(), smtpPort));
  if (path === '/api/thu')
    return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(await mailbox.list()));
  if ((m = path.match(/^\/thu\/([^/]+)\.eml$/))) {
    const raw = await mailbox.raw(m[1]);
    if (raw) return send(res, 200, 'message/rfc822', raw, { 'Content-Disposition': contentDisposition(`${m[1]}.eml`) });
  } else if ((m = path.match(/^\/thu\/([^/]+)\/tep\/(\d+)$/))) {
    const attachment = (await mailbox.read(m[1]))?.attachments[Number(m[2])];
    if (attachment) {
      return send(res, 200, attachment.contentType, attachment.content, {
        'Content-Disposition': contentDisposition(attachment.filename ?? `tep-${m[2]}`),
      });
    }
  } else if ((m = path.match(/^\/thu\/([^/]+)$/))) {
    const mail = await mailbox.read(m[1]);
    if (mail) return send(res, 200, 'text/html; charset=utf-8', messagePage(m[1], mail));
  }
  send(
    res,
    404,
    'text/html; charset=utf-8',
    page('Không tìm thấy', '<h1>Không tìm thấy</h1><p><a href="/">← Danh sách thư</a></p>'),
  );
}

/** The web view of a mailbox: list, one message (text, sandboxed HTML, attachments), raw `.eml`, and `/api/thu` as JSON. */
export function createWebView(mailbox: Mailbox, smtpPort: number): Server {
  return createServer((req, res) => {
    route(mailbox, smtpPort, req, res).catch((err: Error) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `Lỗi đọc hộp thư: ${err.message}`);
      else res.end();
    });
  });
}
