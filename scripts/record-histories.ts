// Records workflow histories of real simulated runs for the replay test, into a folder of their own beside the older
// recordings (which stay: running workflows may have any of those histories). Run after a deliberate, patched change:
//   npx tsx scripts/record-histories.ts 2026-12-my-change
// It records each shipped plan simulated with mixed reports (the plan workflow and a few subjects: first and last run,
// one subject's every run of its continue-as-new chain, and agency mailboxes run by run), and one subject driven
// through every update and the report signal.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { parseDocument } from 'yaml';
import { createActivities } from '../src/activities';
import { createPreviewMailer } from '../src/activities/email/transport';
import { createPlanCatalog } from '../src/activities/plan-catalog';
import { openStore } from '../src/activities/storage';
import type { MailboxAddress, Subject } from '../src/activities/types';
import { loadWorkingCalendar } from '../src/plan/holidays';
import { loadPlanFile } from '../src/plan/load';
import { planRevision } from '../src/plan/revision';
import { runSimulation } from '../src/simulation/run';
import { createTimeSkippingEnvAt } from '../src/temporal/time-skipping';
import { cachedWorkflowBundle } from '../src/temporal/workflow-bundle';
import { createWorker } from '../src/worker';
import {
  TASK_QUEUE,
  agencyMailboxWorkflowId,
  applyRevisionUpdate,
  planStateQuery,
  cancelUpdate,
  closeOccurrenceUpdate,
  extendDueUpdate,
  pauseRemindersUpdate,
  resendReminderUpdate,
  planWorkflowId,
  resumeRemindersUpdate,
  setRecipientsUpdate,
  subjectStateQuery,
  subjectWorkflowId,
  submitReportSignal,
  submitReportUpdate,
} from '../src/workflows/contract';

const root = join(__dirname, '..');
const plansDir = join(root, 'plans');
const task = (taskId: string): Subject => ({ type: 'task', taskId });
const deliverable = (deadlineId: string): Subject => ({ type: 'deliverable', deadlineId });

/**
 * What each shipped plan's simulation records: `subjects` first and last run, `chain` every run. Spans reach past a
 * summary and a continue-as-new where the plan has them (Thái Bình has no summary periods and one occurrence per task:
 * its tasks never continue-as-new).
 */
const simulations: {
  planId: string;
  until: string;
  subjects: Subject[];
  chain?: Subject;
  /** Agency mailboxes (digests, the plans' default delivery): every run of each. */
  mailboxes?: MailboxAddress[];
}[] = [
  {
    planId: 'thai-binh-ttdn-2019',
    until: '2020-02-29',
    subjects: [task('1.a'), task('4.f'), deliverable('deliverable-2019-04-10')],
  },
  {
    planId: 'dak-nong-ttdn-2025',
    until: '2025-12-31',
    subjects: [task('2.4.1')],
    chain: task('2.2'),
    // The focal agency owes the most (a long chain of runs); a district owes a few things a morning.
    mailboxes: [
      { province: 'Đắk Nông', agency: 'Sở Thông tin và Truyền thông' },
      { province: 'Đắk Nông', agency: 'Ủy ban nhân dân huyện Cư Jút' },
    ],
  },
  { planId: 'ninh-binh-bien-gioi-bien-2022-2030', until: '2023-12-31', subjects: [task('2')], chain: task('1') },
];

/**
 * The subject driven through every update: one lead that is also the plan's focal agency (its escalation goes to the
 * committee instead, audited), one coordinator, and an occurrence a year: a close continues-as-new.
 */
const driven = { planId: 'ninh-binh-bien-gioi-bien-2022-2030', subject: task('5'), start: '2022-10-20' };

const zone = 'Asia/Ho_Chi_Minh';
const local = (date: string, hour = 9) =>
  DateTime.fromISO(`${date}T${String(hour).padStart(2, '0')}:00`, { zone }).toMillis();

