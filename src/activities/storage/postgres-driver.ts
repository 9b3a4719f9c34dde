import { Pool, type PoolClient } from 'pg';
import type { SqlDriver, SqlExecutor, SqlValue } from './driver';

/** Rewrites `?` placeholders to `$1, $2 …` (the store's SQL has no `?` inside literals). */
export function toPostgresPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function executor(client: Pool | PoolClient): SqlExecutor {
  return {
    all: async <T>(sql: string, params: readonly SqlValue[] = []) =>
      (await client.query(toPostgresPlaceholders(sql), params as SqlValue[])).rows as T[],
    run: async (sql: string, params: readonly SqlValue[] = []) => ({
      changes: (await client.query(toPostgresPlaceholders(sql), params as SqlValue[])).rowCount ?? 0,
    }),
    exec: async (sql: string) => void (await client.query(sql)),
  };
}

/** A PostgreSQL URL without its password, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(URL không hợp lệ)';
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Connects a pool to `DATABASE_URL`; with `schema`, creates it if needed and keeps every connection in it. */
export async function openPostgresDriver(url: string, options: { schema?: string } = {}): Promise<SqlDriver> {
  if (options.schema) {
    const setup = new Pool({ connectionString: url, max: 1 });
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
    } finally {
      await setup.end();
    }
  }
  const pool = new Pool({
    connectionString: url,
    max: 5,
    ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
  });
  // An idle client losing its connection must not crash the worker; the next query reconnects.
  pool.on('error', () => undefined);
  const direct = executor(pool);
  return {
    dialect: 'postgres',
    location: redactUrl(url) + (options.schema ? ` (schema ${options.schema})` : ''),
    ...direct,
    transaction: async <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(executor(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
