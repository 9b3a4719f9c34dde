import { stripDiacritics } from '../../text/diacritics';
import { firstLabel } from './fields';
import { slice, type Span } from './segment';
import { trimEndMatching } from '../../text/trim';

/** Words that open a sentence of a plan's body; capitalized right after a lowercase word they start one without punctuation. */
const NEW_SENTENCE =
  /(?<=\p{Ll}) (?=(?:Các|Căn cứ|Giao|Đề nghị|Yêu cầu|Tổ chức|Tiếp tục|Tiếp nhận|Triển khai|Thực hiện|Xây dựng|Tăng cường|Đẩy mạnh|Phối hợp|Chủ động|Nâng cao|Hướng dẫn|Rà soát|Tuyên truyền|Cung cấp|Hằng năm|Hàng năm|Định kỳ|Trên cơ sở|Nghiên cứu|Theo dõi|Duy trì|Khảo sát|Bố trí|Ban hành|Kiện toàn|Biên soạn|Sản xuất|Mở|Lồng ghép)[ ,])/u;
const SENTENCE_END = /[.!?…](?=\s+[\p{Lu}“"(«-]|\s*$)/gu;

/**
 * Cuts a heading into its title and the text after it. The title ends at the first sentence end, bullet,
 * paragraph break, or a capitalized "Các"/"Căn cứ" that starts a new sentence without punctuation.
 */
export function splitTitle(span: Span): { title: string; rest: Span } {
  const text = span.text;
  const cuts: number[] = [...span.bullets, ...span.breaks].filter((c) => c > 0);
  for (const m of text.matchAll(SENTENCE_END)) {
    cuts.push((m.index ?? 0) + 1);
    break;
  }
  const label = firstLabel(text);
  if (label > 0) cuts.push(label);
  const newSentence = NEW_SENTENCE.exec(text);
  if (newSentence) cuts.push(newSentence.index + 1);
  const cut = cuts.length > 0 ? Math.min(...cuts) : text.length;
  return { title: cleanTitle(text.slice(0, cut)), rest: slice(span, cut) };
}

/** A title without surrounding punctuation and quotes. */
export function cleanTitle(text: string): string {
  return trimEndMatching(text.replace(/\s+/g, ' ').replace(/^[\s\-–:.]+/u, ''), /[\s.;:,]/u).trim();
}

/** Text for people: one line per bullet item, single spaces. */
export function formatContent(span: Span): string {
  const text = span.text;
  const cuts = [...new Set(span.bullets.filter((b) => b > 0))].sort((a, b) => a - b);
  const parts: string[] = [];
  let from = 0;
  for (const cut of cuts) {
    parts.push(text.slice(from, cut).trim());
    from = cut;
  }
  parts.push(text.slice(from).trim());
  return parts.filter(Boolean).join('\n');
}

const leading = (text: string) => text.length - text.trimStart().length;

/** Sentences of a text (ending in ". " before a capital, or the end), with their offsets. */
export function sentences(text: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let from = 0;
  for (const m of text.matchAll(SENTENCE_END)) {
    const end = (m.index ?? 0) + 1;
    if (text[end - 1] === ';') continue;
    // Offsets point at the sentence's first character, so that its source line is the one it starts on.
    out.push({ text: text.slice(from, end).trim(), start: from + leading(text.slice(from, end)) });
    from = end;
  }
  if (from < text.length && text.slice(from).trim())
    out.push({ text: text.slice(from).trim(), start: from + leading(text.slice(from)) });
  return out;
}

/** "CÔNG TÁC THÔNG TIN ĐỐI NGOẠI TỈNH ĐẮK NÔNG" → "Công tác thông tin đối ngoại tỉnh Đắk Nông" when the province is known. */
export function fromCapitals(text: string, properNames: string[] = []): string {
  if (text !== text.toUpperCase()) return text;
  let out = text.toLowerCase();
  out = out.charAt(0).toUpperCase() + out.slice(1);
  for (const name of properNames) {
    const lower = name.toLowerCase();
    out = out.split(lower).join(name);
  }
  return out.replace(/\b(việt nam)\b/giu, 'Việt Nam');
}

/** "ĐẮK NÔNG" → "Đắk Nông". */
export function titleCase(text: string): string {
  return text
    .toLowerCase()
    .split(' ')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

/** A slug for ids: "Đắk Nông" → "dak-nong". */
export function slugify(text: string): string {
  return stripDiacritics(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
