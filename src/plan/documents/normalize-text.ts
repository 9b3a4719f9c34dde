import type { LineOrigin } from './document';
import { convertLegacy, detectLegacy, type LegacyEncoding } from './legacy-encoding';

/** The lines of one page (or of a whole document without pages), each with its line number there. */
export interface SourcePage {
  page?: number;
  lines: { text: string; line: number }[];
}

/** Normalised text, where each of its lines came from, and what was changed that the officer should know. */
export interface NormalizedText {
  text: string;
  origins: LineOrigin[];
  warnings: string[];
  /** The legacy encoding the text was converted from, if any. */
  legacy?: LegacyEncoding;
  /** Words that looked like a legacy encoding, when too few of them could be converted to decide. */
  unconverted?: number;
}

const PAGE_NUMBER = /^(?:[-–—]\s*)?(?:(?:trang|page)\s*)?\d{1,4}(?:\s*(?:\/|trên|of)\s*\d{1,4})?(?:\s*[-–—])?$/iu;
/** Lines at the top and at the bottom of a page where running headers, footers and page numbers are looked for. */
const ZONE = 3;
/** Lines that start an item: never joined to the line before. */
const ITEM = /^(?:[IVX]+\.|\d+(?:\.\d+)*\.?(?:\s|$)|[a-zđ]\)|[-–•+*]\s)/u;

const furnitureKey = (text: string) => text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();

/** Lines repeated at the tops (or bottoms) of most pages: running headers and footers, whatever their page number. */
function repeatedLines(pages: SourcePage[], where: 'top' | 'bottom'): Set<string> {
  const counts = new Map<string, number>();
  for (const page of pages) {
    const lines = page.lines.filter((l) => l.text);
    const zone = where === 'top' ? lines.slice(0, ZONE) : lines.slice(-ZONE);
    for (const key of new Set(zone.map((l) => furnitureKey(l.text)))) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const needed = Math.max(2, Math.ceil(pages.length * 0.5));
  return new Set(
    [...counts.entries()].filter(([key, n]) => n >= needed && key.replace(/#/g, '').length > 0).map(([k]) => k),
  );
}

/**
 * Normalises text from any source for the importer: NFC and plain spaces; legacy TCVN3/VNI text converted to
 * Unicode; page headers, footers and page numbers dropped (lines repeated at page tops or bottoms across pages,
 * lone numbers, "Trang 2/10"); words split at a line end by a soft hyphen, or a code like "57-" / "KL/TW", joined;
 * a line starting in lower case joined to the line it continues. Lines that start an item ("1.", "a)", "- ") always
 * stay on their own line.
 */
export function normalizeText(pages: SourcePage[]): NormalizedText {
  const warnings: string[] = [];
  let cleaned = pages.map((p) => ({
    page: p.page,
    lines: p.lines.map((l) => ({
      line: l.line,
      text: l.text
        .normalize('NFC')
        .replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]/g, ' ')
        .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
        .replace(/ {2,}/g, ' ')
        .trim(),
    })),
  }));

  const all = cleaned.flatMap((p) => p.lines.map((l) => l.text)).join('\n');
  const legacy = detectLegacy(all);
  if (legacy.encoding) {
    const encoding = legacy.encoding;
    const mixed = legacy.modern > legacy.suspect * 0.1;
    cleaned = cleaned.map((p) => ({
      ...p,
      lines: p.lines.map((l) => ({ ...l, text: convertLegacy(l.text, encoding, mixed) })),
    }));
    warnings.push(
      `văn bản dùng bảng mã cũ ${encoding === 'TCVN3' ? 'TCVN3 (ABC, phông .VnTime)' : 'VNI (phông VNI-Times)'} ` +
        `đã được chuyển sang Unicode${mixed ? ' (chỉ những từ không đọc được bằng Unicode)' : ''}: kiểm tra chính tả tên cơ quan`,
    );
  }

  let dropped = 0;
  if (cleaned.length >= 2) {
    const top = repeatedLines(cleaned, 'top');
    const bottom = repeatedLines(cleaned, 'bottom');
    cleaned = cleaned.map((p) => {
      const nonEmpty = p.lines.map((l, i) => (l.text ? i : -1)).filter((i) => i >= 0);
      const head = new Set(nonEmpty.slice(0, ZONE));
      const foot = new Set(nonEmpty.slice(-ZONE));
      return {
        ...p,
        lines: p.lines.filter((l, i) => {
          const key = furnitureKey(l.text);
          const drop =
            (head.has(i) && (top.has(key) || PAGE_NUMBER.test(l.text))) ||
            (foot.has(i) && (bottom.has(key) || PAGE_NUMBER.test(l.text)));
          if (drop) dropped++;
          return !drop;
        }),
      };
    });
    if (dropped > 0) warnings.push(`đã bỏ ${dropped} dòng đầu trang, chân trang và số trang`);
  }

  const out: { text: string; origin: LineOrigin; blankBefore: boolean }[] = [];
  let blank = false;
  for (const p of cleaned)
    for (const l of p.lines) {
      if (!l.text) {
        blank = true;
        continue;
      }
      const origin: LineOrigin = p.page === undefined ? { line: l.line } : { page: p.page, line: l.line };
      const last = out[out.length - 1];
      if (last && !blank) {
        if (/\u00ad$/u.test(last.text)) {
          last.text = last.text.slice(0, -1) + l.text;
          continue;
        }
        if (/[\p{L}\d]-$/u.test(last.text) && /^[\p{L}\d]/u.test(l.text) && !ITEM.test(l.text)) {
          last.text += l.text;
          continue;
        }
        if (/^\p{Ll}/u.test(l.text) && !ITEM.test(l.text) && !/[.;:!?]$/u.test(last.text)) {
          last.text += ` ${l.text}`;
          continue;
        }
      }
      out.push({ text: l.text.replace(/\u00ad/g, ''), origin, blankBefore: blank });
      blank = false;
    }

  const lines: string[] = [];
  const origins: LineOrigin[] = [];
  for (const o of out) {
    if (o.blankBefore && lines.length > 0) {
      lines.push('');
      origins.push(o.origin);
    }
    lines.push(o.text.replace(/\u00ad/g, ''));
    origins.push(o.origin);
  }
  return {
    text: lines.length ? `${lines.join('\n')}\n` : '',
    origins,
    warnings,
    ...(legacy.encoding ? { legacy: legacy.encoding } : {}),
    ...(!legacy.encoding && legacy.suspect > 0 ? { unconverted: legacy.suspect } : {}),
  };
}
