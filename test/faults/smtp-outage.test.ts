import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createActivities } from '../../src/activities';
import { createMailer, type Mailer } from '../../src/activities/email/transport';
import { createPlanCatalog } from '../../src/activities/plan-catalog';
import { openStore } from '../../src/activities/storage/open-store';
import type { Store } from '../../src/activities/storage/store';
import { freePort } from '../../src/temporal/ports';
import { subjectStateQuery, submitReportUpdate, subjectWorkflowId } from '../../src/workflows/contract';
import { NOTICE_LISTS_PATCH } from '../../src/workflows/subject-workflow';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../activities/support/smtp';
import { writeTestPlans } from '../support/plan-fixture';
import { eventually, runWorkerOnSharedServer, type SharedServerWorker } from '../support/temporal';
import {
  OUTAGE_COORDINATORS,
  OUTAGE_LEAD,
  everyDayWorking,
  localToday,
  writeOutagePlan,
} from './support/smtp-outage-plan';

const address: Record<string, string> = {
  [OUTAGE_LEAD]: 'vanthu@sotttt.thunghiem.example',
  'Sở Tài chính': 'vanthu@sotc.thunghiem.example',
  'Sở Nội vụ': 'vanthu@sonv.thunghiem.example',
  'Sở Y tế': 'vanthu@soyt.thunghiem.example',
};

/** The patch ids a history's markers record. */
function patchesIn(events: temporal.api.history.v1.IHistoryEvent[]): string[] {
  return events.flatMap((e) =>
    (e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? []).map(
      (p) => (JSON.parse(Buffer.from(p.data ?? []).toString('utf8')) as { id: string }).id,
    ),
  );
}

