import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { freePort } from '../../src/temporal/ports';
import type { Subject } from '../../src/activities/types';
import {
  closeOccurrenceUpdate,
  extendDueUpdate,
  pauseRemindersUpdate,
  planStateQuery,
  resendReminderUpdate,
  planWorkflowId,
  subjectWorkflowId,
  submitReportSignal,
  submitReportUpdate,
} from '../../src/workflows/contract';
import { startSmtpSink, type SmtpSink } from '../activities/support/smtp';
import { writeMonthlyPlan, writeReportingPlan, writeTestPlans, type TestPlans } from '../support/plan-fixture';
import { createHarness, gate, until, type Harness } from './harness';

jest.setTimeout(180_000);

const DAY = 86_400_000;
const zone = 'Asia/Ho_Chi_Minh';
const task = (taskId: string): Subject => ({ type: 'task', taskId });
/** `offsetDays` from the real today, as the fixture writes its dates. */
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
/** An instant in the plan's zone. */
const local = (date: string, hour = 12) =>
  DateTime.fromISO(`${date}T${String(hour).padStart(2, '0')}:00`, { zone }).toMillis();

const sleepUntil = (h: Harness, at: number): Promise<void> => h.sleepUntil(at);
/**
 * The plan file asks for one email per notice (`policy.delivery: individual`): these tests follow each notice's own
 * key and send, which digests (the default, test/workflows/digest.test.ts) gather into one email a morning.
 */
const individualEmails = (file: string): void =>
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^tasks:/m, 'policy: { delivery: individual }\ntasks:'));

