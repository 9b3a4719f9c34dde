import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The server secret is at least this many bytes; shorter `DONDOC_SECRET` values are refused. */
const MIN_SECRET_BYTES = 32;

/** Why the secret could not be had, said to the operator. */
export class SecretError extends Error {
  override readonly name = 'SecretError';
}

/** Where the generated secret lives: `DONDOC_SECRET_FILE`, else `secret` in `DONDOC_HOME`. */
export function secretFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.DONDOC_SECRET_FILE || join(env.DONDOC_HOME || '.dondoc', 'secret');
}

/**
 * The key that signs agencies' links and calendar feeds: `DONDOC_SECRET` when set (every web process and worker of a
 * deployment must share it), else the file in `DONDOC_HOME`, generated on first start with mode 0600. The value itself
 * is never logged.
 */
export async function loadServerSecret(env: NodeJS.ProcessEnv = process.env): Promise<Uint8Array> {
  if (env.DONDOC_SECRET) {
    const key = Buffer.from(env.DONDOC_SECRET, 'utf8');
    if (key.length < MIN_SECRET_BYTES) {
      throw new SecretError(
        `DONDOC_SECRET quá ngắn (${key.length} byte, cần ít nhất ${MIN_SECRET_BYTES}): tạo bằng "openssl rand -base64 48"`,
      );
    }
    return new Uint8Array(key);
  }
  const file = secretFile(env);
  try {
    const text = (await readFile(file, 'utf8')).trim();
    const key = Buffer.from(text, 'base64url');
    if (key.length < MIN_SECRET_BYTES)
      throw new SecretError(`tệp khóa bí mật ${file} hỏng (quá ngắn): xóa tệp để tạo lại`);
    return new Uint8Array(key);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dirname(file), { recursive: true });
  const key = randomBytes(48);
  try {
    // `wx`: two processes starting together must not each write their own key.
    await writeFile(file, `${key.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadServerSecret(env);
    throw err;
  }
  await chmod(file, 0o600);
  return new Uint8Array(key);
}
