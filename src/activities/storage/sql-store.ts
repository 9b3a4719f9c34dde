import { createHash } from 'node:crypto';
import type { Party } from '../../deadlines/occurrence';
import type { AttachmentRef, AuditEntry, ExtensionRecord, NotificationKind, StoreReportInput, Subject } from '../types';
import { checkAttachment, contentHash, defaultAttachmentLimits, type AttachmentLimits } from './attachments';
import type { SqlDriver, SqlExecutor } from './driver';
import type {
  AccountRole,
  ApiTokenRecord,
  ClaimResult,
  SendClaim,
  SendLogEntry,
  SendStatus,
  Store,
  StoredAuditEntry,
  StoredReport,
  SummaryDocument,
  SummaryFormat,
  UserRecord,
} from './store';
import type { InboundMessage, InboundStatus, ReplyKeyRecord, ReplyKeyTarget } from './store';

/** A report refers to attachments the store does not hold. */
export class UnknownAttachmentError extends Error {
  override readonly name = 'UnknownAttachmentError';
  readonly code = 'UnknownAttachment';
}

interface ReportRow {
  id: string;
  plan_id: string;
  submission_id: string;
  subject_type: string;
  subject_id: string;
  occurrence_id: string;
  agency: string;
  role: string;
  text: string;
  received_at: string;
  on_time: number;
  stored_at: string;
}

interface ReportAttachmentRow {
  report_id: string;
  sha256: string;
  filename: string;
  content_type: string;
  size: number;
}

interface SendRow {
  key: string;
  message_id: string;
  kind: string;
  plan_id: string;
  recipients: string;
  subject_line: string;
  status: string;
  attempts: number;
  claimed_at: string | null;
  first_sent_at: string | null;
  last_error: string | null;
  refused: string | null;
  updated_at: string;
}

interface AuditRow {
  plan_id: string;
  subject_type: string;
  subject_id: string;
  occurrence_id: string | null;
  at: string;
  action: string;
  actor: string;
  detail: string;
  recorded_at: string;
}

interface SummaryRow {
  plan_id: string;
  period_id: string;
  format: string;
  filename: string;
  content_type: string;
  content: Buffer;
}

const PLAN_WIDE = { type: 'plan', id: '' } as const;

function subjectColumns(subject: Subject | undefined): { type: string; id: string } {
  if (!subject) return PLAN_WIDE;
  return subject.type === 'task'
    ? { type: 'task', id: subject.taskId }
    : { type: 'deliverable', id: subject.deadlineId };
}

