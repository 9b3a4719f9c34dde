import type { SqlDriver } from './driver';

/** One schema change; `sql` per dialect where types differ (BLOB vs BYTEA). */
export interface Migration {
  version: number;
  name: string;
  sql: (dialect: SqlDriver['dialect']) => string;
}

const blob = (dialect: SqlDriver['dialect']): string => (dialect === 'postgres' ? 'BYTEA' : 'BLOB');

/** Every migration in order; append only, never edit one that has shipped. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'reports, attachments, send log, audit, summaries',
    sql: (d) => `
      CREATE TABLE attachments (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        content ${blob(d)} NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE reports (
        id TEXT PRIMARY KEY,
        plan_id TEXT NOT NULL,
        submission_id TEXT NOT NULL,
        subject_type TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        occurrence_id TEXT NOT NULL,
        agency TEXT NOT NULL,
        role TEXT NOT NULL,
        text TEXT NOT NULL,
        received_at TEXT NOT NULL,
        on_time INTEGER NOT NULL,
        stored_at TEXT NOT NULL,
        UNIQUE (plan_id, submission_id)
      );
      CREATE INDEX reports_by_period ON reports (plan_id, occurrence_id);
      CREATE TABLE report_attachments (
        report_id TEXT NOT NULL REFERENCES reports (id),
        position INTEGER NOT NULL,
        sha256 TEXT NOT NULL REFERENCES attachments (sha256),
        filename TEXT NOT NULL,
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (report_id, position)
      );
      CREATE TABLE send_log (
        key TEXT PRIMARY KEY,
        message_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        plan_id TEXT NOT NULL,
        recipients TEXT NOT NULL,
        subject_line TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        claimed_at TEXT,
        first_sent_at TEXT,
        last_error TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX send_log_by_status ON send_log (status, updated_at);
      CREATE TABLE audit (
        id TEXT PRIMARY KEY,
        plan_id TEXT NOT NULL,
        subject_type TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        occurrence_id TEXT,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        detail TEXT NOT NULL,
        recorded_at TEXT NOT NULL
      );
      CREATE INDEX audit_by_subject ON audit (plan_id, subject_type, subject_id, at);
      CREATE TABLE summaries (
        plan_id TEXT NOT NULL,
        period_id TEXT NOT NULL,
        format TEXT NOT NULL,
        filename TEXT NOT NULL,
        content_type TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        content ${blob(d)} NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (plan_id, period_id, format)
      );
    `,
  },
  {
    version: 2,
    name: 'reports keyed by plan, subject, period, agency and submission; extensions; refused recipients',
    // SQLite cannot drop a UNIQUE constraint: the two report tables are rebuilt (children first, then parents).
    sql: (d) =>
      (d === 'postgres'
        ? `
      ALTER TABLE reports DROP CONSTRAINT IF EXISTS reports_plan_id_submission_id_key;
      ALTER TABLE reports ADD CONSTRAINT reports_submission_key
        UNIQUE (plan_id, subject_type, subject_id, occurrence_id, agency, submission_id);
    `
        : `
      CREATE TABLE reports_v2 (
        id TEXT PRIMARY KEY,
        plan_id TEXT NOT NULL,
        submission_id TEXT NOT NULL,
        subject_type TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        occurrence_id TEXT NOT NULL,
        agency TEXT NOT NULL,
        role TEXT NOT NULL,
        text TEXT NOT NULL,
        received_at TEXT NOT NULL,
        on_time INTEGER NOT NULL,
        stored_at TEXT NOT NULL,
        UNIQUE (plan_id, subject_type, subject_id, occurrence_id, agency, submission_id)
      );
      INSERT INTO reports_v2 SELECT id, plan_id, submission_id, subject_type, subject_id, occurrence_id, agency, role,
        text, received_at, on_time, stored_at FROM reports;
      CREATE TABLE report_attachments_v2 (
        report_id TEXT NOT NULL REFERENCES reports_v2 (id),
        position INTEGER NOT NULL,
        sha256 TEXT NOT NULL REFERENCES attachments (sha256),
        filename TEXT NOT NULL,
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (report_id, position)
      );
      INSERT INTO report_attachments_v2 SELECT report_id, position, sha256, filename, content_type, size
        FROM report_attachments;
      DROP TABLE report_attachments;
      DROP TABLE reports;
      ALTER TABLE reports_v2 RENAME TO reports;
      ALTER TABLE report_attachments_v2 RENAME TO report_attachments;
      CREATE INDEX reports_by_period ON reports (plan_id, occurrence_id);
    `) +
      `
      CREATE TABLE extensions (
        plan_id TEXT NOT NULL,
        subject_type TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        occurrence_id TEXT NOT NULL,
        at TEXT NOT NULL,
        from_due TEXT NOT NULL,
        to_due TEXT NOT NULL,
        reason TEXT NOT NULL,
        granted_by TEXT NOT NULL,
        PRIMARY KEY (plan_id, subject_type, subject_id, occurrence_id, at)
      );
      ALTER TABLE send_log ADD COLUMN refused TEXT;
    `,
  },
  // --- replies by email (issue 11 §3): migration 3 ---
  {
    version: 3,
    name: 'reply keys and inbound messages',
    // A reply key is the random part of `<prefix>+<key>@<domain>`: one per (plan, subject, period, agency).
    sql: (d) => `
      CREATE TABLE reply_keys (
        key TEXT PRIMARY KEY,
        plan_id TEXT NOT NULL,
        subject_type TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        occurrence_id TEXT NOT NULL,
        agency TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (plan_id, subject_type, subject_id, occurrence_id, agency)
      );
      CREATE TABLE inbound_messages (
        id TEXT PRIMARY KEY,
        message_id TEXT NOT NULL UNIQUE,
        reply_key TEXT,
        sender TEXT NOT NULL,
        subject_line TEXT NOT NULL,
        raw ${blob(d)} NOT NULL,
        status TEXT NOT NULL,
        report_id TEXT,
        reason TEXT,
        confirmed_by TEXT,
        received_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX inbound_by_status ON inbound_messages (status, received_at);
    `,
  },
  // --- end replies by email ---
  // --- accounts (issue 12): migration 4 ---
  {
    version: 4,
    name: 'accounts and API tokens',
    // Only hashes are kept: a scrypt hash of each password, the SHA-256 of each API token.
    sql: () => `
      CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        must_change_password INTEGER NOT NULL,
        disabled INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_login_at TEXT
      );
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        token_sha256 TEXT NOT NULL UNIQUE,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
      );
    `,
  },
  // --- end accounts ---
];

// Any constant works; it only has to be the same for every dondoc process sharing the database.
const MIGRATION_LOCK_ID = 0x646f6e64;

/** Applies the migrations the database lacks, in one transaction; returns the versions applied now. */
export async function migrate(
  driver: SqlDriver,
  now: () => Date,
  list: readonly Migration[] = migrations,
): Promise<number[]> {
  return driver.transaction(async (tx) => {
    if (driver.dialect === 'postgres') await tx.all('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK_ID]);
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const done = new Set(
      (await tx.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)),
    );
    const newest = Math.max(0, ...list.map((m) => m.version));
    const unknown = [...done].filter((v) => v > newest);
    if (unknown.length > 0) {
      throw new Error(
        `Cơ sở dữ liệu ${driver.location} có phiên bản lược đồ ${Math.max(...unknown)} mới hơn bản dondoc này (${newest}): hãy cập nhật dondoc.`,
      );
    }
    const applied: number[] = [];
    for (const migration of [...list].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql(driver.dialect));
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        now().toISOString(),
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}
