/**
 * `idle`: memory of dondoc's worker (src/worker.ts in a child process, workflow cache 500) while task workflows wait on
 * their timers. RSS of the idle worker, then after N/2 and after N task workflows (generated plans of ~33 tasks started
 * as `dondoc start` does) have computed their schedules and the worker has settled. value = MB per 1,000 workflows at
 * N above the idle worker; baseline = the same at N/2; ratio = value / baseline (≈ 1: each workflow costs the same
 * at both sizes, the cost per workflow does not grow with N; the marginal MB per 1,000 between N/2 and N, beyond the
 * cache, is in the details). `npx tsx bench/idle.ts` (BENCH_N, default 2,000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlanWorkflows } from '../src/services/start-plans';
import { sqlitePragmasFromEnv } from '../src/temporal/dev-server';
import { TASK_QUEUE } from '../src/workflows/contract';
import type { Measures } from './measure';
import { startChildWorker, type ChildWorker } from './support/child-worker';
import { writeBenchPlans } from './support/plans';
import { benchN, dondocEnv, round, runAlone, startBenchServer, waitUntil, type BenchServer } from './support/temporal';

const WORKFLOW_CACHE = 500;

/** RSS once it holds still: the median of the last 5 one-second samples whose spread is under 2 MB (at most `maxMs`). */
async function settledRss(worker: ChildWorker, maxMs = 45_000): Promise<{ mb: number; stable: boolean }> {
  const samples: number[] = [];
  const deadline = Date.now() + maxMs;
  for (;;) {
    if (worker.exited()) throw new Error('idle: the worker process exited (see its log)');
    samples.push(worker.rssMb());
    const last = samples.slice(-5);
    const stable = last.length === 5 && Math.max(...last) - Math.min(...last) < 2;
    if (stable || Date.now() > deadline)
      return { mb: [...last].sort((a, b) => a - b)[Math.floor(last.length / 2)], stable };
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

async function countScheduledTasks(bench: BenchServer): Promise<number> {
  // The task workflow publishes its search attributes once its schedule is computed.
  const { count } = await bench.client.workflow.count(`DondocKind = 'task'`);
  return count;
}

export async function idleMeasures(options: { n?: number; timeoutMs?: number } = {}): Promise<Measures> {
  const n = options.n ?? benchN();
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const root = mkdtempSync(join(tmpdir(), 'dondoc-bench-idle-'));
  let bench: BenchServer | undefined;
  let worker: ChildWorker | undefined;
  try {
    const plans = await writeBenchPlans({ root, tasks: n, shape: { type: 'spread' } });
    bench = await startBenchServer(root, 'temporal', sqlitePragmasFromEnv());
    const server = bench;
    const env = dondocEnv({
      root,
      plansDir: plans.plansDir,
      holidaysDir: plans.holidaysDir,
      address: server.server.address,
    });
    worker = startChildWorker(env, join(root, 'worker.log'));
    await waitUntil(
      async () => {
        const q = await server.client.workflowService.describeTaskQueue({
          namespace: 'default',
          taskQueue: { name: TASK_QUEUE },
          taskQueueType: 1,
        });
        return (q.pollers?.length ?? 0) > 0;
      },
      120_000,
      'idle: worker polling',
    );
    const idle = await settledRss(worker);
    const half: typeof plans.plans = [];
    let sum = 0;
    for (const p of plans.plans) {
      if (sum >= n / 2) break;
      half.push(p);
      sum += p.plan.tasks.length;
    }
    const rest = plans.plans.slice(half.length);
    const points: Array<{ tasks: number; mb: number; stable: boolean }> = [];
    for (const [batch, total] of [
      [half, sum],
      [rest, plans.tasks],
    ] as const) {
      await startPlanWorkflows(server.client, batch);
      await waitUntil(
        async () => (await countScheduledTasks(server)) >= total,
        timeoutMs,
        `idle: ${total} task workflows scheduled`,
      );
      points.push({ tasks: total, ...(await settledRss(worker)) });
    }
    const [a, b] = points;
    const perK = (p: { tasks: number; mb: number }) => ((p.mb - idle.mb) * 1000) / p.tasks;
    const value = perK(b);
    const baseline = perK(a);
    return {
      idle: {
        value: round(value, 1),
        unit: 'MB per 1,000 workflows',
        baseline: round(baseline, 1),
        ratio: round(value / baseline, 3),
        what: `worker RSS above the idle worker per 1,000 task workflows waiting on timers, at ${b.tasks} workflows`,
        baselineWhat: `the same at ${a.tasks} workflows`,
        details: {
          workflowCache: WORKFLOW_CACHE,
          idleWorkerMb: round(idle.mb, 1),
          [`rssMbAt${a.tasks}`]: round(a.mb, 1),
          [`rssMbAt${b.tasks}`]: round(b.mb, 1),
          marginalMbPer1000: round(((b.mb - a.mb) * 1000) / (b.tasks - a.tasks), 1),
          settled: [idle, a, b].every((p) => p.stable) ? 'yes' : 'no (RSS still moving after 45 s)',
          pragmas: sqlitePragmasFromEnv().join(',') || 'none',
        },
      },
    };
  } finally {
    await worker?.stop().catch(() => undefined);
    await bench?.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) runAlone(() => idleMeasures());