describe('task workflows keep their promises on the paths operators take', () => {
  let plans: TestPlans;
  let h: Harness;

  beforeEach(async () => {
    plans = writeTestPlans();
    individualEmails(plans.file);
    h = await createHarness({ plansDir: plans.dir });
  });
  afterEach(async () => h.teardown());

  it('audits a signalled report that the store refuses as rejected, and the task keeps running', async () => {
    await h.withWorker(async () => {
      const handle = await h.startSubject(plans.planId, task('2'));
      const { id } = (await until(async () => (await h.view(plans.planId, task('2'))).current))!;
      await handle.signal(submitReportSignal, {
        agency: 'Sở Tài chính',
        occurrenceId: id,
        submissionId: 'too-long',
        text: 'x'.repeat(200_001),
      });
      const unknownFile = {
        sha256: 'ab'.repeat(32),
        filename: 'bao-cao.pdf',
        contentType: 'application/pdf',
        size: 10,
      };
      await handle.signal(submitReportSignal, {
        agency: 'Sở Tài chính',
        occurrenceId: id,
        submissionId: 'unknown-file',
        text: 'Báo cáo kèm tệp',
        attachments: [unknownFile],
      });
      const view = await until(async () => {
        const v = await h.view(plans.planId, task('2'));
        return v.audit.filter((a) => a.action === 'report-rejected').length === 2 && v;
      });
      expect(view.audit.filter((a) => a.action === 'report-rejected').map((a) => a.detail)).toEqual([
        expect.stringContaining('vượt giới hạn 200000'),
        expect.stringContaining('tệp đính kèm chưa được lưu'),
      ]);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect(view.current?.reported).toEqual({});
      expect(await h.store.listReports({ planId: plans.planId })).toEqual([]);
    });
  });

  it('lets a submission be sent again after the store refused it, and answers with the store’s reason', async () => {
    await h.withWorker(async () => {
      const handle = await h.startSubject(plans.planId, task('2'));
      const { id } = (await until(async () => (await h.view(plans.planId, task('2'))).current))!;
      const content = Buffer.from('%PDF-1.4 báo cáo');
      const ref = {
        sha256: createHash('sha256').update(content).digest('hex'),
        filename: 'bao-cao.pdf',
        contentType: 'application/pdf',
        size: content.length,
      };
      const report = {
        agency: 'Sở Tài chính',
        occurrenceId: id,
        submissionId: 'stc-1',
        text: 'Báo cáo',
        attachments: [ref],
      };
      // The file is not in the store yet: refused with the store's own words.
      await expect(handle.executeUpdate(submitReportUpdate, { args: [report] })).rejects.toMatchObject({
        cause: { message: expect.stringContaining('tệp đính kèm chưa được lưu') },
      });
      await h.store.putAttachment({ filename: ref.filename, contentType: ref.contentType, content });
      const receipt = await handle.executeUpdate(submitReportUpdate, { args: [report] });
      expect(receipt).toMatchObject({ agency: 'Sở Tài chính', submissionId: 'stc-1', occurrenceId: id });
    });
  });

  it('sends a reminder again now, once per request, to whoever still owes, and refuses when nobody does', async () => {
    await h.withWorker(async () => {
      const handle = await h.startSubject(plans.planId, task('1'));
      const { id } = (await until(async () => (await h.view(plans.planId, task('1'))).current))!;
      const admin = { by: 'Nguyễn Văn A', reason: 'Sắp đến hạn' };
      const resends = async () =>
        (await h.store.listSends({ planId: plans.planId })).filter((s) => s.key.includes('/resend-'));

      const first = await handle.executeUpdate(resendReminderUpdate, { args: [{ ...admin, occurrenceId: id }] });
      expect(first.sentTo.sort()).toEqual(['Sở Thông tin và Truyền thông', 'Sở Tài chính']);
      expect((await resends()).map((s) => [s.kind, s.key.split('/').slice(-2).join('/')]).sort()).toEqual([
        ['reminder', 'resend-1/Sở Thông tin và Truyền thông'],
        ['reminder', 'resend-1/Sở Tài chính'],
      ]);

      await handle.executeUpdate(submitReportUpdate, {
        args: [{ agency: 'Sở Tài chính', occurrenceId: id, submissionId: 'stc-input', text: 'Ý kiến phối hợp' }],
      });
      // The coordinator has reported: asking for it alone is refused; the next resend goes to the lead only.
      await expect(
        handle.executeUpdate(resendReminderUpdate, { args: [{ ...admin, occurrenceId: id, agency: 'Sở Tài chính' }] }),
      ).rejects.toThrow();
      const second = await handle.executeUpdate(resendReminderUpdate, { args: [{ ...admin, occurrenceId: id }] });
      expect(second.sentTo).toEqual(['Sở Thông tin và Truyền thông']);
      expect((await resends()).filter((s) => s.key.includes('/resend-2/')).map((s) => s.recipients.length)).toEqual([
        1,
      ]);

      // Refused without a reason, and while reminders are paused; nothing more is sent.
      await expect(
        handle.executeUpdate(resendReminderUpdate, { args: [{ by: 'Nguyễn Văn A', reason: '', occurrenceId: id }] }),
      ).rejects.toThrow();
      await handle.executeUpdate(pauseRemindersUpdate, { args: [admin] });
      await expect(
        handle.executeUpdate(resendReminderUpdate, { args: [{ ...admin, occurrenceId: id }] }),
      ).rejects.toThrow();
      expect(await resends()).toHaveLength(3);
      const audit = await until(async () => {
        const entries = (await h.store.listAudit({ planId: plans.planId, subject: task('1') })).filter(
          (a) => a.action === 'resend-reminder',
        );
        return entries.length === 2 && entries;
      });
      expect(audit.map((a) => a.by)).toEqual(['Nguyễn Văn A', 'Nguyễn Văn A']);
    });
  });

  it('keeps an extended occurrence open until its new due date and its follow-up steps, however far it moved', async () => {
    await h.withWorker(async () => {
      const handle = await h.startSubject(plans.planId, task('3'));
      const { id } = (await until(async () => (await h.view(plans.planId, task('3'))).current))!;
      const newDue = isoDay(100);
      await handle.executeUpdate(extendDueUpdate, {
        args: [{ occurrenceId: id, leadDue: newDue, by: 'Nguyễn Văn A', reason: 'Chờ số liệu' }],
      });
      // Past the window the occurrence had before the extension (its last step + 30 days, about day 67).
      await sleepUntil(h, local(isoDay(85)));
      const open = await h.view(plans.planId, task('3'));
      expect(open.current).toMatchObject({ id, due: { lead: { nominal: newDue } } });
      // Nobody reports: the overdue notices after the new date go out, then the occurrence closes (its last step
      // plus 30 days: about day 137; the clock is run on in steps, since a busy test server can land a timer late).
      for (let day = 140; day <= 200 && !(await h.view(plans.planId, task('3'))).closed.length; day += 10)
        await sleepUntil(h, local(isoDay(day)));
      const sends = await h.store.listSends({ planId: plans.planId });
      const overdue = sends.filter((s) => s.kind === 'overdue');
      expect(overdue.length).toBeGreaterThan(0);
      expect(overdue.every((s) => s.key.includes(newDue))).toBe(true);
      const closed = await until(async () => (await h.view(plans.planId, task('3'))).closed[0]);
      expect(closed).toMatchObject({ id, outcomes: { 'Sở Nội vụ': 'missing' } });
    });
  });

  it('follows the next month while an extended month stays open, and closes the extended one only after its new date', async () => {
    const planId = `${plans.planId}-monthly`;
    individualEmails(writeMonthlyPlan(plans.dir, planId));
    await h.withWorker(async () => {
      const handle = await h.startSubject(planId, task('1'));
      const first = (await until(async () => (await h.view(planId, task('1'))).current))!;
      const second = (await h.view(planId, task('1'))).upcoming[0];
      const pastSecond = DateTime.fromISO(second.leadDue).plus({ days: 10 }).toISODate()!;
      await handle.executeUpdate(extendDueUpdate, {
        args: [{ occurrenceId: first.id, leadDue: pastSecond, by: 'Nguyễn Văn A', reason: 'Chờ hướng dẫn' }],
      });
      // The second month's reminders and its due date come and go while the first stays open.
      await sleepUntil(h, local(second.leadDue, 20));
      const view = await h.view(planId, task('1'));
      expect(view.open?.map((o) => o.id)).toEqual([first.id, second.id]);
      const sends = await h.store.listSends({ planId });
      expect(sends.some((s) => s.kind === 'reminder' && s.key.includes(`/${second.id}/`))).toBe(true);
      expect(view.closed.map((c) => c.id)).not.toContain(first.id);
    });
  });

  it('records a future period an admin closes with its outcomes and audit entry, and rejects later reports as closed', async () => {
    const planId = `${plans.planId}-monthly`;
    individualEmails(writeMonthlyPlan(plans.dir, planId));
    await h.withWorker(async () => {
      const handle = await h.startSubject(planId, task('1'));
      await until(async () => (await h.view(planId, task('1'))).current);
      const third = (await h.view(planId, task('1'))).upcoming[1];
      await handle.executeUpdate(closeOccurrenceUpdate, {
        args: [{ occurrenceId: third.id, by: 'Lê Văn C', reason: 'Không phát sinh' }],
      });
      const closed = await until(async () => (await h.view(planId, task('1'))).closed.find((c) => c.id === third.id));
      expect(closed.outcomes).toEqual({ 'Sở Tài chính': 'missing' });
      const audit = await h.store.listAudit({ planId, subject: task('1') });
      expect(audit.filter((a) => a.action === 'occurrence-closed' && a.occurrenceId === third.id)).toHaveLength(1);
      // The current month is closed too: the task moves on through continue-as-new, and a report for the
      // future month closed earlier is "closed", not "unknown".
      const current = (await h.view(planId, task('1'))).current!;
      await handle.executeUpdate(closeOccurrenceUpdate, {
        args: [{ occurrenceId: current.id, by: 'Lê Văn C', reason: 'Họp giao ban' }],
      });
      await until(async () => (await h.view(planId, task('1'))).current?.id !== current.id);
      await expect(
        handle.executeUpdate(submitReportUpdate, {
          args: [{ agency: 'Sở Tài chính', occurrenceId: third.id, submissionId: 'late', text: 'Số liệu' }],
        }),
      ).rejects.toMatchObject({ cause: { message: `Kỳ báo cáo "${third.id}" đã đóng` } });
    });
  });

  it('counts a report stored while its period is being closed in the outcomes, as the store does', async () => {
    const storing = gate();
    const release = gate();
    await h.withWorker(
      async () => {
        const handle = await h.startSubject(plans.planId, task('2'));
        const { id } = (await until(async () => (await h.view(plans.planId, task('2'))).current))!;
        const report = handle.executeUpdate(submitReportUpdate, {
          args: [{ agency: 'Sở Tài chính', occurrenceId: id, submissionId: 'stc', text: 'Báo cáo' }],
        });
        await storing.promise;
        const close = handle.executeUpdate(closeOccurrenceUpdate, {
          args: [{ occurrenceId: id, by: 'Lê Văn C', reason: 'Họp giao ban' }],
        });
        await new Promise((r) => setTimeout(r, 500));
        release.open();
        await Promise.all([report, close]);
        const closed = await until(async () => (await h.view(plans.planId, task('2'))).closed[0]);
        expect(closed.outcomes).toEqual({ 'Sở Tài chính': 'on-time' });
        expect((await h.store.listReports({ planId: plans.planId })).map((r) => r.agency)).toEqual(['Sở Tài chính']);
      },
      (real) => ({
        ...real,
        async storeReport(input) {
          storing.open();
          await release.promise;
          return real.storeReport(input);
        },
      }),
    );
  });

  it('escalates a late lead that is also the focal agency to the committee, and says so in the audit trail', async () => {
    await h.withWorker(async () => {
      await h.startSubject(plans.planId, task('1'));
      const { due } = (await until(async () => (await h.view(plans.planId, task('1'))).current))!;
      await sleepUntil(h, local(due.lead.effective) + 12 * DAY);
      const escalations = (await h.store.listSends({ planId: plans.planId })).filter(
        (s) => s.kind === 'escalation-focal',
      );
      expect(escalations.length).toBeGreaterThan(0);
      // Sở Thông tin và Truyền thông leads task 1 and is the focal agency: it is never told about itself.
      for (const e of escalations) expect(e.recipients).toEqual(['vanthu@ubnd.thunghiem.example']);
      const audit = await h.store.listAudit({ planId: plans.planId, subject: task('1') });
      expect(audit.find((a) => a.action === 'escalation-redirected')?.detail).toContain('Ủy ban nhân dân tỉnh');
    });
  });

  it('records an extension where summaries read it', async () => {
    await h.withWorker(async () => {
      const handle = await h.startSubject(plans.planId, task('2'));
      const { id } = (await until(async () => (await h.view(plans.planId, task('2'))).current))!;
      await handle.executeUpdate(extendDueUpdate, {
        args: [{ occurrenceId: id, leadDue: isoDay(40), by: 'Nguyễn Văn A', reason: 'Chờ số liệu' }],
      });
      expect(await h.store.listExtensions({ planId: plans.planId, occurrenceId: id })).toEqual([
        expect.objectContaining({
          subject: task('2'),
          grantedBy: 'Nguyễn Văn A',
          to: expect.objectContaining({ nominal: isoDay(40) }),
        }),
      ]);
    });
  });
});

