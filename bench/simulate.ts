/**
 * Simulation timings: `npx tsx bench/simulate.ts`. Runs the Đắk Nông 2025 plan's real workflows for a full year on the
 * time-skipping server (nobody reporting: the most emails) and compares the wall time with a baseline measured in the
 * same run: the same environment running one workflow that sleeps a year on a timer. Figures, not assertions.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { runSimulation } from '../src/simulation/run';
import type { ReportScenario } from '../src/simulation/scenario';
import type { Measures } from './measure';
import { createTimeSkippingEnvAt } from '../src/temporal/time-skipping';
import { cachedWorkflowBundle } from '../src/temporal/workflow-bundle';

/** The figures of one simulation. */
export interface SimulateBench {
  plan: string;
  emails: number;
  seconds: number;
  baselineSeconds: number;
  ratio: number;
  msPerEmail: number;
}

async function baseline(): Promise<number> {
  const started = performance.now();
  const { env, teardown } = await createTimeSkippingEnvAt(new Date('2025-01-01T00:00:00+07:00'));
  try {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'bench',
      // Cached like the simulation's own bundle, so neither side pays for bundling twice.
      workflowBundle: await cachedWorkflowBundle(require.resolve('../test/foundation/fixtures/smoke-workflows')),
      activities: { mark: async () => undefined },
    });
    await worker.runUntil(
      env.client.workflow.execute('sleepWorkflow', {
        args: [365 * 24 * 3600 * 1000],
        taskQueue: 'bench',
        workflowId: 'bench',
      }),
    );
  } finally {
    await teardown();
  }
  return (performance.now() - started) / 1000;
}

/** Simulates Đắk Nông 2025 through the year with no reports. */
export async function benchSimulate(): Promise<SimulateBench> {
  const baselineSeconds = await baseline();
  const started = performance.now();
  const result = await runSimulation({
    planFile: join(__dirname, '..', 'plans', 'dak-nong-ttdn-2025.yaml'),
    reports: 'none',
    until: '2025-12-31',
  });
  const seconds = (performance.now() - started) / 1000;
  const emails = result.events.filter((e) => e.messageId).length;
  return {
    plan: result.planId,
    emails,
    seconds,
    baselineSeconds,
    ratio: seconds / baselineSeconds,
    msPerEmail: (seconds * 1000) / emails,
  };
}

async function simulated(plan: string, reports: ReportScenario): Promise<{ seconds: number; events: number }> {
  const started = performance.now();
  const result = await runSimulation({ planFile: join(__dirname, '..', 'plans', plan), reports });
  return { seconds: (performance.now() - started) / 1000, events: result.events.length };
}

/** `simulate` (Đắk Nông 2025, agencies on time) and `simulate-ninh-binh` (2022–2030), each against a year's timer. */
export async function simulateMeasures(): Promise<Measures> {
  const baselineSeconds = await baseline();
  const dakNong = await simulated('dak-nong-ttdn-2025.yaml', 'on-time');
  const ninhBinh = await simulated('ninh-binh-bien-gioi-bien-2022-2030.yaml', 'on-time');
  const measure = (run: { seconds: number; events: number }, what: string) => ({
    value: run.seconds,
    unit: 's',
    baseline: baselineSeconds,
    ratio: run.seconds / baselineSeconds,
    what,
    baselineWhat: 'one workflow sleeping a year on the same time-skipping server',
    details: { events: run.events },
  });
  return {
    simulate: measure(dakNong, 'simulating the Đắk Nông 2025 year, agencies reporting on time'),
    'simulate-ninh-binh': measure(ninhBinh, 'simulating the Ninh Bình plan 2022–2030, agencies reporting on time'),
  };
}

if (require.main === module) {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  simulateMeasures()
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
