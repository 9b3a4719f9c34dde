import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readingOrder, wordRows, type PageLine, type Word } from './layout';
import { isVietnameseSyllable } from './legacy-encoding';
import { mapLimited, runTool } from './tools';

/** One page read by OCR: its lines in reading order and Tesseract's mean word confidence (0–100). */
export interface OcrPage {
  page: number;
  lines: PageLine[];
  confidence: number;
  words: number;
  /** The page was scanned sideways or upside down and read turned upright. */
  turned?: boolean;
}

/** Resolution pages are rendered at: Tesseract reads body text best at 300 dpi. */
const DPI = 300;

/** A word of Tesseract's TSV: its box and the line Tesseract put it in. */
type TsvWord = Word & { key: string };

/** The words of a page from Tesseract's TSV with their boxes, the page size, and the mean word confidence. */
export function tsvWords(tsv: string): { words: TsvWord[]; width: number; height: number; confidence: number } {
  let width = 1;
  let height = 1;
  const words: TsvWord[] = [];
  let sum = 0;
  let counted = 0;
  for (const record of tsv.split('\n').slice(1)) {
    const f = record.split('\t');
    if (f.length < 12) continue;
    const [level, , block, par, line, , left, top, w, h, conf] = f.slice(0, 11).map(Number);
    const text = f.slice(11).join('\t').trim();
    if (level === 1) {
      width = w || 1;
      height = h || 1;
    }
    if (level !== 5 || !text) continue;
    if (conf >= 0) {
      sum += conf;
      counted++;
    }
    words.push({ x0: left, y0: top, x1: left + w, y1: top + h, text, key: `${block}.${par}.${line}` });
  }
  return { words, width, height, confidence: counted ? sum / counted : 0 };
}

/**
 * Turns the boxes of a page Tesseract read sideways or upside down (`--psm 1` reads such a page, but gives boxes
 * as they lie on the image) upright: of the four quarter turns, the one under which the words of each line run
 * left to right on one level.
 */
export function upright(
  words: TsvWord[],
  width: number,
  height: number,
): { words: Word[]; width: number; turned: boolean } {
  const turns: { width: number; at: (x: number, y: number) => [number, number] }[] = [
    { width, at: (x, y) => [x, y] },
    { width: height, at: (x, y) => [y, width - x] },
    { width, at: (x, y) => [width - x, height - y] },
    { width: height, at: (x, y) => [height - y, x] },
  ];
  const turned = turns.map((t) =>
    words.map((w) => {
      const [ax, ay] = t.at(w.x0, w.y0);
      const [bx, by] = t.at(w.x1, w.y1);
      return { x0: Math.min(ax, bx), y0: Math.min(ay, by), x1: Math.max(ax, bx), y1: Math.max(ay, by), text: w.text };
    }),
  );
  const score = (ws: Word[]) =>
    ws.filter((w, i) => {
      const prev = ws[i - 1];
      if (!prev || words[i - 1].key !== words[i].key) return false;
      return w.x0 > prev.x0 && Math.abs(w.y0 - prev.y0) < Math.max(w.y1 - w.y0, prev.y1 - prev.y0);
    }).length;
  const scores = turned.map(score);
  const best = scores.indexOf(Math.max(...scores));
  return { words: turned[best], width: turns[best].width, turned: best !== 0 };
}

/**
 * Whether OCR read Vietnamese: most words of letters are Vietnamese syllables. A page scanned sideways is read by
 * `--psm 4` as fragments with fair confidence, so confidence alone does not tell.
 */
function readsVietnamese(words: Word[]): boolean {
  const lettered = words.map((w) => w.text.replace(/[^\p{L}]/gu, '')).filter((t) => t.length > 0);
  if (lettered.length < 10) return false;
  return lettered.filter(isVietnameseSyllable).length >= lettered.length * 0.5;
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
      const tesseract = (psm: string) =>
        runTool('tesseract', [join(dir, image), 'stdout', '-l', 'vie', '--psm', psm, 'tsv'], {
          timeoutMs: 300_000,
          env: { OMP_THREAD_LIMIT: '1' },
        });
      let read = tsvWords(await tesseract('4'));
      let turned = false;
      let words: Word[] = read.words;
      let width = read.width;
      if (!readsVietnamese(read.words)) {
        // A page scanned sideways or upside down: --psm 1 detects the orientation (Tesseract's osd data).
        const again = tsvWords(await tesseract('1').catch(() => ''));
        if (readsVietnamese(again.words)) {
          read = again;
          ({ words, width, turned } = upright(again.words, again.width, again.height));
        }
      }
      await rm(join(dir, image), { force: true });
      return {
        page,
        lines: readingOrder(wordRows(words, width)),
        confidence: read.confidence,
        words: words.length,
        ...(turned ? { turned } : {}),
      };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
