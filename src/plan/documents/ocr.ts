import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readingOrder, wordRows, type PageLine, type Word } from './layout';
import { mapLimited, runTool } from './tools';

/** One page read by OCR: its lines in reading order and Tesseract's mean word confidence (0–100). */
export interface OcrPage {
  page: number;
  lines: PageLine[];
  confidence: number;
  words: number;
}

/** Resolution pages are rendered at: Tesseract reads body text best at 300 dpi. */
const DPI = 300;

/** The words of a page from Tesseract's TSV with their boxes, the page width, and the mean word confidence. */
export function tsvWords(tsv: string): { words: Word[]; width: number; confidence: number } {
  let width = 1;
  const words: Word[] = [];
  let sum = 0;
  let counted = 0;
  for (const record of tsv.split('\n').slice(1)) {
    const f = record.split('\t');
    if (f.length < 12) continue;
    const [level, , , , , , left, top, w, h, conf] = f.slice(0, 11).map(Number);
    const text = f.slice(11).join('\t').trim();
    if (level === 1) width = w || 1;
    if (level !== 5 || !text) continue;
    if (conf >= 0) {
      sum += conf;
      counted++;
    }
    words.push({ x0: left, y0: top, x1: left + w, y1: top + h, text });
  }
  return { words, width, confidence: counted ? sum / counted : 0 };
}

/**
 * Reads pages of a scanned PDF with Tesseract's Vietnamese model: each page rendered with `pdftoppm` at 300 dpi,
 * then `tesseract … -l vie --psm 4 tsv` (one column of text of varying sizes; the TSV gives each word's place and
 * confidence). Pages run `concurrency` at a time, each Tesseract on one thread, so a 2-core machine stays usable.
 */
export async function ocrPdf(
  file: string,
  pages: number[],
  concurrency = Math.max(1, Math.min(2, availableParallelism())),
): Promise<OcrPage[]> {
  const dir = await mkdtemp(join(tmpdir(), 'dondoc-ocr-'));
  try {
    return await mapLimited(pages, concurrency, async (page) => {
      const prefix = join(dir, `p${page}`);
      await runTool('pdftoppm', [
        '-r',
        String(DPI),
        '-gray',
        '-png',
        '-f',
        String(page),
        '-l',
        String(page),
        file,
        prefix,
      ]);
      const image = (await readdir(dir)).find((f) => f.startsWith(`p${page}-`) && f.endsWith('.png'));
      if (!image) return { page, lines: [], confidence: 0, words: 0 };
      const tsv = await runTool('tesseract', [join(dir, image), 'stdout', '-l', 'vie', '--psm', '4', 'tsv'], {
        timeoutMs: 300_000,
        env: { OMP_THREAD_LIMIT: '1' },
      });
      await rm(join(dir, image), { force: true });
      const { words, width, confidence } = tsvWords(tsv);
      return { page, lines: readingOrder(wordRows(words, width)), confidence, words: words.length };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
