/**
 * Makes the documents officers receive from a plan's text, for the document tests and the bench: a .docx written
 * with the `docx` package, a PDF printed from it by LibreOffice, and a "scanned" PDF of page images.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import {
  AlignmentType,
  Document,
  Footer,
  Header,
  LevelFormat,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableBorders,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { paragraphs } from './rewrap';

const run = promisify(execFile);

/** Whether an external program answers on PATH (or at an absolute path). */
export async function hasTool(command: string, args = ['--version']): Promise<boolean> {
  try {
    await run(command, args, { timeout: 60_000 });
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT' && typeof (err as { code?: unknown }).code === 'number';
  }
}

const FONT = 'Times New Roman';
const SIZE = 28; // half-points: 14 pt, as Nghị định 30/2020 asks

/** The lines before "KẾ HOẠCH" split at lone "|" lines: the cells of the header table. */
function headerCells(text: string): { cells: string[][]; rest: string } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const title = lines.findIndex((l) => l.trim() === 'KẾ HOẠCH');
  if (title <= 0 || !lines.slice(0, title).some((l) => l.trim() === '|')) return { cells: [], rest: text };
  const cells: string[][] = [[]];
  for (const line of lines.slice(0, title)) {
    if (line.trim() === '|') cells.push([]);
    else if (line.trim()) cells[cells.length - 1].push(line.trim());
  }
  return { cells: cells.filter((c) => c.length > 0), rest: lines.slice(title).join('\n') };
}

const run14 = (text: string, bold = false, typed = (t: string) => t) =>
  new TextRun({ text: typed(text), font: FONT, size: SIZE, bold });

/**
 * A .docx of a plan text: the header lines in a borderless two-column table (as the issuing body and the national
 * motto are laid out), then one justified paragraph per paragraph of the text, numbers typed as text; a running
 * header with the page number from page 2 and a footer repeated on every page, as documents from the province's
 * document system have. `typed` writes each run's text as a legacy font stored it (see documents-legacy.ts).
 */
