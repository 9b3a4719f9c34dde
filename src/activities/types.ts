import type { DueDate, Occurrence, Party } from '../deadlines/occurrence';

/** What a workflow follows up: one plan task, or one plan-wide deliverable owed by many agencies. */
export type Subject = { type: 'task'; taskId: string } | { type: 'deliverable'; deadlineId: string };

/** Kinds of email dondoc sends; each has a Vietnamese template. */
export type NotificationKind =
  | 'reminder' /** before a due date, to a party that still owes */
  | 'overdue' /** after a due date, to the late agency itself */
  | 'escalation-lead' /** to the lead: these coordinators have not sent their input */
  | 'escalation-focal' /** to the focal agency (or, later steps, to reportsTo): these leads have not reported */
  | 'receipt' /** to the submitting agency: your report was received */
  | 'input-forwarded' /** to the lead: a coordinator's input, its text and files, and who has still to send */
  | 'summary' /** to the reporting officers: the compiled summary of a period */
  | 'digest'; /** to one agency: every reminder and overdue notice of its morning, across tasks and plans */

/** A request to send one email. Workflows build it from state; the activity renders and delivers it. */
export interface NotificationRequest {
  /** Deterministic idempotency key (plan, subject, period, kind, recipient, step); becomes the Message-ID. */
  key: string;
  kind: NotificationKind;
  planId: string;
  subject?: Subject;
  /** Occurrence (period) id. */
  occurrenceId?: string;
  /** The occurrence's Vietnamese label ("Báo cáo 6 tháng năm 2025") for the email; derived from `occurrenceId` when absent. */
  occurrenceLabel?: string;
  /** Canonical agency names the email goes to (one agency per request keeps keys per recipient). */
  to: string[];
  /** Whose obligation the email is about. */
  party?: Party;
  due?: DueDate;
  /** Agencies that have not reported (escalations) or that are late. */
  missing?: string[];
  /** 1-based step number of this kind, from the schedule. */
  step?: number;
  /** For receipts, and for forwarded input (the stored report it refers to). */
  receipt?: Receipt;
  /** Admin-set addresses replacing the directory's for these agencies. */
  recipientOverrides?: Record<string, string[]>;
  /** An escalation sent past the focal agency because the focal agency is itself a late lead: its name. */
  redirectedFrom?: string;
}

/** The result of a delivery (or of finding it already delivered in the send log). */
export interface SendResult {
  messageId: string;
  /** Email addresses the message went to. */
  recipients: string[];
  /** ISO instant of the first successful delivery. */
  sentAt: string;
  /** True when the send log already had this key: nothing was sent again. */
  duplicate: boolean;
  /** Addresses the SMTP server refused while accepting the others. */
  refused?: string[];
}

/** One slot of a batch: delivered (or found delivered), or failed for good with the failure's type. */
export type BatchSendResult = SendResult | { failed: string; type: string };

/** The answer an agency gets for an accepted report. */
export interface Receipt {
  reportId: string;
  submissionId: string;
  agency: string;
  occurrenceId: string;
  /** ISO instant (workflow clock). */
  receivedAt: string;
  onTime: boolean;
  /** The period's label ("Báo cáo 6 tháng năm 2025"), so the agency sees where its report went. */
  occurrenceLabel?: string;
}

/** A report to keep; the workflow holds only its id. */
export interface StoreReportInput {
  planId: string;
  subject: Subject;
  occurrenceId: string;
  agency: string;
  role: Party;
  submissionId: string;
  text: string;
  receivedAt: string;
  onTime: boolean;
  /** Files already put in the store (by content hash) when the report was received; the workflow carries only these refs. */
  attachments?: AttachmentRef[];
}

/** A stored file, addressed by the SHA-256 of its content. */
export interface AttachmentRef {
  sha256: string;
  filename: string;
  contentType: string;
  size: number;
}

/** One audit entry; also kept in workflow state. */
export interface AuditEntry {
  at: string;
  action: string;
  by: string;
  detail: string;
  occurrenceId?: string;
}

/** Reporting periods of a plan after which a compiled summary is due. */
export interface SummaryPeriod {
  /** Same id as the task occurrences of that period, e.g. `2025-six-month`. */
  id: string;
  label: string;
  /** ISO instant at which the summary goes to the reporting officers. */
  at: string;
}

/** What the plan workflow needs to run: small facts only. */
export interface PlanOutline {
  planId: string;
  subjects: Subject[];
  periods: SummaryPeriod[];
  /** ISO instant after which nothing more is due. */
  endsAt: string;
  /** The plan's revision (`planRevision`) and what it is compared by; absent in outlines loaded before revisions. */
  revision?: string;
  facts?: Record<string, string>;
}

/** Who owes what and when for one subject; group names are expanded to member agencies. */
export interface SubjectSchedule {
  lead: string[];
  coordinators: string[];
  focalAgency: string;
  reportsTo: string;
  /** Every agency of the plan's directory, so a workflow can tell "unknown agency" from "not on this task". */
  knownAgencies: string[];
  occurrences: Occurrence[];
  /** Occurrences before `fromDate`: too far past to follow (absent in schedules computed before this field). */
  skipped?: { id: string; label: string; leadDue: string }[];
  /** The plan revision it was computed from. */
  revision?: string;
}

