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
