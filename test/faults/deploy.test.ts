import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { subjectStateQuery, submitReportUpdate, subjectWorkflowId } from '../../src/workflows/contract';
import {
  CORRECTNESS_PATCH,
  DIGEST_PATCH,
  FORWARD_INPUT_PATCH,
  RECEIPT_BEFORE_EMAIL_PATCH,
} from '../../src/workflows/subject-workflow';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../activities/support/smtp';
import { writeTestPlans } from '../support/plan-fixture';
import { attachToSharedDevServer, bundleOnce, eventually, sharedDevServerAddress } from '../support/temporal';
import { bundlePatchVariants } from './support/deploy-bundle';
import { DEPLOY_COORDINATORS, DEPLOY_LEAD, writeDeployPlan } from './support/deploy-plan';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

jest.setTimeout(240_000);

const address: Record<string, string> = {
  [DEPLOY_LEAD]: 'vanthu@sotttt.thunghiem.example',
  'Sở Tài chính': 'vanthu@sotc.thunghiem.example',
  'Sở Nội vụ': 'vanthu@sonv.thunghiem.example',
  'Sở Y tế': 'vanthu@soyt.thunghiem.example',
};

/** "[Đã nhận báo cáo] …" → "[Đã nhận báo cáo]", with the envelope's recipients. */
const summary = (m: ReceivedMail) =>
  `${m.parsed.subject?.slice(0, m.parsed.subject.indexOf(']') + 1)} ${m.envelope.to.join(',')}`;

/** The patch ids a history's markers record, in order. */
function patchesIn(events: temporal.api.history.v1.IHistoryEvent[]): string[] {
  return events.flatMap((e) =>
    (e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? []).map(
      (p) => (JSON.parse(Buffer.from(p.data ?? []).toString('utf8')) as { id: string }).id,
    ),
  );
}

