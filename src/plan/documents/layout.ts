/**
 * Turns the words of a page, with their boxes (from a PDF's text layer or from OCR), into lines of text in reading
 * order. A plan's header is a two-column table (the issuing body left, the national motto right): in a run of lines
 * split by a wide gap at about the same place, the left column is read first, then the right one. Paragraph ends
 * the page shows by space (a gap before the next line, a line ending well short of the margin) become blank lines,
 * as in a text file, since the importer tells a heading from its first paragraph so.
 */

/** A word and its box, in page units (points or pixels), y growing downwards. */
export interface Word {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  text: string;
}

/** A piece of a line, with where it starts and ends as a fraction of the page width. */
export interface Cell {
  x: number;
  end: number;
  text: string;
}

/** A line of a page: its cells left to right, its 1-based number on the page, and its top and bottom. */
export interface Row {
  cells: Cell[];
  line: number;
  top: number;
  bottom: number;
}

/** A line of reading-ordered text and the page line it came from. */
export interface PageLine {
  text: string;
  line: number;
}

const NEAR = 0.06;

/** Groups words into lines (boxes overlapping vertically) and each line into cells (gaps over twice its height). */
export function wordRows(words: Word[], pageWidth: number): Row[] {
  const sorted = [...words].filter((w) => w.text.trim()).sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
  const lines: { top: number; bottom: number; words: Word[] }[] = [];
  for (const w of sorted) {
    const h = w.y1 - w.y0;
    const line = lines.find((l) => {
      const overlap = Math.min(l.bottom, w.y1) - Math.max(l.top, w.y0);
      return overlap > 0.5 * Math.min(h, l.bottom - l.top);
    });
    if (line) {
      line.words.push(w);
      line.top = Math.min(line.top, w.y0);
      line.bottom = Math.max(line.bottom, w.y1);
    } else lines.push({ top: w.y0, bottom: w.y1, words: [w] });
  }
  lines.sort((a, b) => a.top - b.top);
  return lines.map((l, i) => {
    const ws = l.words.sort((a, b) => a.x0 - b.x0);
    const height = l.bottom - l.top;
    const cells: Cell[] = [];
    let current: { x0: number; x1: number; texts: string[] } | undefined;
    const flush = () => {
      if (current)
        cells.push({ x: current.x0 / pageWidth, end: current.x1 / pageWidth, text: current.texts.join(' ') });
    };
    for (const w of ws) {
      if (current && w.x0 - current.x1 <= height * 2) {
        current.texts.push(w.text);
        current.x1 = Math.max(current.x1, w.x1);
        continue;
      }
      flush();
      current = { x0: w.x0, x1: w.x1, texts: [w.text] };
    }
    flush();
    return { cells, line: i + 1, top: l.top, bottom: l.bottom };
  });
}

/** Reading order of one page's rows, with blank lines at the paragraph ends the layout shows. */
export function readingOrder(rows: Row[]): PageLine[] {
  const out: PageLine[] = [];
  // Single-column lines keep their geometry for the paragraph breaks.
  const single: { index: number; row: Row }[] = [];
  let i = 0;
  while (i < rows.length) {
    if (rows[i].cells.length < 2) {
      single.push({ index: out.length, row: rows[i] });
      out.push({ text: rows[i].cells.map((c) => c.text).join(' '), line: rows[i].line });
      i++;
      continue;
    }
    let edge = rows[i].cells[1].x;
    const rightCell = (row: Row) => row.cells.find((c, k) => k > 0 && Math.abs(c.x - edge) < NEAR * 2);
    const side = (row: Row): 'split' | 'left' | 'right' | undefined => {
      if (row.cells.length >= 2) return rightCell(row) ? 'split' : undefined;
      const cell = row.cells[0];
      if (!cell) return undefined;
      if (cell.x >= edge - NEAR) return 'right';
      if (cell.end <= edge + NEAR / 2) return 'left';
      return undefined;
    };
    const block: Row[] = [];
    let j = i;
    while (j < rows.length && side(rows[j])) {
      const right = rightCell(rows[j]);
      if (rows[j].cells.length >= 2 && right) edge = Math.min(edge, right.x);
      block.push(rows[j]);
      j++;
    }
    // Left-only rows after the table belong to the body that follows.
    while (block.length > 1 && block[block.length - 1].cells.length < 2 && side(block[block.length - 1]) === 'left') {
      block.pop();
      j--;
    }
    const left: PageLine[] = [];
    const right: PageLine[] = [];
    for (const row of block) {
      const l = row.cells.filter((c) => c.x < edge - NEAR / 2).map((c) => c.text);
      const r = row.cells.filter((c) => c.x >= edge - NEAR / 2).map((c) => c.text);
      if (l.length) left.push({ text: l.join(' '), line: row.line });
      if (r.length) right.push({ text: r.join(' '), line: row.line });
    }
    out.push(...left, { text: '', line: block[0].line }, ...right, { text: '', line: block[block.length - 1].line });
    i = j;
  }

  // Paragraph ends: a gap before the next line well over the usual line pitch, or a line ending well short of the
  // right edge of the text before a line that starts a sentence.
  const pitches = single
    .slice(1)
    .map((s, k) => s.row.top - single[k].row.top)
    .filter((p) => p > 0)
    .sort((a, b) => a - b);
  const pitch = pitches[Math.floor(pitches.length / 2)];
  const ends = single.map((s) => s.row.cells[s.row.cells.length - 1]?.end ?? 0).sort((a, b) => a - b);
  const edge = ends[Math.floor(ends.length * 0.9)];
  const breaks = new Set<number>();
  if (pitch !== undefined && single.length >= 5)
    single.forEach((s, k) => {
      const next = single[k + 1];
      if (!next || next.index !== s.index + 1) return;
      const gap = next.row.top - s.row.top;
      const end = s.row.cells[s.row.cells.length - 1]?.end ?? 0;
      if (gap > pitch * 1.3 || (end < edge - 0.15 && /^[\p{Lu}\d“"(–-]/u.test(out[next.index].text)))
        breaks.add(s.index);
    });
  return out.flatMap((l, k) => (breaks.has(k) ? [l, { text: '', line: l.line }] : [l]));
}
