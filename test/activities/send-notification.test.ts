import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { jwtVerify } from 'jose';
import type { AddressObject } from 'mailparser';
import { createMailer, type Mailer } from '../../src/activities/email/transport';
import { messageIdForKey } from '../../src/activities/email/message-id';
import { createNotificationActivities, type NotificationActivities } from '../../src/activities/notifications';
import { openStore } from '../../src/activities/storage/open-store';
import type { Store } from '../../src/activities/storage/store';
import type { NotificationRequest } from '../../src/activities/types';
import { createAgencyLinks, emailLinks } from '../../src/access/agency-links';
import { createLinkSigner } from '../../src/access/links';
import { loadWorkingCalendar } from '../../src/plan/holidays';
import { freePort } from '../../src/temporal/ports';
import { catalogOf, testDirectory, testPlan } from './support/plan';
import { quietActivityEnv } from './support/activity-env';
import { startSmtpSink, type SmtpSink } from './support/smtp';

const secret = new Uint8Array(Buffer.alloc(32, 3));
const signer = createLinkSigner(secret);

/** The personal submission link an email carries, verified as of the test's clock: the target and expiry it binds. */
async function linkIn(text: string) {
  const token = /http:\/\/127\.0\.0\.1:8080\/bao-cao\/([\w.-]+)/.exec(text)?.[1];
  if (!token) return undefined;
  const { payload } = await jwtVerify(token, secret, { currentDate: new Date('2025-05-08T01:00:00.000Z') });
  return {
    planId: payload.p,
    subject: payload.s,
    occurrenceId: payload.o,
    agency: payload.a,
    expiresAt: new Date((payload.exp ?? 0) * 1000),
  };
}

const due = { nominal: '2025-05-15', effective: '2025-05-15', at: '2025-05-15T23:59:59.999+07:00' };

function reminder(overrides: Partial<NotificationRequest> = {}): NotificationRequest {
  return {
    key: 'dak-nong-ttdn-2025|task:2.4.1|2025-six-month|reminder|lead|Sở Văn hóa, Thể thao và Du lịch|1',
    kind: 'reminder',
    planId: testPlan.id,
    subject: { type: 'task', taskId: '2.4.1' },
    occurrenceId: '2025-six-month',
    occurrenceLabel: 'Báo cáo 6 tháng năm 2025',
    to: ['Sở Văn hóa, Thể thao và Du lịch'],
    party: 'lead',
    due,
    step: 1,
    ...overrides,
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value.map((v) => v.address ?? ''));
}

