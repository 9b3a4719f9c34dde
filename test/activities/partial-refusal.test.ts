import { createMailer, type Mailer } from '../../src/activities/email/transport';
import { createNotificationActivities, type NotificationActivities } from '../../src/activities/notifications';
import type { SendLogEntry, Store } from '../../src/activities/storage/store';
import type { NotificationRequest } from '../../src/activities/types';
import { buildProgram } from '../../src/cli/main';
import { describeEachStore } from '../support/stores';
import { quietActivityEnv } from './support/activity-env';
import { catalogOf, testDirectory, testPlan } from './support/plan';
import { startSmtpSink, type SmtpSink } from './support/smtp';

// Sở Văn hóa, Thể thao và Du lịch has two addresses in the test directory; the server refuses the second.
const ACCEPTED = 'svhttdl@daknong.example';
const REFUSED = 'vanphong.svhttdl@daknong.example';

const request: NotificationRequest = {
  key: 'dak-nong-ttdn-2025|task:2.4.1|2025-six-month|reminder|lead|Sở Văn hóa, Thể thao và Du lịch|1',
  kind: 'reminder',
  planId: testPlan.id,
  subject: { type: 'task', taskId: '2.4.1' },
  occurrenceId: '2025-six-month',
  occurrenceLabel: 'Báo cáo 6 tháng năm 2025',
  to: ['Sở Văn hóa, Thể thao và Du lịch'],
  party: 'lead',
  due: { nominal: '2025-05-15', effective: '2025-05-15', at: '2025-05-15T23:59:59.999+07:00' },
  step: 1,
};

describeEachStore('an email the SMTP server accepts for some recipients and refuses for others', (testStore) => {
  let sink: SmtpSink;
  let store: Store;
  let mailer: Mailer;
  let activities: NotificationActivities;
  const { run } = quietActivityEnv();

  beforeAll(async () => {
    sink = await startSmtpSink({ rejectRecipients: [REFUSED] });
    store = await testStore().open();
    mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${sink.port}`,
      from: '"Hệ thống Đôn đốc" <dondoc@daknong.example>',
      local: true,
    });
    activities = createNotificationActivities({
      store,
      mailer,
      plans: catalogOf({ plan: testPlan, directory: testDirectory }),
      clock: () => new Date('2025-05-08T01:00:00.000Z'),
    });
  });
  afterAll(async () => {
    mailer?.close();
    await sink?.stop();
    await store?.close();
  });

  it('goes to the accepted address and is marked sent once, with the refused address kept', async () => {
    const result = await run(activities.sendNotification, request);
    expect(result).toMatchObject({ duplicate: false, refused: [REFUSED] });
    expect(sink.received.map((m) => m.envelope.to)).toEqual([[ACCEPTED]]);
    expect(await store.getSend(request.key)).toMatchObject({
      status: 'sent',
      attempts: 1,
      recipients: [ACCEPTED, REFUSED],
      refused: [REFUSED],
    });
  });

  it('is audited as delivery-partial, naming the refused address', async () => {
    const audit = await store.listAudit({ planId: testPlan.id, subject: request.subject });
    expect(audit.filter((e) => e.action === 'delivery-partial')).toEqual([
      expect.objectContaining({
        occurrenceId: '2025-six-month',
        by: 'hệ thống',
        detail: expect.stringContaining(`Máy chủ thư từ chối ${REFUSED}`),
      }),
    ]);
  });

  it('is not sent again by a retried activity, which answers with the first delivery and its refused address', async () => {
    const again = await run(activities.sendNotification, request);
    expect(again).toMatchObject({ duplicate: true, refused: [REFUSED] });
    expect(sink.received).toHaveLength(1);
    expect(await store.getSend(request.key)).toMatchObject({ status: 'sent', attempts: 1 });
    const audit = await store.listAudit({ planId: testPlan.id, subject: request.subject });
    expect(audit.filter((e) => e.action === 'delivery-partial')).toHaveLength(1);
  });

  describe('dondoc mail log', () => {
    const names = ['DATABASE_URL', 'DATABASE_SCHEMA', 'DONDOC_DB'] as const;
    const saved: Partial<Record<(typeof names)[number], string>> = {};
    let out: string[];

    beforeAll(() => {
      for (const name of names) saved[name] = process.env[name];
      Object.assign(process.env, testStore().env);
    });
    afterAll(() => {
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    });
    beforeEach(() => {
      out = [];
      // Jest reuses its worker processes: a command of another test file may have left an exit code (even 0) set.
      process.exitCode = undefined;
      jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    });
    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('shows the refused address under the message', async () => {
      await buildProgram().parseAsync(['node', 'dondoc', 'mail', 'log', '--plan', testPlan.id]);
      const lines = out.join('\n').split('\n');
      const to = lines.findIndex((l) => l.includes(`đến: ${ACCEPTED}, ${REFUSED}`));
      expect(to).toBeGreaterThan(0);
      expect(lines[to + 1].trim()).toBe(`máy chủ thư từ chối: ${REFUSED}`);
      expect(process.exitCode).toBeUndefined();
    });

    it('gives the refused addresses in --json', async () => {
      await buildProgram().parseAsync(['node', 'dondoc', 'mail', 'log', '--plan', testPlan.id, '--json']);
      const entries = JSON.parse(out.join('\n')) as SendLogEntry[];
      expect(entries.map((e) => [e.key, e.status, e.refused])).toEqual([[request.key, 'sent', [REFUSED]]]);
    });
  });
});
