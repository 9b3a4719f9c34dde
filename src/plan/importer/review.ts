/** What kind of doubt a review item records; stable values for `--json` and for pages that group the items. */
export type ReviewKind =
  /** A header field (number, date, issuer, title) is missing or blank in the text. */
  | 'header-missing'
  /** A header field was not written as such and was taken from elsewhere (title, closing, directory). */
  | 'header-guessed'
  /** The title was converted from capitals. */
  | 'title-capitals'
  /** The plan's period is not in its title. */
  | 'period-guessed'
  /** The plan id was made up (no file name). */
  | 'plan-id'
  /** A task has no timeframe, or one read from prose, or one that was not understood. */
  | 'timeframe'
  /** A task has no lead agency. */
  | 'lead-missing'
  /** Agencies read from running text rather than from a "Cơ quan chủ trì:" list. */
  | 'agencies-from-prose'
  /** Leads given per activity, all made leads of the task. */
  | 'leads-per-activity'
  /** Agencies of "Cơ quan chỉ đạo, hướng dẫn" recorded as coordinators. */
  | 'guidance-as-coordinators'
  /** A responsibility under "TỔ CHỨC THỰC HIỆN" matched to a task by the words they share. */
  | 'responsibility-matched'
  /** Lettered items read as facets of one task. */
  | 'task-merged'
  /** Lettered items read as separate tasks although not every one names its own lead or time. */
  | 'task-split'
  /** A numbered item that is no task (objective, funding) or a section read as a plan-wide deliverable. */
  | 'not-a-task'
  /** A group such as "các Sở, ban, ngành" and the agencies the directory lists for it. */
  | 'group-expanded'
  /** An agency name the directory does not know. */
  | 'agency-unknown'
  /** An agency the directory says a successor takes over from at a date inside the plan's period. */
  | 'agency-succeeded'
  /** The focal agency was not said and was guessed. */
  | 'focal-guessed'
  /** Who receives the reports was not said. */
  | 'reports-to-assumed'
  /** A plan-wide date or report kind that could not be read or was guessed. */
  | 'deadline'
  /** An undated recurring duty turned into a periodic report with a default date. */
  | 'deadline-proposed'
  /** A duty without a date, kept and not scheduled. */
  | 'duty-undated'
  /** Text recognised by OCR from a scanned page: every name must be checked (the documents reader's item). */
  | 'ocr-confidence'
  /** Any other warning of the documents reader (conversion, encoding, dropped page furniture). */
  | 'document';

/** A field of the draft that the importer could not determine or had to guess, with the source line it came from. */
export interface ReviewItem {
  kind: ReviewKind;
  /** 1-based line of the source text. */
  line: number;
  /** Path in the draft plan, e.g. `tasks[3].lead`, `issuedOn`. */
  field: string;
  /** Vietnamese: what the text says there (a short quotation or a description of what is missing). */
  read: string;
  /** Vietnamese: what the draft now holds because of it. */
  assumed: string;
  /** Vietnamese: what the officer should check or do. */
  check: string;
  /** Vietnamese: the three parts above as one sentence, as the CLI prints it. */
  message: string;
}

/** Builds a review item; `message` joins what was read, what was assumed and what to check. */
export function reviewItem(
  kind: ReviewKind,
  line: number,
  field: string,
  parts: { read: string; assumed: string; check: string },
): ReviewItem {
  const message = `Đọc được: ${parts.read} — Đã giả định: ${parts.assumed} — Cần kiểm tra: ${parts.check}`;
  return { kind, line, field, ...parts, message };
}

/** A short quotation of source text for a review item: "…" around at most `max` characters. */
export function quote(text: string, max = 90): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return `“${clean.length > max ? `${clean.slice(0, max - 1).trimEnd()}…` : clean}”`;
}

/** One review item as the CLI prints it: `file:line field: message`. */
export function formatReviewItem(item: ReviewItem, file: string): string {
  return `${file}:${item.line} ${item.field}: ${item.message}`;
}

/** The input is not a plan text at all (empty, binary, no tasks): the CLI exits with code 2. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}
