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

// --- accounts (issue 12) ---
/** What an account may do: `officer` reads everything and downloads summaries; `admin` also acts. */
export type AccountRole = 'admin' | 'officer';

/** An officer's or admin's login, as kept (the password only as its hash). */
export interface UserRecord {
  name: string;
  role: AccountRole;
  passwordHash: string;
  /** Set for a generated one-time password: the account must choose its own. */
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt?: string;
}

/** A machine client's API token, as kept (the token itself is never stored, only its SHA-256). */
export interface ApiTokenRecord {
  id: string;
  name: string;
  role: AccountRole;
  createdBy: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}
// --- end accounts ---

// --- replies by email (issue 11 §3) ---
/** The (plan, subject, period, agency) a reply address stands for. */
export interface ReplyKeyTarget {
  planId: string;
  subject: Subject;
  occurrenceId: string;
  agency: string;
}

/** A reply key as kept. */
export interface ReplyKeyRecord extends ReplyKeyTarget {
  key: string;
  createdAt: string;
}

/** What became of a message received at a reply address. */
export type InboundStatus =
  | 'accepted' /** the workflow took it as the agency's report */
  | 'rejected' /** the workflow (or the attachment limits) refused it; the sender was told why */
  | 'pending-confirmation' /** the sender is not listed for the agency: an officer must confirm it */
  | 'unknown-key' /** no reply key of that name: nothing recorded but the message itself */
  | 'closed'; /** the period had closed: nothing recorded but the message itself */

/** A received message as kept (the raw bytes apart, see `getInboundRaw`). */
export interface InboundMessage {
  id: string;
  messageId: string;
  replyKey?: string;
  /** The From address, lowercase. */
  sender: string;
  subjectLine: string;
  status: InboundStatus;
  reportId?: string;
  reason?: string;
  /** Who confirmed a pending message. */
  confirmedBy?: string;
  receivedAt: string;
  updatedAt: string;
}
// --- end replies by email ---

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

  // --- accounts (issue 12) ---
  /** Adds an account; `created: false` when the name is taken (nothing changes then). */
  createUser(input: {
    name: string;
    role: AccountRole;
    passwordHash: string;
    mustChangePassword: boolean;
  }): Promise<{ created: boolean }>;
  getUser(name: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  /** Replaces the password hash; false when there is no such account. */
  setUserPassword(name: string, passwordHash: string, mustChangePassword: boolean): Promise<boolean>;
  /** Deletes the account; false when there was none. */
  deleteUser(name: string): Promise<boolean>;
  recordLogin(name: string): Promise<void>;
  createApiToken(input: {
    id: string;
    name: string;
    role: AccountRole;
    tokenSha256: string;
    createdBy: string;
  }): Promise<ApiTokenRecord>;
  /** The live (not revoked) token with this hash, its last use recorded (to the minute); undefined otherwise. */
  useApiToken(tokenSha256: string): Promise<ApiTokenRecord | undefined>;
  listApiTokens(): Promise<ApiTokenRecord[]>;
  /** Revokes a live token; false when there is none with this id (or it was revoked already). */
  revokeApiToken(id: string): Promise<boolean>;
  // --- end accounts ---

  // --- replies by email (issue 11 §3) ---
  /** The target's reply key: the one kept, else `candidate`, kept now (two racing callers get the same key). */
  replyKeyFor(target: ReplyKeyTarget, candidate: string): Promise<string>;
  findReplyKey(key: string): Promise<ReplyKeyRecord | undefined>;
  /** Keeps a received message once per Message-ID; a second call returns the first with `created: false`. */
  recordInbound(input: {
    messageId: string;
    replyKey?: string;
    sender: string;
    subjectLine: string;
    raw: Buffer;
    status: InboundStatus;
    reportId?: string;
    reason?: string;
  }): Promise<{ message: InboundMessage; created: boolean }>;
  /** By its id or by its Message-ID. */
  getInbound(idOrMessageId: string): Promise<InboundMessage | undefined>;
  getInboundRaw(id: string): Promise<Buffer | undefined>;
  /** Changes a message's outcome only while it still has status `from` (a confirmation races no other). */
  updateInbound(
    id: string,
    from: InboundStatus,
    change: { status: InboundStatus; reportId?: string; reason?: string; confirmedBy?: string },
  ): Promise<InboundMessage | undefined>;
  /** Received messages, oldest first, optionally of one status. */
  listInbound(filter?: { status?: InboundStatus }): Promise<InboundMessage[]>;
  // --- end replies by email ---

  /** Answers when the database does (health checks); throws otherwise. */
  ping(): Promise<void>;

  close(): Promise<void>;
}
