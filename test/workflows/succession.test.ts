import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { buildSummary } from '../../src/activities/render/summary';
import { renderSummaryEmail } from '../../src/activities/render/summary-email';
import { loadPlanFile } from '../../src/plan/load';
import { startSmtpSink, type SmtpSink } from '../activities/support/smtp';
import { createHarness, until, type Harness } from './harness';

jest.setTimeout(180_000);

const zone = 'Asia/Ho_Chi_Minh';
const at = (date: string, hour = 12) =>
  DateTime.fromISO(`${date}T${String(hour).padStart(2, '0')}:00`, { zone }).toMillis();

/** The task's lead, Sở Thông tin và Truyền thông, merges into Sở Khoa học và Công nghệ on 1/3/2025. */
const DIRECTORY = `province: Thử Nghiệm
placeholderEmails: true
agencies:
  - name: Ủy ban nhân dân tỉnh
    emails: ["vanthu@ubnd.thunghiem.example"]
  - name: Sở Thông tin và Truyền thông
    aliases: ["Sở TT&TT"]
    emails: ["vanthu@sotttt.thunghiem.example"]
    successor:
      by: Sở Khoa học và Công nghệ
      from: "2025-03-01"
      basis: Nghị quyết của HĐND tỉnh về thành lập Sở KH&CN trên cơ sở hợp nhất
  - name: Sở Khoa học và Công nghệ
    aliases: ["Sở KH&CN"]
    emails: ["vanthu@sokhcn.thunghiem.example"]
  - name: Sở Tài chính
    emails: ["vanthu@sotc.thunghiem.example"]
`;

const PLAN = `id: succession-test
title: Kế hoạch thử nghiệm kế thừa cơ quan
issuer: Ủy ban nhân dân tỉnh Thử Nghiệm
period: { from: "2025-01-01", to: "2025-06-30" }
directory: agencies/thu-nghiem.yaml
focalAgency: Sở Tài chính
reportsTo: Ủy ban nhân dân tỉnh
policy: { delivery: individual }
tasks:
  - id: "1"
    title: Cập nhật số liệu hằng tháng
    lead: ["Sở Thông tin và Truyền thông"]
    coordinators: []
    timeframe:
      text: Hằng tháng
      rule: { type: every, unit: month }
`;

