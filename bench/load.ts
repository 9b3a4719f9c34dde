/**
 * `load`: the rate of work at which the dev server (as `dondoc up` ships it, SQLite) falls behind. Steps of a rate r
 * (workflows started per second for BENCH_LOAD_WINDOW_S seconds, each workflow running one activity), r doubling from
 * 2 until a step fails, then one step between the last pass and the failure. A step passes while the p95 activity
 * schedule-to-start (ActivityTaskScheduled → started, from the activity's own info) stays under 1 s, the p95 from the
 * client's start call to the activity start under 2 s, and the client keeps up with r. value = the highest passing r;
 * baseline = the burst rate of the same server and worker (min(N, 500) such workflows started at once, 50 in flight:
 * activities run per second), ratio = value / baseline: the share of the raw capacity sustainable at low latency.
 * Details: each step's figures and the task queues' backlog (describeTaskQueue reportStats) at its end.
 * `npx tsx bench/load.ts` (BENCH_N caps the burst).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlitePragmasFromEnv } from '../src/temporal/dev-server';
import type { Measures } from './measure';
import {
  benchN,
  inParallel,
  percentile,
  round,
  runAlone,
  startBareWorker,
  startBenchServer,
  waitUntil,
  type BareRun,
  type BareWorker,
  type BenchServer,
} from './support/temporal';

const QUEUE = 'bench-load';
const SCHEDULE_TO_START_P95_MS = 1_000;
const END_TO_END_P95_MS = 2_000;

interface Step {
  rate: number;
  started: number;
  achievedRate: number;
  p95ScheduleToStartMs: number;
  p95StartToActivityMs: number;
  backlog: string;
  pass: boolean;
}

async function backlogOf(bench: BenchServer): Promise<string> {
  try {
    const counts: string[] = [];
    for (const [type, name] of [
      [1, 'workflow'],
      [2, 'activity'],
    ] as const) {
      const q = (await bench.client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: QUEUE },
        taskQueueType: type,
        reportStats: true,
      } as Parameters<typeof bench.client.workflowService.describeTaskQueue>[0])) as {
        stats?: { approximateBacklogCount?: unknown } | null;
      };
      counts.push(`${name} ${String(q.stats?.approximateBacklogCount ?? '?')}`);
    }
    return counts.join(', ');
  } catch (err) {
    return `unavailable (${(err as Error).message.slice(0, 80)})`;
  }
}

async function runStep(bench: BenchServer, worker: BareWorker, rate: number, windowMs: number, id: string) {
  const from = worker.runs.length;
  const starts: Promise<unknown>[] = [];
  let launched = 0;
  let acknowledged = 0;
  const t0 = Date.now();
  while (Date.now() - t0 < windowMs) {
    const due = Math.floor(((Date.now() - t0) / 1000) * rate);
    for (; launched < due; launched++) {
      const workflowId = `${id}-${launched}`;
      starts.push(
        bench.client.workflow
          .start('bareWorkflow', { taskQueue: QUEUE, workflowId, args: [Date.now(), 0] })
          .then(() => acknowledged++),
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const inWindow = acknowledged;
  const backlog = await backlogOf(bench);
  await Promise.all(starts);
  await waitUntil(() => worker.runs.length - from >= launched, 5 * 60_000, `load step ${rate}/s drained`);
  const runs: BareRun[] = worker.runs.slice(from);
  const p95ScheduleToStartMs = percentile(
    runs.map((r) => r.scheduleToStart),
    95,
  );
  const p95StartToActivityMs = percentile(
    runs.map((r) => r.startToActivity),
    95,
  );
  const achievedRate = (inWindow * 1000) / windowMs;
  const pass =
    p95ScheduleToStartMs < SCHEDULE_TO_START_P95_MS &&
    p95StartToActivityMs < END_TO_END_P95_MS &&
    achievedRate >= 0.9 * rate;
  return { rate, started: launched, achievedRate, p95ScheduleToStartMs, p95StartToActivityMs, backlog, pass };
}

export async function loadMeasures(
  options: { n?: number; windowSeconds?: number; maxRate?: number } = {},
): Promise<Measures> {
  const burst = Math.min(options.n ?? benchN(), 500);
  const windowMs = (options.windowSeconds ?? Number(process.env.BENCH_LOAD_WINDOW_S ?? 12)) * 1000;
  const maxRate = options.maxRate ?? 512;
  const root = mkdtempSync(join(tmpdir(), 'dondoc-bench-load-'));
  const pragmas = sqlitePragmasFromEnv();
  let bench: BenchServer | undefined;
  let worker: BareWorker | undefined;
  try {
    bench = await startBenchServer(root, 'temporal', pragmas);
    worker = await startBareWorker(bench.server.address, QUEUE);
    const w = worker;
    // Baseline: the burst capacity of this server and worker.
    const t0 = Date.now();
    await inParallel(
      Array.from({ length: burst }, (_, i) => `burst-${i}`),
      50,
      (workflowId) =>
        bench!.client.workflow.start('bareWorkflow', { taskQueue: QUEUE, workflowId, args: [Date.now(), 0] }),
    );
    await waitUntil(() => w.runs.length >= burst, 10 * 60_000, 'load burst');
    const burstRate = (burst * 1000) / (Math.max(...w.runs.map((r) => r.at)) - t0);
    await new Promise((r) => setTimeout(r, 2_000));

    const steps: Step[] = [];
    let rate = 2;
    let failed: Step | undefined;
    while (rate <= maxRate) {
      const step = await runStep(bench, w, rate, windowMs, `step-${rate}`);
      steps.push(step);
      if (!step.pass) {
        failed = step;
        break;
      }
      rate *= 2;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const passed = steps.filter((s) => s.pass);
    const best = passed.at(-1);
    if (failed && best) {
      const middle = Math.round(Math.sqrt(best.rate * failed.rate));
      if (middle > best.rate && middle < failed.rate) {
        await new Promise((r) => setTimeout(r, 1_000));
        steps.push(await runStep(bench, w, middle, windowMs, `step-${middle}`));
      }
    }
    const value = Math.max(0, ...steps.filter((s) => s.pass).map((s) => s.rate));
    const details: Record<string, string | number> = {
      pragmas: pragmas.join(',') || 'none',
      windowSeconds: windowMs / 1000,
      criterion: `p95 activity schedule-to-start < ${SCHEDULE_TO_START_P95_MS} ms, p95 start call → activity < ${END_TO_END_P95_MS} ms, client ≥ 90 % of the rate`,
      burstWorkflows: burst,
    };
    for (const s of steps) {
      details[`step${s.rate}`] =
        `${s.pass ? 'pass' : 'FAIL'}: ${round(s.achievedRate, 1)}/s started, p95 schedule-to-start ` +
        `${Math.round(s.p95ScheduleToStartMs)} ms, p95 start→activity ${Math.round(s.p95StartToActivityMs)} ms, ` +
        `backlog at end of window: ${s.backlog}`;
    }
    if (!failed) details.note = `no step failed up to ${maxRate}/s`;
    return {
      load: {
        value,
        unit: 'workflows/s',
        baseline: round(burstRate, 1),
        ratio: round(value / burstRate, 3),
        what: 'highest sustained rate of workflows (one activity each) started per second at which the dev server keeps p95 schedule-to-start under 1 s',
        baselineWhat: `burst rate of the same server and worker: ${burst} such workflows started at once (50 in flight), activities run per second`,
        details,
      },
    };
  } finally {
    await worker?.stop().catch(() => undefined);
    await bench?.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) runAlone(() => loadMeasures());
