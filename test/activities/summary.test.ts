import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { createMailer, type Mailer } from '../../src/activities/email/transport';
import { createNotificationActivities, type NotificationActivities } from '../../src/activities/notifications';
import { buildSummary, type Summary } from '../../src/activities/render/summary';
import { renderSummaryDocx } from '../../src/activities/render/summary-docx';
import { renderSummaryXlsx } from '../../src/activities/render/summary-xlsx';
import { openStore } from '../../src/activities/storage/open-store';
import type { Store, StoredReport } from '../../src/activities/storage/store';
import type { StoreReportInput, SummaryPeriod } from '../../src/activities/types';
import { quietActivityEnv } from './support/activity-env';
import { catalogOf, testDirectory, testPlan } from './support/plan';
import { startSmtpSink, type SmtpSink } from './support/smtp';

const period: SummaryPeriod = {
  id: '2025-six-month',
  label: 'Báo cáo 6 tháng năm 2025',
  at: '2025-05-16T01:00:00.000Z',
};

function report(
  overrides: Partial<StoreReportInput> & Pick<StoreReportInput, 'submissionId' | 'agency'>,
): StoreReportInput {
  return {
    planId: testPlan.id,
    subject: { type: 'task', taskId: '2.4.1' },
    occurrenceId: period.id,
    role: 'lead',
    text: '',
    receivedAt: '2025-05-14T02:30:00.000Z',
    onTime: true,
    ...overrides,
  };
}

/** 2.4.1: lead on time (then a late correction), one coordinator late, one missing. 1: lead late. 3.2: one district of two. */
const reports: StoreReportInput[] = [
  report({
    submissionId: 'a',
    agency: 'Sở Văn hóa, Thể thao và Du lịch',
    text: 'Bản đầu: tổ chức 3 hội nghị tuyên truyền.',
  }),
  report({
    submissionId: 'b',
    agency: 'Sở VHTTDL',
    receivedAt: '2025-05-16T03:00:00.000Z',
    onTime: false,
    text: 'Bản sửa: tổ chức 4 hội nghị tuyên truyền.\nPhát hành 1.200 tờ gấp.',
  }),
  report({
    submissionId: 'c',
    agency: 'Công an tỉnh',
    role: 'coordinators',
    onTime: false,
    text: 'Số liệu phối hợp của Công an tỉnh.',
  }),
  report({
    submissionId: 'd',
    agency: 'Sở Thông tin và Truyền thông',
    subject: { type: 'task', taskId: '1' },
    onTime: false,
    text: 'Đăng 57 tin, bài trên Cổng TTĐT.',
  }),
  report({
    submissionId: 'e',
    agency: 'UBND huyện Cư Jút',
    subject: { type: 'task', taskId: '3.2' },
    text: 'Đón 2 đoàn khách quốc tế.',
  }),
  report({
    submissionId: 'f',
    agency: 'UBND thành phố Gia Nghĩa',
    subject: { type: 'task', taskId: '3.2' },
    occurrenceId: '2025-annual',
    text: 'Kỳ khác: không tính.',
  }),
];