export async function planDocx(
  text: string,
  footer = 'Kế hoạch công tác thông tin đối ngoại',
  typed: (text: string) => string = (t) => t,
): Promise<Buffer> {
  const { cells, rest } = headerCells(text);
  const children: (Paragraph | Table)[] = [];
  if (cells.length > 0) {
    const rows: TableRow[] = [];
    for (let i = 0; i < cells.length; i += 2)
      rows.push(
        new TableRow({
          children: [cells[i], cells[i + 1] ?? []].map(
            (cell) =>
              new TableCell({
                width: { size: 50, type: WidthType.PERCENTAGE },
                children: cell.map(
                  (line) => new Paragraph({ alignment: AlignmentType.CENTER, children: [run14(line, true, typed)] }),
                ),
              }),
          ),
        }),
      );
    children.push(new Table({ rows, borders: TableBorders.NONE, width: { size: 100, type: WidthType.PERCENTAGE } }));
  }
  for (const p of paragraphs(rest)) {
    const heading = /^(?:[IVX]+\.|KẾ HOẠCH$)/.test(p.text);
    children.push(
      new Paragraph({
        alignment: heading ? AlignmentType.LEFT : AlignmentType.JUSTIFIED,
        spacing: { after: 120 },
        children: [run14(p.text.replace(/^\|\s*/, ''), heading, typed)],
      }),
    );
  }
  const doc = new Document({
    sections: [
      {
        properties: { titlePage: true },
        headers: {
          default: new Header({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ children: [PageNumber.CURRENT], font: FONT, size: SIZE })],
              }),
            ],
          }),
          first: new Header({ children: [] }),
        },
        footers: {
          default: new Footer({ children: [new Paragraph({ children: [run14(footer)] })] }),
          first: new Footer({ children: [new Paragraph({ children: [run14(footer)] })] }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** One paragraph of `numberedDocx`: text, and its list level (0 roman, 1 decimal, 2 letter, 3 bullet) if any. */
export type NumberedParagraph = { text: string; level?: 0 | 1 | 2 | 3 };

/** A .docx whose headings and items are numbered by Word (auto-numbering), not typed: I., 1., a), bullets. */
export async function numberedDocx(items: NumberedParagraph[]): Promise<Buffer> {
  const doc = new Document({
    numbering: {
      config: [
        {
          reference: 'plan',
          levels: [
            { level: 0, format: LevelFormat.UPPER_ROMAN, text: '%1.', alignment: AlignmentType.LEFT },
            { level: 1, format: LevelFormat.DECIMAL, text: '%2.', alignment: AlignmentType.LEFT },
            { level: 2, format: LevelFormat.LOWER_LETTER, text: '%3)', alignment: AlignmentType.LEFT },
            { level: 3, format: LevelFormat.BULLET, text: '\u2013', alignment: AlignmentType.LEFT },
          ],
        },
      ],
    },
    sections: [
      {
        children: items.map(
          (item) =>
            new Paragraph({
              children: [run14(item.text)],
              ...(item.level === undefined ? {} : { numbering: { reference: 'plan', level: item.level } }),
            }),
        ),
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** A scratch folder; `cleanup` removes it. */
export async function scratch(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'dondoc-documents-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Prints a .docx to PDF with LibreOffice headless, in its own throwaway profile so parallel runs do not collide. */
export async function printToPdf(docxFile: string, outDir: string): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), 'lo-'));
  try {
    await run(
      'soffice',
      ['--headless', `-env:UserInstallation=file://${profile}`, '--convert-to', 'pdf', '--outdir', outDir, docxFile],
      { timeout: 180_000 },
    );
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
  const pdf = join(outDir, basename(docxFile).replace(/\.[^.]+$/, '.pdf'));
  if (!existsSync(pdf)) throw new Error(`LibreOffice wrote no ${pdf}`);
  return pdf;
}

/**
 * A scanned PDF of `pdf`'s pages `first`..`last`: each page rasterised at `dpi` with pdftoppm as a JPEG (what a
 * scanner gives) and put back into a PDF of images only, written here (a JPEG goes into a PDF as it is); `rotate`
 * turns the pages as a sheet fed sideways does.
 */
export async function scanPdf(
  pdf: string,
  outFile: string,
  first = 1,
  last = first,
  dpi = 200,
  rotate = 0,
): Promise<string> {
  const { dir, cleanup } = await scratch();
  try {
    await run(
      'pdftoppm',
      [
        '-r',
        String(dpi),
        '-jpeg',
        '-jpegopt',
        'quality=85',
        '-f',
        String(first),
        '-l',
        String(last),
        pdf,
        join(dir, 'p'),
      ],
      {
        timeout: 120_000,
      },
    );
    const files = (await readdir(dir)).filter((f) => f.endsWith('.jpg')).sort();
    const images = await Promise.all(files.map((f) => readFile(join(dir, f))));
    await writeFile(outFile, imagesToPdf(images, dpi, rotate));
    return outFile;
  } finally {
    await cleanup();
  }
}

/** Width and height of a baseline or progressive JPEG, from its SOF marker. */
function jpegSize(jpeg: Buffer): { width: number; height: number } {
  let at = 2;
  while (at < jpeg.length) {
    const marker = jpeg[at + 1];
    const length = jpeg.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xc3)
      return { height: jpeg.readUInt16BE(at + 5), width: jpeg.readUInt16BE(at + 7) };
    at += 2 + length;
  }
  throw new Error('not a JPEG: no SOF marker');
}

/** A PDF with one page per JPEG, each drawn to fill a page of its size at `dpi`, turned `rotate` degrees. */
export function imagesToPdf(images: Buffer[], dpi: number, rotate = 0): Buffer {
  const objects: Buffer[] = [];
  const pageIds: number[] = [];
  // Objects: 1 catalog, 2 pages, then per image: page, content, image.
  images.forEach((jpeg, i) => {
    const { width, height } = jpegSize(jpeg);
    const w = (width * 72) / dpi;
    const h = (height * 72) / dpi;
    const page = 3 + i * 3;
    pageIds.push(page);
    const content = `q ${w.toFixed(2)} 0 0 ${h.toFixed(2)} 0 0 cm /Im0 Do Q`;
    objects[page - 1] = Buffer.from(
      `<< /Type /Page /Parent 2 0 R${rotate ? ` /Rotate ${rotate}` : ''} /MediaBox [0 0 ${w.toFixed(2)} ${h.toFixed(2)}] /Contents ${page + 1} 0 R ` +
        `/Resources << /XObject << /Im0 ${page + 2} 0 R >> >> >>`,
      'latin1',
    );
    objects[page] = Buffer.from(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`, 'latin1');
    objects[page + 1] = Buffer.concat([
      Buffer.from(
        `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB ` +
          `/BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`,
        'latin1',
      ),
      jpeg,
      Buffer.from('\nendstream', 'latin1'),
    ]);
  });
  objects[0] = Buffer.from('<< /Type /Catalog /Pages 2 0 R >>', 'latin1');
  objects[1] = Buffer.from(
    `<< /Type /Pages /Kids [${pageIds.map((p) => `${p} 0 R`).join(' ')}] /Count ${pageIds.length} >>`,
    'latin1',
  );
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0].length;
  objects.forEach((body, i) => {
    offsets.push(length);
    const part = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(part);
    length += part.length;
  });
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}
