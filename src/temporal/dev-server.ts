import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { temporalCliPath } from './binaries';
import { freePort } from './ports';
import { searchAttributeFlags } from './search-attributes';

/** Options for a local `temporal server start-dev`. */
export interface DevServerOptions {
  /** SQLite file for persistence; in memory when absent. */
  dbFile?: string;
  /** gRPC port; a free one when absent. */
  port?: number;
  /** Web UI port; no UI when absent and `ui` is false. */
  uiPort?: number;
  ui?: boolean;
  namespace?: string;
  /** File that receives the server's output. */
  logFile?: string;
  /** How long to wait for the frontend to answer. */
  readyTimeoutMs?: number;
  /** False starts the server without dondoc's search attributes, like a cluster nobody prepared (tests of the check). */
  searchAttributes?: boolean;
  /**
   * `PRAGMA=VALUE` statements for the SQLite file (`--sqlite-pragma`); ignored without `dbFile`. When absent, those of
   * `DONDOC_TEMPORAL_SQLITE_PRAGMAS` (see `sqlitePragmasFromEnv`).
   */
  sqlitePragmas?: readonly string[];
}

/**
 * The pragmas `dondoc up` gives its dev server's SQLite file unless `DONDOC_TEMPORAL_SQLITE_PRAGMAS` says otherwise:
 * a write-ahead log synced at checkpoints (bench/start.ts: several times the start rate of SQLite's defaults here). A
 * power loss can lose the last transactions (Temporal then re-runs those tasks; dondoc's sent-log keeps emails
 * single); it does not corrupt the file, and a crash of the server process alone loses nothing.
 */
export const defaultSqlitePragmas: readonly string[] = ['journal_mode=wal', 'synchronous=normal'];

/**
 * `DONDOC_TEMPORAL_SQLITE_PRAGMAS`: comma-separated `PRAGMA=VALUE` (e.g. `journal_mode=wal,synchronous=normal`), `none`
 * (or empty) for none (a file already in WAL mode stays so: `journal_mode=delete,synchronous=full` goes back to
 * SQLite's defaults); unset gives `defaultSqlitePragmas`.
 */
export function sqlitePragmasFromEnv(env: NodeJS.ProcessEnv = process.env): readonly string[] {
  const value = env.DONDOC_TEMPORAL_SQLITE_PRAGMAS;
  if (value === undefined) return defaultSqlitePragmas;
  if (value.trim() === '' || value.trim().toLowerCase() === 'none') return [];
  const pragmas = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const pragma of pragmas) {
    if (!/^[a-z_]+=[A-Za-z0-9_-]+$/.test(pragma)) {
      throw new Error(
        `DONDOC_TEMPORAL_SQLITE_PRAGMAS: "${pragma}" không hợp lệ (cần dạng PRAGMA=VALUE, ví dụ journal_mode=wal)`,
      );
    }
  }
  return pragmas;
}

/** A running dev server. */
export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the Temporal dev server with dondoc's search attributes registered (unless told not to) and waits until it answers. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const ui = options.ui ?? options.uiPort !== undefined;
  const uiPort = ui ? (options.uiPort ?? (await freePort())) : undefined;
  const namespace = options.namespace ?? 'default';
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--log-level',
    'warn',
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    ...(options.searchAttributes === false ? [] : searchAttributeFlags()),
  ];
  if (namespace !== 'default') args.push('--namespace', namespace);
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
    for (const pragma of options.sqlitePragmas ?? sqlitePragmasFromEnv()) args.push('--sqlite-pragma', pragma);
  }
  if (ui && uiPort) args.push('--ui-port', String(uiPort), '--ui-disable-news-fetch');
  else args.push('--headless');

  let logFd: number | undefined;
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    logFd = openSync(options.logFile, 'a');
  }
  const child: ChildProcess = spawn(temporalCliPath(), args, {
    stdio: ['ignore', logFd ?? 'ignore', logFd ?? 'ignore'],
    env: { ...process.env, TEMPORAL_VERSION_CHECK_DISABLED: '1' },
  });
  if (logFd !== undefined) closeSync(logFd);
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const address = `127.0.0.1:${port}`;

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `temporal server start-dev exited with code ${child.exitCode}${options.logFile ? ` (see ${options.logFile})` : ''}`,
      );
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return {
          address,
          namespace,
          uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : undefined,
          pid: child.pid ?? 0,
          stop,
        };
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await stop();
  throw new Error(
    `temporal server start-dev did not answer on ${address}: ${(lastError as Error)?.message ?? 'timeout'}`,
  );
}
