import { daysBetween, formatDate, formatDateWithWeekday, formatInstant } from '../../src/activities/email/dates';
import { periodLabelFromId } from '../../src/activities/email/period-label';
import { renderNotification, subjectLine, type NotificationContext } from '../../src/activities/email/templates';
import { testPlan } from './support/plan';

describe('Vietnamese dates', () => {
  it.each([
    ['2025-05-12', 'Thứ Hai, 12/5/2025'],
    ['2025-05-13', 'Thứ Ba, 13/5/2025'],
    ['2025-05-14', 'Thứ Tư, 14/5/2025'],
    ['2025-05-15', 'Thứ Năm, 15/5/2025'],
    ['2025-05-16', 'Thứ Sáu, 16/5/2025'],
    ['2025-05-17', 'Thứ Bảy, 17/5/2025'],
    ['2025-05-18', 'Chủ Nhật, 18/5/2025'],
    ['2026-01-01', 'Thứ Năm, 1/1/2026'],
  ])('writes %s as "%s"', (iso, text) => {
    expect(formatDateWithWeekday(iso)).toBe(text);
  });

  it('shows an instant in the plan zone, where the date may differ from UTC', () => {
    expect(formatInstant('2025-05-14T18:30:00.000Z', 'Asia/Ho_Chi_Minh')).toBe('Thứ Năm, 15/5/2025 lúc 01:30');
  });

  it('counts calendar days between dates and refuses a non-date', () => {
    expect(daysBetween('2025-05-15', '2025-05-20')).toBe(5);
    expect(() => formatDate('15/5/2025')).toThrow(/YYYY-MM-DD/);
  });
});

describe('period labels derived from occurrence ids', () => {
  it.each([
    ['2025-six-month', 'Báo cáo 6 tháng năm 2025'],
    ['2025-annual', 'Báo cáo năm 2025'],
    ['2025-q3', 'Báo cáo quý III năm 2025'],
    ['2025-m05', 'Báo cáo tháng 5 năm 2025'],
    ['2025-five-year', 'Báo cáo tổng kết 5 năm 2021 - 2025'],
    ['completion', 'Hoàn thành nhiệm vụ'],
    ['2025-q1-completion', 'Hoàn thành nhiệm vụ (quý I/2025)'],
    ['deliverable-2019-04-10', 'Hạn ngày 10/4/2019'],
    ['something-else', 'something-else'],
  ])('%s → %s', (id, label) => {
    expect(periodLabelFromId(id)).toBe(label);
  });
});

const task = testPlan.tasks[0];
const base: Omit<NotificationContext, 'kind' | 'to'> = {
  plan: testPlan,
  topic: { type: 'task', id: task.id, title: task.title, lead: task.lead, coordinators: task.coordinators },
  periodLabel: 'Báo cáo 6 tháng năm 2025',
  due: { nominal: '2025-05-15', effective: '2025-05-15', at: '2025-05-15T23:59:59.999+07:00' },
  today: '2025-05-20',
  timezone: 'Asia/Ho_Chi_Minh',
};
const lead = ['Sở Văn hóa, Thể thao và Du lịch'];

