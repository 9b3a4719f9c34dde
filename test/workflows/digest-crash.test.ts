import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DateTime } from 'luxon';
import { openStore } from '../../src/activities/storage/open-store';
import type { DigestItem, Subject } from '../../src/activities/types';
import { statusQuery } from '../../src/cli/status';
import {
  addDigestItemsSignal,
  agencyMailboxWorkflowId,
  mailboxStateQuery,
  subjectStateQuery,
  subjectWorkflowId,
  type AgencyMailboxInput,
} from '../../src/workflows/contract';
import { startSmtpSink, type SmtpSink } from '../activities/support/smtp';
import { writeTestPlans } from '../support/plan-fixture';
import { attachToSharedDevServer, bundleOnce, eventually, sharedDevServerAddress } from '../support/temporal';

jest.setTimeout(300_000);

/** A worker in a child process, so that it can be killed like a crashed machine. */
function startWorkerProcess(env: Record<string, string>) {
  // `--import tsx` keeps the worker in this one process (the tsx CLI would fork a child that SIGKILL does not reach).
  const child = spawn(process.execPath, ['--import', 'tsx', require.resolve('./support/digest-worker')], {
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

describe('a digest whose worker is killed while sending it', () => {
  let env: TestWorkflowEnvironment;
  let dir: string;
  let sink: SmtpSink;

  beforeAll(async () => {
    env = await attachToSharedDevServer();
    dir = mkdtempSync(join(tmpdir(), 'dondoc-digest-crash-'));
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.stop();
    await env?.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is delivered exactly once by the next worker', async () => {
    const plans = writeTestPlans(dir);
    const bundle = await bundleOnce(require.resolve('../../src/workflows'));
    const bundlePath = join(dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, bundle.code);
    const taskQueue = `digest-crash-${randomUUID()}`;
    const storePath = join(dir, 'crash.db');
    const workerEnv = {
      TEMPORAL_ADDRESS: sharedDevServerAddress(),
      TASK_QUEUE: taskQueue,
      WORKFLOW_BUNDLE: bundlePath,
      STORE_PATH: storePath,
      SMTP_PORT: String(sink.port),
      PLANS_DIR: plans.dir,
    };
    const subject: Subject = { type: 'task', taskId: '2' };
    const subjectId = subjectWorkflowId(plans.planId, subject);
    const address = { province: 'Thử Nghiệm', agency: 'Sở Tài chính' };
    const mailboxId = agencyMailboxWorkflowId(address, taskQueue);
    const first = startWorkerProcess({ ...workerEnv, CRASH_IN_DIGEST: '1' });
    let second: ReturnType<typeof startWorkerProcess> | undefined;
    try {
      await first.line('READY');
      // A task that Sở Tài chính owes (on real time: its reminders are weeks away).
      const task = await env.client.workflow.start('subjectWorkflow', {
        taskQueue,
        workflowId: subjectId,
        args: [{ planId: plans.planId, subject, visibility: false }],
      });
      const current = await eventually(async () => (await task.query(subjectStateQuery)).current);
      // The item its reminder step queues, handed to the mailbox the way queueDigestItems does.
      const day = DateTime.now().setZone('Asia/Ho_Chi_Minh').toISODate()!;
      const item: DigestItem = {
        key: `${plans.planId}/task/2/${current.id}/reminder:lead:1:test/Sở Tài chính`,
        day,
        workflowId: subjectId,
        request: {
          key: `${plans.planId}/task/2/${current.id}/reminder:lead:1:test/Sở Tài chính`,
          kind: 'reminder',
          planId: plans.planId,
          subject,
          occurrenceId: current.id,
          occurrenceLabel: current.label,
          party: 'lead',
          due: current.due.lead,
          step: 1,
          to: ['Sở Tài chính'],
        },
      };
      const input: AgencyMailboxInput = { ...address, gatherMs: 1_000 };
      const mailbox = await env.client.workflow.signalWithStart('agencyMailboxWorkflow', {
        taskQueue,
        workflowId: mailboxId,
        args: [input],
        signal: addDigestItemsSignal,
        signalArgs: [[item]],
      });

      // SMTP accepted the digest and the send log has it; the worker dies before the activity completes.
      const sent = await first.line('SENT ');
      expect(sent).toBe(`SENT digest/thu-nghiem/${mailboxId.split('/')[2].replace(/~.*$/, '')}/${day}`);
      expect(sink.received).toHaveLength(1);
      await kill(first.child);

      second = startWorkerProcess(workerEnv);
      await second.line('READY');
      // The activity times out (no heartbeat from the dead worker) and the new worker's attempt finds it sent.
      const state = await eventually(
        async () => {
          const view = await mailbox.query(mailboxStateQuery);
          return view.pending.length === 0 && view.batches[day] === 1 && view;
        },
        150_000,
        1_000,
      );
      expect(state.batches).toEqual({ [day]: 1 });
      const history = await mailbox.fetchHistory();
      const attempts = history.events
        ?.filter((e) => e.activityTaskStartedEventAttributes)
        .map((e) => e.activityTaskStartedEventAttributes?.attempt);
      expect(attempts).toEqual([2]);
      expect(sink.received).toHaveLength(1);
      const mail = sink.received[0];
      expect(mail.envelope.to).toEqual(['vanthu@sotc.thunghiem.example']);
      expect(mail.parsed.subject).toMatch(/^\[Việc cần báo cáo\] Tổng hợp ngày .* – Sở Tài chính: 1 việc$/);
      const store = await openStore({ sqlitePath: storePath });
      try {
        const sends = await store.listSends({ planId: plans.planId });
        expect(sends.map((s) => [s.kind, s.status, s.attempts])).toEqual([['digest', 'sent', 1]]);
      } finally {
        await store.close();
      }

      // dondoc status lists the task and not the mailbox (which has none of dondoc's search attributes).
      const listed = await eventually(async () => {
        const ids: string[] = [];
        for await (const info of env.client.workflow.list({ query: statusQuery({}) })) ids.push(info.workflowId);
        return ids;
      });
      expect(listed).not.toContain(mailboxId);
      await env.client.workflow.getHandle(mailboxId).terminate('test done');
      await task.terminate('test done');
    } catch (err) {
      throw new Error(
        `${(err as Error).message}\n--- first worker ---\n${first.output()}\n--- second worker ---\n${second?.output() ?? ''}`,
      );
    } finally {
      await kill(first.child);
      if (second) await kill(second.child);
    }
  });
});