describe('sendNotification against a real SMTP server', () => {
  let dir: string;
  let sink: SmtpSink;
  let store: Store;
  let mailer: Mailer;
  let activities: NotificationActivities;
  const { run } = quietActivityEnv();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dondoc-mail-'));
    sink = await startSmtpSink({ rejectRecipients: ['congan@daknong.example'] });
    store = await openStore({ sqlitePath: join(dir, 'dondoc.db') });
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
      ...emailLinks(
        createAgencyLinks(signer, 'http://127.0.0.1:8080'),
        catalogOf({ plan: testPlan, directory: testDirectory }),
        await loadWorkingCalendar('plans/holidays'),
      ),
    });
  });
  afterAll(async () => {
    mailer?.close();
    await sink?.stop();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers a reminder to every address of the lead agency with the Vietnamese subject and both parts intact', async () => {
    const before = sink.received.length;
    const result = await run(activities.sendNotification, reminder());
    expect(result).toMatchObject({
      duplicate: false,
      recipients: ['svhttdl@daknong.example', 'vanphong.svhttdl@daknong.example'],
    });
    expect(sink.received).toHaveLength(before + 1);
    const mail = sink.received[before];
    expect(mail.envelope.to).toEqual(['svhttdl@daknong.example', 'vanphong.svhttdl@daknong.example']);
    expect(addresses(mail.parsed.to)).toEqual(['svhttdl@daknong.example', 'vanphong.svhttdl@daknong.example']);
    expect(mail.parsed.subject).toBe(
      '[Nhắc hạn] 678/KH-UBND – Nhiệm vụ 2.4.1 – Báo cáo 6 tháng năm 2025, hạn 15/5/2025',
    );
    expect(mail.parsed.messageId).toBe(messageIdForKey(reminder().key));
    expect(result.messageId).toBe(mail.parsed.messageId);
    expect(mail.parsed.from?.value[0]).toEqual({ name: 'Hệ thống Đôn đốc', address: 'dondoc@daknong.example' });
    expect(addresses(mail.parsed.replyTo)).toEqual(['stttt@daknong.example']);
    expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    // Headers are 7-bit on the wire: the subject travels encoded and decodes back to the same NFC text.
    expect(mail.raw.toString('latin1')).toMatch(/^Subject: =\?UTF-8\?/m);
    for (const part of [mail.parsed.text ?? '', String(mail.parsed.html)]) {
      expect(part).toContain('Thứ Năm, 15/5/2025');
      expect(part).toContain('678/KH-UBND – Thông tin đối ngoại tỉnh Đắk Nông năm 2025');
      expect(part).toContain('2.4.1 – Tuyên truyền về chủ quyền biên giới, lãnh thổ quốc gia');
      expect(part).toContain('Sở Thông tin và Truyền thông (cơ quan đầu mối)');
      expect(part).toMatch(/http:\/\/127\.0\.0\.1:8080\/lich\/[\w-]+\.[\w-]+\.[\w-]+\.ics/);
      expect(part).toBe(part.normalize('NFC'));
    }
    expect(String(mail.parsed.html)).toMatch(/^<!doctype html>/);
    expect(String(mail.parsed.html)).toMatch(/<a href="http:\/\/127\.0\.0\.1:8080\/bao-cao\/[\w.-]+">/);
  });

  it('links a signed personal submission page bound to plan, task, period and agency, valid past the last step', async () => {
    const mail = sink.received.find((m) => m.parsed.messageId === messageIdForKey(reminder().key));
    const link = await linkIn(mail?.parsed.text ?? '');
    expect(link).toMatchObject({
      planId: testPlan.id,
      subject: 't:2.4.1',
      occurrenceId: '2025-six-month',
      agency: 'Sở Văn hóa, Thể thao và Du lịch',
    });
    // The last escalation comes working days after the due date; the link lasts 30 grace days beyond it.
    expect(link!.expiresAt.getTime()).toBeGreaterThan(Date.parse(due.at) + 35 * 86_400_000);
    expect(link!.expiresAt.getTime()).toBeLessThan(Date.parse(due.at) + 60 * 86_400_000);
  });

  it('gives the lead its link in an escalation about its coordinators, and the focal agency none about late leads', async () => {
    const before = sink.received.length;
    await run(
      activities.sendNotification,
      reminder({ key: 'esc-lead-1', kind: 'escalation-lead', missing: ['Công an tỉnh'], party: 'coordinators' }),
    );
    await run(
      activities.sendNotification,
      reminder({
        key: 'esc-focal-1',
        kind: 'escalation-focal',
        to: ['Sở Thông tin và Truyền thông'],
        missing: ['Sở Văn hóa, Thể thao và Du lịch'],
      }),
    );
    const [lead, focal] = sink.received.slice(before);
    expect(await linkIn(lead.parsed.text ?? '')).toMatchObject({ agency: 'Sở Văn hóa, Thể thao và Du lịch' });
    expect(focal.parsed.text).not.toContain('/bao-cao/');
    expect(focal.parsed.text).not.toContain('/lich/');
  });

  it('gives the lead no link in an escalation about its coordinators once its own report is in', async () => {
    await store.saveReport({
      planId: testPlan.id,
      subject: { type: 'task', taskId: '2.4.1' },
      occurrenceId: '2025-q3',
      agency: 'Sở Văn hóa, Thể thao và Du lịch',
      role: 'lead',
      submissionId: 'lead-q3',
      text: 'Báo cáo quý III.',
      receivedAt: '2025-09-01T03:00:00.000Z',
      onTime: true,
    });
    const before = sink.received.length;
    await run(
      activities.sendNotification,
      reminder({
        key: 'esc-lead-reported',
        kind: 'escalation-lead',
        occurrenceId: '2025-q3',
        missing: ['Công an tỉnh'],
        party: 'coordinators',
      }),
    );
    const [mail] = sink.received.slice(before);
    expect(mail.parsed.text).toContain('Công an tỉnh');
    expect(mail.parsed.text).not.toContain('/bao-cao/');
  });

  it('attaches an .ics calendar file with the due date as an all-day event', async () => {
    const mail = sink.received.find((m) => m.parsed.messageId === messageIdForKey(reminder().key));
    const ics = mail?.parsed.attachments.find((a) => a.filename?.endsWith('.ics'));
    expect(ics?.contentType).toBe('text/calendar');
    const calendar = new ICAL.Component(ICAL.parse(ics!.content.toString('utf8')));
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events).toHaveLength(1);
    expect(events[0].startDate.toString()).toBe('2025-05-15');
    expect(events[0].startDate.isDate).toBe(true);
    expect(events[0].summary).toBe('Hạn gửi: Báo cáo 6 tháng năm 2025 – Nhiệm vụ 2.4.1 (678/KH-UBND)');
    expect(events[0].component.getFirstSubcomponent('valarm')).not.toBeNull();
  });

  it('sends nothing when the same key is requested again and reports the first delivery', async () => {
    const before = sink.received.length;
    const again = await run(activities.sendNotification, reminder());
    expect(again.duplicate).toBe(true);
    expect(again.messageId).toBe(messageIdForKey(reminder().key));
    expect(sink.received).toHaveLength(before);
    expect((await store.getSend(reminder().key))?.attempts).toBe(1);
  });

  it('sends a group-led task to every member agency and honours admin address overrides', async () => {
    const before = sink.received.length;
    await run(
      activities.sendNotification,
      reminder({ key: 'group-1', subject: { type: 'task', taskId: '3.2' }, to: ['UBND các huyện, thành phố'] }),
    );
    await run(
      activities.sendNotification,
      reminder({
        key: 'override-1',
        recipientOverrides: { 'Sở Văn hóa, Thể thao và Du lịch': ['vanthu@vhttdl.example'] },
      }),
    );
    expect(sink.received.slice(before).map((m) => m.envelope.to)).toEqual([
      ['cujut@daknong.example', 'gianghia@daknong.example'],
      ['vanthu@vhttdl.example'],
    ]);
  });

  it.each([
    [
      'an agency the directory does not know',
      reminder({ key: 'bad-agency', to: ['Sở Văn hoá Thể thao'] }),
      'UnknownAgency',
    ],
    [
      'a task the plan does not have',
      reminder({ key: 'bad-task', subject: { type: 'task', taskId: '9.9' } }),
      'UnknownTask',
    ],
  ])('fails without retry for %s and sends nothing', async (_what, request, type) => {
    const before = sink.received.length;
    const error = await run(activities.sendNotification, request).catch((e: unknown) => e);
    expect(error).toMatchObject({ type, nonRetryable: true });
    expect(sink.received).toHaveLength(before);
  });

  it('fails with retry for a plan the catalog does not have (a plan file may be added or fixed) and sends nothing', async () => {
    const before = sink.received.length;
    const error = await run(activities.sendNotification, reminder({ key: 'bad-plan', planId: 'khong-co' })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ type: 'PlanUnavailable', nonRetryable: false });
    expect(sink.received).toHaveLength(before);
  });

  it('names the closest directory entries when an agency is unknown', async () => {
    const error = await run(activities.sendNotification, reminder({ key: 'typo', to: ['Sở Ngoại giao'] })).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toMatch(/Sở Ngoại vụ/);
  });

  it('records a permanent refusal (550) as rejected and fails without retry', async () => {
    const request = reminder({ key: 'rejected-1', kind: 'overdue', party: 'coordinators', to: ['Công an tỉnh'] });
    const error = await run(activities.sendNotification, request).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'MailRejected', nonRetryable: true });
    expect(await store.getSend('rejected-1')).toMatchObject({
      status: 'rejected',
      lastError: expect.stringMatching(/550/),
    });
  });

  it('delivers a receipt with the received time in the plan zone', async () => {
    const before = sink.received.length;
    await run(
      activities.sendNotification,
      reminder({
        key: 'receipt-1',
        kind: 'receipt',
        due: undefined,
        receipt: {
          reportId: 'r-1',
          submissionId: 's-1',
          agency: 'Sở Văn hóa, Thể thao và Du lịch',
          occurrenceId: '2025-six-month',
          receivedAt: '2025-05-14T02:30:00.000Z',
          onTime: true,
        },
      }),
    );
    const mail = sink.received[before];
    expect(mail.parsed.subject).toBe(
      '[Đã nhận báo cáo] 678/KH-UBND – Nhiệm vụ 2.4.1 – Báo cáo 6 tháng năm 2025, nhận 14/5/2025',
    );
    expect(mail.parsed.text).toContain('Thứ Tư, 14/5/2025 lúc 09:30');
    expect(mail.parsed.attachments).toHaveLength(0);
  });

  it("forwards a coordinator's input to the lead: its text quoted, its files attached, who has still to send", async () => {
    const file = await store.putAttachment({
      filename: 'số-liệu-công-an.txt',
      contentType: 'text/plain',
      content: Buffer.from('bảng số liệu'),
    });
    const input = {
      planId: testPlan.id,
      subject: { type: 'task', taskId: '2.4.1' } as const,
      occurrenceId: '2025-six-month',
      agency: 'Công an tỉnh',
      role: 'coordinators' as const,
      submissionId: 'ca-2025-6t',
      text: 'Đã phối hợp kiểm tra 12 điểm.\nĐề nghị bổ sung kinh phí.',
      receivedAt: '2025-05-09T03:00:00.000Z',
      onTime: true,
      attachments: [file],
    };
    const { reportId } = await store.saveReport(input);
    const before = sink.received.length;
    await run(
      activities.sendNotification,
      reminder({
        key: 'forward-1',
        kind: 'input-forwarded',
        to: ['Sở Văn hóa, Thể thao và Du lịch'],
        party: 'lead',
        missing: ['Sở Ngoại vụ'],
        receipt: {
          reportId,
          submissionId: input.submissionId,
          agency: 'Công an tỉnh',
          occurrenceId: input.occurrenceId,
          receivedAt: input.receivedAt,
          onTime: true,
        },
      }),
    );
    const mail = sink.received[before];
    expect(mail.envelope.to).toEqual(['svhttdl@daknong.example', 'vanphong.svhttdl@daknong.example']);
    expect(mail.parsed.subject).toBe(
      '[Ý kiến phối hợp] 678/KH-UBND – Nhiệm vụ 2.4.1 – Báo cáo 6 tháng năm 2025, nhận 9/5/2025',
    );
    expect(mail.parsed.text).toContain('Công an tỉnh đã gửi ý kiến, số liệu phối hợp');
    expect(mail.parsed.text).toContain('> Đã phối hợp kiểm tra 12 điểm.\n> Đề nghị bổ sung kinh phí.');
    expect(mail.parsed.text).toMatch(/Các cơ quan phối hợp chưa gửi:\n {2}- Sở Ngoại vụ/);
    expect(String(mail.parsed.html)).toContain('<blockquote');
    expect(mail.parsed.attachments.map((a) => [a.filename, a.content.toString('utf8')])).toEqual([
      ['số-liệu-công-an.txt', 'bảng số liệu'],
    ]);
  });

  it('fails without retry when the input to forward is not in the store', async () => {
    const request = reminder({
      key: 'forward-missing',
      kind: 'input-forwarded',
      receipt: {
        reportId: 'r-khong-co',
        submissionId: 'x',
        agency: 'Công an tỉnh',
        occurrenceId: '2025-six-month',
        receivedAt: '2025-05-09T03:00:00.000Z',
        onTime: true,
      },
    });
    await expect(run(activities.sendNotification, request)).rejects.toMatchObject({
      type: 'UnknownReport',
      nonRetryable: true,
    });
  });
});