// The dev server of the jest run (real time); dondoc's worker in a child process, first on the code from before the
// patches (today's sources bundled with each `patched()` answering false), SIGKILLed, then on today's code.
describe('a deploy of changed workflow code over a running task workflow', () => {
  let env: TestWorkflowEnvironment;
  let root: string;
  let sink: SmtpSink | undefined;
  let handle: WorkflowHandle | undefined;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    env = await attachToSharedDevServer();
    root = mkdtempSync(join(tmpdir(), 'dondoc-fault-deploy-'));
  });
  afterAll(async () => {
    for (const w of workers) await w.kill();
    await handle?.terminate('test finished').catch(() => undefined);
    await sink?.stop();
    await env?.teardown();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('continues on the new code, takes the patched branch only for what comes after, and replays', async () => {
    sink = await startSmtpSink();
    const mails = sink.received;
    const { dir } = writeTestPlans(root);
    const { planId } = writeDeployPlan(dir);
    const bundles = await bundlePatchVariants(join(root, 'bundles'), [FORWARD_INPUT_PATCH]);
    const current = await bundleOnce(require.resolve('../../src/workflows'));
    const oldBundle = join(root, 'bundles', 'old.js');
    const newBundle = join(root, 'bundles', 'new.js');
    writeFileSync(oldBundle, bundles.old.code);
    writeFileSync(newBundle, current.code);
    const taskQueue = `dondoc-fault-deploy-${randomBytes(4).toString('hex')}`;
    const workerEnv = {
      TEMPORAL_ADDRESS: sharedDevServerAddress(),
      TEMPORAL_NAMESPACE: 'default',
      FAULT_TASK_QUEUE: taskQueue,
      DONDOC_PLANS_DIR: dir,
      DONDOC_HOLIDAYS_DIR: join(__dirname, '..', '..', 'plans', 'holidays'),
      DONDOC_DB: join(root, 'dondoc.db'),
      DATABASE_URL: '',
      DONDOC_HOME: join(root, 'home'),
      DONDOC_SECRET: 'x'.repeat(48),
      DONDOC_INBOUND: 'off',
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      MAIL_FROM: 'Hệ thống Đôn đốc <dondoc@trienkhai.thunghiem.example>',
    };

    const before = startWorkerProcess({ ...workerEnv, FAULT_WORKFLOW_BUNDLE: oldBundle });
    workers.push(before);
    let after: WorkerProcess | undefined;
    const report = (agency: string, submissionId: string, occurrenceId: string) =>
      handle!.executeUpdate(submitReportUpdate, {
        args: [{ agency, occurrenceId, submissionId, text: `Báo cáo của ${agency}.` }],
      });
    try {
      const oldIdentity = await before.ready();
      const subject = { type: 'task', taskId: '1' } as const;
      handle = await env.client.workflow.start('subjectWorkflow', {
        taskQueue,
        workflowId: subjectWorkflowId(planId, subject),
        args: [{ planId, subject, visibility: false }],
      });
      const occurrenceId = (await eventually(async () => (await handle!.query(subjectStateQuery)).current)).id;

      // On the old code a report is answered after its receipt went out, and a coordinator's input stays with dondoc.
      await report('Sở Tài chính', 'stc-1', occurrenceId);
      expect(mails.map(summary)).toEqual([`[Đã nhận báo cáo] ${address['Sở Tài chính']}`]);

      // The deploy: the old worker dies without warning while the workflow waits; the new one takes over.
      await before.kill();
      after = startWorkerProcess({ ...workerEnv, FAULT_WORKFLOW_BUNDLE: newBundle });
      workers.push(after);
      const newIdentity = await after.ready();

      // New reports take the patched branches: the input goes on to the lead, naming who has still to send.
      await report('Sở Nội vụ', 'snv-1', occurrenceId);
      await report(DEPLOY_LEAD, 'stttt-1', occurrenceId);
      // The lead's report closes the task's only period: the workflow ends, on the new code.
      await handle.result();
      await eventually(async () => mails.length >= 4, 60_000, 250);
      expect(mails.map(summary).sort()).toEqual(
        [
          `[Đã nhận báo cáo] ${address['Sở Tài chính']}`,
          `[Đã nhận báo cáo] ${address['Sở Nội vụ']}`,
          `[Ý kiến phối hợp] ${address[DEPLOY_LEAD]}`,
          `[Đã nhận báo cáo] ${address[DEPLOY_LEAD]}`,
        ].sort(),
      );
      const forward = mails.find((m) => m.parsed.subject?.startsWith('[Ý kiến phối hợp]'))!;
      expect(forward.parsed.text).toContain('Sở Nội vụ đã gửi ý kiến');
      expect(forward.parsed.text).toContain(`Các cơ quan phối hợp chưa gửi:\n  - ${DEPLOY_COORDINATORS[2]}`);

      const history = await handle.fetchHistory();
      const events = history.events ?? [];
      // No workflow task failed (a nondeterminism error fails the task and retries it forever).
      expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
      const identities = events.flatMap((e) => e.workflowTaskCompletedEventAttributes?.identity ?? []);
      expect(identities[0]).toBe(oldIdentity);
      expect(identities[identities.length - 1]).toBe(newIdentity);
      // Per-report patches are taken for the reports after the deploy; those decided at the run's start stay old.
      const patches = patchesIn(events);
      expect(patches).toEqual(expect.arrayContaining([RECEIPT_BEFORE_EMAIL_PATCH, FORWARD_INPUT_PATCH]));
      expect(patches).not.toContain(CORRECTNESS_PATCH);
      expect(patches).not.toContain(DIGEST_PATCH);
      const firstMarker = events.findIndex((e) => e.markerRecordedEventAttributes);
      const firstByNew = events.findIndex((e) => e.workflowTaskCompletedEventAttributes?.identity === newIdentity);
      expect(firstMarker).toBeGreaterThan(firstByNew);

      // Today's code replays the whole history; the same change without patched() does not.
      await Worker.runReplayHistory({ workflowBundle: current }, history, handle.workflowId);
      const unguarded = await Worker.runReplayHistory(
        { workflowBundle: bundles.unguarded },
        history,
        handle.workflowId,
      ).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(unguarded?.name).toBe('DeterminismViolationError');
    } catch (err) {
      throw new Error(
        `${(err as Error).message}\n--- old worker ---\n${before.output()}\n--- new worker ---\n${after?.output() ?? ''}`,
      );
    }
  });
});
