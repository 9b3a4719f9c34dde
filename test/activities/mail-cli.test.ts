import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/activities/storage/open-store';
import { buildProgram } from '../../src/cli/main';

describe('dondoc mail log', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  const saved = { db: process.env.DONDOC_DB, url: process.env.DATABASE_URL };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dondoc-mail-cli-'));
    process.env.DONDOC_DB = join(dir, 'dondoc.db');
    delete process.env.DATABASE_URL;
    const store = await openStore({ sqlitePath: process.env.DONDOC_DB });
    const claim = {
      messageId: '<x@dondoc>',
      kind: 'reminder' as const,
      planId: 'p',
      recipients: ['congan@daknong.example'],
      leaseMs: 60_000,
    };
    await store.claimSend({ ...claim, key: 'a', subjectLine: '[Nhắc hạn] 678/KH-UBND – Nhiệm vụ 2.4.1' });
    await store.markFailed('a', 'failed', 'connect ECONNREFUSED 127.0.0.1:2525');
    await store.claimSend({ ...claim, key: 'b', subjectLine: '[Quá hạn] 678/KH-UBND – Nhiệm vụ 1' });
    await store.markSent('b');
    await store.close();
  });
  afterAll(() => {
    process.env.DONDOC_DB = saved.db;
    if (saved.url) process.env.DATABASE_URL = saved.url;
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    out = [];
    err = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    jest.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
    process.exitCode = undefined;
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('lists what failed with its last error, in Vietnamese, so that nothing undelivered goes unnoticed', async () => {
    await buildProgram().parseAsync(['node', 'dondoc', 'mail', 'log', '--status', 'failed']);
    const text = out.join('\n');
    expect(text).toContain('lỗi, sẽ gửi lại');
    expect(text).toContain('[Nhắc hạn] 678/KH-UBND – Nhiệm vụ 2.4.1');
    expect(text).toContain('lỗi gần nhất: connect ECONNREFUSED 127.0.0.1:2525');
    expect(text).not.toContain('[Quá hạn]');
    expect(process.exitCode).toBeUndefined();
  });

  it('prints the whole log as JSON', async () => {
    await buildProgram().parseAsync(['node', 'dondoc', 'mail', 'log', '--json']);
    expect(
      (JSON.parse(out.join('\n')) as Array<{ key: string; status: string }>).map((e) => [e.key, e.status]).sort(),
    ).toEqual([
      ['a', 'failed'],
      ['b', 'sent'],
    ]);
  });

  it('refuses an unknown status with exit code 2 and no stack trace', async () => {
    await buildProgram().parseAsync(['node', 'dondoc', 'mail', 'log', '--status', 'lost']);
    expect(err).toEqual(['dondoc: --status: cần một trong sending, sent, failed, rejected, nhận được "lost"']);
    expect(process.exitCode).toBe(2);
  });
});