/** Writes a history as the replay test reads it: `<workflow id with _ for />.first.json`. */
function saveHistory(dir: string, workflowId: string, history: temporal.api.history.v1.IHistory): void {
  const { History } = temporal.api.history.v1;
  const json = History.toObject(History.fromObject(history), { longs: String, bytes: String });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${workflowId.replace(/\//g, '_')}.first.json`), `${JSON.stringify(json)}\n`);
}

/** "[Quá hạn] …" → "[Quá hạn]". */
const tag = (m: ReceivedMail) => m.parsed.subject?.slice(0, m.parsed.subject.indexOf(']') + 1) ?? '';

/** The items of the email's list titled `title` (the late agencies it names). */
function listed(m: ReceivedMail, title: string): string[] {
  const lines = (m.parsed.text ?? '').split('\n');
  const at = lines.indexOf(title);
  if (at < 0) return [];
  const items: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (!line.startsWith('  - ')) break;
    items.push(line.slice(4).trim());
  }
  return items;
}

// The dev server in real time, the real worker, store and mailer. The task's steps went due at three different
// times before it starts (yesterday's escalation, today's reminder and overdue notices), and the mail server is down
// from the first attempt until after two coordinators have reported.
describe('the mail server down across several steps of a task', () => {
  const taskQueue = `dondoc-outage-${randomBytes(4).toString('hex')}`;
  let root: string;
  let store: Store | undefined;
  let mailer: Mailer | undefined;
  let sink: SmtpSink | undefined;
  let dondoc: SharedServerWorker | undefined;
  let handle: WorkflowHandle | undefined;

  afterAll(async () => {
    await handle?.terminate('test finished').catch(() => undefined);
    await dondoc?.stop();
    mailer?.close();
    await sink?.stop();
    await store?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('delivers every notice once after it returns, naming only the agencies still late when it goes out', async () => {
    root = mkdtempSync(join(tmpdir(), 'dondoc-outage-'));
    const today = localToday();
    const { dir } = writeTestPlans(root);
    const plan = writeOutagePlan(dir, today);
    const smtpPort = await freePort();
    store = await openStore({ sqlitePath: join(root, 'dondoc.db') });
    mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtpPort}`, from: 'dondoc <dondoc@localhost>', local: true });
    dondoc = await runWorkerOnSharedServer(
      taskQueue,
      createActivities({ store, mailer, plans: createPlanCatalog(dir), calendar: everyDayWorking(today) }),
    );
    const log = store;
    const subject = { type: 'task', taskId: '1' } as const;
    handle = await dondoc.client.workflow.start('subjectWorkflow', {
      taskQueue,
      workflowId: subjectWorkflowId(plan.planId, subject),
      args: [{ planId: plan.planId, subject, visibility: false }],
    });
    const workflow = handle;

    // The first step due (the coordinators' escalation to the lead, naming all three) fails: nothing listens.
    const escalation = await eventually(async () =>
      (await log.listSends({ planId: plan.planId, status: 'failed' })).find((s) => s.kind === 'escalation-lead'),
    );
    expect(escalation.recipients).toEqual([address[OUTAGE_LEAD]]);

    // Sở Tài chính reports meanwhile, as the web page does; it is answered at once.
    const occurrenceId = (await workflow.query(subjectStateQuery)).current!.id;
    const receipt = await workflow.executeUpdate(submitReportUpdate, {
      args: [{ agency: 'Sở Tài chính', occurrenceId, submissionId: 'stc-1', text: 'Ý kiến của Sở Tài chính.' }],
    });
    expect(receipt).toMatchObject({ agency: 'Sở Tài chính', onTime: false });
    // Its receipt (the forward of its input to the lead follows the receipt), and the escalation once more, fail too.
    const receiptStatus = async (submission: string) => {
      const sends = await log.listSends({ planId: plan.planId });
      return sends.find((s) => s.kind === 'receipt' && s.key.endsWith(`/receipt/${submission}`))?.status;
    };
    await eventually(
      async () => {
        const again = (await log.listSends({ planId: plan.planId })).find((s) => s.key === escalation.key);
        return (await receiptStatus('stc-1')) === 'failed' && (again?.attempts ?? 0) >= 2;
      },
      150_000,
      500,
    );
    // Then Sở Nội vụ reports too, and its receipt fails as well.
    await workflow.executeUpdate(submitReportUpdate, {
      args: [{ agency: 'Sở Nội vụ', occurrenceId, submissionId: 'snv-1', text: 'Ý kiến của Sở Nội vụ.' }],
    });
    await eventually(async () => (await receiptStatus('snv-1')) === 'failed', 150_000, 500);

    sink = await startSmtpSink({ port: smtpPort });
    const mails = sink.received;
    // The escalation, the lead's reminder, an overdue notice to the coordinator still late, and for each report its
    // receipt and the forward of the input to the lead.
    await eventually(async () => mails.length >= 7 && mails, 150_000, 500);
    // Every step due so far is done: the next is in the future.
    await eventually(async () => {
      const next = (await workflow.query(subjectStateQuery)).current?.nextStep;
      return !!next && Date.parse(next.at) > Date.now();
    });
    const sent = await log.listSends({ planId: plan.planId });
    expect(sent.map((s) => s.status)).toEqual(sent.map(() => 'sent'));

    const byTag = (t: string) => mails.filter((m) => tag(m) === t).map((m) => m.envelope.to.join(','));
    expect(mails).toHaveLength(7);
    expect(sent).toHaveLength(7);
    expect(byTag('[Đôn đốc phối hợp]')).toEqual([address[OUTAGE_LEAD]]);
    expect(byTag('[Nhắc hạn]')).toEqual([address[OUTAGE_LEAD]]);
    expect(byTag('[Quá hạn]')).toEqual([address['Sở Y tế']]);
    expect(byTag('[Đã nhận báo cáo]').sort()).toEqual([address['Sở Tài chính'], address['Sở Nội vụ']].sort());
    expect(byTag('[Ý kiến phối hợp]')).toEqual([address[OUTAGE_LEAD], address[OUTAGE_LEAD]]);

    // Lists as they stood when each email went out: both had reported before any of them did.
    const stillLate = OUTAGE_COORDINATORS.filter((c) => c !== 'Sở Tài chính' && c !== 'Sở Nội vụ');
    const named = (t: string) =>
      mails.filter((m) => tag(m) === t).map((m) => listed(m, 'Các cơ quan phối hợp chưa gửi:'));
    expect(named('[Đôn đốc phối hợp]')).toEqual([stillLate]);
    expect(named('[Ý kiến phối hợp]')).toEqual([stillLate, stillLate]);
    // The escalation was tried while the server was down, cancelled when each report came and sent again.
    expect(sent.find((s) => s.key === escalation.key)!.attempts).toBeGreaterThanOrEqual(3);
    const history = await workflow.fetchHistory();
    const events = history.events ?? [];
    expect(events.filter((e) => e.activityTaskCancelRequestedEventAttributes)).toHaveLength(2);
    expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
    expect(patchesIn(events)).toContain(NOTICE_LISTS_PATCH);
    // `DONDOC_RECORD_HISTORY=<folder>` keeps this history for the replay corpus (test/workflows/histories).
    if (process.env.DONDOC_RECORD_HISTORY) saveHistory(process.env.DONDOC_RECORD_HISTORY, workflow.workflowId, history);
  }, 240_000);
});
