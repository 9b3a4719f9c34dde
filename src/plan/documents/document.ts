/** What reading a plan document gives, and why a document is refused. */

/** How the text was got: a text file, a Word file, a PDF's text layer, or OCR of a scanned PDF. */
export type DocumentKind = 'text' | 'docx' | 'pdf-text' | 'pdf-scanned';

/** Where a line of the extracted text came from: its page (PDF) and its line in that page or in the file. */
export interface LineOrigin {
  page?: number;
  line: number;
}

/** What OCR read, for the review list: every name it read must be checked. */
export interface OcrReport {
  /** Pages read by OCR (1-based). */
  pages: number[];
  /** Mean word confidence over those pages, 0–100 (Tesseract's scale). */
  meanConfidence: number;
  /** Pages whose mean confidence is under `LOW_CONFIDENCE`. */
  lowConfidencePages: number[];
}

/** A plan document read into the text the importer parses. */
export interface PlanDocument {
  text: string;
  kind: DocumentKind;
  /** Number of pages of a PDF. */
  pages?: number;
  ocr?: OcrReport;
  /** One per line of `text` (index 0 is line 1): where it came from. */
  origins: LineOrigin[];
  /** What the reader did that the officer should know (in Vietnamese): converted encodings, dropped page headers. */
  warnings: string[];
}

/** Mean word confidence under which an OCR page is called out as poorly read. */
export const LOW_CONFIDENCE = 80;

/** The document cannot be read as a plan (binary, unknown format, damaged, a tool missing); the message says why. */
export class DocumentError extends Error {
  override readonly name = 'DocumentError';
  constructor(
    message: string,
    /** Byte offset or page the reason points at, when there is one. */
    readonly at?: { offset?: number; line?: number; page?: number },
  ) {
    super(message);
  }
}
