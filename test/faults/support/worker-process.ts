/**
 * dondoc's worker in a child process, so a test can SIGKILL it like a crashed machine. Run as a script, it is the
 * worker: `activityDepsFromEnv` and `createWorker` of src/worker.ts (real store, SMTP, plans folder, holiday files from
 * the environment), on `FAULT_TASK_QUEUE` of the shared dev server, with the workflow bundle at `FAULT_WORKFLOW_BUNDLE`.
 * `FAULT_SEND_LEASE_MS` shortens how long a dead attempt's claim on an email holds off the next attempt (the store's
 * default is 2 minutes, longer than a test should wait). It prints `READY <identity>` once it polls.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../../../src/activities';
import { temporalConfigFromEnv } from '../../../src/temporal/connection';
import { activityDepsFromEnv, createWorker } from '../../../src/worker';

/** A worker process the test started. */
export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the first line that starts with `prefix`; rejects if the process exits first. */
  line(prefix: string): Promise<string>;
  /** The worker's Temporal identity (as history events record it), once it is ready. */
  ready(): Promise<string>;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
}

/** Starts the worker with `env` added to this process's environment. */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  // `--import tsx` keeps the worker in this one process (the tsx CLI would fork a child that SIGKILL does not reach).
  const child = spawn(process.execPath, ['--import', 'tsx', __filename], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    waiters.splice(0).forEach((w) => w());
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  child.on('exit', () => waiters.splice(0).forEach((w) => w()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const line = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = out.split('\n').find((l) => l.startsWith(prefix));
        if (found) return resolve(found);
        if (exited()) return reject(new Error(`worker exited before "${prefix}":\n${out}`));
        waiters.push(check);
      };
      check();
    });
  return {
    child,
    output: () => out,
    line,
    ready: async () => (await line('READY ')).slice('READY '.length).trim(),
    kill: () =>
      exited()
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = temporalConfigFromEnv();
  const connection = await NativeConnection.connect({ address: config.address });
  const deps = await activityDepsFromEnv();
  const lease = process.env.FAULT_SEND_LEASE_MS;
  const activities = createActivities({ ...deps, ...(lease ? { sendLeaseMs: Number(lease) } : {}) });
  const worker = await createWorker(
    connection,
    config.namespace,
    activities,
    { code: readFileSync(required('FAULT_WORKFLOW_BUNDLE'), 'utf8') },
    required('FAULT_TASK_QUEUE'),
  );
  process.stdout.write(`READY ${worker.options.identity}\n`);
  await worker.run();
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