/** Saves one run's history as `<workflow id with _ for />.<label>.json`. */
async function save(client: Client, out: string, workflowId: string, runId: string, label: string): Promise<void> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const json = temporal.api.history.v1.History.toObject(temporal.api.history.v1.History.fromObject(history), {
    longs: String,
    bytes: String,
  });
  const file = `${workflowId.replace(/\//g, '_')}.${label}.json`;
  const text = `${JSON.stringify(json)}\n`;
  writeFileSync(join(out, file), text);
  console.log(`${file}: ${history.events?.length} events, ${Math.round(text.length / 1024)} KiB`);
}

/** Run ids of a workflow from its first run to its current one, following each continue-as-new. */
async function runsOf(client: Client, workflowId: string): Promise<string[]> {
  const described = await client.workflow.getHandle(workflowId).describe();
  const runs = [described.raw.workflowExecutionInfo?.firstRunId ?? described.runId];
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runs[runs.length - 1]).fetchHistory();
    const next = history.events?.find((e) => e.workflowExecutionContinuedAsNewEventAttributes)
      ?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!next) break;
    runs.push(next);
  }
  if (runs[runs.length - 1] !== described.runId)
    throw new Error(`${workflowId}: the chain does not reach its last run`);
  return runs;
}

async function saveFirstAndLast(client: Client, out: string, workflowId: string): Promise<void> {
  const runs = await runsOf(client, workflowId);
  await save(client, out, workflowId, runs[0], 'first');
  if (runs.length > 1) await save(client, out, workflowId, runs[runs.length - 1], 'last');
}

async function saveChain(client: Client, out: string, workflowId: string): Promise<number> {
  const runs = await runsOf(client, workflowId);
  for (const [i, runId] of runs.entries())
    await save(client, out, workflowId, runId, `run-${String(i + 1).padStart(2, '0')}`);
  return runs.length;
}

async function recordSimulation(out: string, workflowBundle: WorkflowBundle, sim: (typeof simulations)[number]) {
  console.log(`— ${sim.planId}, mixed reports until ${sim.until}`);
  await runSimulation({
    planFile: join(plansDir, `${sim.planId}.yaml`),
    reports: 'mixed',
    until: sim.until,
    workflowBundle,
    inspect: async ({ client, planId }) => {
      await saveFirstAndLast(client, out, planWorkflowId(planId));
      for (const subject of sim.subjects) await saveFirstAndLast(client, out, subjectWorkflowId(planId, subject));
      if (sim.chain) {
        const runs = await saveChain(client, out, subjectWorkflowId(planId, sim.chain));
        if (runs < 3) throw new Error(`${planId}: a chain of ${runs} runs; simulate longer`);
      }
      for (const mailbox of sim.mailboxes ?? []) await saveChain(client, out, agencyMailboxWorkflowId(mailbox));
    },
  });
}

/** Expects `work` to be refused, and says why it was. */
async function refused(what: string, work: Promise<unknown>): Promise<void> {
  const err = await work.then(
    () => undefined,
    (e: Error & { cause?: Error }) => e,
  );
  if (!err) throw new Error(`${what}: accepted, but it should have been refused`);
  console.log(`  ${what}: refused (${err.cause?.message ?? err.message})`);
}

/**
 * One subject of a shipped plan on the time-skipping server with the real activities: reports by update (accepted,
 * refused by the validator, refused by the handler when the store fails) and by signal (accepted and refused), the
 * recipients changed, reminders paused over their steps and resumed, the due date extended, the occurrence closed
 * (the workflow continues as new) and, in the next run, a report and the task cancelled.
 */