describe('compiled summary', () => {
  let dir: string;
  let store: Store;
  let stored: StoredReport[];
  let summary: Summary;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dondoc-summary-'));
    store = await openStore({ sqlitePath: join(dir, 'dondoc.db') });
    for (const r of reports) await store.saveReport(r);
    stored = await store.listReports({ planId: testPlan.id, occurrenceId: period.id });
    summary = buildSummary({
      plan: testPlan,
      directory: testDirectory,
      period,
      reports: stored,
      now: new Date('2025-05-16T01:00:00.000Z'),
    });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['2.4.1', 'lead', 'Sở Văn hóa, Thể thao và Du lịch', 'on-time'],
    ['2.4.1', 'coordinators', 'Công an tỉnh', 'late'],
    ['2.4.1', 'coordinators', 'Sở Ngoại vụ', 'missing'],
    ['1', 'lead', 'Sở Thông tin và Truyền thông', 'late'],
    ['3.2', 'lead', 'UBND huyện Cư Jút', 'on-time'],
    ['3.2', 'lead', 'UBND thành phố Gia Nghĩa', 'missing'],
  ])('task %s: %s %s is %s', (taskId, role, agency, status) => {
    const task = summary.tasks.find((t) => t.id === taskId)!;
    const list = role === 'lead' ? task.lead : task.coordinators;
    expect(list.find((r) => r.agency === agency)?.status).toBe(status);
  });

  it('rates a task by its leads: missing if a lead has not reported, late if one was late', () => {
    expect(summary.tasks.map((t) => [t.id, t.status])).toEqual([
      ['2.4.1', 'on-time'],
      ['1', 'late'],
      ['3.2', 'missing'],
    ]);
    expect(summary.totals).toEqual({ tasks: 3, 'on-time': 1, late: 1, extended: 0, missing: 1 });
  });

  it('keeps the first submission for the status and the latest for the text', () => {
    const lead = summary.tasks[0].lead[0];
    expect(lead).toMatchObject({ status: 'on-time', receivedAt: '2025-05-14T02:30:00.000Z' });
    expect(lead.text).toContain('Bản sửa: tổ chức 4 hội nghị');
  });

  it('totals per agency with the on-time rate, best first', () => {
    const totals = Object.fromEntries(
      summary.agencies.map((a) => [a.agency, [a.owed, a.onTime, a.late, a.missing, a.onTimeRate]]),
    );
    expect(totals['Sở Ngoại vụ']).toEqual([2, 0, 0, 2, 0]);
    expect(totals['Sở Văn hóa, Thể thao và Du lịch']).toEqual([1, 1, 0, 0, 1]);
    expect(summary.agencies[0].onTimeRate).toBe(1);
    expect(summary.agencies.at(-1)?.agency).toBe('Sở Ngoại vụ');
  });

  it('writes a .docx that a Word reader opens, with every task, status and submitted text', async () => {
    const { value: text } = await mammoth.extractRawText({ buffer: await renderSummaryDocx(summary) });
    // Nghị định 30: the title "BÁO CÁO" on its own line, the subject under it.
    expect(text).toMatch(/^BÁO CÁO$/m);
    expect(text).toContain('Tổng hợp tình hình thực hiện Kế hoạch số 678/KH-UBND');
    expect(text).toContain('Kế hoạch số 678/KH-UBND Thông tin đối ngoại tỉnh Đắk Nông năm 2025');
    for (const task of testPlan.tasks) expect(text).toContain(`${task.id}. ${task.title}`);
    expect(text).toContain('Bản sửa: tổ chức 4 hội nghị tuyên truyền.');
    expect(text).toContain('Phát hành 1.200 tờ gấp.');
    expect(text).toContain('Sở Ngoại vụ: Chưa báo cáo');
    expect(text).not.toContain('Kỳ khác');
  });

  it('writes an .xlsx that exceljs reads back, one row per task and per task and agency', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await renderSummaryXlsx(summary)) as unknown as ArrayBuffer);
    const rows = (name: string) => {
      const sheet = workbook.getWorksheet(name)!;
      const values: unknown[][] = [];
      sheet.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
      return values;
    };
    const tasks = rows('Nhiệm vụ');
    expect(tasks[0]).toEqual(['STT', 'Mã nhiệm vụ', 'Nhiệm vụ', 'Cơ quan chủ trì', 'Cơ quan phối hợp', 'Tình trạng']);
    expect(tasks.slice(1).map((r) => [r[1], r[2], r[5]])).toEqual(
      testPlan.tasks.map((t, i) => [t.id, t.title, ['Đúng hạn', 'Trễ hạn', 'Chưa báo cáo'][i]]),
    );
    const details = rows('Chi tiết theo cơ quan').slice(1);
    expect(details.map((r) => [r[0], r[3], r[4]])).toContainEqual(['2.4.1', 'Sở Ngoại vụ', 'Chưa báo cáo']);
    expect(details).toHaveLength(7);
    const agencies = rows('Tổng hợp theo cơ quan').slice(1);
    expect(agencies.find((r) => r[1] === 'Sở Ngoại vụ')?.slice(2)).toEqual([2, 0, 0, 2, 0, 0]);
  });
});

describe('sendSummary', () => {
  let dir: string;
  let sink: SmtpSink;
  let store: Store;
  let mailer: Mailer;
  let activities: NotificationActivities;
  const { run } = quietActivityEnv();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dondoc-summary-mail-'));
    sink = await startSmtpSink();
    store = await openStore({ sqlitePath: join(dir, 'dondoc.db') });
    mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${sink.port}`, from: 'dondoc@daknong.example', local: true });
    activities = createNotificationActivities({
      store,
      mailer,
      plans: catalogOf({ plan: testPlan, directory: testDirectory }),
      clock: () => new Date('2025-05-16T01:00:00.000Z'),
    });
    for (const r of reports) await run(activities.storeReport, r);
  });
  afterAll(async () => {
    mailer?.close();
    await sink?.stop();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('emails the reporting officers the summary with the .docx and .xlsx attached, once', async () => {
    const first = await run(activities.sendSummary, { planId: testPlan.id, period });
    const second = await run(activities.sendSummary, { planId: testPlan.id, period });
    expect([first.duplicate, second.duplicate]).toEqual([false, true]);
    expect(sink.received).toHaveLength(1);
    const mail = sink.received[0];
    expect(mail.envelope.to).toEqual(['hang.nt@stttt.daknong.example', 'duc.tv@ubnd.daknong.example']);
    expect(mail.parsed.subject).toBe('[Tổng hợp] 678/KH-UBND – Báo cáo 6 tháng năm 2025, ngày 16/5/2025');
    expect(mail.parsed.text).toContain('Kính gửi: Nguyễn Thị Hằng; Trần Văn Đức.');
    expect(mail.parsed.text).toContain('Tổng số nhiệm vụ: 3; đúng hạn: 1; trễ hạn: 1; chưa báo cáo: 1.');
    expect(String(mail.parsed.html)).toContain('Chưa báo cáo');
    const files = mail.parsed.attachments.map((a) => a.filename);
    expect(files).toEqual(['tong-hop-678-KH-UBND-2025-six-month.docx', 'tong-hop-678-KH-UBND-2025-six-month.xlsx']);
    const docx = mail.parsed.attachments[0].content;
    const { value } = await mammoth.extractRawText({ buffer: docx });
    for (const task of testPlan.tasks) expect(value).toContain(task.title);
    expect((await store.getSummaryDocument(testPlan.id, period.id, 'docx'))?.content.equals(docx)).toBe(true);
  });
});
