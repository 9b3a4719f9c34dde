import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openStore, type StoreConfig } from '../../src/activities/storage/open-store';
import type { Store } from '../../src/activities/storage/store';

export type StoreName = 'sqlite' | 'postgres';

/** A throw-away database: an SQLite file in a folder of its own, or a PostgreSQL schema of its own. */
export interface TestStore {
  name: StoreName;
  /** Where it is, for `openStore` and `runSimulation`. */
  config: StoreConfig;
  /** The same place for a CLI or a child process: `DATABASE_URL`, `DATABASE_SCHEMA`, `DONDOC_DB`. */
  env: Record<string, string>;
  /** Opens (and migrates) it; every call is a new connection to the same data. */
  open(options?: Partial<StoreConfig>): Promise<Store>;
  /** Removes the file or drops the schema, once every store opened on it is closed. */
  cleanup(): Promise<void>;
}

/** A kind of database the store suites run on. */
export interface TestStoreConfig {
  name: StoreName;
  /** Why the suites skip it here: PostgreSQL without `DATABASE_URL`, outside CI. */
  skipped?: string;
  /** A fresh, empty store; throws the reason when it cannot make one. */
  create(): Promise<TestStore>;
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  return !!env.CI && env.CI !== 'false' && env.CI !== '0';
}

async function sqliteStore(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'dondoc-store-'));
  const config: StoreConfig = { sqlitePath: join(dir, 'dondoc.db') };
  return {
    name: 'sqlite',
    config,
    env: { DATABASE_URL: '', DATABASE_SCHEMA: '', DONDOC_DB: config.sqlitePath },
    open: (options = {}) => openStore({ ...config, ...options }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresStore(databaseUrl: string): Promise<TestStore> {
  // Jest runs test files in parallel workers: each store has a schema of its own in the one database.
  const schema = `dondoc_test_${randomBytes(8).toString('hex')}`;
  const config: StoreConfig = { databaseUrl, schema, sqlitePath: '' };
  return {
    name: 'postgres',
    config,
    env: { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema },
    open: (options = {}) => openStore({ ...config, ...options }),
    cleanup: async () => {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Why PostgreSQL is not tested here, if it is not: `DATABASE_URL` unset (and whether that fails, in CI). */
export function postgresNote(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.DATABASE_URL) return undefined;
  return isCi(env)
    ? 'DATABASE_URL is not set and CI is: the PostgreSQL variants of the store suites fail (bash .ci/run sets it)'
    : 'DATABASE_URL is not set: the PostgreSQL variants of the store suites are skipped';
}

/** SQLite, and PostgreSQL at `DATABASE_URL`: skipped without it, except in CI, where it fails the suites. */
export function testStoreConfigs(env: NodeJS.ProcessEnv = process.env): TestStoreConfig[] {
  const url = env.DATABASE_URL;
  const ci = isCi(env);
  const postgres: TestStoreConfig = url
    ? { name: 'postgres', create: () => postgresStore(url) }
    : ci
      ? { name: 'postgres', create: () => Promise.reject(new Error(postgresNote(env))) }
      : {
          name: 'postgres',
          skipped: 'DATABASE_URL is not set',
          create: () => Promise.reject(new Error(postgresNote(env))),
        };
  return [{ name: 'sqlite', create: sqliteStore }, postgres];
}

/**
 * Declares `suite` once per store, as `<title> on sqlite` and `<title> on postgres`, with a fresh store created before
 * its tests and removed after them (after the suite's own `afterAll`).
 */
export function describeEachStore(
  title: string,
  suite: (store: () => TestStore) => void,
  stores: TestStoreConfig[] = testStoreConfigs(),
): void {
  for (const kind of stores) {
    const name = `${title} on ${kind.name}`;
    if (kind.skipped) {
      describe.skip(`${name} (skipped: ${kind.skipped})`, () =>
        suite(() => {
          throw new Error(`the ${kind.name} store is skipped: ${kind.skipped}`);
        }));
      continue;
    }
    describe(name, () => {
      let created: TestStore | undefined;
      beforeAll(async () => {
        created = await kind.create();
      });
      suite(() => {
        if (!created) throw new Error(`no ${kind.name} store: its creation failed`);
        return created;
      });
      afterAll(async () => {
        await created?.cleanup();
      });
    });
  }
}
