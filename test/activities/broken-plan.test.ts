import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { createActivities } from '../../src/activities';
import { createMailer, type Mailer } from '../../src/activities/email/transport';
import { createPlanCatalog } from '../../src/activities/plan-catalog';
import { openStore } from '../../src/activities/storage/open-store';
import type { Store } from '../../src/activities/storage/store';
import type { Activities, NotificationRequest } from '../../src/activities/types';
import { loadPlans } from '../../src/plan/load';
import { loadWorkingCalendar } from '../../src/plan/holidays';
import { writeMonthlyPlan, writeTestPlans, type TestPlans } from '../support/plan-fixture';
import { quietActivityEnv } from './support/activity-env';
import { startSmtpSink, type SmtpSink } from './support/smtp';

const BROKEN_ID = 'ke-hoach-hong';

function reminder(planId: string, key: string, to = 'Sở Tài chính'): NotificationRequest {
  return {
    key,
    kind: 'reminder',
    planId,
    subject: { type: 'task', taskId: '1' },
    occurrenceId: 'completion',
    to: [to],
    party: 'lead',
    due: { nominal: '2030-01-15', effective: '2030-01-15', at: '2030-01-15T23:59:59.999+07:00' },
    step: 1,
  };
}

describe('a plans folder with one good plan and one broken file', () => {
  let plans: TestPlans;
  let brokenFile: string;
  let goodText: string;
  let sink: SmtpSink;
  let store: Store;
  let mailer: Mailer;
  let activities: Activities;
  let clock = 0;
  const { run, logs } = quietActivityEnv();

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the activity to fail');
      },
      (err: unknown) => err as ApplicationFailure,
    );

  beforeAll(async () => {
    plans = writeTestPlans();
    brokenFile = writeMonthlyPlan(plans.dir, BROKEN_ID);
    goodText = readFileSync(brokenFile, 'utf8');
    // An unclosed list: a YAML syntax error on line 15 of the file.
    writeFileSync(brokenFile, goodText.replace('lead: ["Sở Tài chính"]', 'lead: ["Sở Tài chính"'));
    sink = await startSmtpSink();
    store = await openStore({ sqlitePath: join(plans.dir, '..', 'dondoc.db') });
    mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${sink.port}`, from: 'x <x@localhost>', local: true });
    activities = createActivities({
      store,
      mailer,
      plans: createPlanCatalog(plans.dir, { rereadEveryMs: 5_000, now: () => clock }),
      calendar: await loadWorkingCalendar('plans/holidays'),
    });
  });
  afterAll(async () => {
    mailer?.close();
    await sink?.stop();
    await store?.close();
    rmSync(join(plans.dir, '..'), { recursive: true, force: true });
  });

  it('sends the good plan its reminders', async () => {
    const results = await run(activities.sendNotifications, [reminder(plans.planId, 'good-1')]);
    expect(results).toEqual([expect.objectContaining({ duplicate: false })]);
    expect(sink.received.map((m) => m.envelope.to)).toEqual([['vanthu@sotc.thunghiem.example']]);
    expect(await run(activities.loadPlanOutline, plans.planId)).toMatchObject({ planId: plans.planId });
  });

  it('fails every activity of the broken plan with a retryable failure naming the file and line', async () => {
    const where = new RegExp(`${BROKEN_ID}\\.yaml:15: YAML syntax`);
    const attempts = [
      run(activities.sendNotifications, [reminder(BROKEN_ID, 'broken-1'), reminder(BROKEN_ID, 'broken-2')]),
      run(activities.sendNotification, reminder(BROKEN_ID, 'broken-3')),
      run(activities.loadPlanOutline, BROKEN_ID),
      run(activities.computeSchedule, { planId: BROKEN_ID, subject: { type: 'task', taskId: '1' } }),
      run(activities.sendSummary, {
        planId: BROKEN_ID,
        period: { id: '2030-m01', label: 'Tháng 1/2030', at: '2030-02-01T08:00:00.000+07:00' },
      }),
    ];
    for (const attempt of attempts) {
      const error = await failure(attempt);
      expect(error).toBeInstanceOf(ApplicationFailure);
      expect(error).toMatchObject({ type: 'PlanUnavailable', nonRetryable: false });
      expect(error.message).toMatch(where);
      expect(error.message).toContain(`Kế hoạch "${BROKEN_ID}" tạm thời không dùng được`);
    }
    // Nothing was sent, and the batch failed as a whole instead of reporting slots "failed for good".
    expect(sink.received).toHaveLength(1);
    for (const key of ['broken-1', 'broken-2', 'broken-3']) expect(await store.getSend(key)).toBeUndefined();
    // One log line for the problem, however many activities hit it.
    const warnings = logs.filter((l) => l.level === 'WARN' && where.test(l.message));
    expect(warnings).toHaveLength(1);
  });

  it('fails a plan id no file declares, retryably, naming the folder', async () => {
    const error = await failure(run(activities.sendNotification, reminder('khong-co', 'missing-1')));
    expect(error).toMatchObject({ type: 'PlanUnavailable', nonRetryable: false });
    expect(error.message).toContain(`không tệp nào trong thư mục kế hoạch ${plans.dir}`);
  });

  it('serves the plan once its file is fixed, on the next attempt after the re-read interval', async () => {
    writeFileSync(brokenFile, goodText);
    // Within the interval the folder is not read again.
    clock += 1_000;
    await expect(run(activities.sendNotification, reminder(BROKEN_ID, 'fixed-1'))).rejects.toMatchObject({
      type: 'PlanUnavailable',
    });
    clock += 5_000;
    const sent = await run(activities.sendNotification, reminder(BROKEN_ID, 'fixed-1'));
    expect(sent.duplicate).toBe(false);
    expect(sink.received).toHaveLength(2);
    expect(await run(activities.loadPlanOutline, BROKEN_ID)).toMatchObject({ planId: BROKEN_ID });
  });

  it('still makes loadPlans (what dondoc up runs) refuse the folder while a file is broken', async () => {
    writeFileSync(brokenFile, goodText.replace('lead: ["Sở Tài chính"]', 'lead: ["Sở Tài chính"'));
    await expect(loadPlans(plans.dir)).rejects.toMatchObject({
      name: 'PlanError',
      message: expect.stringMatching(new RegExp(`${BROKEN_ID}\\.yaml:15: YAML syntax`)),
    });
  });
});
