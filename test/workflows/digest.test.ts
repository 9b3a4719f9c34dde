import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { createPlanCatalog } from '../../src/activities/plan-catalog';
import { createScheduleActivities } from '../../src/activities/schedule';
import { loadWorkingCalendar } from '../../src/plan/holidays';
import { formatDate } from '../../src/activities/email/dates';
import { renderDigest, type DigestEntry } from '../../src/activities/email/digest-template';
import type { DigestItem, Subject } from '../../src/activities/types';
import { statusQuery } from '../../src/cli/status';
import type { SimulationResult } from '../../src/simulation/run';
import { noticeEvents } from '../../src/simulation/timeline';
import {
  TASK_QUEUE,
  addDigestItemsSignal,
  agencyMailboxWorkflowId,
  mailboxStateQuery,
  parseWorkflowId,
  subjectWorkflowId,
  type AgencyMailboxInput,
} from '../../src/workflows/contract';
import type { ScenarioReport } from '../../src/workflows/scenario-workflow';
import { startSmtpSink, type SmtpSink } from '../activities/support/smtp';
import { writeTestPlans } from '../support/plan-fixture';
import { createHarness, until, type Harness } from './harness';
import { planFile, simulate } from './support';

jest.setTimeout(600_000);

const zone = 'Asia/Ho_Chi_Minh';
const DAY = 86_400_000;
const task = (taskId: string): Subject => ({ type: 'task', taskId });
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
const localDay = (at: string | number) => DateTime.fromMillis(new Date(at).getTime(), { zone }).toISODate()!;
const localAt = (day: string, time: string) => DateTime.fromISO(`${day}T${time}`, { zone }).toMillis();

describe('one digest a morning per agency over the Đắk Nông year (678/KH-UBND) with nobody reporting', () => {
  let silent: SimulationResult;
  beforeAll(async () => {
    silent = await simulate({ planFile: planFile('dak-nong-ttdn-2025'), reports: 'none', until: '2025-12-31' });
  });

  it('sends no agency more than one reminder or overdue email on any day', () => {
    const perAgencyDay = new Map<string, number>();
    for (const e of silent.events.filter((x) => ['reminder', 'overdue', 'digest'].includes(x.kind))) {
      for (const agency of e.to) {
        const key = `${agency}|${localDay(e.at)}`;
        perAgencyDay.set(key, (perAgencyDay.get(key) ?? 0) + 1);
      }
    }
    expect(perAgencyDay.size).toBeGreaterThan(100);
    expect([...perAgencyDay.entries()].filter(([, n]) => n > 1)).toEqual([]);
    // Nothing goes alone any more: every reminder and overdue notice is inside a digest.
    expect(silent.events.filter((e) => e.kind === 'reminder' || e.kind === 'overdue')).toEqual([]);
  });

  it('lists in the digests what the individual emails said, overdue first, many on the busiest mornings', () => {
    const digests = silent.events.filter((e) => e.kind === 'digest');
    expect(digests.every((d) => d.to.length === 1 && (d.items?.length ?? 0) > 0)).toBe(true);
    expect(digests.every((d) => (d.addresses?.length ?? 0) > 0)).toBe(true);
    // The mornings the issue counted (an agency owing several things): now one email each, listing them all.
    const crowded = digests.filter((d) => (d.items?.length ?? 0) > 1);
    expect(crowded.length).toBeGreaterThan(100);
    expect(Math.max(...digests.map((d) => d.items?.length ?? 0))).toBeGreaterThanOrEqual(10);
    // Each digest is one email: one Message-ID, one send.
    expect(new Set(digests.map((d) => d.messageId)).size).toBe(digests.length);
    // An item's reminders still come before its due date, as noticeEvents (what the plan tests read) shows.
    const notices = noticeEvents(silent.events);
    expect(notices.filter((n) => n.kind === 'reminder').length).toBeGreaterThan(digests.length);
    // Escalations to a higher level stay individual emails.
    expect(silent.events.some((e) => e.kind === 'escalation')).toBe(true);
  });
});