describe('statuses say what happened', () => {
  it('says "not followed" for a task started after all its dates, not "completed"', async () => {
    const h = await createHarness({ plansDir: join(__dirname, '..', '..', 'plans') });
    try {
      await h.withWorker(async () => {
        await h.startSubject('dak-nong-ttdn-2025', task('1'));
        const view = await until(async () => {
          const v = await h.view('dak-nong-ttdn-2025', task('1'));
          return (v.notFollowed?.length ?? 0) > 0 && v;
        });
        expect(view.status).toBe('not-followed');
        expect(view.notFollowed?.map((o) => o.id)).toEqual(expect.arrayContaining(['2025-six-month']));
      });
    } finally {
      await h.teardown();
    }
  });
});

describe('a notice names who is late when it goes out', () => {
  let sink: SmtpSink | undefined;
  afterEach(async () => sink?.stop());

  it('sends a notice held up by a long mail outage with who is late when it goes out', async () => {
    const plans = writeTestPlans();
    individualEmails(plans.file);
    // Task 1 gets a second coordinator, who stays late throughout.
    writeFileSync(
      plans.file,
      readFileSync(plans.file, 'utf8').replace(
        'coordinators: ["Sở Tài chính"]',
        'coordinators: ["Sở Tài chính", "Sở Y tế"]',
      ),
    );
    const port = await freePort();
    sink = await startSmtpSink({ port });
    const before = sink.received;
    const h = await createHarness({ plansDir: plans.dir, smtpPort: port });
    let outage: Promise<void> | undefined;
    try {
      await h.withWorker(
        async () => {
          const handle = await h.startSubject(plans.planId, task('1'));
          const { id, due } = (await until(async () => (await h.view(plans.planId, task('1'))).current))!;
          // Reminders go out; the mail server stops just as the overdue notice to the coordinators is due.
          await sleepUntil(h, local(due.coordinators!.effective, 20));
          const next = (await h.view(plans.planId, task('1'))).current!.nextStep!;
          expect(next).toMatchObject({ kind: 'overdue', party: 'coordinators' });
          await sleepUntil(h, Date.parse(next.at) + 60_000);
          await until(async () => outage !== undefined, 60_000);
          await outage;
          expect(before.some((m) => m.parsed.subject?.startsWith('[Nhắc hạn]'))).toBe(true);
          // It reports while the server is down, and the outage outlasts the notice's attempt window.
          await handle.executeUpdate(submitReportUpdate, {
            args: [{ agency: 'Sở Tài chính', occurrenceId: id, submissionId: 'stc', text: 'Ý kiến phối hợp' }],
          });
          await h.sleepUntil((await h.env.currentTimeMs()) + 3 * 60 * 60 * 1000);
          sink = await startSmtpSink({ port });
          const after = sink.received;
          await h.sleepUntil((await h.env.currentTimeMs()) + 6 * 60 * 60 * 1000);
          await until(async () => after.some((m) => m.parsed.subject?.startsWith('[Đã nhận báo cáo]')), 60_000);
          const tags = (address: string) =>
            [...before, ...after]
              .filter((m) => m.envelope.to.includes(address))
              .map((m) => m.parsed.subject?.slice(0, m.parsed.subject.indexOf(']') + 1));
          // Sở Tài chính reported during the outage: no overdue notice reaches it afterwards.
          expect(tags('vanthu@sotc.thunghiem.example')).toEqual(['[Nhắc hạn]', '[Nhắc hạn]', '[Đã nhận báo cáo]']);
          // Sở Y tế is still late: its notice goes out once the server is back, once.
          expect(tags('vanthu@soyt.thunghiem.example')).toEqual(['[Nhắc hạn]', '[Nhắc hạn]', '[Quá hạn]']);
          const audit = await h.store.listAudit({ planId: plans.planId, subject: task('1') });
          expect(audit.filter((a) => a.action === 'delivery-failed')).toEqual([]);
        },
        (real) => ({
          ...real,
          async sendNotifications(requests) {
            if (!outage && requests.some((r) => r.kind === 'overdue')) outage = sink!.stop();
            await outage;
            return real.sendNotifications(requests);
          },
        }),
      );
    } finally {
      await h.teardown();
    }
  });
});

