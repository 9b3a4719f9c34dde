import { createServer } from 'node:net';

/** A service `dondoc up` cannot start as configured (port taken, bad setting): printed as one line, exit 1. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
}

/** Throws `ServiceError` naming `what` and `hint` when 127.0.0.1:`port` cannot be bound. */
export function assertPortFree(port: number, what: string, hint: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' || err.code === 'EACCES'
          ? new ServiceError(`cổng ${port} (${what}) đang bị chương trình khác dùng (port in use). ${hint}`)
          : err,
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/** A port number from an environment variable, or `fallback`; throws on anything but 0–65535. */
export function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ServiceError(`${name}="${text}": cần số cổng 0–65535 (expected a port number)`);
  }
  return port;
}
