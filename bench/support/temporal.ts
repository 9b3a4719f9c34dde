/**
 * What the Temporal benches share: a dev server of their own on a temp SQLite file, dondoc's worker in process with
 * counters on the activities that mark progress, the bare workflows' worker, waits and percentiles.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import type { Activities } from '../../src/activities/types';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { cachedWorkflowBundle } from '../../src/temporal/workflow-bundle';
import { activityDepsFromEnv, createWorker } from '../../src/worker';
import { TASK_QUEUE } from '../../src/workflows/contract';

/** SQLite pragma sets compared by the benches (`--sqlite-pragma` of `temporal server start-dev`). */
export const pragmaSets = {
  /** SQLite's own defaults: rollback journal (journal_mode=DELETE), synchronous=FULL. */
  'sqlite-defaults': [] as string[],
  /** Write-ahead log, fsync at checkpoints only. */
  wal: ['journal_mode=wal', 'synchronous=normal'],
} as const;

export type PragmaSet = keyof typeof pragmaSets;

/** The pragma sets a bench compares: `BENCH_SQLITE_VARIANTS` (comma-separated names of `pragmaSets`), else both. */
export function pragmaVariants(env: NodeJS.ProcessEnv = process.env): PragmaSet[] {
  const names = (env.BENCH_SQLITE_VARIANTS || 'sqlite-defaults,wal').split(',').map((v) => v.trim());
  for (const name of names) {
    if (!(name in pragmaSets))
      throw new Error(`BENCH_SQLITE_VARIANTS: unknown "${name}" (${Object.keys(pragmaSets).join(', ')})`);
  }
  return names as PragmaSet[];
}

let runtimeQuiet = false;

/** Keeps the SDK's own log quiet (the benches print JSON); once per process. */
export function quietRuntime(): void {
  if (runtimeQuiet) return;
  runtimeQuiet = true;
  Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
}

/** A dev server on `<root>/<name>.db` with the given pragmas, and a client of it. */
export interface BenchServer {
  server: DevServer;
  client: Client;
  stop(): Promise<void>;
}

export async function startBenchServer(root: string, name: string, pragmas: readonly string[]): Promise<BenchServer> {
  const server = await startDevServer({
    dbFile: join(root, `${name}.db`),
    logFile: join(root, `${name}.log`),
    sqlitePragmas: pragmas,
    readyTimeoutMs: 120_000,
  });
  try {
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: server.namespace });
    return {
      server,
      client,
      stop: async () => {
        await connection.close().catch(() => undefined);
        await server.stop();
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** The environment a dondoc worker reads (src/worker.ts activityDepsFromEnv) for a bench's plans, store and SMTP. */
export function dondocEnv(options: {
  root: string;
  plansDir: string;
  holidaysDir: string;
  smtpPort?: number;
  address?: string;
}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DONDOC_PLANS_DIR: options.plansDir,
    DONDOC_HOLIDAYS_DIR: options.holidaysDir,
    DONDOC_DB: join(options.root, 'dondoc.db'),
    DONDOC_HOME: join(options.root, 'home'),
    DONDOC_SECRET: randomBytes(32).toString('hex'),
    DONDOC_PUBLIC_URL: 'http://127.0.0.1:8080',
    DONDOC_MAIL_CAPTURE_SMTP_PORT: String(options.smtpPort ?? 2525),
    MAIL_FROM: '"Hệ thống Đôn đốc" <dondoc@hatinh.example>',
    SMTP_URL: '',
    DATABASE_URL: '',
    ...(options.address ? { TEMPORAL_ADDRESS: options.address, TEMPORAL_NAMESPACE: 'default' } : {}),
  };
}

/** Counters of the activities that mark a bench's progress, with the time of the last one. */
export interface ActivityCounts {
  schedules: number;
  /** Emails handed to SMTP and recorded in the sent-log by `sendNotifications` (not failed). */
  sent: number;
  lastAt: number;
}

/** dondoc's worker (src/worker.ts createWorker, deps from `env`) running in this process. */
export interface InProcessWorker {
  counts: ActivityCounts;
  stop(): Promise<void>;
}

export async function startDondocWorker(address: string, env: NodeJS.ProcessEnv): Promise<InProcessWorker> {
  quietRuntime();
  const deps = await activityDepsFromEnv(env);
  const counts: ActivityCounts = { schedules: 0, sent: 0, lastAt: 0 };
  const real = createActivities(deps);
  const activities: Activities = {
    ...real,
    computeSchedule: async (input) => {
      const result = await real.computeSchedule(input);
      counts.schedules++;
      counts.lastAt = Date.now();
      return result;
    },
    sendNotifications: async (requests) => {
      const results = await real.sendNotifications(requests);
      counts.sent += results.filter((r) => !('failed' in r)).length;
      counts.lastAt = Date.now();
      return results;
    },
  };
  const connection = await NativeConnection.connect({ address });
  const bundle = await cachedWorkflowBundle(require.resolve('../../src/workflows'));
  const worker = await createWorker(connection, 'default', activities, bundle, TASK_QUEUE);
  const running = worker.run();
  return {
    counts,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
      await deps.store.close();
    },
  };
}

let bareBundle: Promise<WorkflowBundle> | undefined;

/** The bundle of bench/support/bare-workflows.ts (built once per process). */
export function bareWorkflowBundle(): Promise<WorkflowBundle> {
  bareBundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('./bare-workflows'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m) => console.error(m) },
  });
  return bareBundle;
}

/** What the bare workflows' activity saw: one entry per activity run. */
export interface BareRun {
  /** Client start call → activity start, ms. */
  startToActivity: number;
  /** The activity's schedule-to-start (ActivityTaskScheduled → started), ms. */
  scheduleToStart: number;
  at: number;
}

/** A worker of the bare workflows on `taskQueue`; `runs` grows by one per activity run. */
export interface BareWorker {
  runs: BareRun[];
  stop(): Promise<void>;
}

export async function startBareWorker(
  address: string,
  taskQueue: string,
  options: { maxCachedWorkflows?: number } = {},
): Promise<BareWorker> {
  quietRuntime();
  const runs: BareRun[] = [];
  const { Context } = await import('@temporalio/activity');
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: await bareWorkflowBundle(),
    maxCachedWorkflows: options.maxCachedWorkflows ?? 500,
    activities: {
      async touch(startedAt: number): Promise<void> {
        const info = Context.current().info;
        const now = Date.now();
        runs.push({
          startToActivity: now - startedAt,
          scheduleToStart: now - (info.currentAttemptScheduledTimestampMs ?? info.scheduledTimestampMs),
          at: now,
        });
      },
    },
  });
  const running = worker.run();
  return {
    runs,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
export async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(lanes);
}

/** Waits until `check` holds, polling; throws after `timeoutMs` with `what` and the last progress `progress()` gives. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  progress: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms ${progress()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The `p`-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Rounds for JSON: 3 significant decimals where it matters. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Bench size: `BENCH_N` (default 2,000, as the issue asks). */
export function benchN(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.BENCH_N ?? 2000);
  if (!Number.isInteger(n) || n < 10) throw new Error(`BENCH_N must be an integer ≥ 10, got ${env.BENCH_N}`);
  return n;
}

/** Prints a bench's measures as JSON when its file is run alone, and exits non-zero on failure. */
export function runAlone(fn: () => Promise<unknown>): void {
  fn().then(
    (measures) => {
      console.log(JSON.stringify(measures, null, 2));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