describe('the plan workflow', () => {
  let sink: SmtpSink | undefined;
  afterEach(async () => sink?.stop());

  it('records a summary that cannot be delivered, alerts, and sends the next one', async () => {
    const plans = writeTestPlans();
    const planId = `${plans.planId}-reports`;
    const officer = `tonghop-${randomBytes(3).toString('hex')}@sotttt.thunghiem.example`;
    writeReportingPlan(plans.dir, planId, officer);
    const refused = [officer];
    sink = await startSmtpSink({ rejectRecipients: refused });
    const h = await createHarness({ plansDir: plans.dir, smtpPort: sink.port });
    try {
      await h.withWorker(async () => {
        const handle = await h.env.client.workflow.start('planWorkflow', {
          taskQueue: h.taskQueue,
          workflowId: planWorkflowId(planId),
          args: [{ planId, visibility: false }],
        });
        const periods = (await until(async () => {
          const p = (await handle.query(planStateQuery)).periods;
          return p.length >= 2 && p;
        }))!;
        await sleepUntil(h, Date.parse(periods[0].at) + DAY);
        const first = await until(async () => (await handle.query(planStateQuery)).periods[0].failed);
        expect(first).toContain('từ chối');
        // The state says failed before the audit entry is stored (another activity): wait for it.
        const failed = await until(async () =>
          (await h.store.listAudit({ planId })).find((a) => a.action === 'summary-failed'),
        );
        expect(failed.occurrenceId).toBe(periods[0].id);
        // The address is fixed; the next period's summary goes out.
        refused.splice(0);
        await sleepUntil(h, Date.parse(periods[1].at) + DAY);
        await until(async () => (await handle.query(planStateQuery)).periods[1].sent);
        expect(sink!.received.filter((m) => m.envelope.to.includes(officer))).toHaveLength(1);
        expect((await handle.describe()).status.name).toBe('RUNNING');
        for (const subject of [task('1')])
          await h.env.client.workflow.getHandle(subjectWorkflowId(planId, subject)).terminate();
      });
    } finally {
      await h.teardown();
    }
  });
});