describe('sendNotification while the SMTP server is down', () => {
  it('fails retryably, keeps the message as failed, and delivers exactly one copy once the server is back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dondoc-down-'));
    const port = await freePort();
    const store = await openStore({ sqlitePath: join(dir, 'dondoc.db') });
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'dondoc@daknong.example', local: true });
    const activities = createNotificationActivities({
      store,
      mailer,
      plans: catalogOf({ plan: testPlan, directory: testDirectory }),
    });
    const { run, logs } = quietActivityEnv();
    let sink: SmtpSink | undefined;
    try {
      for (let attempt = 1; attempt <= 3; attempt++) {
        const error = await run(activities.sendNotification, reminder()).catch((e: unknown) => e);
        expect(error).toMatchObject({ message: expect.stringMatching(/ECONNREFUSED/) });
        expect((error as { nonRetryable?: boolean }).nonRetryable).toBeFalsy();
        expect(await store.getSend(reminder().key)).toMatchObject({
          status: 'failed',
          attempts: attempt,
          lastError: expect.stringMatching(/ECONNREFUSED/),
        });
      }
      sink = await startSmtpSink({ port });
      const result = await run(activities.sendNotification, reminder());
      const again = await run(activities.sendNotification, reminder());
      expect([result.duplicate, again.duplicate]).toEqual([false, true]);
      expect(sink.received).toHaveLength(1);
      expect(await store.getSend(reminder().key)).toMatchObject({ status: 'sent', attempts: 4 });
      expect(logs.filter((l) => l.message === 'email not delivered')).toHaveLength(3);
    } finally {
      mailer.close();
      await sink?.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sendNotification after an attempt that stopped mid-send', () => {
  let dir: string;
  let sink: SmtpSink;
  let store: Store;
  let mailer: Mailer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dondoc-stale-'));
    sink = await startSmtpSink();
    store = await openStore({ sqlitePath: join(dir, 'dondoc.db') });
    mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${sink.port}`, from: 'dondoc@daknong.example', local: true });
  });
  afterAll(async () => {
    mailer?.close();
    await sink?.stop();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const claimWithoutFinishing = (key: string) =>
    store.claimSend({
      key,
      messageId: messageIdForKey(key),
      kind: 'reminder',
      planId: testPlan.id,
      recipients: [],
      subjectLine: '',
      leaseMs: 60_000,
    });

  it('leaves a send that another attempt is still making alone, failing retryably', async () => {
    const activities = createNotificationActivities({
      store,
      mailer,
      plans: catalogOf({ plan: testPlan, directory: testDirectory }),
      sendLeaseMs: 60_000,
    });
    await claimWithoutFinishing('live-claim');
    const { run } = quietActivityEnv();
    const error = await run(activities.sendNotification, reminder({ key: 'live-claim' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: expect.stringMatching(/being sent by another attempt/) });
    expect((error as { nonRetryable?: boolean }).nonRetryable).toBeFalsy();
    expect(sink.received).toHaveLength(0);
  });

  it('sends again, with the same Message-ID and a warning, once the stopped attempt’s lease has run out', async () => {
    const activities = createNotificationActivities({
      store,
      mailer,
      plans: catalogOf({ plan: testPlan, directory: testDirectory }),
      sendLeaseMs: 1,
    });
    await claimWithoutFinishing('stale-claim');
    await new Promise((r) => setTimeout(r, 10));
    const { run, logs } = quietActivityEnv();
    const result = await run(activities.sendNotification, reminder({ key: 'stale-claim' }));
    expect(result).toMatchObject({ duplicate: false, messageId: messageIdForKey('stale-claim') });
    expect(sink.received.map((m) => m.parsed.messageId)).toEqual([messageIdForKey('stale-claim')]);
    expect(logs.map((l) => l.message)).toContain(
      'previous attempt stopped while sending; sending again with the same Message-ID',
    );
  });
});
