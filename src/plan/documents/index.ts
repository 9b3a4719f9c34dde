import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectFormat } from './detect';
import { DocumentError, LOW_CONFIDENCE, type DocumentKind, type OcrReport, type PlanDocument } from './document';
import { normalizeText, type SourcePage } from './normalize-text';
import { decodeText } from './text';

export {
  DocumentError,
  LOW_CONFIDENCE,
  type DocumentKind,
  type LineOrigin,
  type OcrReport,
  type PlanDocument,
} from './document';

/** A document given by its bytes and its file name (the name only for messages: the format is told by content). */
export interface DocumentBuffer {
  buffer: Buffer;
  name: string;
}

/** Options of `readPlanDocument`. */
export interface ReadOptions {
  /** OCR pages at most this many at a time (default: 2, or 1 on a one-core machine). */
  ocrConcurrency?: number;
  /** Scanned pages OCR reads at most (default 60, some 5–10 minutes on 2 cores): a longer scan is refused. */
  maxOcrPages?: number;
}

const MAX_OCR_PAGES = 60;

const lines = (text: string) => text.split(/\r\n|\r|\n|\u2028|\u2029/).map((t, i) => ({ text: t, line: i + 1 }));

/** Pages of a text: a form feed starts a new page (text printed from a PDF keeps them). */
function textPages(text: string): SourcePage[] {
  const parts = text.split('\f');
  if (parts.length === 1) return [{ lines: lines(text) }];
  let offset = 0;
  return parts.map((part, i) => {
    const page = { page: i + 1, lines: lines(part).map((l) => ({ ...l, line: l.line + offset })) };
    offset += lines(part).length - 1;
    return page;
  });
}

/**
 * Reads a plan document into the text the importer parses: a text file (UTF-8, UTF-16, or TCVN3/VNI bytes), a
 * .docx (or a .doc, converted by LibreOffice), a PDF with a text layer, or a scanned PDF (its pages without text
 * read by OCR). The format is told by the content, not the name. Text from every source is normalised (`normalizeText`). Throws `DocumentError` with the
 * reason for anything else.
 */
