import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { AccountRole, ApiTokenRecord, Store, UserRecord } from '../activities/storage/store';

export type { AccountRole } from '../activities/storage/store';

/** Who is acting: an officer's or admin's login (`session`) or a machine client's API token (`token`). */
export interface Account {
  name: string;
  role: AccountRole;
  via: 'session' | 'token';
}

/** Something about accounts the caller can fix (a taken name, a short password…), said in Vietnamese. */
export class AccountError extends Error {
  override readonly name = 'AccountError';
}

export const accountRoles: readonly AccountRole[] = ['officer', 'admin'];

/** The name of the account the first `dondoc up` creates. */
export const firstAdminName = 'admin';

export const minPasswordLength = 10;

// Passwords: node's built-in scrypt (maintained with OpenSSL, no native add-on to build, works under jest).
// N = 2^15, r = 8 takes about 32 MiB and some 50–100 ms per check on one core: slow for guessing, bearable on a
// 2-core server because it runs on libuv's thread pool, not on the event loop.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function scryptOptions(N: number, r: number, p: number): ScryptOptions {
  return { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
}

/** `scrypt$N$r$p$salt$hash` (base64url): the parameters travel with the hash, so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltLength);
  const key = await scryptAsync(
    password.normalize('NFC'),
    salt,
    SCRYPT.keyLength,
    scryptOptions(SCRYPT.N, SCRYPT.r, SCRYPT.p),
  );
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Checks a password against a stored hash in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const N = Number(n);
  if (!Number.isInteger(N) || N < 2 || N > 2 ** 20 || expected.length < 16) return false;
  const key = await scryptAsync(
    password.normalize('NFC'),
    Buffer.from(salt, 'base64url'),
    expected.length,
    scryptOptions(N, Number(r), Number(p)),
  );
  return timingSafeEqual(key, expected);
}

// Checked against when the name is unknown, so a wrong name costs as long as a wrong password.
let dummyHash: Promise<string> | undefined;

/** A password people can type from a printed banner: 20 characters of base64url (120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

/** True when `text` holds a C0 control character or DEL (never part of a name people type). */
export function hasControlCharacters(text: string): boolean {
  return [...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
}

function cleanName(name: string): string {
  const clean = name.normalize('NFC').trim();
  if (!clean || clean.length > 100 || hasControlCharacters(clean)) {
    throw new AccountError(`tên tài khoản "${name}" không hợp lệ: cần 1–100 ký tự, không có ký tự điều khiển`);
  }
  return clean;
}

function checkRole(role: string): AccountRole {
  if (!accountRoles.includes(role as AccountRole)) {
    throw new AccountError(`vai trò "${role}" không hợp lệ: chọn officer (xem) hoặc admin (xem và điều hành)`);
  }
  return role as AccountRole;
}

function checkPassword(password: string): string {
  const clean = password.normalize('NFC');
  if ([...clean].length < minPasswordLength) {
    throw new AccountError(`mật khẩu quá ngắn: cần ít nhất ${minPasswordLength} ký tự`);
  }
  if (clean.length > 1000) throw new AccountError('mật khẩu quá dài (tối đa 1000 ký tự)');
  return clean;
}

/** An account as listed (no hash). */
export type UserSummary = Omit<UserRecord, 'passwordHash'>;

function summary(user: UserRecord): UserSummary {
  const rest: Partial<UserRecord> = { ...user };
  delete rest.passwordHash;
  return rest as UserSummary;
}

/**
 * Adds an account. Without a password, one is generated, returned once and must be changed at first login
 * (`generated: true`).
 */
export async function addUser(
  store: Store,
  input: { name: string; role: string; password?: string },
): Promise<{ name: string; role: AccountRole; password?: string; generated: boolean }> {
  const name = cleanName(input.name);
  const role = checkRole(input.role);
  const generated = input.password === undefined;
  const password = generated ? generatePassword() : checkPassword(input.password as string);
  const { created } = await store.createUser({
    name,
    role,
    passwordHash: await hashPassword(password),
    mustChangePassword: generated,
  });
  if (!created) throw new AccountError(`đã có tài khoản "${name}"`);
  return { name, role, generated, ...(generated ? { password } : {}) };
}

/** Sets a new password (the account's own choice: it need not be changed again). */
export async function changePassword(store: Store, name: string, password: string): Promise<void> {
  const clean = checkPassword(password);
  if (!(await store.setUserPassword(cleanName(name), await hashPassword(clean), false))) {
    throw new AccountError(`không có tài khoản "${name}"`);
  }
}

export async function removeUser(store: Store, name: string): Promise<void> {
  if (!(await store.deleteUser(cleanName(name)))) throw new AccountError(`không có tài khoản "${name}"`);
}

export async function listUsers(store: Store): Promise<UserSummary[]> {
  return (await store.listUsers()).map(summary);
}

/**
 * The account a name and password log in to, its login recorded; undefined for a wrong name, a wrong password or a
 * disabled account alike (the caller says only "sai tên hoặc mật khẩu").
 */
export async function authenticate(
  store: Store,
  name: string,
  password: string,
): Promise<(Account & { mustChangePassword: boolean; stamp: string }) | undefined> {
  const user = name.trim() ? await store.getUser(name.normalize('NFC').trim()) : undefined;
  if (!user || password.length > 1000) {
    await verifyPassword(password.slice(0, 1000), await (dummyHash ??= hashPassword(generatePassword())));
    return undefined;
  }
  if (!(await verifyPassword(password, user.passwordHash)) || user.disabled) return undefined;
  await store.recordLogin(user.name);
  return {
    name: user.name,
    role: user.role,
    via: 'session',
    mustChangePassword: user.mustChangePassword,
    stamp: sessionStamp(user.passwordHash),
  };
}

/**
 * A short fingerprint of the account's password hash, kept in its session: changing the password (or removing and
 * adding the account again) ends every session opened before.
 */
export function sessionStamp(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('base64url').slice(0, 16);
}

/** What a login keeps in the session cookie (encrypted and signed by the session plugin). */
export interface SessionLogin {
  name: string;
  stamp: string;
}

/**
 * The account behind a session: undefined once it is removed, disabled or its password changed (its role as it is
 * now, not as it was at login).
 */
export async function sessionAccount(
  store: Store,
  login: SessionLogin,
): Promise<(Account & { mustChangePassword: boolean }) | undefined> {
  const user = await store.getUser(login.name);
  if (!user || user.disabled || sessionStamp(user.passwordHash) !== login.stamp) return undefined;
  return { name: user.name, role: user.role, via: 'session', mustChangePassword: user.mustChangePassword };
}

const tokenPrefix = 'dondoc_';

function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new API token: returned once, kept only as its SHA-256 (a lost token is revoked and created again). */
export async function createToken(
  store: Store,
  input: { name: string; role: string; createdBy: string },
): Promise<{ token: string; record: ApiTokenRecord }> {
  const name = cleanName(input.name);
  const role = checkRole(input.role);
  const token = tokenPrefix + randomBytes(32).toString('base64url');
  const record = await store.createApiToken({
    id: randomBytes(6).toString('hex'),
    name,
    role,
    tokenSha256: tokenHash(token),
    createdBy: input.createdBy.normalize('NFC'),
  });
  return { token, record };
}

export async function listTokens(store: Store): Promise<ApiTokenRecord[]> {
  return store.listApiTokens();
}

export async function revokeToken(store: Store, id: string): Promise<void> {
  if (!(await store.revokeApiToken(id.trim()))) {
    throw new AccountError(`không có mã truy cập đang dùng với số "${id}" (xem "dondoc token list")`);
  }
}

/** The account of a bearer token (its use recorded); undefined for an unknown, malformed or revoked one. */
export async function tokenAccount(store: Store, token: string): Promise<Account | undefined> {
  if (!token.startsWith(tokenPrefix) || token.length > 200) return undefined;
  const record = await store.useApiToken(tokenHash(token));
  return record ? { name: record.name, role: record.role, via: 'token' } : undefined;
}

/**
 * On a store without any account, creates `admin` with a one-time password and returns it (to print once);
 * undefined when an account exists.
 */
export async function ensureFirstAdmin(store: Store): Promise<{ name: string; password: string } | undefined> {
  if ((await store.listUsers()).length > 0) return undefined;
  const password = generatePassword();
  const { created } = await store.createUser({
    name: firstAdminName,
    role: 'admin',
    passwordHash: await hashPassword(password),
    mustChangePassword: true,
  });
  return created ? { name: firstAdminName, password } : undefined;
}
