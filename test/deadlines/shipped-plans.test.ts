import path from 'node:path';
import type { WorkingCalendar } from '../../src/deadlines/calendar';
import { buildOccurrences, summaryPeriods } from '../../src/deadlines/schedule';
import { loadWorkingCalendar } from '../../src/plan/holidays';
import { loadPlanFile } from '../../src/plan/load';

const PLANS = path.resolve(__dirname, '../../plans');
let calendar: WorkingCalendar;
beforeAll(async () => {
  calendar = await loadWorkingCalendar();
});

describe('schedules of the shipped plans', () => {
  it('give every task of the Ninh Bình 2022–2030 plan exactly one annual report per year, 2022…2030', async () => {
    const { plan } = await loadPlanFile(path.join(PLANS, 'ninh-binh-bien-gioi-bien-2022-2030.yaml'));
    for (const task of plan.tasks) {
      const reports = buildOccurrences(plan, { type: 'task', taskId: task.id }, calendar).filter(
        (o) => o.kind === 'report',
      );
      expect(reports.map((o) => o.id)).toEqual(
        [2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030].map((y) => `${y}-annual`),
      );
      // 15/11/2025 is a Saturday, 15/11/2026 a Sunday.
      expect(reports.map((o) => o.due.lead.effective)).toContain('2025-11-17');
      expect(reports.map((o) => o.due.lead.effective)).toContain('2026-11-16');
    }
    expect(summaryPeriods(plan, calendar)).toHaveLength(9);
  });

  it('give the Đắk Nông 2025 plan its 6-month and annual reports and the quarter-I deliverable', async () => {
    const { plan } = await loadPlanFile(path.join(PLANS, 'dak-nong-ttdn-2025.yaml'));
    const task = plan.tasks[0];
    const ids = buildOccurrences(plan, { type: 'task', taskId: task.id }, calendar).map((o) => o.id);
    expect(ids).toEqual(expect.arrayContaining(['2025-six-month', '2025-annual']));
    const deliverable = buildOccurrences(plan, { type: 'deliverable', deadlineId: 'deliverable-2025-q1' }, calendar);
    expect(deliverable.map((o) => [o.id, o.due.lead.effective])).toEqual([['deliverable-2025-03-31', '2025-03-31']]);
  });

  it('give the Thái Bình 2019 plan its one-off deliverable on 10/4/2019', async () => {
    const { plan } = await loadPlanFile(path.join(PLANS, 'thai-binh-ttdn-2019.yaml'));
    const deliverable = buildOccurrences(plan, { type: 'deliverable', deadlineId: 'deliverable-2019-04-10' }, calendar);
    expect(deliverable).toHaveLength(1);
    expect(deliverable[0].due.lead).toMatchObject({ nominal: '2019-04-10', effective: '2019-04-10' });
    for (const task of plan.tasks) {
      for (const o of buildOccurrences(plan, { type: 'task', taskId: task.id }, calendar)) {
        expect(calendar.isWorkingDay(o.due.lead.effective)).toBe(true);
        expect(o.due.lead.nominal >= plan.period.from && o.due.lead.nominal <= plan.period.to).toBe(true);
      }
    }
  });
});
