import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActivities } from '../../src/activities';
import { createMailer, type Mailer } from '../../src/activities/email/transport';
import { createPlanCatalog } from '../../src/activities/plan-catalog';
import type { Store } from '../../src/activities/storage/store';
import { loadWorkingCalendar } from '../../src/plan/holidays';
import { freePort } from '../../src/temporal/ports';
import { subjectStateQuery, submitReportUpdate, subjectWorkflowId } from '../../src/workflows/contract';
import { startSmtpSink, type SmtpSink } from '../activities/support/smtp';
import { writeTestPlans } from '../support/plan-fixture';
import { describeEachStore } from '../support/stores';
import { eventually, runWorkerOnSharedServer, type SharedServerWorker } from '../support/temporal';

// The dev server (real time): the mail server is down when the report arrives and comes back later.
describeEachStore('a report submitted while the mail server is down', (testStore) => {
  const taskQueue = `dondoc-mail-down-${randomBytes(4).toString('hex')}`;
  let root: string;
  let store: Store;
  let mailer: Mailer;
  let sink: SmtpSink | undefined;
  let dondoc: SharedServerWorker | undefined;

  afterAll(async () => {
    await dondoc?.stop();
    mailer?.close();
    await sink?.stop();
    await store?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('gets its receipt at once; the receipt and the forward to the lead arrive once the server is back', async () => {
    root = mkdtempSync(join(tmpdir(), 'dondoc-mail-down-'));
    const plans = writeTestPlans(root);
    const smtpPort = await freePort();
    store = await testStore().open();
    mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtpPort}`, from: 'dondoc <dondoc@localhost>', local: true });
    dondoc = await runWorkerOnSharedServer(
      taskQueue,
      createActivities({
        store,
        mailer,
        plans: createPlanCatalog(plans.dir),
        calendar: await loadWorkingCalendar('plans/holidays'),
      }),
    );
    const { client } = dondoc;

    const subject = { type: 'task', taskId: '1' } as const;
    const handle = await client.workflow.start('subjectWorkflow', {
      taskQueue,
      workflowId: subjectWorkflowId(plans.planId, subject),
      args: [{ planId: plans.planId, subject, visibility: false }],
    });
    const occurrenceId = (await eventually(async () => (await handle.query(subjectStateQuery)).current)).id;

    // Sở Tài chính coordinates task 1; its input is answered with a receipt although no email can go out.
    const receipt = await handle.executeUpdate(submitReportUpdate, {
      args: [
        { agency: 'Sở Tài chính', occurrenceId, submissionId: 'stc-1', text: 'Ý kiến của Sở Tài chính: thống nhất.' },
      ],
    });
    expect(receipt).toMatchObject({ agency: 'Sở Tài chính', occurrenceId, onTime: true });
    const receiptKey = `${plans.planId}/task/1/${occurrenceId}/receipt/stc-1`;
    await eventually(async () => (await store.getSend(receiptKey))?.status === 'failed');
    expect((await handle.query(subjectStateQuery)).current?.reported['Sở Tài chính']?.reportId).toBe(receipt.reportId);

    // The server comes back: Temporal's retry delivers the receipt and then the forward, each once.
    sink = await startSmtpSink({ port: smtpPort });
    const received = await eventually(async () => sink!.received.length >= 2 && sink!.received, 120_000, 500);
    expect(received.map((m) => [m.parsed.subject?.slice(0, m.parsed.subject.indexOf(']') + 1), m.envelope.to])).toEqual(
      [
        ['[Đã nhận báo cáo]', ['vanthu@sotc.thunghiem.example']],
        ['[Ý kiến phối hợp]', ['vanthu@sotttt.thunghiem.example']],
      ],
    );
    expect(await store.getSend(receiptKey)).toMatchObject({ status: 'sent', attempts: 2 });
    await handle.terminate('test finished');
  }, 180_000);
});