describe('notification templates', () => {
  const cases: Array<[NotificationContext['kind'], Partial<NotificationContext>, string, RegExp[]]> = [
    [
      'reminder',
      { to: lead, party: 'lead' },
      '[Nhắc hạn] 678/KH-UBND – Nhiệm vụ 2.4.1 – Báo cáo 6 tháng năm 2025, hạn 15/5/2025',
      [/Vai trò của quý cơ quan: +Chủ trì/],
    ],
    [
      'reminder',
      { to: ['Công an tỉnh'], party: 'coordinators' },
      '[Nhắc hạn] 678/KH-UBND – Nhiệm vụ 2.4.1 – Báo cáo 6 tháng năm 2025, hạn 15/5/2025',
      [/Gửi đến: +Sở Văn hóa, Thể thao và Du lịch \(cơ quan chủ trì\)/],
    ],
    [
      'overdue',
      { to: lead, party: 'lead', step: 2 },
      '[Quá hạn] 678/KH-UBND – Nhiệm vụ 2.4.1 – Báo cáo 6 tháng năm 2025, hạn 15/5/2025',
      [/Đã quá hạn: +5 ngày/, /thông báo lần 2/],
    ],
    [
      'escalation-lead',
      { to: lead, party: 'coordinators', missing: ['Công an tỉnh', 'Sở Ngoại vụ'] },
      '[Đôn đốc phối hợp] 678/KH-UBND – Nhiệm vụ 2.4.1 – Báo cáo 6 tháng năm 2025, hạn 15/5/2025',
      [/chưa gửi:\n {2}- Công an tỉnh\n {2}- Sở Ngoại vụ/],
    ],
    [
      'escalation-focal',
      { to: ['Sở Thông tin và Truyền thông'], party: 'lead', missing: lead },
      '[Đôn đốc chủ trì] 678/KH-UBND – Nhiệm vụ 2.4.1 – Báo cáo 6 tháng năm 2025, hạn 15/5/2025',
      [/Đề nghị Sở Thông tin và Truyền thông \(cơ quan đầu mối\) theo dõi, đôn đốc/],
    ],
    [
      'escalation-focal',
      { to: ['UBND tỉnh'], party: 'lead', missing: lead, step: 2 },
      '[Đôn đốc chủ trì] 678/KH-UBND – Nhiệm vụ 2.4.1 – Báo cáo 6 tháng năm 2025, hạn 15/5/2025',
      [/Kính báo cáo UBND tỉnh xem xét, chỉ đạo/],
    ],
    [
      'receipt',
      {
        to: lead,
        receipt: { reportId: 'r-1', agency: lead[0], receivedAt: '2025-05-16T03:00:00.000Z', onTime: false },
      },
      '[Đã nhận báo cáo] 678/KH-UBND – Nhiệm vụ 2.4.1 – Báo cáo 6 tháng năm 2025, nhận 16/5/2025',
      [/Tình trạng: +Trễ hạn/, /Thứ Sáu, 16\/5\/2025 lúc 10:00/],
    ],
    [
      'input-forwarded',
      {
        to: lead,
        party: 'lead',
        receipt: { reportId: 'r-2', agency: 'Công an tỉnh', receivedAt: '2025-05-09T03:00:00.000Z', onTime: true },
        report: { text: 'Đã kiểm tra 12 điểm.\n\nĐề nghị bổ sung kinh phí.', attachments: ['so-lieu.xlsx'] },
        missing: ['Sở Ngoại vụ'],
      },
      '[Ý kiến phối hợp] 678/KH-UBND – Nhiệm vụ 2.4.1 – Báo cáo 6 tháng năm 2025, nhận 9/5/2025',
      [
        /Nội dung của Công an tỉnh:\n> Đã kiểm tra 12 điểm.\n>\n> Đề nghị bổ sung kinh phí./,
        /Tệp đính kèm: +so-lieu.xlsx/,
        /chưa gửi:\n {2}- Sở Ngoại vụ/,
      ],
    ],
    [
      'input-forwarded',
      {
        to: lead,
        party: 'lead',
        receipt: { reportId: 'r-3', agency: 'Sở Ngoại vụ', receivedAt: '2025-05-10T03:00:00.000Z', onTime: true },
        report: { text: '<b>Không</b> có vướng mắc.', attachments: [] },
        missing: [],
      },
      '[Ý kiến phối hợp] 678/KH-UBND – Nhiệm vụ 2.4.1 – Báo cáo 6 tháng năm 2025, nhận 10/5/2025',
      [/> <b>Không<\/b> có vướng mắc./, /Đã nhận đủ ý kiến của các cơ quan phối hợp./],
    ],
  ];

  it.each(cases)(
    '%s (%#) has a sortable subject and names plan, task, period, due date with weekday and the ask',
    (kind, extra, subject, specific) => {
      const email = renderNotification({ ...base, kind, to: [], ...extra });
      expect(email.subject).toBe(subject);
      for (const part of [email.text, email.html]) {
        expect(part).toContain('678/KH-UBND – Thông tin đối ngoại tỉnh Đắk Nông năm 2025');
        expect(part).toContain('2.4.1 – Tuyên truyền về chủ quyền biên giới, lãnh thổ quốc gia');
        expect(part).toContain('Báo cáo 6 tháng năm 2025');
        expect(part).toContain('Thứ Năm, 15/5/2025');
        expect(part).toBe(part.normalize('NFC'));
      }
      expect(email.text).toMatch(/^Kính gửi: /);
      for (const re of specific) expect(email.text).toMatch(re);
    },
  );

  it('says when the plan’s date fell on a day off and shows the date it moved to', () => {
    const email = renderNotification({
      ...base,
      kind: 'reminder',
      to: lead,
      party: 'lead',
      due: { nominal: '2025-05-17', effective: '2025-05-19', at: '' },
    });
    expect(email.subject).toMatch(/hạn 19\/5\/2025$/);
    expect(email.text).toContain('Thứ Hai, 19/5/2025 (hạn theo kế hoạch 17/5/2025 trùng ngày nghỉ)');
  });

  it('gives the submission link when there is one, and the postal way otherwise', () => {
    const withLink = renderNotification({
      ...base,
      kind: 'reminder',
      to: lead,
      party: 'lead',
      submitUrl: 'http://127.0.0.1:8080/nop/abc',
    });
    expect(withLink.html).toContain('<a href="http://127.0.0.1:8080/nop/abc">');
    const withFeed = renderNotification({
      ...base,
      kind: 'overdue',
      to: lead,
      party: 'lead',
      submitUrl: 'http://127.0.0.1:8080/bao-cao/abc',
      calendarUrl: 'http://127.0.0.1:8080/lich/def.ics',
    });
    expect(withFeed.text).toContain('Lịch các hạn báo cáo của quý cơ quan');
    expect(withFeed.text).toContain('http://127.0.0.1:8080/lich/def.ics');
    const without = renderNotification({ ...base, kind: 'reminder', to: lead, party: 'lead' });
    expect(without.text).toContain('Cách gửi: gửi văn bản về Sở Thông tin và Truyền thông (cơ quan đầu mối)');
  });

  it('escapes text in the HTML part', () => {
    const email = renderNotification({
      ...base,
      kind: 'escalation-lead',
      to: lead,
      missing: ['<b>Cơ quan "A" & B</b>'],
    });
    expect(email.html).toContain('&lt;b&gt;Cơ quan &quot;A&quot; &amp; B&lt;/b&gt;');
    expect(email.html).not.toContain('<b>Cơ quan');
    const forwarded = renderNotification({
      ...base,
      kind: 'input-forwarded',
      to: lead,
      report: { text: '<script>alert(1)</script>', attachments: [] },
    });
    expect(forwarded.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(forwarded.html).not.toContain('<script>');
  });

  it('names a deliverable by what is owed instead of a task, and NFC-normalises decomposed input', () => {
    const nfd = 'Kế hoạch thực hiện của cơ quan, đơn vị'.normalize('NFD');
    const subject = subjectLine({
      kind: 'reminder',
      plan: testPlan,
      topic: { type: 'deliverable', id: 'plan-2025', what: nfd },
      periodLabel: nfd,
      dateNote: 'hạn 10/3/2025',
    });
    expect(subject).toBe('[Nhắc hạn] 678/KH-UBND – Kế hoạch thực hiện của cơ quan, đơn vị, hạn 10/3/2025');
    expect(subject).toBe(subject.normalize('NFC'));
  });
});