function subjectOf(type: string, id: string): Subject | undefined {
  if (type === 'task') return { type: 'task', taskId: id };
  if (type === 'deliverable') return { type: 'deliverable', deadlineId: id };
  return undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function toSendEntry(row: SendRow): SendLogEntry {
  return {
    key: row.key,
    messageId: row.message_id,
    kind: row.kind as NotificationKind,
    planId: row.plan_id,
    recipients: JSON.parse(row.recipients) as string[],
    subjectLine: row.subject_line,
    status: row.status as SendStatus,
    attempts: Number(row.attempts),
    claimedAt: row.claimed_at ?? undefined,
    firstSentAt: row.first_sent_at ?? undefined,
    lastError: row.last_error ?? undefined,
    ...(row.refused ? { refused: JSON.parse(row.refused) as string[] } : {}),
    updatedAt: row.updated_at,
  };
}

// --- accounts (issue 12) ---
interface UserRow {
  name: string;
  role: string;
  password_hash: string;
  must_change_password: number;
  disabled: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

interface ApiTokenRow {
  id: string;
  name: string;
  role: string;
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

function toUser(row: UserRow): UserRecord {
  return {
    name: row.name,
    role: row.role as AccountRole,
    passwordHash: row.password_hash,
    mustChangePassword: Number(row.must_change_password) === 1,
    disabled: Number(row.disabled) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.last_login_at ? { lastLoginAt: row.last_login_at } : {}),
  };
}

function toApiToken(row: ApiTokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role as AccountRole,
    createdBy: row.created_by,
    createdAt: row.created_at,
    ...(row.last_used_at ? { lastUsedAt: row.last_used_at } : {}),
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
  };
}
// --- end accounts ---

// --- replies by email (issue 11 §3) ---
interface InboundRow {
  id: string;
  message_id: string;
  reply_key: string | null;
  sender: string;
  subject_line: string;
  status: string;
  report_id: string | null;
  reason: string | null;
  confirmed_by: string | null;
  received_at: string;
  updated_at: string;
}

const INBOUND_COLUMNS =
  'id, message_id, reply_key, sender, subject_line, status, report_id, reason, confirmed_by, received_at, updated_at';

function toInbound(row: InboundRow): InboundMessage {
  return {
    id: row.id,
    messageId: row.message_id,
    ...(row.reply_key ? { replyKey: row.reply_key } : {}),
    sender: row.sender,
    subjectLine: row.subject_line,
    status: row.status as InboundStatus,
    ...(row.report_id ? { reportId: row.report_id } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.confirmed_by ? { confirmedBy: row.confirmed_by } : {}),
    receivedAt: row.received_at,
    updatedAt: row.updated_at,
  };
}
// --- end replies by email ---

/** The store over any `SqlDriver`: the SQL is portable between SQLite ≥ 3.35 and PostgreSQL. */
export class SqlStore implements Store {
  readonly dialect: SqlDriver['dialect'];
  readonly location: string;

  constructor(
    private readonly db: SqlDriver,
    private readonly clock: () => Date = () => new Date(),
    private readonly limits: AttachmentLimits = defaultAttachmentLimits,
  ) {
    this.dialect = db.dialect;
    this.location = db.location;
  }

  private now(): string {
    return this.clock().toISOString();
  }

  async putAttachment(input: { filename: string; contentType: string; content: Buffer }): Promise<AttachmentRef> {
    const contentType = checkAttachment(input, this.limits);
    const hash = contentHash(input.content);
    await this.db.run(
      'INSERT INTO attachments (sha256, size, content_type, content, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [hash, input.content.length, contentType, input.content, this.now()],
    );
    return { sha256: hash, filename: input.filename.normalize('NFC'), contentType, size: input.content.length };
  }

  async getAttachment(hash: string): Promise<{ contentType: string; size: number; content: Buffer } | undefined> {
    const [row] = await this.db.all<{ content_type: string; size: number; content: Buffer }>(
      'SELECT content_type, size, content FROM attachments WHERE sha256 = ?',
      [hash],
    );
    return row
      ? { contentType: row.content_type, size: Number(row.size), content: Buffer.from(row.content) }
      : undefined;
  }

  async missingAttachments(hashes: readonly string[]): Promise<string[]> {
    return this.missingIn(this.db, hashes);
  }

  private async missingIn(db: SqlExecutor, hashes: readonly string[]): Promise<string[]> {
    if (hashes.length === 0) return [];
    const unique = [...new Set(hashes)];
    const rows = await db.all<{ sha256: string }>(
      `SELECT sha256 FROM attachments WHERE sha256 IN (${unique.map(() => '?').join(', ')})`,
      unique,
    );
    const found = new Set(rows.map((r) => r.sha256));
    return unique.filter((h) => !found.has(h));
  }

  async saveReport(input: StoreReportInput): Promise<{ reportId: string; created: boolean }> {
    const subject = subjectColumns(input.subject);
    // The same submission id in another task, period or agency is another report.
    const reportId = `r-${sha256(
      [input.planId, subject.type, subject.id, input.occurrenceId, input.agency, input.submissionId].join('\u0000'),
    ).slice(0, 24)}`;
    const attachments = input.attachments ?? [];
    return this.db.transaction(async (tx) => {
      const missing = await this.missingIn(
        tx,
        attachments.map((a) => a.sha256),
      );
      if (missing.length > 0) {
        throw new UnknownAttachmentError(
          `Báo cáo ${input.submissionId} tham chiếu tệp đính kèm chưa được lưu: ${missing.join(', ')}`,
        );
      }
      const { changes } = await tx.run(
        `INSERT INTO reports (id, plan_id, submission_id, subject_type, subject_id, occurrence_id, agency, role, text, received_at, on_time, stored_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [
          reportId,
          input.planId,
          input.submissionId,
          subject.type,
          subject.id,
          input.occurrenceId,
          input.agency,
          input.role,
          input.text.normalize('NFC'),
          input.receivedAt,
          input.onTime ? 1 : 0,
          this.now(),
        ],
      );
      if (changes === 0) {
        // Kept before: by this id, or (stored before reports were keyed by period) by the older id scheme.
        const [kept] = await tx.all<{ id: string }>(
          `SELECT id FROM reports WHERE plan_id = ? AND subject_type = ? AND subject_id = ? AND occurrence_id = ?
           AND agency = ? AND submission_id = ?`,
          [input.planId, subject.type, subject.id, input.occurrenceId, input.agency, input.submissionId],
        );
        return { reportId: kept?.id ?? reportId, created: false };
      }
      for (const [position, a] of attachments.entries()) {
        await tx.run(
          'INSERT INTO report_attachments (report_id, position, sha256, filename, content_type, size) VALUES (?, ?, ?, ?, ?, ?)',
          [reportId, position, a.sha256, a.filename, a.contentType, a.size],
        );
      }
      return { reportId, created: true };
    });
  }

  async getReport(reportId: string): Promise<StoredReport | undefined> {
    const rows = await this.db.all<ReportRow>('SELECT * FROM reports WHERE id = ?', [reportId]);
    return (await this.withAttachments(rows))[0];
  }

  async listReports(filter: { planId: string; occurrenceId?: string; subject?: Subject }): Promise<StoredReport[]> {
    const where = ['plan_id = ?'];
    const params: string[] = [filter.planId];
    if (filter.occurrenceId !== undefined) {
      where.push('occurrence_id = ?');
      params.push(filter.occurrenceId);
    }
    if (filter.subject) {
      const subject = subjectColumns(filter.subject);
      where.push('subject_type = ?', 'subject_id = ?');
      params.push(subject.type, subject.id);
    }
    const rows = await this.db.all<ReportRow>(
      `SELECT * FROM reports WHERE ${where.join(' AND ')} ORDER BY received_at, id`,
      params,
    );
    return this.withAttachments(rows);
  }

  private async withAttachments(rows: ReportRow[]): Promise<StoredReport[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const files = await this.db.all<ReportAttachmentRow>(
      `SELECT report_id, sha256, filename, content_type, size FROM report_attachments
       WHERE report_id IN (${ids.map(() => '?').join(', ')}) ORDER BY report_id, position`,
      ids,
    );
    return rows.map((row) => ({
      reportId: row.id,
      planId: row.plan_id,
      submissionId: row.submission_id,
      subject: subjectOf(row.subject_type, row.subject_id) as Subject,
      occurrenceId: row.occurrence_id,
      agency: row.agency,
      role: row.role as Party,
      text: row.text,
      receivedAt: row.received_at,
      onTime: Number(row.on_time) === 1,
      storedAt: row.stored_at,
      attachments: files
        .filter((f) => f.report_id === row.id)
        .map((f) => ({ sha256: f.sha256, filename: f.filename, contentType: f.content_type, size: Number(f.size) })),
    }));
  }

  async getSend(key: string): Promise<SendLogEntry | undefined> {
    const [row] = await this.db.all<SendRow>('SELECT * FROM send_log WHERE key = ?', [key]);
    return row ? toSendEntry(row) : undefined;
  }

  async claimSend(claim: SendClaim): Promise<ClaimResult> {
    const previous = await this.getSend(claim.key);
    if (previous?.status === 'sent') return { outcome: 'already-sent', entry: previous };
    const now = this.clock();
    const staleBefore = new Date(now.getTime() - claim.leaseMs).toISOString();
    // One statement, so two attempts racing for the same key cannot both win.
    const [row] = await this.db.all<SendRow>(
      `INSERT INTO send_log (key, message_id, kind, plan_id, recipients, subject_line, status, attempts, claimed_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'sending', 1, ?, ?)
       ON CONFLICT (key) DO UPDATE SET
         status = 'sending', attempts = send_log.attempts + 1, claimed_at = excluded.claimed_at,
         updated_at = excluded.updated_at, recipients = excluded.recipients, subject_line = excluded.subject_line
       WHERE send_log.status IN ('failed', 'rejected') OR (send_log.status = 'sending' AND send_log.claimed_at < ?)
       RETURNING *`,
      [
        claim.key,
        claim.messageId,
        claim.kind,
        claim.planId,
        JSON.stringify(claim.recipients),
        claim.subjectLine,
        now.toISOString(),
        now.toISOString(),
        staleBefore,
      ],
    );
    if (row) return { outcome: 'claimed', entry: toSendEntry(row), previous };
    const current = await this.getSend(claim.key);
    if (!current) throw new Error(`send_log: không đọc lại được dòng ${claim.key}`);
    return current.status === 'sent'
      ? { outcome: 'already-sent', entry: current }
      : { outcome: 'in-progress', entry: current };
  }

  async markSent(key: string, refused: readonly string[] = []): Promise<SendLogEntry> {
    const now = this.now();
    const [row] = await this.db.all<SendRow>(
      `UPDATE send_log SET status = 'sent', first_sent_at = COALESCE(first_sent_at, ?), updated_at = ?, refused = ?
       WHERE key = ? RETURNING *`,
      [now, now, refused.length ? JSON.stringify(refused) : null, key],
    );
    if (!row) throw new Error(`send_log: không có dòng ${key} để ghi đã gửi`);
    return toSendEntry(row);
  }

  async markFailed(key: string, status: 'failed' | 'rejected', error: string): Promise<void> {
    await this.db.run(
      `UPDATE send_log SET status = ?, last_error = ?, updated_at = ? WHERE key = ? AND status <> 'sent'`,
      [status, error.slice(0, 2000), this.now(), key],
    );
  }

  async listSends(filter: { planId?: string; status?: SendStatus } = {}): Promise<SendLogEntry[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.planId) {
      where.push('plan_id = ?');
      params.push(filter.planId);
    }
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    const rows = await this.db.all<SendRow>(
      `SELECT * FROM send_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at, key`,
      params,
    );
    return rows.map(toSendEntry);
  }

  async appendAudit(input: { planId: string; subject?: Subject; entry: AuditEntry }): Promise<{ created: boolean }> {
    const subject = subjectColumns(input.subject);
    const e = input.entry;
    const id = sha256(
      JSON.stringify([input.planId, subject.type, subject.id, e.occurrenceId ?? null, e.at, e.action, e.by, e.detail]),
    );
    const { changes } = await this.db.run(
      `INSERT INTO audit (id, plan_id, subject_type, subject_id, occurrence_id, at, action, actor, detail, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [
        id,
        input.planId,
        subject.type,
        subject.id,
        e.occurrenceId ?? null,
        e.at,
        e.action,
        e.by,
        e.detail.normalize('NFC'),
        this.now(),
      ],
    );
    return { created: changes > 0 };
  }

  async listAudit(filter: { planId: string; subject?: Subject }): Promise<StoredAuditEntry[]> {
    const params: string[] = [filter.planId];
    let where = 'plan_id = ?';
    if (filter.subject) {
      const subject = subjectColumns(filter.subject);
      where += ' AND subject_type = ? AND subject_id = ?';
      params.push(subject.type, subject.id);
    }
    const rows = await this.db.all<AuditRow>(`SELECT * FROM audit WHERE ${where} ORDER BY at, recorded_at, id`, params);
    return rows.map((r) => ({
      planId: r.plan_id,
      subject: subjectOf(r.subject_type, r.subject_id),
      occurrenceId: r.occurrence_id ?? undefined,
      at: r.at,
      action: r.action,
      by: r.actor,
      detail: r.detail,
      recordedAt: r.recorded_at,
    }));
  }

  async saveExtension(record: ExtensionRecord): Promise<void> {
    const subject = subjectColumns(record.subject);
    await this.db.run(
      `INSERT INTO extensions (plan_id, subject_type, subject_id, occurrence_id, at, from_due, to_due, reason, granted_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [
        record.planId,
        subject.type,
        subject.id,
        record.occurrenceId,
        record.at,
        JSON.stringify(record.from),
        JSON.stringify(record.to),
        record.reason.normalize('NFC'),
        record.grantedBy.normalize('NFC'),
      ],
    );
  }

  async listExtensions(filter: { planId: string; occurrenceId?: string }): Promise<ExtensionRecord[]> {
    const params: string[] = [filter.planId];
    let where = 'plan_id = ?';
    if (filter.occurrenceId !== undefined) {
      where += ' AND occurrence_id = ?';
      params.push(filter.occurrenceId);
    }
    const rows = await this.db.all<{
      plan_id: string;
      subject_type: string;
      subject_id: string;
      occurrence_id: string;
      at: string;
      from_due: string;
      to_due: string;
      reason: string;
      granted_by: string;
    }>(`SELECT * FROM extensions WHERE ${where} ORDER BY at, subject_type, subject_id`, params);
    return rows.map((r) => ({
      planId: r.plan_id,
      subject: subjectOf(r.subject_type, r.subject_id) as Subject,
      occurrenceId: r.occurrence_id,
      at: r.at,
      from: JSON.parse(r.from_due),
      to: JSON.parse(r.to_due),
      reason: r.reason,
      grantedBy: r.granted_by,
    }));
  }

  async saveSummaryDocument(document: SummaryDocument): Promise<{ sha256: string }> {
    const hash = contentHash(document.content);
    await this.db.run(
      `INSERT INTO summaries (plan_id, period_id, format, filename, content_type, sha256, content, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (plan_id, period_id, format) DO UPDATE SET
         filename = excluded.filename, content_type = excluded.content_type, sha256 = excluded.sha256,
         content = excluded.content, created_at = excluded.created_at`,
      [
        document.planId,
        document.periodId,
        document.format,
        document.filename,
        document.contentType,
        hash,
        document.content,
        this.now(),
      ],
    );
    return { sha256: hash };
  }

  async getSummaryDocument(
    planId: string,
    periodId: string,
    format: SummaryFormat,
  ): Promise<SummaryDocument | undefined> {
    const [row] = await this.db.all<SummaryRow>(
      'SELECT plan_id, period_id, format, filename, content_type, content FROM summaries WHERE plan_id = ? AND period_id = ? AND format = ?',
      [planId, periodId, format],
    );
    return row
      ? {
          planId: row.plan_id,
          periodId: row.period_id,
          format: row.format as SummaryFormat,
          filename: row.filename,
          contentType: row.content_type,
          content: Buffer.from(row.content),
        }
      : undefined;
  }

  // --- accounts (issue 12) ---
  async createUser(input: {
    name: string;
    role: AccountRole;
    passwordHash: string;
    mustChangePassword: boolean;
  }): Promise<{ created: boolean }> {
    const now = this.now();
    const { changes } = await this.db.run(
      `INSERT INTO users (name, role, password_hash, must_change_password, disabled, created_at, updated_at)
       VALUES (?, ?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING`,
      [input.name.normalize('NFC'), input.role, input.passwordHash, input.mustChangePassword ? 1 : 0, now, now],
    );
    return { created: changes > 0 };
  }

  async getUser(name: string): Promise<UserRecord | undefined> {
    const [row] = await this.db.all<UserRow>('SELECT * FROM users WHERE name = ?', [name.normalize('NFC')]);
    return row ? toUser(row) : undefined;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.db.all<UserRow>('SELECT * FROM users ORDER BY name')).map(toUser);
  }

  async setUserPassword(name: string, passwordHash: string, mustChangePassword: boolean): Promise<boolean> {
    const { changes } = await this.db.run(
      'UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE name = ?',
      [passwordHash, mustChangePassword ? 1 : 0, this.now(), name.normalize('NFC')],
    );
    return changes > 0;
  }

  async deleteUser(name: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM users WHERE name = ?', [name.normalize('NFC')]);
    return changes > 0;
  }

  async recordLogin(name: string): Promise<void> {
    await this.db.run('UPDATE users SET last_login_at = ? WHERE name = ?', [this.now(), name.normalize('NFC')]);
  }

  async createApiToken(input: {
    id: string;
    name: string;
    role: AccountRole;
    tokenSha256: string;
    createdBy: string;
  }): Promise<ApiTokenRecord> {
    const now = this.now();
    await this.db.run(
      'INSERT INTO api_tokens (id, name, role, token_sha256, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [input.id, input.name.normalize('NFC'), input.role, input.tokenSha256, input.createdBy.normalize('NFC'), now],
    );
    return {
      id: input.id,
      name: input.name.normalize('NFC'),
      role: input.role,
      createdBy: input.createdBy,
      createdAt: now,
    };
  }

  async useApiToken(tokenSha256: string): Promise<ApiTokenRecord | undefined> {
    const [row] = await this.db.all<ApiTokenRow>(
      'SELECT * FROM api_tokens WHERE token_sha256 = ? AND revoked_at IS NULL',
      [tokenSha256],
    );
    if (!row) return undefined;
    // The last use to the minute: a busy client does not turn every API read into a database write.
    const now = this.clock();
    if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= 60_000) {
      row.last_used_at = now.toISOString();
      await this.db.run('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', [row.last_used_at, row.id]);
    }
    return toApiToken(row);
  }

  async listApiTokens(): Promise<ApiTokenRecord[]> {
    return (await this.db.all<ApiTokenRow>('SELECT * FROM api_tokens ORDER BY created_at, id')).map(toApiToken);
  }

  async revokeApiToken(id: string): Promise<boolean> {
    const { changes } = await this.db.run('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [
      this.now(),
      id,
    ]);
    return changes > 0;
  }
  // --- end accounts ---

  // --- replies by email (issue 11 §3) ---
  async replyKeyFor(target: ReplyKeyTarget, candidate: string): Promise<string> {
    const subject = subjectColumns(target.subject);
    const where = [target.planId, subject.type, subject.id, target.occurrenceId, target.agency];
    // Insert-or-nothing, then read: two workers racing for the same target both read the one key kept.
    await this.db.run(
      `INSERT INTO reply_keys (key, plan_id, subject_type, subject_id, occurrence_id, agency, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [candidate, ...where, this.now()],
    );
    const [row] = await this.db.all<{ key: string }>(
      `SELECT key FROM reply_keys WHERE plan_id = ? AND subject_type = ? AND subject_id = ? AND occurrence_id = ?
       AND agency = ?`,
      where,
    );
    if (!row) throw new Error(`reply_keys: không đọc lại được khóa của ${where.join('/')}`);
    return row.key;
  }

  async findReplyKey(key: string): Promise<ReplyKeyRecord | undefined> {
    const [row] = await this.db.all<{
      key: string;
      plan_id: string;
      subject_type: string;
      subject_id: string;
      occurrence_id: string;
      agency: string;
      created_at: string;
    }>('SELECT * FROM reply_keys WHERE key = ?', [key]);
    const subject = row && subjectOf(row.subject_type, row.subject_id);
    if (!row || !subject) return undefined;
    return {
      key: row.key,
      planId: row.plan_id,
      subject,
      occurrenceId: row.occurrence_id,
      agency: row.agency,
      createdAt: row.created_at,
    };
  }

  async recordInbound(input: {
    messageId: string;
    replyKey?: string;
    sender: string;
    subjectLine: string;
    raw: Buffer;
    status: InboundStatus;
    reportId?: string;
    reason?: string;
  }): Promise<{ message: InboundMessage; created: boolean }> {
    const now = this.now();
    const id = `in-${sha256(input.messageId).slice(0, 20)}`;
    const { changes } = await this.db.run(
      `INSERT INTO inbound_messages (id, message_id, reply_key, sender, subject_line, raw, status, report_id, reason,
         received_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [
        id,
        input.messageId,
        input.replyKey ?? null,
        input.sender,
        input.subjectLine.normalize('NFC'),
        input.raw,
        input.status,
        input.reportId ?? null,
        input.reason?.normalize('NFC') ?? null,
        now,
        now,
      ],
    );
    const message = await this.getInbound(input.messageId);
    if (!message) throw new Error(`inbound_messages: không đọc lại được thư ${input.messageId}`);
    return { message, created: changes > 0 };
  }

  async getInbound(idOrMessageId: string): Promise<InboundMessage | undefined> {
    const [row] = await this.db.all<InboundRow>(
      `SELECT ${INBOUND_COLUMNS} FROM inbound_messages WHERE id = ? OR message_id = ?`,
      [idOrMessageId, idOrMessageId],
    );
    return row ? toInbound(row) : undefined;
  }

  async getInboundRaw(id: string): Promise<Buffer | undefined> {
    const [row] = await this.db.all<{ raw: Buffer }>('SELECT raw FROM inbound_messages WHERE id = ?', [id]);
    return row ? Buffer.from(row.raw) : undefined;
  }

  async updateInbound(
    id: string,
    from: InboundStatus,
    change: { status: InboundStatus; reportId?: string; reason?: string; confirmedBy?: string },
  ): Promise<InboundMessage | undefined> {
    const [row] = await this.db.all<InboundRow>(
      `UPDATE inbound_messages SET status = ?, report_id = COALESCE(?, report_id), reason = COALESCE(?, reason),
         confirmed_by = COALESCE(?, confirmed_by), updated_at = ?
       WHERE id = ? AND status = ? RETURNING ${INBOUND_COLUMNS}`,
      [
        change.status,
        change.reportId ?? null,
        change.reason?.normalize('NFC') ?? null,
        change.confirmedBy?.normalize('NFC') ?? null,
        this.now(),
        id,
        from,
      ],
    );
    return row ? toInbound(row) : undefined;
  }

  async listInbound(filter: { status?: InboundStatus } = {}): Promise<InboundMessage[]> {
    const rows = await this.db.all<InboundRow>(
      `SELECT ${INBOUND_COLUMNS} FROM inbound_messages ${filter.status ? 'WHERE status = ?' : ''}
       ORDER BY received_at, id`,
      filter.status ? [filter.status] : [],
    );
    return rows.map(toInbound);
  }
  // --- end replies by email ---

  async ping(): Promise<void> {
    await this.db.all('SELECT 1 AS ok');
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
