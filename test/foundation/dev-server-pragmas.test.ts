import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { defaultSqlitePragmas, sqlitePragmasFromEnv, startDevServer } from '../../src/temporal/dev-server';

describe("the dev server's SQLite pragmas (DONDOC_TEMPORAL_SQLITE_PRAGMAS)", () => {
  it('defaults to a write-ahead log synced at checkpoints, and reads a list, none, or refuses a malformed one', () => {
    expect(sqlitePragmasFromEnv({})).toEqual(['journal_mode=wal', 'synchronous=normal']);
    expect(sqlitePragmasFromEnv({})).toBe(defaultSqlitePragmas);
    expect(sqlitePragmasFromEnv({ DONDOC_TEMPORAL_SQLITE_PRAGMAS: 'none' })).toEqual([]);
    expect(sqlitePragmasFromEnv({ DONDOC_TEMPORAL_SQLITE_PRAGMAS: '' })).toEqual([]);
    expect(
      sqlitePragmasFromEnv({
        DONDOC_TEMPORAL_SQLITE_PRAGMAS: ' journal_mode=delete, synchronous=full ,busy_timeout=5000',
      }),
    ).toEqual(['journal_mode=delete', 'synchronous=full', 'busy_timeout=5000']);
    expect(() => sqlitePragmasFromEnv({ DONDOC_TEMPORAL_SQLITE_PRAGMAS: 'journal_mode=wal; DROP TABLE x' })).toThrow(
      /DONDOC_TEMPORAL_SQLITE_PRAGMAS: "journal_mode=wal; DROP TABLE x" không hợp lệ/,
    );
  });

  it('gives the SQLite file its pragmas: WAL by default, the rollback journal when told none', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dondoc-pragmas-'));
    const journalMode = (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        return db.pragma('journal_mode', { simple: true });
      } finally {
        db.close();
      }
    };
    try {
      const tuned = await startDevServer({ dbFile: join(root, 'tuned.db'), sqlitePragmas: sqlitePragmasFromEnv({}) });
      await tuned.stop();
      const plain = await startDevServer({ dbFile: join(root, 'plain.db'), sqlitePragmas: [] });
      await plain.stop();
      expect(journalMode(join(root, 'tuned.db'))).toBe('wal');
      expect(journalMode(join(root, 'plain.db'))).toBe('delete');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
