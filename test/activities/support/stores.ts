import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openStore, type StoreConfig } from '../../../src/activities/storage/open-store';
import type { Store } from '../../../src/activities/storage/store';

/** A database a storage test runs against, with its own throw-away space. */
export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  /** Opens (and migrates) a fresh store; call `cleanup` once at the end. */
  open(options?: Partial<StoreConfig>): Promise<Store>;
  cleanup(): Promise<void>;
}

function sqliteTarget(): StoreTarget {
  const dir = mkdtempSync(join(tmpdir(), 'dondoc-store-'));
  return {
    name: 'sqlite',
    open: (options = {}) => openStore({ sqlitePath: join(dir, 'dondoc.db'), ...options }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresTarget(databaseUrl: string): StoreTarget {
  const schema = `dondoc_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  return {
    name: 'postgres',
    open: (options = {}) => openStore({ databaseUrl, schema, sqlitePath: '', ...options }),
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

/** SQLite always; PostgreSQL too when `DATABASE_URL` is set (each with a schema of its own, dropped after). */
export function storeTargets(): Array<[string, () => StoreTarget]> {
  const targets: Array<[string, () => StoreTarget]> = [['sqlite', sqliteTarget]];
  const url = process.env.DATABASE_URL;
  if (url) targets.push(['postgres', () => postgresTarget(url)]);
  return targets;
}
