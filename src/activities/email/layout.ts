/** The parts of an email before layout: the same content becomes the plain-text and the HTML part. */
export interface Letter {
  subject: string;
  /** Agencies or people addressed ("Kính gửi: …"). */
  to: string[];
  paragraphs: string[];
  /** Label → value rows: plan, task, period, due date … */
  facts: Array<[string, string]>;
  /** Text written by an agency (forwarded input), set apart from the system's own words. */
  quote?: { title: string; text: string };
  /** A titled bullet list (missing agencies). */
  list?: { title: string; items: string[] };
  /** How to act: a sentence and an optional link. */
  action?: { text: string; url?: string };
  notes?: string[];
  /** Who sends it, under "Trân trọng." */
  signature: string;
}

/** A rendered email body. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

const footer = 'Thư này do hệ thống Đôn đốc gửi tự động.';

function toText(letter: Letter): string {
  const lines: string[] = [`Kính gửi: ${letter.to.join('; ')}.`, ''];
  for (const p of letter.paragraphs) lines.push(p, '');
  const width = Math.max(...letter.facts.map(([label]) => label.length));
  for (const [label, value] of letter.facts) lines.push(`${`${label}:`.padEnd(width + 2)}${value}`);
  if (letter.facts.length) lines.push('');
  if (letter.quote) {
    lines.push(letter.quote.title);
    for (const line of letter.quote.text.split(/\r?\n/)) lines.push(`> ${line}`.trimEnd());
    lines.push('');
  }
  if (letter.list) {
    lines.push(letter.list.title);
    for (const item of letter.list.items) lines.push(`  - ${item}`);
    lines.push('');
  }
  if (letter.action)
    lines.push(letter.action.url ? `${letter.action.text} ${letter.action.url}` : letter.action.text, '');
  for (const note of letter.notes ?? []) lines.push(note, '');
  lines.push('Trân trọng.', '', '-- ', letter.signature, footer);
  return lines.join('\n').normalize('NFC');
}

function toHtml(letter: Letter): string {
  const e = escapeHtml;
  const parts: string[] = [
    '<!doctype html>',
    '<html lang="vi"><head><meta charset="utf-8">',
    `<title>${e(letter.subject)}</title></head>`,
    '<body style="font-family: \'Times New Roman\', Times, serif; font-size: 15px; color: #1a1a1a; line-height: 1.5;">',
    `<p><strong>Kính gửi:</strong> ${e(letter.to.join('; '))}.</p>`,
    ...letter.paragraphs.map((p) => `<p>${e(p)}</p>`),
  ];
  if (letter.facts.length) {
    parts.push('<table style="border-collapse: collapse; margin: 8px 0;">');
    for (const [label, value] of letter.facts) {
      parts.push(
        `<tr><th style="text-align: left; vertical-align: top; padding: 4px 12px 4px 0; white-space: nowrap;">${e(label)}</th>` +
          `<td style="padding: 4px 0;">${e(value)}</td></tr>`,
      );
    }
    parts.push('</table>');
  }
  if (letter.quote) {
    parts.push(
      `<p>${e(letter.quote.title)}</p>`,
      `<blockquote style="margin: 0 0 8px 0; padding: 4px 12px; border-left: 3px solid #999; white-space: pre-wrap;">${e(letter.quote.text)}</blockquote>`,
    );
  }
  if (letter.list) {
    parts.push(`<p>${e(letter.list.title)}</p><ul>`, ...letter.list.items.map((i) => `<li>${e(i)}</li>`), '</ul>');
  }
  if (letter.action) {
    parts.push(
      letter.action.url
        ? `<p>${e(letter.action.text)} <a href="${e(letter.action.url)}">${e(letter.action.url)}</a></p>`
        : `<p>${e(letter.action.text)}</p>`,
    );
  }
  for (const note of letter.notes ?? []) parts.push(`<p style="color: #555;">${e(note)}</p>`);
  parts.push(
    '<p>Trân trọng.</p>',
    `<p style="color: #555; border-top: 1px solid #ccc; padding-top: 8px;">${e(letter.signature)}<br>${e(footer)}</p>`,
    '</body></html>',
  );
  return parts.join('\n').normalize('NFC');
}

/** Lays a letter out as plain text and HTML, NFC-normalised. */
export function renderLetter(letter: Letter): RenderedEmail {
  return { subject: letter.subject.normalize('NFC'), text: toText(letter), html: toHtml(letter) };
}