export async function readPlanDocument(
  input: string | DocumentBuffer,
  options: ReadOptions = {},
): Promise<PlanDocument> {
  const name = typeof input === 'string' ? input : input.name;
  let buffer: Buffer;
  if (typeof input === 'string') {
    try {
      buffer = await readFile(input);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new DocumentError(
        code === 'ENOENT' ? 'không tìm thấy tệp (file not found)' : `không đọc được tệp (${code})`,
      );
    }
  } else buffer = input.buffer;
  if (buffer.length === 0) return { text: '', kind: 'text', origins: [], warnings: [] };

  const format = detectFormat(buffer);
  const warnings: string[] = [];
  const extension = /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase();
  const expected: Record<string, string> = {
    txt: 'text',
    text: 'text',
    md: 'text',
    docx: 'docx',
    doc: 'doc',
    pdf: 'pdf',
  };
  if (extension && expected[extension] && expected[extension] !== format)
    warnings.push(
      `tệp có đuôi .${extension} nhưng nội dung là ${format === 'text' ? 'văn bản thuần' : format.toUpperCase()}: đã đọc theo nội dung`,
    );

  let kind: DocumentKind;
  let pages: SourcePage[];
  let pageCount: number | undefined;
  let ocr: OcrReport | undefined;
  let latin1: ReturnType<typeof decodeText>['latin1'];
  if (format === 'text') {
    const decoded = decodeText(buffer);
    warnings.push(...decoded.warnings);
    latin1 = decoded.latin1;
    kind = 'text';
    pages = textPages(decoded.text);
  } else if (format === 'docx' || format === 'doc') {
    // Readers load when a document of their kind comes: the CLI's other commands start without them.
    const { readDocx } = await import('./docx');
    if (format === 'doc') warnings.push('tệp Word cũ (.doc) đã được LibreOffice chuyển sang .docx để đọc');
    const docx = await readDocx(format === 'doc' ? await (await import('./doc')).docToDocx(buffer) : buffer);
    warnings.push(...docx.warnings);
    kind = 'docx';
    // A line of a .docx is a paragraph: number the lines by paragraph, as Word's outline shows them.
    let paragraph = 0;
    pages = [{ lines: lines(docx.text).map((l) => ({ text: l.text, line: l.text.trim() ? ++paragraph : paragraph })) }];
  } else {
    const [{ readPdfText }, { ocrPdf }] = await Promise.all([import('./pdf'), import('./ocr')]);
    const read = await withFile(input, buffer, async (file) => {
      const text = await readPdfText(file);
      const missing = text.filter((p) => !p.readable).map((p) => p.page);
      const limit = options.maxOcrPages ?? MAX_OCR_PAGES;
      if (missing.length > limit)
        throw new DocumentError(
          `tệp PDF có ${missing.length} trang quét, quá ${limit} trang OCR đọc một lần: tách riêng phần kế hoạch rồi nhập lại`,
        );
      const scanned = missing.length > 0 ? await ocrPdf(file, missing, options.ocrConcurrency) : [];
      return { text, scanned };
    });
    pageCount = read.text.length;
    if (pageCount === 0) throw new DocumentError('tệp PDF không có trang nào');
    const byPage = new Map(read.scanned.map((p) => [p.page, p]));
    pages = read.text.map((p) => ({ page: p.page, lines: byPage.get(p.page)?.lines ?? p.lines }));
    kind = read.scanned.length > 0 ? 'pdf-scanned' : 'pdf-text';
    if (read.scanned.length > 0) {
      const words = read.scanned.reduce((n, p) => n + p.words, 0);
      const mean = words ? read.scanned.reduce((n, p) => n + p.confidence * p.words, 0) / words : 0;
      ocr = {
        pages: read.scanned.map((p) => p.page),
        meanConfidence: Math.round(mean * 10) / 10,
        lowConfidencePages: read.scanned.filter((p) => p.confidence < LOW_CONFIDENCE).map((p) => p.page),
      };
      const turned = read.scanned.filter((p) => p.turned).map((p) => p.page);
      if (turned.length > 0) warnings.push(`trang ${turned.join(', ')} được quét ngang hoặc ngược: đã xoay lại để đọc`);
      const layered = read.text.filter((p) => p.unreadable === 'scanner-ocr').map((p) => p.page);
      if (layered.length > 0)
        warnings.push(
          `trang ${layered.join(', ')} là bản quét đã có lớp chữ do máy quét nhận dạng: đã đọc lại bằng OCR để biết độ tin cậy`,
        );
      const garbled = read.text.filter((p) => p.unreadable === 'garbled').map((p) => p.page);
      if (garbled.length > 0)
        warnings.push(
          `lớp chữ của trang ${garbled.join(', ')} không đọc được (phông không có bảng mã Unicode): đã đọc bằng OCR`,
        );
      if (words === 0) throw new DocumentError('tệp PDF quét nhưng OCR không đọc được chữ nào (ảnh trắng hoặc quá mờ)');
    }
  }

  const normalized = normalizeText(pages);
  if (latin1 && !normalized.legacy) {
    throw new DocumentError(
      `tệp không phải văn bản UTF-8 (not UTF-8): byte 0x${latin1.byte.toString(16)} ở dòng ${latin1.line}, cột ` +
        `${latin1.column}, và cũng không phải bảng mã TCVN3 hay VNI; lưu lại thành UTF-8 rồi nhập lại`,
      { offset: latin1.offset, line: latin1.line },
    );
  }
  if (!normalized.legacy && (normalized.unconverted ?? 0) >= 20) {
    const words = normalized.text.match(/\p{L}+/gu)?.length ?? 1;
    if (normalized.unconverted! > words * 0.2)
      throw new DocumentError(
        `văn bản có nhiều chữ lạ (${normalized.unconverted} từ) như của một bảng mã cũ, nhưng không nhận ra là ` +
          'TCVN3 hay VNI: chuyển sang Unicode (ví dụ bằng Unikey) rồi nhập lại',
      );
  }
  warnings.push(...normalized.warnings);
  return {
    text: normalized.text,
    kind,
    ...(pageCount !== undefined ? { pages: pageCount } : {}),
    ...(ocr ? { ocr } : {}),
    origins: normalized.origins,
    warnings,
  };
}

/** Runs `work` on a path of the document: the given one, or a temporary copy of the bytes (the tools read files). */
async function withFile<T>(
  input: string | DocumentBuffer,
  buffer: Buffer,
  work: (file: string) => Promise<T>,
): Promise<T> {
  if (typeof input === 'string') return work(input);
  const dir = await mkdtemp(join(tmpdir(), 'dondoc-document-'));
  try {
    const file = join(dir, 'document.pdf');
    await writeFile(file, buffer);
    return await work(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
