import { join } from 'node:path';
import type { AttachmentLimits } from './attachments';
import { migrate } from './migrations';
import { openPostgresDriver } from './postgres-driver';
import { SqlStore } from './sql-store';
import { openSqliteDriver } from './sqlite-driver';
import type { Store } from './store';

/** Where the store lives: PostgreSQL when `databaseUrl` is set, otherwise an SQLite file. */
export interface StoreConfig {
  databaseUrl?: string;
  /** PostgreSQL schema to keep the tables in (created if missing); the URL's default otherwise. */
  schema?: string;
  sqlitePath: string;
  attachmentLimits?: AttachmentLimits;
  clock?: () => Date;
  /** A scratch database (simulations): SQLite skips fsync, since nothing in it must survive a crash. */
  scratch?: boolean;
}

/** The default SQLite file, relative to the working directory. */
export const defaultSqlitePath = join('.dondoc', 'dondoc.db');

/** Store configuration from the environment: `DATABASE_URL` (and `DATABASE_SCHEMA`), else `DONDOC_DB` or `.dondoc/dondoc.db`. */
export function storeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): StoreConfig {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    schema: env.DATABASE_SCHEMA || undefined,
    sqlitePath: env.DONDOC_DB || defaultSqlitePath,
  };
}

/** Opens the configured database and runs the migrations it lacks before returning. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const clock = config.clock ?? (() => new Date());
  const driver = config.databaseUrl
    ? await openPostgresDriver(config.databaseUrl, { schema: config.schema })
    : openSqliteDriver(config.sqlitePath, { durable: !config.scratch });
  try {
    await migrate(driver, clock);
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw err;
  }
  return new SqlStore(driver, clock, config.attachmentLimits);
}
