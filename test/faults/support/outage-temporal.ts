/**
 * A Temporal dev server of one test file's own that can be stopped (SIGTERM), killed (SIGKILL, like a crashed machine)
 * and started again on the same SQLite file and the same port, so clients and workers connected to it see an outage
 * and then the same server back with every workflow and timer it had.
 */
import { join } from 'node:path';
import { startDevServer, type DevServer } from '../../../src/temporal/dev-server';
import { freePort } from '../../../src/temporal/ports';

/** The restartable server: `address` stays the same across restarts. */
export interface RestartableDevServer {
  address: string;
  dbFile: string;
  /** True while a server process is running. */
  running(): boolean;
  /** Graceful stop (SIGTERM). */
  stop(): Promise<void>;
  /** SIGKILL: the server gets no chance to finish anything. */
  kill(): Promise<void>;
  /** Starts it again on the same file and port, and waits until it answers. */
  start(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the server in `dir` (its SQLite file and log stay there) on a free port. */
export async function startRestartableDevServer(dir: string): Promise<RestartableDevServer> {
  const port = await freePort();
  const dbFile = join(dir, 'temporal.db');
  let server: DevServer | undefined;
  const start = async () => {
    if (server) throw new Error('the dev server is already running');
    server = await startDevServer({ dbFile, port, logFile: join(dir, 'temporal.log'), readyTimeoutMs: 90_000 });
  };
  await start();
  return {
    address: `127.0.0.1:${port}`,
    dbFile,
    running: () => server !== undefined,
    start,
    async stop() {
      const current = server;
      server = undefined;
      await current?.stop();
    },
    async kill() {
      const current = server;
      server = undefined;
      if (!current) return;
      if (alive(current.pid)) process.kill(current.pid, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (alive(current.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      // Reaps the child (its exit handler) so the port is free for the restart.
      await current.stop();
    },
  };
}
