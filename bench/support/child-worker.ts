/** dondoc's worker (src/worker.ts, as `dondoc up` runs it) in a child process, so its memory is its own. */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/temporal/binaries';

/** A running worker process. */
export interface ChildWorker {
  pid: number;
  /** Resident set size now, MB (VmRSS of /proc/<pid>/status). */
  rssMb(): number;
  exited(): boolean;
  stop(): Promise<void>;
}

/** Resident set size of `pid` in MB. */
export function rssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb[1]) / 1024;
}

/** Starts `node --import tsx src/worker.ts` with `env`; its output goes to `logFile`. */
export function startChildWorker(env: NodeJS.ProcessEnv, logFile: string): ChildWorker {
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src', 'worker.ts')], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid: child.pid ?? 0,
    rssMb: () => rssMbOf(child.pid ?? 0),
    exited,
    stop: async () => {
      if (exited()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
