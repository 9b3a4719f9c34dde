import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createMailer } from '../../src/activities/email/transport';
import { createNotificationActivities } from '../../src/activities/notifications';
import { openStore } from '../../src/activities/storage/open-store';
import type { Store } from '../../src/activities/storage/store';
import type { NotificationRequest, SendResult } from '../../src/activities/types';
import { freePort } from '../../src/temporal/ports';
import { attachToSharedDevServer, bundleOnce, eventually, sharedDevServerAddress } from '../support/temporal';
import { catalogOf, testDirectory, testPlan } from './support/plan';
import { startSmtpSink, type SmtpSink } from './support/smtp';

const workflowsPath = require.resolve('./fixtures/send-workflows');
const due = { nominal: '2025-05-15', effective: '2025-05-15', at: '2025-05-15T23:59:59.999+07:00' };

function request(agency: string, n: number): NotificationRequest {
  return {
    key: `${testPlan.id}|task:2.4.1|2025-six-month|reminder|${agency}|${n}|${randomUUID()}`,
    kind: 'reminder',
    planId: testPlan.id,
    subject: { type: 'task', taskId: '2.4.1' },
    occurrenceId: '2025-six-month',
    to: [agency],
    party: agency === 'Sở Văn hóa, Thể thao và Du lịch' ? 'lead' : 'coordinators',
    due,
    step: n,
  };
}

/** A worker in a child process, so that it can be killed like a crashed machine. */
function startWorkerProcess(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  line: (prefix: string) => Promise<string>;
} {
  // `--import tsx` keeps the worker in this one process (the tsx CLI would fork a child that SIGKILL does not reach).
  const child = spawn(process.execPath, ['--import', 'tsx', require.resolve('./fixtures/crash-worker')], {
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
  const line = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = out.split('\n').find((l) => l.startsWith(prefix));
        if (found) return resolve(found);
        if (child.exitCode !== null || child.signalCode !== null)
          return reject(new Error(`worker exited before "${prefix}":\n${out}`));
        waiters.push(check);
      };
      check();
    });
  return { child, output: () => out, line };
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('exactly-once delivery through Temporal', () => {
  let env: TestWorkflowEnvironment;
  let dir: string;

  beforeAll(async () => {
    env = await attachToSharedDevServer();
    dir = mkdtempSync(join(tmpdir(), 'dondoc-once-'));
  });
  afterAll(async () => {
    await env?.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers a message once when the worker is killed after SMTP accepted it and before the activity completed', async () => {
    const sink = await startSmtpSink();
    const bundle = await bundleOnce(workflowsPath);
    const bundlePath = join(dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, bundle.code);
    const taskQueue = `crash-${randomUUID()}`;
    const workerEnv = {
      TEMPORAL_ADDRESS: sharedDevServerAddress(),
      TASK_QUEUE: taskQueue,
      WORKFLOW_BUNDLE: bundlePath,
      STORE_PATH: join(dir, 'crash.db'),
      SMTP_PORT: String(sink.port),
    };
    const req = request('Sở Văn hóa, Thể thao và Du lịch', 1);
    const first = startWorkerProcess({ ...workerEnv, CRASH_AFTER_SEND_LOGGED: '1' });
    let second: ReturnType<typeof startWorkerProcess> | undefined;
    try {
      await first.line('READY');
      const handle = await env.client.workflow.start('sendAllWorkflow', {
        args: [[req]],
        taskQueue,
        workflowId: `crash-${randomUUID()}`,
      });
      await first.line(`SENT ${req.key}`);
      expect(sink.received).toHaveLength(1);
      await kill(first.child);

      second = startWorkerProcess(workerEnv);
      const [result] = (await handle.result()) as SendResult[];
      expect(result).toMatchObject({
        duplicate: true,
        recipients: ['svhttdl@daknong.example', 'vanphong.svhttdl@daknong.example'],
      });
      expect(sink.received).toHaveLength(1);
      expect(sink.received[0].parsed.messageId).toBe(result.messageId);

      const history = await handle.fetchHistory();
      const attempts = history.events
        ?.filter((e) => e.activityTaskStartedEventAttributes)
        .map((e) => e.activityTaskStartedEventAttributes?.attempt);
      expect(attempts).toEqual([2]);
    } catch (err) {
      throw new Error(
        `${(err as Error).message}\n--- first worker ---\n${first.output()}\n--- second worker ---\n${second?.output() ?? ''}`,
      );
    } finally {
      await kill(first.child);
      if (second) await kill(second.child);
      await sink.stop();
    }
  });

  it('delivers every message exactly once after the SMTP server was down for a while', async () => {
    const port = await freePort();
    const store: Store = await openStore({ sqlitePath: join(dir, 'down.db') });
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'dondoc@daknong.example', local: true });
    const taskQueue = `down-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleOnce(workflowsPath),
      activities: createNotificationActivities({
        store,
        mailer,
        plans: catalogOf({ plan: testPlan, directory: testDirectory }),
      }),
    });
    const requests = ['Sở Văn hóa, Thể thao và Du lịch', 'Công an tỉnh', 'Sở Ngoại vụ'].map((agency, i) =>
      request(agency, i + 1),
    );
    let sink: SmtpSink | undefined;
    try {
      const results = await worker.runUntil(async () => {
        const handle = await env.client.workflow.start('sendAllWorkflow', {
          args: [requests],
          taskQueue,
          workflowId: `down-${randomUUID()}`,
        });
        // Down long enough for every message to fail at least twice (retried with backoff by Temporal).
        await eventually(async () => {
          const failed = await store.listSends({ status: 'failed' });
          return failed.length === requests.length && failed.every((s) => s.attempts >= 2);
        });
        sink = await startSmtpSink({ port });
        return (await handle.result()) as SendResult[];
      });
      expect(results.map((r) => r.duplicate)).toEqual([false, false, false]);
      expect(sink?.received.map((m) => m.envelope.to).sort()).toEqual([
        ['congan@daknong.example'],
        ['sngv@daknong.example'],
        ['svhttdl@daknong.example', 'vanphong.svhttdl@daknong.example'],
      ]);
      const log = await store.listSends({ planId: testPlan.id });
      expect(log.map((s) => s.status)).toEqual(['sent', 'sent', 'sent']);
      expect(log.every((s) => s.attempts >= 3 && /ECONNREFUSED/.test(s.lastError ?? ''))).toBe(true);
    } finally {
      mailer.close();
      await sink?.stop();
      await store.close();
    }
  });
});
