import mammoth from 'mammoth';
import { buildSummary } from '../../src/activities/render/summary';
import { renderSummaryDocx } from '../../src/activities/render/summary-docx';
import { renderSummaryEmail } from '../../src/activities/render/summary-email';
import type { StoredReport } from '../../src/activities/storage/store';
import type { ExtensionRecord, SummaryPeriod } from '../../src/activities/types';
import { testDirectory, testPlan } from './support/plan';

const period: SummaryPeriod = {
  id: '2025-six-month',
  label: 'Báo cáo 6 tháng năm 2025',
  at: '2025-05-16T01:00:00.000Z',
};
const due = (date: string) => ({ nominal: date, effective: date, at: `${date}T23:59:59.999+07:00` });

function extension(taskId: string, to: string): ExtensionRecord {
  return {
    planId: testPlan.id,
    subject: { type: 'task', taskId },
    occurrenceId: period.id,
    at: '2025-05-10T03:00:00.000Z',
    from: due('2025-05-15'),
    to: due(to),
    reason: 'Chờ số liệu của các huyện',
    grantedBy: 'Nguyễn Văn A',
  };
}

const onTime: StoredReport = {
  reportId: 'r-1',
  planId: testPlan.id,
  subject: { type: 'task', taskId: '2.4.1' },
  occurrenceId: period.id,
  agency: 'Sở Văn hóa, Thể thao và Du lịch',
  role: 'lead',
  submissionId: 'a',
  text: 'Đã tổ chức 3 hội nghị.',
  receivedAt: '2025-05-14T02:30:00.000Z',
  onTime: true,
  attachments: [],
  storedAt: '2025-05-14T02:30:00.000Z',
};

describe('a summary of a period with extensions (gia hạn)', () => {
  const summary = buildSummary({
    plan: testPlan,
    directory: testDirectory,
    period,
    reports: [onTime],
    // Task 1 is extended past the summary; task 3.2 was extended to a date that has passed too.
    extensions: [extension('1', '2025-05-30'), extension('3.2', '2025-05-15')],
    now: new Date('2025-05-16T01:00:00.000Z'),
  });

  it('shows a lead whose new date is still ahead as extended with that date, not missing', () => {
    const task = summary.tasks.find((t) => t.id === '1')!;
    expect(task.lead[0]).toMatchObject({ status: 'extended', extendedTo: '2025-05-30' });
    expect(task).toMatchObject({ status: 'extended', extendedTo: '2025-05-30' });
  });

  it('still shows as missing a lead whose extended date has passed as well', () => {
    expect(summary.tasks.find((t) => t.id === '3.2')?.status).toBe('missing');
  });

  it('keeps extended items out of the on-time rate and counts them apart', () => {
    expect(summary.totals).toMatchObject({ 'on-time': 1, extended: 1, missing: 1 });
    const focal = summary.agencies.find((a) => a.agency === 'Sở Thông tin và Truyền thông')!;
    expect(focal).toMatchObject({ owed: 0, extended: 1, missing: 0 });
  });

  it('says "Được gia hạn đến 30/5/2025" in the Word document and the email', async () => {
    const { value } = await mammoth.extractRawText({ buffer: await renderSummaryDocx(summary) });
    expect(value).toContain('Được gia hạn đến 30/5/2025');
    const email = renderSummaryEmail(summary, ['Lãnh đạo Sở']);
    expect(email.text).toContain('Được gia hạn đến 30/5/2025');
    expect(email.html).toContain('Được gia hạn đến 30/5/2025');
  });
});
