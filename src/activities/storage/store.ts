import type { AttachmentRef, AuditEntry, ExtensionRecord, NotificationKind, StoreReportInput, Subject } from '../types';

/** A report as kept in the store. */
export interface StoredReport extends StoreReportInput {
  reportId: string;
  attachments: AttachmentRef[];
  /** ISO instant the store received it. */
  storedAt: string;
}

/** Where one email is in its delivery. */
export type SendStatus =
  | 'sending' /** claimed by an attempt that has not finished (or crashed) */
  | 'sent' /** the SMTP server accepted it; never sent again */
  | 'failed' /** the last attempt failed transiently; the next attempt sends it */
  | 'rejected'; /** the SMTP server refused it permanently (5xx) */

/** One row of the send log: the durable memory that makes delivery exactly once. */
export interface SendLogEntry {
  key: string;
  messageId: string;
  kind: NotificationKind;
  planId: string;
  recipients: string[];
  subjectLine: string;
  status: SendStatus;
  attempts: number;
  claimedAt?: string;
  firstSentAt?: string;
  lastError?: string;
  /** Addresses the SMTP server refused while accepting the message for the others. */
  refused?: string[];
  updatedAt: string;
}

/** What an attempt to claim a send found. */
export type ClaimResult =
  | { outcome: 'claimed'; entry: SendLogEntry; previous?: SendLogEntry }
  | { outcome: 'already-sent'; entry: SendLogEntry }
  | { outcome: 'in-progress'; entry: SendLogEntry };

/** A send an attempt is about to make. */
export interface SendClaim {
  key: string;
  messageId: string;
  kind: NotificationKind;
  planId: string;
  recipients: string[];
  subjectLine: string;
  /** A `sending` claim older than this is taken over (its attempt crashed); younger ones are left alone. */
  leaseMs: number;
}

/** An audit entry as kept, with its subject. */
export interface StoredAuditEntry extends AuditEntry {
  planId: string;
  subject?: Subject;
  recordedAt: string;
}

/** Formats a compiled summary is stored in. */
export type SummaryFormat = 'docx' | 'xlsx' | 'html' | 'text';

/** A compiled summary document. */
export interface SummaryDocument {
  planId: string;
  periodId: string;
  format: SummaryFormat;
  filename: string;
  contentType: string;
  content: Buffer;
}

/** The one data-access layer: reports, attachments, the send log, the audit trail and summaries. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the data lives, for people (no password). */
  readonly location: string;

  /** Checks the limits and keeps the file once per content; throws `AttachmentRejectedError` outside them. */
  putAttachment(input: { filename: string; contentType: string; content: Buffer }): Promise<AttachmentRef>;
  getAttachment(sha256: string): Promise<{ contentType: string; size: number; content: Buffer } | undefined>;
  /** The hashes among `sha256s` the store does not hold. */
  missingAttachments(sha256s: readonly string[]): Promise<string[]>;

  /**
   * Keeps a report once per (plan, subject, period, agency, submission); a second call returns the first report's id
   * with `created: false`.
   */
  saveReport(input: StoreReportInput): Promise<{ reportId: string; created: boolean }>;
  getReport(reportId: string): Promise<StoredReport | undefined>;
  /** Reports of a plan, optionally of one period and/or subject, oldest first. */
  listReports(filter: { planId: string; occurrenceId?: string; subject?: Subject }): Promise<StoredReport[]>;

  getSend(key: string): Promise<SendLogEntry | undefined>;
  /** Atomically marks the send as `sending` unless it was sent or another live attempt holds it. */
  claimSend(claim: SendClaim): Promise<ClaimResult>;
  /** Records the SMTP server's acceptance (and the recipients it refused); the first acceptance time is kept. */
  markSent(key: string, refused?: readonly string[]): Promise<SendLogEntry>;
  markFailed(key: string, status: 'failed' | 'rejected', error: string): Promise<void>;
  listSends(filter?: { planId?: string; status?: SendStatus }): Promise<SendLogEntry[]>;

  /** Appends an entry once: the same entry recorded again (a retried activity) is ignored. */
  appendAudit(input: { planId: string; subject?: Subject; entry: AuditEntry }): Promise<{ created: boolean }>;
  listAudit(filter: { planId: string; subject?: Subject }): Promise<StoredAuditEntry[]>;

  /** Keeps an extension once per grant (plan, subject, period, instant). */
  saveExtension(record: ExtensionRecord): Promise<void>;
  /** Extensions of a plan, optionally of one period, oldest first. */
  listExtensions(filter: { planId: string; occurrenceId?: string }): Promise<ExtensionRecord[]>;

  /** Keeps the latest compiled document per (plan, period, format). */
  saveSummaryDocument(document: SummaryDocument): Promise<{ sha256: string }>;
  getSummaryDocument(planId: string, periodId: string, format: SummaryFormat): Promise<SummaryDocument | undefined>;

  /** Answers when the database does (health checks); throws otherwise. */
  ping(): Promise<void>;

  close(): Promise<void>;
}
