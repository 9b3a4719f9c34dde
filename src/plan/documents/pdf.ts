import { readingOrder, wordRows, type PageLine, type Word } from './layout';
import { runTool } from './tools';

/** One page of a PDF's text layer, in reading order; `readable` is false when OCR must read the page instead. */
export interface PdfPage {
  page: number;
  lines: PageLine[];
  readable: boolean;
  /**
   * Why the text layer is not used: none; characters that are no text (a font without a Unicode map); or a layer
   * over a full-page image, the hidden text a scanner's own OCR leaves, read again so that its confidence is known.
   */
  unreadable?: 'empty' | 'garbled' | 'scanner-ocr';
}

/** Fewer visible characters than this on a page: no text layer (a scan, maybe with a stamp or a page number). */
const MIN_CHARS = 40;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescape = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(parseInt(e.slice(e[1] === 'x' ? 2 : 1), e[1] === 'x' ? 16 : 10))
      : (ENTITIES[e] ?? m),
  );

/** The pages of `pdftotext -bbox` output: each page's width and its words with their boxes. */
export function bboxPages(html: string): { width: number; height: number; words: Word[] }[] {
  const pages: { width: number; height: number; words: Word[] }[] = [];
  const re =
    /<page width="([\d.]+)" height="([\d.]+)">|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g;
  for (const m of html.matchAll(re)) {
    if (m[1]) pages.push({ width: Number(m[1]), height: Number(m[2]), words: [] });
    else if (pages.length)
      pages[pages.length - 1].words.push({
        x0: Number(m[3]),
        y0: Number(m[4]),
        x1: Number(m[5]),
        y1: Number(m[6]),
        text: unescape(m[7]),
      });
  }
  return pages;
}

/**
 * The text layer of a PDF, page by page, with poppler's `pdftotext -bbox`: every word with its box, from which the
 * lines, the columns of the header table and the paragraph ends are rebuilt (`layout.ts`). Poppler is the Debian
 * package whose `pdftoppm` also renders scanned pages for OCR, so one system dependency serves both; pdfjs-dist's
 * current builds are ESM only and do not load under jest.
 */
export async function readPdfText(file: string): Promise<PdfPage[]> {
  const html = await runTool('pdftotext', ['-bbox', '-enc', 'UTF-8', file, '-']);
  const pages = bboxPages(html);
  const scans = await fullPageImages(file, pages);
  return pages.map(({ width, words }, i) => {
    const visible = words.map((w) => w.text).join('');
    const odd = [...visible].filter((c) => c < ' ' || c === '\ufffd' || (c >= '\ue000' && c <= '\uf8ff')).length;
    const unreadable =
      visible.length < MIN_CHARS
        ? 'empty'
        : odd > visible.length * 0.2
          ? 'garbled'
          : scans.has(i + 1)
            ? 'scanner-ocr'
            : undefined;
    return {
      page: i + 1,
      lines: unreadable ? [] : readingOrder(wordRows(words, width)),
      readable: !unreadable,
      ...(unreadable ? { unreadable } : {}),
    };
  });
}

/** Pages covered by one image (a scan), from `pdfimages -list`: its size at its resolution against the page's. */
async function fullPageImages(file: string, pages: { width: number; height: number }[]): Promise<Set<number>> {
  const list = await runTool('pdfimages', ['-list', file]).catch(() => '');
  const scans = new Set<number>();
  for (const row of list.split('\n').slice(2)) {
    const f = row.trim().split(/\s+/);
    if (f.length < 14 || f[2] !== 'image') continue;
    const [page, , , width, height] = f.map(Number);
    const [xppi, yppi] = [Number(f[12]), Number(f[13])];
    const size = pages[page - 1];
    if (!size || !xppi || !yppi) continue;
    const area = ((width / xppi) * 72 * (height / yppi) * 72) / (size.width * size.height);
    if (area >= 0.8) scans.add(page);
  }
  return scans;
}
