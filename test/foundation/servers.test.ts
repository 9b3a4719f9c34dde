import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { attachToSharedDevServer, bundleOnce, createTimeSkippingEnv, eventually } from '../support/temporal';

const workflowsPath = require.resolve('./fixtures/smoke-workflows');
const DAY = 24 * 60 * 60 * 1000;

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('completes a workflow that sleeps 30 days on a durable timer', async () => {
    const marks: string[] = [];
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'smoke',
      workflowBundle: await bundleOnce(workflowsPath),
      activities: { mark: async (step: string) => void marks.push(step) },
    });
    const result = await worker.runUntil(
      env.client.workflow.execute('sleepWorkflow', {
        args: [30 * DAY],
        taskQueue: 'smoke',
        workflowId: `smoke-${randomUUID()}`,
      }),
    );
    expect(result.wokeAt - result.startedAt).toBeGreaterThanOrEqual(30 * DAY);
    expect(marks).toEqual(['before', 'after']);
  });
});

describe('dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await attachToSharedDevServer();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('finishes a waiting workflow on a new worker after the first worker stopped mid-wait', async () => {
    const taskQueue = `smoke-${randomUUID()}`;
    const marks: string[] = [];
    const activities = { mark: async (step: string) => void marks.push(step) };
    const workflowBundle = await bundleOnce(workflowsPath);
    const connection = env.nativeConnection;

    const first = await Worker.create({ connection, taskQueue, workflowBundle, activities, identity: 'worker-1' });
    const firstRun = first.run();
    const handle = await env.client.workflow.start('sleepWorkflow', {
      args: [4_000],
      taskQueue,
      workflowId: `smoke-${randomUUID()}`,
    });
    await eventually(async () => marks.includes('before'));
    first.shutdown();
    await firstRun;
    expect(marks).toEqual(['before']);

    const second = await Worker.create({ connection, taskQueue, workflowBundle, activities, identity: 'worker-2' });
    const result = await second.runUntil(handle.result());
    expect(result.wokeAt - result.startedAt).toBeGreaterThanOrEqual(4_000);
    expect(marks).toEqual(['before', 'after']);
    const history = await handle.fetchHistory();
    const timersStarted = history.events?.filter((e) => e.timerStartedEventAttributes).length;
    expect(timersStarted).toBe(1);
  });
});
