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

  /**
   * A task Sở Tài chính owes, and its reminder handed to the mailbox as queueDigestItems does; the first worker is
   * killed at `crash` in the digest's send, a second takes over. Returns what the test checks.
   */
  async function crashDuringDigest(crash: 'after-smtp' | 'before-smtp') {
    const before = sink.received.length;
    const plans = writeTestPlans(mkdtempSync(join(dir, 'run-')));
    const bundle = await bundleOnce(require.resolve('../../src/workflows'));
    const bundlePath = join(dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, bundle.code);
    const taskQueue = `digest-crash-${randomUUID()}`;
    const storePath = join(plans.dir, '..', 'crash.db');
    const workerEnv = {
      TEMPORAL_ADDRESS: sharedDevServerAddress(),
      TASK_QUEUE: taskQueue,
      WORKFLOW_BUNDLE: bundlePath,
      STORE_PATH: storePath,
      SMTP_PORT: String(sink.port),
      PLANS_DIR: plans.dir,
      // A dead attempt's claim on the send holds the next one off this long (the default is 2 minutes).
      SEND_LEASE_MS: '5000',
    };
    const subject: Subject = { type: 'task', taskId: '2' };
    const subjectId = subjectWorkflowId(plans.planId, subject);
    const address = { province: 'Thử Nghiệm', agency: 'Sở Tài chính' };
    const mailboxId = agencyMailboxWorkflowId(address, taskQueue);
    const first = startWorkerProcess({ ...workerEnv, CRASH_IN_DIGEST: crash });
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
      // The item its reminder step queues.
      const day = DateTime.now().setZone('Asia/Ho_Chi_Minh').toISODate()!;
      const key = `${plans.planId}/task/2/${current.id}/reminder:lead:1:test/Sở Tài chính`;
      const item: DigestItem = {
        key,
        day,
        workflowId: subjectId,
        request: {
          key,
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

      if (crash === 'after-smtp') {
        // SMTP accepted the digest and the send log has it; the worker dies before the activity completes.
        const sent = await first.line('SENT ');
        expect(sent).toBe(`SENT digest/thu-nghiem/${mailboxId.split('/')[2].replace(/~.*$/, '')}/${day}`);
        expect(sink.received.length - before).toBe(1);
      } else {
        // The worker dies while handing the digest to SMTP: nothing was sent, the send log holds a claim.
        await first.line('SENDING ');
        expect(sink.received.length - before).toBe(0);
      }
      await kill(first.child);

      second = startWorkerProcess(workerEnv);
      await second.line('READY');
      // The activity times out (no heartbeat from the dead worker); the new worker's attempt finds it sent, or (before
      // SMTP) takes over the stale claim and sends it.
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
      expect(attempts?.[attempts.length - 1]).toBeGreaterThanOrEqual(2);
      const received = sink.received.slice(before);
      expect(received).toHaveLength(1);
      const mail = received[0];
      expect(mail.envelope.to).toEqual(['vanthu@sotc.thunghiem.example']);
      expect(mail.parsed.subject).toMatch(/^\[Việc cần báo cáo\] Tổng hợp ngày .* – Sở Tài chính: 1 việc$/);
      const store = await openStore({ sqlitePath: storePath });
      try {
        const sends = await store.listSends({ planId: plans.planId });
        expect(sends.map((s) => [s.kind, s.status])).toEqual([['digest', 'sent']]);
        // After SMTP: sent by the first attempt, found sent by the next. Before: claimed by the first, sent by a later.
        if (crash === 'after-smtp') expect(sends[0].attempts).toBe(1);
        else expect(sends[0].attempts).toBeGreaterThanOrEqual(2);
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
  }

  it('is not sent again when the worker dies after SMTP accepted it', async () => {
    await crashDuringDigest('after-smtp');
  });

  it('is sent once by the next worker when the worker dies before SMTP accepted it', async () => {
    await crashDuringDigest('before-smtp');
  });
});