describe('the digest email', () => {
  const plan = {
    number: '678/KH-UBND',
    title: 'Kế hoạch thông tin đối ngoại năm 2025',
    issuer: 'UBND tỉnh Đắk Nông',
    focalAgency: 'Sở Thông tin và Truyền thông',
    reportsTo: 'Ủy ban nhân dân tỉnh',
  };
  const due = (effective: string) => ({ nominal: effective, effective, at: `${effective}T23:59:59.999+07:00` });
  const entry = (
    kind: DigestEntry['kind'],
    id: string,
    dueOn: string,
    extra: Partial<DigestEntry> = {},
  ): DigestEntry => ({
    kind,
    plan,
    topic: { type: 'task', id, title: `Nhiệm vụ thử ${id}`, lead: ['Sở Tài chính'], coordinators: [] },
    periodLabel: 'Báo cáo 6 tháng năm 2025',
    party: 'lead',
    due: due(dueOn),
    ...extra,
  });

  it('puts overdue items first, then the soonest due, each with its link and reply address, in Vietnamese', () => {
    const rendered = renderDigest({
      agency: 'Sở Tài chính',
      day: '2025-05-20',
      entries: [
        entry('reminder', '2.2', '2025-05-27', { submitUrl: 'https://dondoc.example/bao-cao/abc' }),
        entry('overdue', '2.4.1', '2025-05-15', { step: 2, replyAddress: 'baocao+k1@dondoc.example' }),
        entry('reminder', '1.1', '2025-05-21'),
      ],
      calendarUrl: 'https://dondoc.example/lich/xyz.ics',
      focalAgencies: ['Sở Thông tin và Truyền thông'],
    });
    expect(rendered.subject).toBe('[Việc cần báo cáo] Tổng hợp ngày 20/5/2025 – Sở Tài chính: 3 việc, 1 quá hạn');
    expect(rendered.text).toContain('Google Calendar): https://dondoc.example/lich/xyz.ics');
    expect(rendered.html).toContain('<a href="https://dondoc.example/lich/xyz.ics">');
    const order = ['2.4.1', '1.1', '2.2'].map((id) => rendered.text.indexOf(`Nhiệm vụ ${id}`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(rendered.text).toContain('ĐÃ QUÁ HẠN (1 VIỆC)');
    expect(rendered.text).toContain('đã quá hạn 5 ngày (thông báo lần 2)');
    expect(rendered.text).toContain('còn 1 ngày');
    expect(rendered.text).toContain('Nộp trực tuyến:   https://dondoc.example/bao-cao/abc');
    expect(rendered.text).toContain('baocao+k1@dondoc.example');
    expect(rendered.html).toContain('href="https://dondoc.example/bao-cao/abc"');
    expect(rendered.html).toContain('href="mailto:baocao+k1@dondoc.example"');
    for (const part of [rendered.subject, rendered.text, rendered.html]) expect(part).toBe(part.normalize('NFC'));
  });

  it('escapes what it shows in HTML', () => {
    const rendered = renderDigest({
      agency: 'Sở <Tài> chính',
      day: '2025-05-20',
      entries: [entry('reminder', '<b>1</b>', '2025-05-27')],
      focalAgencies: ['Sở Thông tin và Truyền thông'],
    });
    expect(rendered.html).not.toContain('<b>1</b>');
    expect(rendered.html).toContain('&lt;b&gt;1&lt;/b&gt;');
  });

  it('keeps mailboxes out of dondoc status and of the plan id parser', () => {
    const id = agencyMailboxWorkflowId({ province: 'Đắk Nông', agency: 'Sở Tài chính' });
    expect(id).toMatch(/^agency-mailbox\/dak-nong\/so-tai-chinh-[0-9a-f]{8}$/);
    expect(agencyMailboxWorkflowId({ province: 'Thái Bình', agency: 'Sở Tài chính' })).not.toBe(id);
    expect(agencyMailboxWorkflowId({ province: 'Đắk Nông', agency: 'Sở Tài chính' }, 'other')).toBe(`${id}~other`);
    expect(agencyMailboxWorkflowId({ province: 'Đắk Nông', agency: 'Sở Tài chính' }, TASK_QUEUE)).toBe(id);
    expect(parseWorkflowId(id)).toBeUndefined();
    expect(statusQuery({})).toContain("DondocKind IN ('task', 'deliverable')");
  });
});

/** A plan of `count` tasks, all led by Sở Tài chính and due on `due`, in the fixture's folder. */
function writeCrowdedPlan(dir: string, planId: string, count: number, due: string, policy = ''): string {
  const tasks = Array.from(
    { length: count },
    (_, i) => `  - id: "${i + 1}"
    title: Nhiệm vụ số ${i + 1} của Sở Tài chính
    lead: ["Sở Tài chính"]
    coordinators: []
    timeframe:
      text: Trước ngày ${due}
      rule: { type: date, date: "${due}" }
`,
  ).join('');
  const file = join(dir, `${planId}.yaml`);
  writeFileSync(
    file,
    `id: ${planId}
title: Kế hoạch thử nghiệm nhiều nhiệm vụ cùng hạn
issuer: Ủy ban nhân dân tỉnh Thử Nghiệm
period: { from: "${isoDay(-10)}", to: "${isoDay(60)}" }
directory: agencies/thu-nghiem.yaml
focalAgency: Sở Thông tin và Truyền thông
reportsTo: Ủy ban nhân dân tỉnh
${policy}tasks:
${tasks}`,
  );
  return file;
}

describe('an agency that owes 15 reports due the same day', () => {
  let h: Harness;
  let sink: SmtpSink;
  const planId = `digest-${Date.now().toString(36)}`;
  const tasks = Array.from({ length: 15 }, (_, i) => task(String(i + 1)));
  const toStc = () => sink.received.filter((m) => m.envelope.to.includes('vanthu@sotc.thunghiem.example'));

  let plansDir: string;

  beforeAll(async () => {
    const plans = writeTestPlans();
    plansDir = plans.dir;
    writeCrowdedPlan(plans.dir, planId, 15, isoDay(20));
    sink = await startSmtpSink();
    h = await createHarness({ plansDir: plans.dir, smtpPort: sink.port });
  });
  afterAll(async () => {
    await h?.teardown();
    await sink?.stop();
  });

  it('gets one email listing all 15 on the first reminder morning; reports before 08:00 and before it goes out leave theirs out of the next', async () => {
    await h.withWorker(async () => {
      for (const subject of tasks) await h.startSubject(planId, subject);
      const views = await until(async () => {
        const all = await Promise.all(tasks.map((s) => h.view(planId, s)));
        return all.every((v) => v.current?.nextStep) && all;
      });
      const firstStep = views[0].current!.nextStep!;
      expect(firstStep).toMatchObject({ kind: 'reminder', party: 'lead' });
      expect(new Set(views.map((v) => v.current!.nextStep!.at))).toEqual(new Set([firstStep.at]));
      const occurrenceId = views[0].current!.id;

      // The reminders 7 days and 1 day before the due date. On the second morning, task 1 is reported at 07:59
      // (never queued) and task 2 at 08:05 (queued at 08:00, left out when the digest goes out at 08:10). One
      // workflow plays the reports, so the server skips time from timer to timer in order.
      const schedule = createScheduleActivities({
        plans: createPlanCatalog(plansDir),
        calendar: await loadWorkingCalendar(join(__dirname, '..', '..', 'plans', 'holidays')),
      });
      const steps = (await schedule.computeSchedule({ planId, subject: tasks[0] })).occurrences[0].steps;
      expect(steps.slice(0, 2).map((s) => s.kind)).toEqual(['reminder', 'reminder']);
      expect(steps[0].at).toBe(firstStep.at);
      const day = localDay(steps[1].at);
      const report = (subject: Subject, at: number): ScenarioReport => ({
        at,
        workflowId: subjectWorkflowId(planId, subject),
        report: { agency: 'Sở Tài chính', occurrenceId, submissionId: `stc-${at}`, text: 'Báo cáo kết quả' },
      });
      await h.env.client.workflow.execute('scenarioWorkflow', {
        taskQueue: h.taskQueue,
        workflowId: `reports-${planId}`,
        args: [
          [report(tasks[0], localAt(day, '07:59')), report(tasks[1], localAt(day, '08:05'))],
          localAt(day, '08:30'),
        ],
      });

      // The first reminder morning: 15 reminders, one email.
      const first = await until(async () => toStc().length > 0 && toStc());
      const digest = first[0].parsed;
      expect(digest.subject).toBe(
        `[Việc cần báo cáo] Tổng hợp ngày ${formatDate(localDay(firstStep.at))} – Sở Tài chính: 15 việc`,
      );
      for (let n = 1; n <= 15; n++) expect(digest.text).toContain(`Nhiệm vụ số ${n} của Sở Tài chính`);
      expect(digest.text?.match(/^\d+\. Kế hoạch/gm)).toHaveLength(15);
      expect(digest.attachments.map((a) => a.filename)).toEqual(['han-gui-bao-cao.ics']);
      expect(digest.attachments[0].content.toString().match(/BEGIN:VEVENT/g)).toHaveLength(15);
      const sends = await h.store.listSends({ planId });
      expect(sends.filter((s) => s.kind === 'digest')).toHaveLength(2);
      expect(sends.filter((s) => s.kind === 'reminder')).toEqual([]);

      const next = await until(
        async () => toStc().filter((m) => m.parsed.subject?.startsWith('[Việc')).length > 1 && toStc(),
      );
      const digests = next.filter((m) => m.parsed.subject?.startsWith('[Việc cần báo cáo]'));
      expect(digests).toHaveLength(2);
      const later = digests[1].parsed;
      expect(later.subject).toContain('13 việc');
      expect(later.text).not.toContain('Nhiệm vụ số 1 của');
      expect(later.text).not.toContain('Nhiệm vụ số 2 của');
      for (let n = 3; n <= 15; n++) expect(later.text).toContain(`Nhiệm vụ số ${n} của Sở Tài chính`);
      // Queued at 08:00 and left out at 08:10: the report came in between.
      const mailbox = agencyMailboxWorkflowId({ province: 'Thử Nghiệm', agency: 'Sở Tài chính' }, h.taskQueue);
      const history = await h.env.client.workflow.getHandle(mailbox).fetchHistory();
      const signals = history.events?.filter((e) => e.workflowExecutionSignaledEventAttributes) ?? [];
      const keys = signals.flatMap((e) =>
        (
          JSON.parse(Buffer.from(e.workflowExecutionSignaledEventAttributes!.input!.payloads![0].data!).toString()) as {
            key: string;
          }[]
        ).map((i) => i.key),
      );
      expect(keys.filter((k) => k.includes('/task/1/'))).toHaveLength(1);
      expect(keys.filter((k) => k.includes('/task/2/'))).toHaveLength(2);
      expect(keys).toHaveLength(15 + 14);
      // The receipts are individual emails, as before.
      expect(next.filter((m) => m.parsed.subject?.startsWith('[Đã nhận báo cáo]'))).toHaveLength(2);
    });
  });
});

describe('a plan that asks for individual emails (policy.delivery: individual)', () => {
  it('sends each reminder as its own email, as before digests', async () => {
    const plans = writeTestPlans();
    const planId = `individual-${Date.now().toString(36)}`;
    writeCrowdedPlan(plans.dir, planId, 3, isoDay(20), 'policy: { delivery: individual }\n');
    const sink = await startSmtpSink();
    const h = await createHarness({ plansDir: plans.dir, smtpPort: sink.port });
    try {
      await h.withWorker(async () => {
        const subjects = [task('1'), task('2'), task('3')];
        for (const subject of subjects) await h.startSubject(planId, subject);
        const step = await until(async () => (await h.view(planId, subjects[0])).current?.nextStep);
        await h.sleepUntil(Date.parse(step.at) + 20 * 60 * 1000);
        const reminders = await until(async () => sink.received.length >= 3 && sink.received);
        expect(reminders.map((m) => m.parsed.subject?.slice(0, 10))).toEqual(Array(3).fill('[Nhắc hạn]'));
        const sends = await h.store.listSends({ planId });
        expect(sends.map((s) => s.kind)).toEqual(['reminder', 'reminder', 'reminder']);
        // No mailbox was started for this plan's agency.
        const mailbox = agencyMailboxWorkflowId({ province: 'Thử Nghiệm', agency: 'Sở Tài chính' }, h.taskQueue);
        await expect(h.env.client.workflow.getHandle(mailbox).describe()).rejects.toMatchObject({
          name: 'WorkflowNotFoundError',
        });
      });
    } finally {
      await h.teardown();
      await sink.stop();
    }
  });
});

describe('an agency mailbox that continues as new', () => {
  it('carries its waiting items and the keys it has handled into the next run', async () => {
    const plans = writeTestPlans();
    const planId = `mailbox-${Date.now().toString(36)}`;
    writeCrowdedPlan(plans.dir, planId, 2, isoDay(20));
    const sink = await startSmtpSink();
    const h = await createHarness({ plansDir: plans.dir, smtpPort: sink.port });
    try {
      await h.withWorker(async () => {
        const subjects = [task('1'), task('2')];
        for (const subject of subjects) await h.startSubject(planId, subject);
        const current = await until(async () => (await h.view(planId, subjects[0])).current);
        const today = localDay(await h.env.currentTimeMs());
        const tomorrow = DateTime.fromISO(today).plus({ days: 1 }).toISODate()!;
        const item = (subject: Subject, day: string): DigestItem => {
          const key = `${planId}/task/${(subject as { taskId: string }).taskId}/${current.id}/reminder:lead:1/Sở Tài chính`;
          return {
            key,
            day,
            workflowId: subjectWorkflowId(planId, subject),
            request: {
              key,
              kind: 'reminder',
              planId,
              subject,
              occurrenceId: current.id,
              party: 'lead',
              due: current.due.lead,
              step: 1,
              to: ['Sở Tài chính'],
            },
          };
        };
        const [a, b] = [item(subjects[0], today), item(subjects[1], tomorrow)];
        const input: AgencyMailboxInput = {
          province: 'Thử Nghiệm',
          agency: 'Sở Tài chính',
          gatherMs: 60_000,
          digestsPerRun: 1,
        };
        const mailbox = await h.env.client.workflow.signalWithStart('agencyMailboxWorkflow', {
          taskQueue: h.taskQueue,
          workflowId: agencyMailboxWorkflowId(input, h.taskQueue),
          args: [input],
          signal: addDigestItemsSignal,
          signalArgs: [[a, b]],
        });
        const firstRun = mailbox.signaledRunId;
        await h.sleepUntil((await h.env.currentTimeMs()) + 2 * 60_000);
        // Today's digest went out, then the run ended: the next one holds tomorrow's item and remembers today's.
        const next = await until(async () => {
          const view = await h.env.client.workflow.getHandle(mailbox.workflowId).query(mailboxStateQuery);
          return view.runs >= 1 && view;
        });
        expect(next.batches[today]).toBe(1);
        // The same item again, as a retried activity would queue it: not listed a second time.
        await h.env.client.workflow.getHandle(mailbox.workflowId).signal(addDigestItemsSignal, [a]);
        await h.sleepUntil((await h.env.currentTimeMs()) + 5 * 60_000);
        // (The clock may run on to the tasks' own reminders, weeks later: only the digests of these two days count.)
        const ofDay = (day: string) =>
          sink.received.filter((m) => m.parsed.subject?.includes(`Tổng hợp ngày ${formatDate(day)} –`));
        await until(async () => ofDay(tomorrow).length > 0);
        expect(ofDay(today)).toHaveLength(1);
        expect(ofDay(tomorrow)).toHaveLength(1);
        const digests = [...ofDay(today), ...ofDay(tomorrow)];
        expect(digests[0].parsed.text).toContain('Nhiệm vụ số 1 của');
        expect(digests[0].parsed.text).not.toContain('Nhiệm vụ số 2 của');
        expect(digests[1].parsed.text).toContain('Nhiệm vụ số 2 của');
        expect(digests[1].parsed.text).not.toContain('Nhiệm vụ số 1 của');
        const described = await h.env.client.workflow.getHandle(mailbox.workflowId).describe();
        expect(described.runId).not.toBe(firstRun);
        const view = await h.env.client.workflow.getHandle(mailbox.workflowId).query(mailboxStateQuery);
        expect(view.runs).toBeGreaterThanOrEqual(2);
        expect(view.pending).toEqual([]);
      });
    } finally {
      await h.teardown();
      await sink.stop();
    }
  });
});
