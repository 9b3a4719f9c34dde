import { testStoreConfigs } from '../support/stores';

const byName = (env: NodeJS.ProcessEnv) => new Map(testStoreConfigs(env).map((s) => [s.name, s]));

describe('the stores the store suites run on', () => {
  it('are SQLite and PostgreSQL when DATABASE_URL is set', () => {
    const stores = testStoreConfigs({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', CI: 'true' });
    expect(stores.map((s) => [s.name, s.skipped])).toEqual([
      ['sqlite', undefined],
      ['postgres', undefined],
    ]);
  });

  it('skip PostgreSQL, saying why, when DATABASE_URL is not set outside CI', () => {
    expect(byName({}).get('postgres')?.skipped).toBe('DATABASE_URL is not set');
    expect(byName({ CI: 'false' }).get('postgres')?.skipped).toBe('DATABASE_URL is not set');
  });

  it('fail the PostgreSQL variants in CI when DATABASE_URL is not set, instead of skipping them', async () => {
    const postgres = byName({ CI: 'true' }).get('postgres');
    expect(postgres?.skipped).toBeUndefined();
    await expect(postgres?.create()).rejects.toThrow('DATABASE_URL is not set and CI is');
  });

  it('give each PostgreSQL store a schema of its own, and the CLI the same one', async () => {
    const postgres = byName({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' }).get('postgres');
    const [a, b] = await Promise.all([postgres!.create(), postgres!.create()]);
    expect(a.config.schema).toMatch(/^dondoc_test_[0-9a-f]{16}$/);
    expect(a.config.schema).not.toBe(b.config.schema);
    expect(a.env).toEqual({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', DATABASE_SCHEMA: a.config.schema });
  });
});
