import { reviewItem, type ReviewItem } from '../importer/review';
import type { PlanInput } from '../schema';
import type { PlanDocument } from './document';

const percent = (n: number) => `${n.toFixed(1).replace('.', ',')}%`;

/**
 * Review items the document itself calls for, added to the importer's: what the reader changed (encodings
 * converted, page furniture dropped, format told by content), and for a scanned PDF, which pages OCR read with
 * what confidence, and every agency name OCR read (the tasks and deadlines on scanned pages, and the focal
 * agency), since OCR misreads names without saying so.
 */
export function documentReview(doc: PlanDocument, plan: PlanInput): ReviewItem[] {
  const items: ReviewItem[] = doc.warnings.map((warning) =>
    reviewItem('document', 1, 'source', {
      read: warning,
      assumed: 'văn bản sau khi đọc và chuẩn hóa là văn bản của kế hoạch',
      check: 'đối chiếu bản nháp với tài liệu gốc ở những chỗ này',
    }),
  );
  const ocr = doc.ocr;
  if (!ocr) return items;
  const low = ocr.lowConfidencePages.length ? `; trang đọc kém: ${ocr.lowConfidencePages.join(', ')}` : '';
  items.push(
    reviewItem('ocr-confidence', 1, 'source', {
      read: `bản quét, chữ do OCR (Tesseract, tiếng Việt) đọc ở trang ${ocr.pages.join(', ')}; độ tin cậy trung bình ${percent(ocr.meanConfidence)}${low}`,
      assumed: 'chữ OCR đọc được là chữ của văn bản',
      check: 'mọi tên cơ quan, số hiệu và ngày tháng so với bản quét',
    }),
  );
  const names = (list: string[] | undefined, line: number, field: string) => {
    if (!list?.length) return;
    items.push(
      reviewItem('ocr-confidence', line, field, {
        read: `tên do OCR đọc: ${list.map((n) => `“${n}”`).join('; ')}`,
        assumed: 'tên đúng như trong bản quét',
        check: 'chính tả từng tên so với bản quét (OCR có thể đọc sai dấu, chữ)',
      }),
    );
  };
  // In a PDF only partly scanned, the names of a task that lies on text-layer pages only were not read by OCR.
  const read = new Set(ocr.pages);
  const pageOf = (line: number) => locate(doc, line).page;
  const starts = [...plan.tasks.map((t) => t.line ?? 1), ...(plan.deadlines ?? []).map((d) => d.line ?? 1)].sort(
    (a, b) => a - b,
  );
  const byOcr = (line: number) => {
    const first = pageOf(line);
    if (first === undefined) return true;
    const next = starts.find((s) => s > line);
    const last = next !== undefined ? (pageOf(next - 1) ?? first) : (doc.pages ?? first);
    for (let p = first; p <= last; p++) if (read.has(p)) return true;
    return false;
  };
  plan.tasks.forEach((task, i) => {
    if (!byOcr(task.line ?? 1)) return;
    names(task.lead, task.line ?? 1, `tasks[${i}].lead`);
    names(task.coordinators, task.line ?? 1, `tasks[${i}].coordinators`);
  });
  (plan.deadlines ?? []).forEach((d, i) => {
    if (d.owedBy !== 'all' && byOcr(d.line ?? 1)) names(d.owedBy, d.line ?? 1, `deadlines[${i}].owedBy`);
  });
  names([plan.focalAgency], 1, 'focalAgency');
  return items;
}

/** Where a line of the document's text is in the document, for messages: "trang 3, dòng 12", or the file's line. */
export function locate(doc: PlanDocument, line: number): { page?: number; line: number } {
  const origin = doc.origins[line - 1];
  return origin ?? { line };
}

/** Where line `line` of the document's text is, in words for the review list: "trang 3, dòng 12", "đoạn 7". */
export function describeOrigin(doc: PlanDocument, line: number): string | undefined {
  if (doc.kind === 'text') return undefined;
  const origin = locate(doc, line);
  if (origin.page !== undefined) return `trang ${origin.page}, dòng ${origin.line}`;
  return `đoạn ${origin.line}`;
}

/**
 * Line numbers of a draft made from a text file point at the file's lines again (the normaliser joins continued
 * lines, so the importer's lines are of the normalised text). Other documents keep the lines of their text.
 */
export function fileLines(doc: PlanDocument, plan: PlanInput, review: ReviewItem[]): void {
  if (doc.kind !== 'text') return;
  const map = (line: number | undefined) => (line === undefined ? line : locate(doc, line).line);
  for (const task of plan.tasks) task.line = map(task.line);
  for (const d of plan.deadlines ?? []) d.line = map(d.line);
  for (const d of plan.duties ?? []) d.line = map(d.line);
  for (const item of review) item.line = locate(doc, item.line).line;
}