async function recordUpdates(out: string, workflowBundle: WorkflowBundle): Promise<void> {
  const { planId, subject } = driven;
  console.log(`— ${planId} ${subjectWorkflowId(planId, subject)}: every update, from ${driven.start}`);
  const work = mkdtempSync(join(tmpdir(), 'dondoc-record-'));
  const store = await openStore({ sqlitePath: join(work, 'dondoc.db'), scratch: true });
  const mailer = createPreviewMailer('"Hệ thống Đôn đốc" <dondoc@localhost>');
  const timeSkipping = await createTimeSkippingEnvAt(new Date(local(driven.start, 8)));
  try {
    const activities = createActivities({
      store,
      mailer,
      plans: createPlanCatalog(plansDir),
      calendar: await loadWorkingCalendar(join(plansDir, 'holidays')),
      clock: () => new Date(Context.current().info.currentAttemptScheduledTimestampMs),
      temporal: () => timeSkipping.env.client,
    });
    const { env } = timeSkipping;
    const client = env.client;
    const worker = await createWorker(env.nativeConnection, 'default', activities, workflowBundle);
    const workflowId = subjectWorkflowId(planId, subject);
    // The server's clock moved to `at` (epoch ms) and held there. Not a sleeper workflow awaited: once it returns, the
    // server skips on to the next timer before the client locks time again (here: past the window it was to stop in).
    // env.sleep skips and locks in one call; it was seen to stall when a workflow continues-as-new during the sleep,
    // which these sleeps never span (the only continue-as-new follows the close, awaited without skipping time).
    const sleepUntil = async (at: number) => {
      const ms = at - (await env.currentTimeMs());
      if (ms <= 0) return;
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`time did not move to ${new Date(at).toISOString()}`)), 120_000);
      });
      await Promise.race([env.sleep(ms), stalled]).finally(() => clearTimeout(timer));
      const now = await env.currentTimeMs();
      if (now < at || now > at + 60_000)
        throw new Error(`clock at ${new Date(now).toISOString()}, not ${new Date(at).toISOString()}`);
    };
    const waitFor = async <T>(check: () => Promise<T | undefined | false>): Promise<T> => {
      for (let i = 0; i < 300; i++) {
        const value = await check().catch(() => undefined);
        if (value) return value;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${workflowId}: condition not met within 30 s`);
    };
    const admin = { by: 'Nguyễn Văn A (Sở TT&TT)' };

    await worker.runUntil(async () => {
      const handle = await client.workflow.start('subjectWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId,
        args: [{ planId, subject, visibility: false }],
      });
      const view = () => handle.query(subjectStateQuery);
      const first = await waitFor(async () => (await view()).current);
      const { lead, coordinators } = await view();
      const report = (agency: string, submissionId: string, extra = {}) => ({
        agency,
        occurrenceId: first.id,
        submissionId,
        text: `Báo cáo của ${agency}, kỳ ${first.label}.`,
        ...extra,
      });

      const receipt = await handle.executeUpdate(submitReportUpdate, { args: [report(coordinators[0], 'phoi-hop-1')] });
      console.log(`  submitReport: accepted (${receipt.reportId})`);
      await refused(
        'submitReport, same submission again (validator)',
        handle.executeUpdate(submitReportUpdate, { args: [report(coordinators[0], 'phoi-hop-1')] }),
      );
      // A well-formed reference to a file the store does not have: the validator lets it through, the store refuses.
      const unknownFile = {
        sha256: 'ab'.repeat(32),
        filename: 'bao-cao.pdf',
        contentType: 'application/pdf',
        size: 10,
      };
      await refused(
        'submitReport with an attachment never stored (handler, store failed)',
        handle.executeUpdate(submitReportUpdate, {
          args: [report(lead[0], 'chu-tri-1', { attachments: [unknownFile] })],
        }),
      );
      await handle.signal(submitReportSignal, report(coordinators[0], 'phoi-hop-2'));
      // Nobody to answer a signal: refusals, by the validator and by the store, are audited and the task goes on.
      await handle.signal(submitReportSignal, report(coordinators[0], 'phoi-hop-1'));
      await handle.signal(submitReportSignal, report(lead[0], 'chu-tri-2', { attachments: [unknownFile] }));
      const audited = await waitFor(async () => {
        const { audit } = await view();
        const rejected = audit.filter((a) => a.action === 'report-rejected');
        return rejected.length === 2 && audit.filter((a) => a.action === 'report-received').length === 2 && rejected;
      });
      console.log(`  submitReportSignal: one accepted, two refused (${audited.map((a) => a.detail).join('; ')})`);
      await handle.executeUpdate(setRecipientsUpdate, {
        args: [{ ...admin, agency: coordinators[0], emails: ['vanthu@thaythe.dondoc.example'], reason: 'Đổi văn thư' }],
      });
      await handle.executeUpdate(pauseRemindersUpdate, { args: [{ ...admin, reason: 'Chờ họp giao ban' }] });
      // The lead's reminders come due while paused: skipped and audited.
      await sleepUntil(local('2022-11-10'));
      await handle.executeUpdate(resumeRemindersUpdate, { args: [{ ...admin, reason: 'Đã họp' }] });
      const resent = await handle.executeUpdate(resendReminderUpdate, {
        args: [{ ...admin, occurrenceId: first.id, reason: 'Nhắc thêm sau họp' }],
      });
      console.log(`  resendReminder: ${resent.sentTo.join(', ')}`);
      const extended = await handle.executeUpdate(extendDueUpdate, {
        args: [{ ...admin, occurrenceId: first.id, leadDue: '2022-11-30', reason: 'Chờ số liệu của huyện' }],
      });
      console.log(`  extendDue: ${first.due.lead.effective} → ${extended.effective}`);
      // Past the new date: the lead's reminders, overdue notices and escalations (redirected) of the new schedule.
      await sleepUntil(local('2022-12-12'));
      const { runId } = await handle.describe();
      await handle.executeUpdate(closeOccurrenceUpdate, {
        args: [{ ...admin, occurrenceId: first.id, reason: 'Đã tổng hợp báo cáo năm' }],
      });
      await waitFor(async () => (await handle.describe()).runId !== runId);
      console.log('  closeOccurrence: closed, continued as new');

      const next = await waitFor(async () => (await view()).current);
      await handle.executeUpdate(submitReportUpdate, {
        args: [{ ...report(coordinators[0], 'phoi-hop-3'), occurrenceId: next.id }],
      });
      await handle.executeUpdate(cancelUpdate, { args: [{ ...admin, reason: 'Nhiệm vụ gộp vào nhiệm vụ 2' }] });
      await handle.result();
      console.log('  cancel: the workflow completed');
      const runs = await saveChain(client, out, workflowId);
      if (runs !== 2) throw new Error(`${workflowId}: ${runs} runs, expected 2`);
    });
  } finally {
    await timeSkipping.teardown();
    mailer.close();
    await store.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A revision applied to a running plan (issue 13 §1): a copy of the Thái Bình plan started on the time-skipping server,
 * then its file edited (a task's lead changed, a task removed, a task added) and applied through the plan workflow's
 * applyRevision update, twice (the second changes nothing), and once more refused (a revision the folder does not hold).
 * Records the plan workflow and the revised, ended and added subjects.
 */
async function recordRevision(out: string, workflowBundle: WorkflowBundle): Promise<void> {
  const planId = 'thai-binh-ttdn-2019';
  const start = '2019-03-01';
  console.log(`— ${planId}: a revision applied while it runs, from ${start}`);
  const work = mkdtempSync(join(tmpdir(), 'dondoc-record-'));
  const dir = join(work, 'plans');
  cpSync(plansDir, dir, { recursive: true });
  const file = join(dir, `${planId}.yaml`);
  const store = await openStore({ sqlitePath: join(work, 'dondoc.db'), scratch: true });
  const mailer = createPreviewMailer('"Hệ thống Đôn đốc" <dondoc@localhost>');
  const timeSkipping = await createTimeSkippingEnvAt(new Date(local(start, 8)));
  try {
    const { env } = timeSkipping;
    const client = env.client;
    const activities = createActivities({
      store,
      mailer,
      plans: createPlanCatalog(dir),
      calendar: await loadWorkingCalendar(join(plansDir, 'holidays')),
      clock: () => new Date(Context.current().info.currentAttemptScheduledTimestampMs),
      temporal: () => client,
    });
    const worker = await createWorker(env.nativeConnection, 'default', activities, workflowBundle);
    const waitFor = async <T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> => {
      for (let i = 0; i < 600; i++) {
        const value = await check().catch(() => undefined);
        if (value) return value;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${what}: condition not met within 60 s`);
    };
    await worker.runUntil(async () => {
      const plan = await client.workflow.start('planWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId: planWorkflowId(planId),
        args: [{ planId, visibility: false }],
      });
      const subjectView = (s: Subject) =>
        client.workflow.getHandle(subjectWorkflowId(planId, s)).query(subjectStateQuery);
      const view = await waitFor('plan running', async () => {
        const v = await plan.query(planStateQuery);
        return v.status === 'running' && v.revision && v;
      });
      const changedTask = task('4.f');
      const removedTask = task('4.e');
      const addedTask = task('5');
      for (const s of [changedTask, removedTask])
        await waitFor('subject ready', async () => (await subjectView(s)).lead.length);

      const doc = parseDocument(readFileSync(file, 'utf8'));
      const tasks = doc.get('tasks') as { items: { get(k: string): unknown; set(k: string, v: unknown): void }[] } & {
        delete(i: number): void;
        add(v: unknown): void;
      };
      const at = (id: string) => tasks.items.findIndex((t) => String(t.get('id')) === id);
      tasks.items[at('4.f')].set('lead', ['Sở Nội vụ']);
      tasks.delete(at('4.e'));
      tasks.add({
        id: '5',
        title: 'Tổng kết công tác thông tin đối ngoại năm 2019',
        lead: ['Sở Thông tin và Truyền thông'],
        coordinators: [],
        timeframe: { text: 'Trước ngày 15/12/2019', rule: { type: 'date', date: '2019-12-15' } },
      });
      writeFileSync(file, doc.toString());
      const revision = planRevision((await loadPlanFile(file)).plan);
      const admin = { by: 'Nguyễn Văn A (Sở TT&TT)', reason: 'Kế hoạch điều chỉnh, bổ sung số 5/KH-UBND' };
      const result = await plan.executeUpdate(applyRevisionUpdate, { args: [{ ...admin, revision }] });
      console.log(
        `  applyRevision ${view.revision} → ${revision}: added ${result.added.join(', ')}; removed ${result.removed.join(', ')}; revised ${result.revised.join(', ')}`,
      );
      if (result.failed.length) throw new Error(`revision failed for ${JSON.stringify(result.failed)}`);
      const again = await plan.executeUpdate(applyRevisionUpdate, { args: [{ ...admin, revision }] });
      if (again.applied) throw new Error('the same revision applied twice');
      console.log('  applyRevision again: nothing changed');
      await refused(
        'applyRevision of a revision the folder does not hold',
        plan.executeUpdate(applyRevisionUpdate, { args: [{ ...admin, revision: '0123456789abcdef' }] }),
      );
      await waitFor('added subject ready', async () => (await subjectView(addedTask)).current);
      await waitFor('removed subject ended', async () => {
        const d = await client.workflow.getHandle(subjectWorkflowId(planId, removedTask)).describe();
        return d.status.name === 'COMPLETED';
      });
      await save(client, out, planWorkflowId(planId), (await plan.describe()).runId, 'revised');
      for (const s of [changedTask, removedTask, addedTask]) {
        const workflowId = subjectWorkflowId(planId, s);
        await save(client, out, workflowId, (await client.workflow.getHandle(workflowId).describe()).runId, 'revised');
      }
      await plan.terminate('recorded');
    });
  } finally {
    await timeSkipping.teardown();
    mailer.close();
    await store.close();
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[\w.-]+$/.test(name))
    throw new Error('usage: record-histories.ts <folder name, e.g. 2026-12-my-change> [--updates-only]');
  const out = join(root, 'test', 'workflows', 'histories', name);
  if (existsSync(out)) throw new Error(`${out} exists: recordings are never overwritten`);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // Recorded into a scratch folder first: a run that fails half-way leaves no half recording beside the others.
  const scratch = mkdtempSync(join(tmpdir(), 'dondoc-histories-'));
  try {
    const workflowBundle = await cachedWorkflowBundle(require.resolve('../src/workflows'));
    // `--updates-only`: a new update handler needs only the driven subject recorded again, not every plan.
    if (!process.argv.includes('--updates-only'))
      for (const sim of simulations) await recordSimulation(scratch, workflowBundle, sim);
    await recordUpdates(scratch, workflowBundle);
    await recordRevision(scratch, workflowBundle);
    if (existsSync(out)) throw new Error(`${out} exists: recordings are never overwritten`);
    cpSync(scratch, out, { recursive: true });
    console.log(`recorded into ${out}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
