import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { createMailer, createPreviewMailer, type Mailer } from '../../src/activities/email/transport';
import { createPlanCatalog } from '../../src/activities/plan-catalog';
import { openStore } from '../../src/activities/storage';
import type { Store } from '../../src/activities/storage/store';
import type { Activities, Subject } from '../../src/activities/types';
import { loadWorkingCalendar } from '../../src/plan/holidays';
import { createTimeSkippingEnvAt } from '../../src/temporal/time-skipping';
import { subjectWorkflowId, type SubjectView, subjectStateQuery } from '../../src/workflows/contract';
import { bundleOnce, eventually } from '../support/temporal';

/** A time-skipping server (clock starting now unless told), real activities over a fresh SQLite store. */
export interface Harness {
  env: TestWorkflowEnvironment;
  store: Store;
  root: string;
  taskQueue: string;
  /** Runs `fn` while a worker with `activities` (the real ones unless changed by `wrap`) polls. */
  withWorker<T>(fn: () => Promise<T>, wrap?: (real: Activities) => Activities): Promise<T>;
  /** Starts a subject workflow of `planId` on the harness's queue. */
  startSubject(
    planId: string,
    subject: Subject,
  ): Promise<ReturnType<TestWorkflowEnvironment['client']['workflow']['getHandle']>>;
  view(planId: string, subject: Subject): Promise<SubjectView>;
  /** Lets the server's clock run to `at` (epoch ms) with the workers running. */
  sleepUntil(at: number): Promise<void>;
  teardown(): Promise<void>;
}

let queues = 0;

/** Builds the harness on `plansDir`; mail goes to `smtpPort` on loopback when given, else to a preview mailer. */
export async function createHarness(options: { plansDir: string; smtpPort?: number; start?: Date }): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), 'dondoc-harness-'));
  const store = await openStore({ sqlitePath: join(root, 'dondoc.db') });
  const mailer: Mailer = options.smtpPort
    ? createMailer({ smtpUrl: `smtp://127.0.0.1:${options.smtpPort}`, from: 'dondoc <dondoc@localhost>', local: true })
    : createPreviewMailer('dondoc <dondoc@localhost>');
  const timeSkipping = await createTimeSkippingEnvAt(options.start ?? new Date());
  const { env } = timeSkipping;
  const real = createActivities({
    store,
    mailer,
    plans: createPlanCatalog(options.plansDir),
    calendar: await loadWorkingCalendar(join(__dirname, '..', '..', 'plans', 'holidays')),
    // Activities see the server's skipped clock, as in a simulation.
    clock: () => new Date(Context.current().info.currentAttemptScheduledTimestampMs),
  });
  const taskQueue = `harness-${process.pid}-${++queues}`;
  const workflowBundle = await bundleOnce(require.resolve('../../src/workflows'));
  let sleeps = 0;
  let running: { worker: Worker; done: Promise<unknown> } | undefined;
  return {
    env,
    store,
    root,
    taskQueue,
    async withWorker(fn, wrap) {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle,
        activities: wrap ? wrap(real) : real,
      });
      const done = worker.runUntil(fn());
      running = { worker, done };
      try {
        return await done;
      } finally {
        running = undefined;
      }
    },
    startSubject: (planId, subject) =>
      env.client.workflow.start('subjectWorkflow', {
        taskQueue,
        workflowId: subjectWorkflowId(planId, subject),
        args: [{ planId, subject, visibility: false }],
      }),
    // A query that reaches a run as it continues-as-new can go unanswered on this server: bounded, and retried by
    // the callers that poll.
    view: (planId, subject) =>
      env.client.withDeadline(Date.now() + 5_000, () =>
        env.client.workflow.getHandle(subjectWorkflowId(planId, subject)).query(subjectStateQuery),
      ),
    async sleepUntil(at) {
      if (at <= (await env.currentTimeMs())) return;
      // Awaiting a sleeping workflow's result lets the server skip time (a bare env.sleep was seen to stall across
      // continue-as-new). The server may run on to the next timer before the clock is locked again.
      await env.client.workflow.execute('scenarioWorkflow', {
        taskQueue,
        workflowId: `sleep-${taskQueue}-${++sleeps}`,
        args: [[], at],
      });
    },
    async teardown() {
      // A test that timed out leaves its worker polling: stop it before the server goes.
      if (running) {
        if (running.worker.getState() === 'RUNNING') running.worker.shutdown();
        await running.done.catch(() => undefined);
      }
      await timeSkipping.teardown();
      mailer.close();
      await store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A promise and the function that resolves it (for holding an activity until the test lets it go). */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Polls `check` (a query, a store read) until it holds, more often than on the dev server: queries answer at once. */
export function until<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  return eventually(check, timeoutMs, 100);
}
