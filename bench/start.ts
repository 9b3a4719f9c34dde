/**
 * `start`: starting N task workflows through dondoc (`dondoc start` of generated plans of ~33 tasks:
 * src/services/start-plans.ts, each plan workflow starting its tasks' workflows) against starting N trivial workflows
 * with the bare Temporal client on the same dev server, in the same run. Both are timed from the first start call to
 * the moment the last workflow has run its first activity (dondoc: computeSchedule, after which a task waits on its
 * timers; bare: one empty activity before a 30-day timer), one in-process worker each, workflow cache 500.
 * Once per SQLite pragma set: `start` is the dev server as `dondoc up` ships it, `start-wal` / `start-sqlite-defaults`
 * the variants. `npx tsx bench/start.ts` (BENCH_N, default 2,000; BENCH_SQLITE_VARIANTS, default
 * `sqlite-defaults,wal`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startPlanWorkflows } from '../src/services/start-plans';
import { sqlitePragmasFromEnv } from '../src/temporal/dev-server';
import type { Measure, Measures } from './measure';
import { writeBenchPlans } from './support/plans';
import {
  benchN,
  dondocEnv,
  inParallel,
  pragmaSets,
  pragmaVariants,
  round,
  runAlone,
  startBareWorker,
  startBenchServer,
  startDondocWorker,
  waitUntil,
  type PragmaSet,
} from './support/temporal';

/** Starts in flight at once from the bare client. */
const BARE_CONCURRENCY = 50;
const BARE_QUEUE = 'bench-bare';

export interface StartOptions {
  n?: number;
  /** Pragma sets to measure; the shipped default is measured as well when it is none of them. */
  variants?: PragmaSet[];
  /** Per-phase time limit. */
  timeoutMs?: number;
}

async function startOnce(root: string, name: string, pragmas: readonly string[], n: number, timeoutMs: number) {
  const dir = join(root, name);
  const plans = await writeBenchPlans({ root: dir, tasks: n, shape: { type: 'spread' } });
  const bench = await startBenchServer(dir, 'temporal', pragmas);
  try {
    // Bare: N client starts of a trivial workflow.
    const bare = await startBareWorker(bench.server.address, BARE_QUEUE);
    let bareMs: number;
    try {
      const ids = Array.from({ length: n }, (_, i) => `bare-${i}`);
      const t0 = performance.now();
      await inParallel(ids, BARE_CONCURRENCY, (workflowId) =>
        bench.client.workflow.start('bareWorkflow', {
          taskQueue: BARE_QUEUE,
          workflowId,
          args: [Date.now(), 30 * 24 * 3600 * 1000],
        }),
      );
      await waitUntil(
        () => bare.runs.length >= n,
        timeoutMs,
        'bare workflows',
        () => `(${bare.runs.length}/${n})`,
      );
      bareMs = performance.now() - t0;
    } finally {
      await bare.stop();
    }
    // dondoc: the plans started as `dondoc start` does; their workflows start every task's workflow.
    const env = dondocEnv({ root: dir, plansDir: plans.plansDir, holidaysDir: plans.holidaysDir });
    const worker = await startDondocWorker(bench.server.address, env);
    let dondocMs: number;
    let clientMs: number;
    try {
      const t0 = performance.now();
      const results = await startPlanWorkflows(bench.client, plans.plans);
      clientMs = performance.now() - t0;
      const notStarted = results.filter((r) => r.outcome !== 'started');
      if (notStarted.length > 0) throw new Error(`plans not started: ${JSON.stringify(notStarted.slice(0, 3))}`);
      await waitUntil(
        () => worker.counts.schedules >= plans.tasks,
        timeoutMs,
        'task workflows scheduled',
        () => `(${worker.counts.schedules}/${plans.tasks})`,
      );
      dondocMs = performance.now() - t0;
    } finally {
      await worker.stop();
    }
    return {
      dondocRate: (plans.tasks * 1000) / dondocMs,
      bareRate: (n * 1000) / bareMs,
      dondocMs,
      bareMs,
      clientMs,
      plans: plans.plans.length,
      tasks: plans.tasks,
    };
  } finally {
    await bench.stop();
  }
}

function measureOf(r: Awaited<ReturnType<typeof startOnce>>, pragmas: readonly string[], n: number): Measure {
  return {
    value: round(r.dondocRate, 1),
    unit: 'workflows/s',
    baseline: round(r.bareRate, 1),
    ratio: round(r.dondocRate / r.bareRate, 3),
    what: `${r.tasks} task workflows of ${r.plans} generated plans started through dondoc (startPlanWorkflows), until each computed its schedule`,
    baselineWhat: `${n} trivial workflows started with the bare Temporal client (${BARE_CONCURRENCY} in flight), until each ran its one activity`,
    details: {
      pragmas: pragmas.length ? pragmas.join(',') : 'none (SQLite defaults: journal_mode=delete, synchronous=full)',
      dondocSeconds: round(r.dondocMs / 1000),
      dondocClientSeconds: round(r.clientMs / 1000),
      bareSeconds: round(r.bareMs / 1000),
      workflowCache: 500,
    },
  };
}

/** The `start` measures: as shipped, and per pragma set (`start-wal`, `start-sqlite-defaults`). */
export async function startMeasures(options: StartOptions = {}): Promise<Measures> {
  const n = options.n ?? benchN();
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const variants = options.variants ?? pragmaVariants();
  const shipped = sqlitePragmasFromEnv();
  const same = (a: readonly string[], b: readonly string[]) => a.join(',') === b.join(',');
  const root = mkdtempSync(join(tmpdir(), 'dondoc-bench-start-'));
  const measures: Measures = {};
  try {
    for (const variant of variants) {
      const pragmas = pragmaSets[variant];
      const m = measureOf(await startOnce(root, variant, pragmas, n, timeoutMs), pragmas, n);
      measures[`start-${variant}`] = m;
      if (same(pragmas, shipped)) measures.start = { ...m, details: { ...m.details, sameRunAs: `start-${variant}` } };
    }
    if (!measures.start)
      measures.start = measureOf(await startOnce(root, 'shipped', shipped, n, timeoutMs), shipped, n);
    return measures;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) runAlone(() => startMeasures());