describe('an agency merged while its task runs', () => {
  let root: string;
  let sink: SmtpSink;
  let h: Harness;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dondoc-succession-'));
    mkdirSync(join(root, 'plans', 'agencies'), { recursive: true });
    writeFileSync(join(root, 'plans', 'agencies', 'thu-nghiem.yaml'), DIRECTORY);
    writeFileSync(join(root, 'plans', 'succession-test.yaml'), PLAN);
    // The same task in a plan that gathers its notices into each agency's morning digest (the default delivery).
    writeFileSync(
      join(root, 'plans', 'succession-digest.yaml'),
      PLAN.replace('id: succession-test', 'id: succession-digest').replace('policy: { delivery: individual }\n', ''),
    );
    sink = await startSmtpSink();
    // The time-skipping server must answer within the SDK's 5 s: on a loaded machine a second try is cheaper than a failure.
    for (let attempt = 1; ; attempt++) {
      try {
        h = await createHarness({
          plansDir: join(root, 'plans'),
          smtpPort: sink.port,
          start: new Date(at('2025-01-20', 9)),
        });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  });
  afterAll(async () => {
    await h?.teardown();
    await sink?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('reminds the original before the merger date and the successor after it; the summary names both', async () => {
    const subject = { type: 'task' as const, taskId: '1' };
    const view = await h.withWorker(async () => {
      await h.startSubject('succession-test', subject);
      await h.startSubject('succession-digest', subject);
      await until(async () => (await h.view('succession-test', subject)).current);
      await until(async () => (await h.view('succession-digest', subject)).current);
      await h.sleepUntil(at('2025-04-10'));
      return h.view('succession-test', subject);
    });
    // Reminders go out 7 and 1 days before the due date: those of a period due before 1/3/2025 were sent before it,
    // those of March (due 31/3) after it. The Date header is the mailer's real clock, so the due date tells them apart.
    const dueOf = (subject: string) => {
      const [d, m, y] = /hạn (\d+)\/(\d+)\/(\d{4})$/.exec(subject)!.slice(1).map(Number);
      return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    };
    const reminders = sink.received
      .filter((m) => m.parsed.headers.get('x-dondoc-kind') === 'reminder')
      .map((m) => ({ due: dueOf(m.parsed.subject ?? ''), to: m.envelope.to, text: m.parsed.text ?? '' }));
    const before = reminders.filter((r) => r.due < '2025-03-01');
    const after = reminders.filter((r) => r.due >= '2025-03-08');
    expect(before.map((r) => r.due)).toEqual(['2025-02-03', '2025-02-28', '2025-02-28']);
    expect(after.length).toBeGreaterThan(0);
    for (const r of before) {
      expect(r.to).toEqual(['vanthu@sotttt.thunghiem.example']);
      expect(r.text).not.toContain('tiếp nhận nhiệm vụ');
    }
    for (const r of after) {
      expect(r.to).toEqual(['vanthu@sokhcn.thunghiem.example']);
      expect(r.text).toContain(
        'Từ ngày 1/3/2025, Sở Khoa học và Công nghệ tiếp nhận nhiệm vụ của Sở Thông tin và Truyền thông',
      );
    }
    // Digests: the agency's mailbox keeps its original name; each morning's digest goes where that day says.
    const digests = sink.received
      .filter((m) => m.parsed.headers.get('x-dondoc-kind') === 'digest')
      .map((m) => {
        const [d, mo, y] = /Tổng hợp ngày (\d+)\/(\d+)\/(\d{4})/
          .exec(m.parsed.subject ?? '')!
          .slice(1)
          .map(Number);
        const day = `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        return { day, to: m.envelope.to, text: m.parsed.text ?? '' };
      });
    expect(digests.filter((m) => m.day < '2025-03-01').length).toBeGreaterThan(0);
    expect(digests.filter((m) => m.day >= '2025-03-01').length).toBeGreaterThan(0);
    for (const m of digests) {
      expect({ day: m.day, to: m.to }).toEqual({
        day: m.day,
        to: [m.day < '2025-03-01' ? 'vanthu@sotttt.thunghiem.example' : 'vanthu@sokhcn.thunghiem.example'],
      });
      expect(m.text.includes('tiếp nhận nhiệm vụ của Sở Thông tin và Truyền thông')).toBe(m.day >= '2025-03-01');
    }

    // The workflow still owes under the original name: its history and links are unchanged.
    expect(view.lead).toEqual(['Sở Thông tin và Truyền thông']);

    // A report filed before the date and the period of March, which reaches it.
    const { plan, directory } = await loadPlanFile(join(root, 'plans', 'succession-test.yaml'));
    const ids = [...view.closed.map((o) => o.id), ...(view.open ?? []).map((o) => o.id)];
    const periodId = ids.find((id) => id.includes('m03')) ?? '2025-m03';
    const summary = buildSummary({
      plan,
      directory,
      period: { id: periodId, label: 'Báo cáo tháng 3 năm 2025', at: new Date(at('2025-04-02')).toISOString() },
      reports: [],
      now: new Date(at('2025-04-02')),
    });
    const email = renderSummaryEmail(summary, ['Lãnh đạo']);
    expect(email.text).toContain('Sở Khoa học và Công nghệ (trước 1/3/2025: Sở Thông tin và Truyền thông)');
    const january = buildSummary({
      plan,
      directory,
      period: { id: '2025-m01', label: 'Báo cáo tháng 1 năm 2025', at: new Date(at('2025-02-03')).toISOString() },
      reports: [],
      now: new Date(at('2025-02-03')),
    });
    expect(renderSummaryEmail(january, ['Lãnh đạo']).text).not.toContain('Sở Khoa học và Công nghệ');
  });
});
