import { ImportError } from './review';

/** One non-empty line of the source after cleaning, with its 1-based line number in the original file. */
export interface SourceLine {
  text: string;
  line: number;
  /** True when one or more blank lines came before it. */
  afterBlank: boolean;
}

/** Rejects input that is not text: NUL bytes, or many control or replacement characters. */
function assertText(raw: string): void {
  if (raw.includes('\u0000')) throw new ImportError('binary file: expected the plain text of a plan');
  const sample = raw.slice(0, 20_000);
  let odd = 0;
  for (const ch of sample) {
    const code = ch.charCodeAt(0);
    if ((code > 0 && code < 9) || (code > 13 && code < 32) || code === 0xfffd) odd++;
  }
  if (odd > 8 && odd / Math.max(sample.length, 1) > 0.01)
    throw new ImportError('binary or wrongly encoded file: expected UTF-8 plain text of a plan');
}

/**
 * Cleans a plan text for parsing: NFC, any line ending, BOM, non-breaking and zero-width spaces, tabs,
 * markdown bold and headings, table cells split by `|` (each cell becomes a line), stray spaces.
 * Blank lines are dropped but remembered on the next line.
 */
export function normalizeSource(raw: string): SourceLine[] {
  assertText(raw);
  const text = raw.replace(/^\ufeff/, '').normalize('NFC');
  const out: SourceLine[] = [];
  let blank = false;
  text.split(/\r\n|\r|\n|\u2028|\u2029/).forEach((original, index) => {
    const cleaned = original
      .replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]/g, ' ')
      .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
      .replace(/\*\*|__/g, '')
      .replace(/^\s*#{1,6}\s+/, '')
      .replace(/^\s*>\s?/, '');
    const cells = cleaned.split('|').map((cell) => cell.replace(/\s+/g, ' ').trim());
    let any = false;
    for (const cell of cells) {
      if (!cell || /^[-=_:\s]+$/.test(cell)) continue;
      out.push({ text: cell, line: index + 1, afterBlank: blank });
      blank = false;
      any = true;
    }
    if (!any) blank = true;
  });
  if (out.length === 0) throw new ImportError('empty file: no text to import');
  return out;
}
