import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { SqlDriver, SqlExecutor, SqlValue } from './driver';

/** Serialises transactions on the single SQLite connection: an open async transaction must not swallow other callers' statements. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    return release;
  }
}

const STATEMENT_CACHE_SIZE = 128;

/** How long a statement waits for another connection's write lock before it fails with SQLITE_BUSY. */
const BUSY_WAIT_MS = 5_000;

function isBusy(err: unknown): boolean {
  return /^SQLITE_BUSY/.test(String((err as { code?: unknown })?.code ?? ''));
}

/**
 * Runs `fn` again while the file is locked by another connection, for up to `BUSY_WAIT_MS`. better-sqlite3 waits for
 * a lock synchronously, so SQLite's own busy_timeout is kept short: a long one would stop the whole process (the web
 * server's other requests, the worker's heartbeats) while one statement waits.
 */
async function whenUnlocked<R>(fn: () => Promise<R>): Promise<R> {
  const deadline = Date.now() + BUSY_WAIT_MS;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusy(err) || Date.now() + delay > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function executor(db: Database.Database): SqlExecutor {
  // Preparing is most of a small query's cost; the store's statements repeat, so each is prepared once.
  // Bounded: IN-lists of varying length make new texts, and the oldest are dropped first.
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
    }
    return statement;
  };
  return {
    all: async <T>(sql: string, params: readonly SqlValue[] = []) => prepared(sql).all(...params) as T[],
    run: async (sql: string, params: readonly SqlValue[] = []) => ({ changes: prepared(sql).run(...params).changes }),
    exec: async (sql: string) => void db.exec(sql),
  };
}

/** Opens (creating it and its folder if needed) an SQLite file in WAL mode; `durable: false` skips fsync. */
export function openSqliteDriver(path: string, options: { durable?: boolean } = {}): SqlDriver {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: a send-log row written before the activity returns survives a crash of the whole machine, not only of the process.
  db.pragma(options.durable === false ? 'synchronous = OFF' : 'synchronous = FULL');
  db.pragma('busy_timeout = 20');
  db.pragma('foreign_keys = ON');
  const direct = executor(db);
  const mutex = new Mutex();
  const guarded =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      whenUnlocked(async () => {
        const release = await mutex.lock();
        try {
          return await fn(...args);
        } finally {
          release();
        }
      });
  return {
    dialect: 'sqlite',
    location: file,
    all: guarded(direct.all) as SqlExecutor['all'],
    run: guarded(direct.run),
    exec: guarded(direct.exec),
    transaction: guarded(async <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> => {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(direct);
        db.exec('COMMIT');
        return result;
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
    }) as SqlDriver['transaction'],
    close: async () => {
      const release = await mutex.lock();
      try {
        if (db.open) db.close();
      } finally {
        release();
      }
    },
  };
}
