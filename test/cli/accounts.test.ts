import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/activities/storage';
import type { Store } from '../../src/activities/storage/store';
import { formatBanner } from '../../src/cli/up';
import {
  addUser,
  authenticate,
  changePassword,
  createToken,
  ensureFirstAdmin,
  removeUser,
  revokeToken,
  tokenAccount,
} from '../../src/services/accounts';
import type { RunningServices } from '../../src/services/up';
import { describeEachStore } from '../support/stores';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `dondoc <args>` as a user runs it, with `input` piped on stdin. */
function dondoc(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join('bin', 'dondoc.js'), ...args], { env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('dondoc user and dondoc token', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  let store: Store;
  const dbFile = () => join(root, 'dondoc.db');

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'dondoc-accounts-'));
    env = { ...process.env, DATABASE_URL: '', DATABASE_SCHEMA: '', DONDOC_DB: join(root, 'dondoc.db') };
  });
  afterAll(async () => {
    await store?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('adds an account with a generated one-time password, printed once, that must be changed', async () => {
    const r = await dondoc(['user', 'add', 'Nguyễn Văn A', '--role', 'admin'], env);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('Đã thêm tài khoản Nguyễn Văn A, vai trò quản trị (admin)');
    const password = /Mật khẩu dùng một lần \(one-time password\): (\S+)/.exec(r.stdout)?.[1] as string;
    expect(password).toHaveLength(20);
    store = await openStore({ sqlitePath: dbFile() });
    await expect(authenticate(store, 'Nguyễn Văn A', password)).resolves.toMatchObject({
      role: 'admin',
      mustChangePassword: true,
    });
    expect(JSON.stringify(await store.listUsers())).not.toContain(password);
  }, 120_000);

  it('reads a password from stdin, refuses a taken name, a bad role and a short password (exit 2)', async () => {
    const ok = await dondoc(
      ['user', 'add', 'canbo', '--role', 'officer', '--password-stdin'],
      env,
      'mật-khẩu-đủ-dài\n',
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).not.toContain('một lần');
    await expect(authenticate(store, 'canbo', 'mật-khẩu-đủ-dài')).resolves.toMatchObject({
      role: 'officer',
      mustChangePassword: false,
    });
    const taken = await dondoc(['user', 'add', 'canbo', '--role', 'officer'], env);
    expect(taken).toMatchObject({ code: 2, stderr: 'dondoc: đã có tài khoản "canbo"\n' });
    const role = await dondoc(['user', 'add', 'x', '--role', 'root'], env);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('vai trò "root" không hợp lệ');
    const short = await dondoc(['user', 'add', 'y', '--role', 'officer', '--password-stdin'], env, 'ngắn\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('mật khẩu quá ngắn');
    expect((await store.listUsers()).map((u) => u.name)).toEqual(['Nguyễn Văn A', 'canbo']);
  }, 120_000);

  it('changes a password from stdin, lists and removes accounts', async () => {
    const passwd = await dondoc(['user', 'passwd', 'canbo', '--password-stdin'], env, 'mật-khẩu-mới-hơn\n');
    expect(passwd.code).toBe(0);
    await expect(authenticate(store, 'canbo', 'mật-khẩu-đủ-dài')).resolves.toBeUndefined();
    await expect(authenticate(store, 'canbo', 'mật-khẩu-mới-hơn')).resolves.toBeDefined();
    const list = await dondoc(['user', 'list'], env);
    expect(list.stdout).toContain('canbo: cán bộ (officer), đăng nhập lần cuối');
    expect(list.stdout).toContain('Nguyễn Văn A: quản trị (admin), đăng nhập lần cuối');
    expect(list.stdout).toContain('phải đổi mật khẩu');
    const removed = await dondoc(['user', 'remove', 'canbo'], env);
    expect(removed.code).toBe(0);
    const again = await dondoc(['user', 'remove', 'canbo'], env);
    expect(again).toMatchObject({ code: 2, stderr: 'dondoc: không có tài khoản "canbo"\n' });
    expect(await store.getUser('canbo')).toBeUndefined();
  }, 120_000);

  it('creates a token printed once and kept hashed, lists it without the token, revokes it', async () => {
    const created = await dondoc(['token', 'create', '--name', 'bảng tin', '--role', 'officer', '--json'], env);
    expect(created.code).toBe(0);
    const { token, id } = JSON.parse(created.stdout) as { token: string; id: string };
    await expect(tokenAccount(store, token)).resolves.toEqual({ name: 'bảng tin', role: 'officer', via: 'token' });
    const list = await dondoc(['token', 'list'], env);
    expect(list.stdout).toContain(`${id}  bảng tin (officer)`);
    expect(list.stdout).toContain('đang dùng');
    expect(list.stdout).not.toContain(token);
    expect((await dondoc(['token', 'revoke', id], env)).code).toBe(0);
    await expect(tokenAccount(store, token)).resolves.toBeUndefined();
    expect((await dondoc(['token', 'revoke', id], env)).code).toBe(2);
    expect((await dondoc(['token', 'list'], env)).stdout).toContain('đã thu hồi');
  }, 120_000);

  it('first dondoc up: creates "admin" with a one-time password on a store without accounts, once, and prints it', async () => {
    const fresh = await openStore({ sqlitePath: join(root, 'first.db') });
    try {
      const first = await ensureFirstAdmin(fresh);
      expect(first).toMatchObject({ name: 'admin', password: expect.stringMatching(/^[\w-]{20}$/) });
      await expect(authenticate(fresh, 'admin', first!.password)).resolves.toMatchObject({
        role: 'admin',
        mustChangePassword: true,
      });
      await expect(ensureFirstAdmin(fresh)).resolves.toBeUndefined();
      const banner = formatBanner({
        info: {
          temporal: { address: '127.0.0.1:7233', namespace: 'default', external: false },
          web: { url: 'http://127.0.0.1:8080', publicUrl: 'http://127.0.0.1:8080' },
          smtp: 'x',
          database: 'x',
          plansDir: 'plans',
          warnings: [],
          firstAdmin: first,
        },
        plans: [],
      } as unknown as RunningServices).join('\n');
      expect(banner).toContain(`admin, mật khẩu dùng một lần (one-time password): ${first!.password}`);
      expect(banner).toContain('http://127.0.0.1:8080/dang-nhap');
      expect(banner).toContain('dondoc user passwd admin');
    } finally {
      await fresh.close();
    }
  });
});

describeEachStore('accounts and tokens in the store', (testStore) => {
  let store: Store;
  beforeAll(async () => {
    store = await testStore().open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('keeps an account once, checks its password, changes it and removes it', async () => {
    await addUser(store, { name: 'Lê Thị C', role: 'officer', password: 'mật-khẩu-ban-đầu' });
    await expect(addUser(store, { name: 'Lê Thị C', role: 'admin', password: 'khác-hẳn-mật-khẩu' })).rejects.toThrow(
      'đã có tài khoản',
    );
    await expect(authenticate(store, 'Lê Thị C', 'mật-khẩu-ban-đầu')).resolves.toMatchObject({ role: 'officer' });
    expect((await store.getUser('Lê Thị C'))?.lastLoginAt).toBeDefined();
    await changePassword(store, 'Lê Thị C', 'mật-khẩu-thứ-hai');
    await expect(authenticate(store, 'Lê Thị C', 'mật-khẩu-ban-đầu')).resolves.toBeUndefined();
    await expect(authenticate(store, 'Lê Thị C', 'mật-khẩu-thứ-hai')).resolves.toBeDefined();
    await removeUser(store, 'Lê Thị C');
    await expect(authenticate(store, 'Lê Thị C', 'mật-khẩu-thứ-hai')).resolves.toBeUndefined();
  });

  it('finds a live token by its hash, records its use, and refuses it once revoked', async () => {
    const { token, record } = await createToken(store, { name: 'máy', role: 'admin', createdBy: 'Lê Thị C' });
    await expect(tokenAccount(store, token)).resolves.toEqual({ name: 'máy', role: 'admin', via: 'token' });
    await expect(tokenAccount(store, `${token}x`)).resolves.toBeUndefined();
    expect((await store.listApiTokens()).find((t) => t.id === record.id)?.lastUsedAt).toBeDefined();
    await revokeToken(store, record.id);
    await expect(tokenAccount(store, token)).resolves.toBeUndefined();
    await expect(revokeToken(store, record.id)).rejects.toThrow('không có mã truy cập');
  });
});
