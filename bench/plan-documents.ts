/**
 * Import time per document kind: `npm run bench -- import` (or `npx tsx bench/plan-documents.ts`). One shipped plan
 * is written as a .docx, printed to PDF by LibreOffice and two of its pages scanned (not timed); then reading and
 * importing each is timed against reading and importing its text file in the same run. The scanned PDF is given per
 * page, since OCR time grows with pages. Needs LibreOffice, poppler and Tesseract; a kind whose tool is missing is
 * left out and said so.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readPlanDocument } from '../src/plan/documents';
import { importPlanText } from '../src/plan/importer';
import { hasTool, planDocx, printToPdf, scanPdf, scratch } from '../test/plan/support/documents-make';
import { duration, figure, meanAsync, timed, type Figure } from './measure';

const PLAN = 'dak-nong-ttdn-2025';
const SCANNED_PAGES = 2;

/** Reads a document and imports its text, as `dondoc plan import` does. */
async function importDocument(file: string): Promise<number> {
  const doc = await readPlanDocument(file);
  return importPlanText(doc.text, { fileName: `${PLAN}.txt` }).plan.tasks.length;
}

/** One row per document kind; `runs` imports of each kind except the scanned PDF (imported once). */
export async function benchPlanDocuments(runs = 10, plansDir = join(__dirname, '..', 'plans')): Promise<Figure[]> {
  const textFile = join(plansDir, 'sources', `${PLAN}.txt`);
  const { dir, cleanup } = await scratch();
  try {
    const docxFile = join(dir, `${PLAN}.docx`);
    await writeFile(docxFile, await planDocx(readFileSync(textFile, 'utf8')));
    const baseline = 'read + import .txt';
    const baselineMs = await meanAsync(runs, () => importDocument(textFile));
    const rows: Figure[] = [figure(`${PLAN} .txt`, runs, baselineMs, baseline, baselineMs)];
    rows.push(
      figure(`${PLAN} .docx`, runs, await meanAsync(runs, () => importDocument(docxFile)), baseline, baselineMs),
    );
    if (!(await hasTool('soffice')) || !(await hasTool('pdftotext', ['-v']))) {
      process.stderr.write(' (LibreOffice or poppler missing: PDF rows left out)');
      return rows;
    }
    const pdf = await printToPdf(docxFile, dir);
    const pages = (await readPlanDocument(pdf)).pages ?? 1;
    const pdfMs = await meanAsync(runs, () => importDocument(pdf));
    rows.push(figure(`${PLAN} .pdf, text layer (${pages} pages)`, runs, pdfMs, baseline, baselineMs));
    if (!(await hasTool('tesseract', ['--version']))) {
      process.stderr.write(' (Tesseract missing: scanned PDF row left out)');
      return rows;
    }
    const scanned = await scanPdf(pdf, join(dir, 'scanned.pdf'), 1, SCANNED_PAGES);
    const scanMs = await timed(() => importDocument(scanned));
    rows.push(figure(`${PLAN} scanned .pdf, OCR per page`, 1, scanMs / SCANNED_PAGES, baseline, baselineMs));
    return rows;
  } finally {
    await cleanup();
  }
}

if (require.main === module) {
  benchPlanDocuments(Number(process.argv[2] ?? 10)).then((rows) => {
    for (const r of rows)
      console.log(`${r.operation.padEnd(48)} ${duration(r.ms).padStart(10)}   ×${r.ratio.toFixed(1)} of ${r.baseline}`);
  });
}
