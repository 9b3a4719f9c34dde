import { describeEachStore } from '../support/stores';
import { noticeEvents } from '../../src/simulation/timeline';
import { planFile, simulate } from './support';

const planId = 'thai-binh-ttdn-2019';
jest.setTimeout(600_000);

describe('the Thái Bình 2019 plan', () => {
  it('fires the one-off 10/4/2019 deadline and the month deadlines once each', async () => {
    const result = await simulate({ planFile: planFile(planId), reports: 'none', until: '2019-12-31' });
    // Reminders go inside each agency's morning digest (the plan's default delivery): counted item by item.
    const notices = noticeEvents(result.events);
    const byPeriodAndAgency = (period: string, kind: string) => {
      const counts = new Map<string, number>();
      for (const e of notices.filter((x) => x.period === period && x.kind === kind)) {
        const key = `${e.taskId ?? e.deliverableId}|${e.to.join()}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    };
    const deliverable = byPeriodAndAgency('deliverable-2019-04-10', 'reminder');
    expect(deliverable.size).toBeGreaterThan(5);
    // Two reminders (7 days and 1 day before) per agency, never repeated.
    for (const count of deliverable.values()) expect(count).toBe(2);
    const deliverableDue = notices.filter((e) => e.period === 'deliverable-2019-04-10' && e.kind === 'reminder');
    expect(deliverableDue.every((e) => e.at < '2019-04-10T17:00:00Z')).toBe(true);
    const completions = notices.filter((e) => e.period === 'completion' && e.kind === 'reminder');
    const months = new Set(completions.map((e) => e.at.slice(0, 7)));
    expect([...months].sort()).toEqual(expect.arrayContaining(['2019-06', '2019-07']));
    for (const count of byPeriodAndAgency('completion', 'reminder').values()) expect(count).toBeLessThanOrEqual(2);
  });
});

describeEachStore('the Thái Bình 2019 plan', (store) => {
  it('stops reminding an agency as soon as it has reported, and marks late reports late', async () => {
    const result = await simulate({
      planFile: planFile(planId),
      reports: 'mixed',
      until: '2019-12-31',
      store: store(),
    });
    const reports = result.events.filter((e) => e.kind === 'report');
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.some((e) => e.onTime)).toBe(true);
    expect(reports.some((e) => !e.onTime)).toBe(true);
    // A digest lists only what is still owed when it goes out.
    const notices = noticeEvents(result.events);
    for (const report of reports) {
      const later = notices.filter(
        (e) =>
          (e.kind === 'reminder' || e.kind === 'overdue') &&
          e.period === report.period &&
          e.taskId === report.taskId &&
          e.deliverableId === report.deliverableId &&
          e.to.includes(report.from as string) &&
          e.at > report.at,
      );
      expect({ report: `${report.from} ${report.period}`, later }).toEqual({
        report: `${report.from} ${report.period}`,
        later: [],
      });
    }
  });
});