/** What a subject workflow did with a revision (or with the holiday files read again). */
export interface SubjectRevisionResult {
  /** False when nothing changed (the same revision again, or dates that stay where they were). */
  changed: boolean;
  /** Vietnamese lines of what changed, as audited. */
  changes: string[];
}

/** The plan workflow's instruction to one of its subjects during a revision. */
export interface SubjectRevisionRequest {
  planId: string;
  subject: Subject;
  action: 'revise' | 'end';
  revision: string;
  by: string;
  reason: string;
}

/** An extension (gia hạn) as the store keeps it, so summaries can show a new date instead of "missing". */
export interface ExtensionRecord {
  planId: string;
  subject: Subject;
  occurrenceId: string;
  /** ISO instant it was granted (workflow clock). */
  at: string;
  from: DueDate;
  to: DueDate;
  reason: string;
  grantedBy: string;
}

/** Which agency mailbox: an agency of one province's directory (two provinces both have a "Sở Tài chính"). */
export interface MailboxAddress {
  /** The directory's province, as it names itself. */
  province: string;
  /** Canonical agency name in that directory. */
  agency: string;
}

/** One reminder or overdue notice waiting for its agency's digest. */
export interface DigestItem {
  /** The request's own key: an item queued twice (an activity retry) is listed once. */
  key: string;
  /** The local morning (plan's zone, YYYY-MM-DD) it belongs to. */
  day: string;
  /** The subject workflow that owes it, read again before the digest goes out. */
  workflowId: string;
  /** What the individual email would have said (kind `reminder` or `overdue`, one agency in `to`). */
  request: NotificationRequest;
}

/** What a digest did: sent (or found sent), nothing left to send, or refused for good. */
export type DigestResult =
  | { sent: SendResult; listed: string[] }
  | { sent?: undefined; listed: []; reason: 'nothing-owed' }
  | { sent?: undefined; listed: []; failed: string };

/** The activities workflows call; `createActivities` in src/activities/index.ts implements them. */
export interface Activities {
  /** Reads and validates the plan; throws a non-retryable `InvalidPlan` when it does not validate. */
  loadPlanOutline(planId: string, options?: { revision?: string }): Promise<PlanOutline>;
  /**
   * The subject's occurrences from `fromDate` (YYYY-MM-DD, inclusive) on, computed against the holiday calendar; with
   * `revision`, refused (non-retryable `RevisionMismatch`) unless the plan file is that revision; `reloadHolidays`
   * reads the holiday files again first.
   */
  computeSchedule(input: {
    planId: string;
    subject: Subject;
    fromDate?: string;
    revision?: string;
    reloadHolidays?: boolean;
  }): Promise<SubjectSchedule>;
  /**
   * Hands a revision to a running subject workflow (its `reviseSubject` or `endSubject` update); a subject that has
   * already closed is left as it is (`closed: true`).
   */
  applyRevisionToSubject(request: SubjectRevisionRequest): Promise<SubjectRevisionResult & { closed?: boolean }>;
  /** The occurrence again with its lead due date moved to `leadDue` (YYYY-MM-DD); later steps follow. */
  rescheduleOccurrence(input: {
    planId: string;
    subject: Subject;
    occurrence: Occurrence;
    leadDue: string;
  }): Promise<Occurrence>;
  sendNotification(request: NotificationRequest): Promise<SendResult>;
  /**
   * The emails of one scheduled step, each exactly once by its own key. A transient failure fails the whole call (and
   * Temporal retries it; delivered ones are not sent again); a permanent one comes back in its slot.
   */
  sendNotifications(requests: NotificationRequest[]): Promise<BatchSendResult[]>;
  storeReport(input: StoreReportInput): Promise<{ reportId: string }>;
  recordAudit(input: { planId: string; subject?: Subject; entry: AuditEntry }): Promise<void>;
  /** Keeps an extension (once per grant) for the summaries. */
  recordExtension(input: ExtensionRecord): Promise<void>;
  /**
   * Hands reminders and overdue notices to their agencies' mailboxes (signal-with-start, one per agency), when the
   * plan gathers them into digests; `queued: false` when it asks for individual emails (then nothing was done).
   */
  queueDigestItems(requests: NotificationRequest[]): Promise<{ queued: boolean }>;
  /**
   * One agency's digest of `items` (key `digest/<mailbox>/<day>`, a later batch of the same day `…/<day>/<n>`),
   * exactly once; items no longer owed (reported, closed, paused, cancelled, moved) are left out.
   */
  sendDigest(input: {
    address: MailboxAddress;
    day: string;
    batch: number;
    items: DigestItem[];
  }): Promise<DigestResult>;
  /** Compiles the period's summary from stored reports, stores the documents and emails the reporting officers. */
  sendSummary(input: { planId: string; period: SummaryPeriod }): Promise<SendResult>;
}

/** Where activities find a plan and its agency directory by id (loaded from `plans/` at worker start). */
export interface PlanCatalog {
  /**
   * With `revision`, a plan served from an older read is read again, and a file that is not that revision is refused
   * (`RevisionMismatchError`): a schedule is never computed from a file other than the revision being applied.
   */
  get(
    planId: string,
    options?: { revision?: string },
  ): Promise<{ plan: import('../plan/schema').Plan; directory: import('../plan/schema').Directory }>;
}
