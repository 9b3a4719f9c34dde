import { lineAt, slice, type Span } from './segment';

/** What a labelled field of a task gives. */
export type FieldRole = 'lead' | 'coordinators' | 'guidance' | 'timeframe' | 'content';

/** One "Label: value" found in a task's text. */
export interface Field {
  role: FieldRole;
  label: string;
  value: Span;
  line: number;
}

const LABEL =
  /(Cơ quan,? đơn vị chủ trì(?: thực hiện| tham mưu)?|(?:Cơ quan|Đơn vị) chủ trì(?: thực hiện| tham mưu)?|Chủ trì(?: thực hiện)?|Cơ quan,? đơn vị phối hợp(?: thực hiện)?|(?:Cơ quan|Đơn vị) phối hợp(?: thực hiện)?|Phối hợp(?: thực hiện)?|(?:Cơ quan|Đơn vị)(?:,? (?:cơ quan|đơn vị))? thực hiện|Cơ quan chỉ đạo,? hướng dẫn|Thời gian(?: thực hiện| hoàn thành)?|Thời hạn(?: hoàn thành| thực hiện)?|Tiến độ(?: thực hiện| hoàn thành)?|Nội dung(?: thực hiện| chính)?|Nhiệm vụ(?: cụ thể)?)\s*:/giu;

function roleOf(label: string): FieldRole {
  const l = label.toLowerCase();
  if (l.includes('chỉ đạo')) return 'guidance';
  if (
    l.includes('chủ trì') ||
    (l.endsWith('thực hiện') && !l.startsWith('thời') && !l.startsWith('tiến') && !l.startsWith('nội'))
  )
    return l.includes('phối hợp') ? 'coordinators' : 'lead';
  if (l.includes('phối hợp')) return 'coordinators';
  if (l.startsWith('thời') || l.startsWith('tiến')) return 'timeframe';
  return 'content';
}

/** Labels are capitalized and start the text, a sentence, a bullet or an item. */
function startsField(text: string, index: number): boolean {
  if (!/^\p{Lu}/u.test(text.slice(index))) return false;
  const before = text.slice(0, index).trimEnd();
  return before === '' || /[.;:)]$/u.test(before) || /(?:^|\s)[-–•+]$/u.test(before);
}

/** Offset of the first capitalized field label in a text, wherever it stands; -1 when there is none. */
export function firstLabel(text: string): number {
  for (const m of text.matchAll(LABEL)) if (/^\p{Lu}/u.test(m[0])) return m.index ?? 0;
  return -1;
}

/** True when the text opens with a field label ("Cơ quan chủ trì:", "Thời gian thực hiện:"). */
export function startsWithLabel(text: string): boolean {
  return new RegExp(`^(?:${LABEL.source})`, 'iu').test(text);
}

/** Splits a task's text into labelled fields and the free text around them. */
export function parseFields(span: Span): { fields: Field[]; free: Span[] } {
  const hits: { index: number; end: number; label: string }[] = [];
  for (const m of span.text.matchAll(LABEL)) {
    const index = m.index ?? 0;
    if (startsField(span.text, index)) hits.push({ index, end: index + m[0].length, label: m[1] });
  }
  const fields: Field[] = [];
  const free: Span[] = [];
  const bulletBefore = (i: number) =>
    /(?:^|\s)[-–•+]\s*$/u.test(span.text.slice(0, i)) ? span.text.slice(0, i).lastIndexOf('-') : i;
  const firstStart = hits.length > 0 ? bulletBefore(hits[0].index) : span.text.length;
  if (firstStart > 0) free.push(slice(span, 0, firstStart));
  hits.forEach((hit, i) => {
    const to = i + 1 < hits.length ? bulletBefore(hits[i + 1].index) : span.text.length;
    const value = slice(span, hit.end, to);
    value.text = value.text.replace(/\s*[-–]$/u, '');
    fields.push({ role: roleOf(hit.label), label: hit.label, value, line: lineAt(span, hit.index) });
  });
  return { fields, free: free.filter((f) => f.text.length > 0) };
}
