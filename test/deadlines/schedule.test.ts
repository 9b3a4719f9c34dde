import type { WorkingCalendar } from '../../src/deadlines/calendar';
import { parseExpression } from '../../src/deadlines/expression';
import type { Occurrence } from '../../src/deadlines/occurrence';
import { buildOccurrences, rescheduleOccurrence, ScheduleError, summaryPeriods } from '../../src/deadlines/schedule';
import { planSchema, type Plan, type PlanInput } from '../../src/plan/schema';
import { loadWorkingCalendar } from '../../src/plan/holidays';

let calendar: WorkingCalendar;
beforeAll(async () => {
  calendar = await loadWorkingCalendar();
});

function timeframe(text: string) {
  return { text, rule: parseExpression(text) };
}

function makePlan(overrides: Partial<PlanInput> = {}): Plan {
  return planSchema.parse({
    id: 'dak-nong-2025',
    title: 'Kế hoạch công tác thông tin đối ngoại năm 2025',
    issuer: 'UBND tỉnh Đắk Nông',
    period: { from: '2025-01-01', to: '2025-12-31' },
    directory: 'agencies/dak-nong.yaml',
    focalAgency: 'Sở Thông tin và Truyền thông',
    reportsTo: 'Ủy ban nhân dân tỉnh',
    tasks: [
      {
        id: '1',
        title: 'Kế hoạch',
        lead: ['Sở Ngoại vụ'],
        coordinators: ['Sở Tài chính'],
        timeframe: timeframe('quý I/2025'),
      },
      { id: '2', title: 'Thường xuyên', lead: ['Sở Thông tin và Truyền thông'], timeframe: timeframe('Thường xuyên') },
      { id: '3', title: 'Hằng năm', lead: ['Sở Ngoại vụ'], timeframe: timeframe('Hằng năm') },
    ],
    deadlines: [
      {
        id: 'report-six-month',
        text: 'trước ngày 15/5 đối với báo cáo 6 tháng',
        kind: 'periodic-report',
        reportKind: 'six-month',
        rule: parseExpression('trước ngày 15/5'),
        subject: 'Báo cáo 6 tháng',
        owedBy: 'all',
      },
      {
        id: 'report-annual',
        text: 'trước ngày 15/11 đối với báo cáo năm',
        kind: 'periodic-report',
        rule: parseExpression('trước ngày 15/11'),
        subject: 'Báo cáo năm',
        owedBy: 'all',
      },
      {
        id: 'implementation-plan',
        text: 'xây dựng kế hoạch triển khai (hoàn thành trong quý I/2025)',
        kind: 'deliverable',
        rule: parseExpression('quý I/2025'),
        subject: 'Kế hoạch triển khai của cơ quan, đơn vị',
        owedBy: 'all',
      },
    ],
    ...overrides,
  });
}

const byId = (occurrences: Occurrence[], id: string): Occurrence => {
  const found = occurrences.find((o) => o.id === id);
  if (!found) throw new Error(`no occurrence ${id} in ${occurrences.map((o) => o.id).join(', ')}`);
  return found;
};

describe('buildOccurrences for a task', () => {
  it('gives one report per periodic-report date and the completion of its timeframe, sorted by lead due', () => {
    const occurrences = buildOccurrences(makePlan(), { type: 'task', taskId: '1' }, calendar);
    expect(occurrences.map((o) => [o.id, o.kind, o.label])).toEqual([
      ['completion', 'completion', 'Hoàn thành nhiệm vụ (Quý I/2025)'],
      ['2025-six-month', 'report', 'Báo cáo 6 tháng năm 2025'],
      ['2025-annual', 'report', 'Báo cáo năm 2025'],
    ]);
  });

  it('carries the Nghị định 09 data window of each report', () => {
    const occurrences = buildOccurrences(makePlan(), { type: 'task', taskId: '1' }, calendar);
    expect(byId(occurrences, '2025-six-month').window).toEqual({ from: '2024-12-15', to: '2025-06-14' });
    expect(byId(occurrences, '2025-annual').window).toEqual({ from: '2024-12-15', to: '2025-12-14' });
    expect(byId(occurrences, 'completion').window).toBeUndefined();
  });

  it('moves the annual report due on Saturday 15/11/2025 to Monday 17/11 and sets each level from there', () => {
    const annual = byId(buildOccurrences(makePlan(), { type: 'task', taskId: '1' }, calendar), '2025-annual');
    expect(annual.due.lead).toEqual({
      nominal: '2025-11-15',
      effective: '2025-11-17',
      at: '2025-11-17T23:59:59.999+07:00',
    });
    // Coordinators: 3 working days before the lead; focal agency: 1 working day after.
    expect(annual.due.coordinators?.effective).toBe('2025-11-12');
    expect(annual.due.focal?.effective).toBe('2025-11-18');
  });

  it('schedules reminders, overdue notices and escalations per party in time order', () => {
    const annual = byId(buildOccurrences(makePlan(), { type: 'task', taskId: '1' }, calendar), '2025-annual');
    const lead = annual.steps.filter((s) => s.party === 'lead').map((s) => `${s.kind}${s.n} ${s.at.slice(0, 16)}`);
    expect(lead).toEqual([
      'reminder1 2025-11-10T08:00',
      'reminder2 2025-11-14T08:00', // 16/11 is a Sunday: the reminder moves back to Friday
      'overdue1 2025-11-18T08:00',
      'escalation1 2025-11-19T08:00',
      'overdue2 2025-11-21T08:00',
      'escalation2 2025-11-24T08:00',
      'overdue3 2025-11-26T08:00',
    ]);
    const coordinators = annual.steps.filter((s) => s.party === 'coordinators');
    expect(coordinators.map((s) => s.kind)).toEqual(expect.arrayContaining(['reminder', 'overdue', 'escalation']));
    expect(coordinators[0].at).toBe('2025-11-05T08:00:00.000+07:00');
    const times = annual.steps.map((s) => Date.parse(s.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('gives tasks without coordinators no coordinator due date and no coordinator steps', () => {
    const occurrences = buildOccurrences(makePlan(), { type: 'task', taskId: '2' }, calendar);
    for (const o of occurrences) {
      expect(o.due.coordinators).toBeUndefined();
      expect(o.steps.every((s) => s.party === 'lead')).toBe(true);
    }
  });

  it('gives an ongoing task only the periodic reports', () => {
    expect(buildOccurrences(makePlan(), { type: 'task', taskId: '2' }, calendar).map((o) => o.id)).toEqual([
      '2025-six-month',
      '2025-annual',
    ]);
  });

  it('gives a yearly timeframe one completion per year of a 2022–2030 plan', () => {
    const plan = makePlan({
      period: { from: '2022-01-01', to: '2030-12-31' },
      deadlines: [
        {
          id: 'report-annual',
          text: 'trước ngày 15/11 hằng năm',
          kind: 'periodic-report',
          reportKind: 'annual',
          rule: parseExpression('trước ngày 15/11 hằng năm'),
          subject: 'Báo cáo năm',
          owedBy: 'all',
        },
      ],
    });
    const occurrences = buildOccurrences(plan, { type: 'task', taskId: '3' }, calendar);
    const reports = occurrences.filter((o) => o.kind === 'report').map((o) => o.id);
    const completions = occurrences.filter((o) => o.kind === 'completion');
    expect(reports).toEqual([2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030].map((y) => `${y}-annual`));
    expect(completions.map((o) => o.id)).toEqual(
      [2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030].map((y) => `${y}-completion`),
    );
    expect(completions[3].label).toBe('Hoàn thành nhiệm vụ (Năm 2025)');
    // 31/12/2022 is a Saturday and 2/1/2023 a compensating day off for 1/1: due moves to Tuesday 3/1/2023.
    expect(completions[0].due.lead).toMatchObject({ nominal: '2022-12-31', effective: '2023-01-03' });
    for (const o of occurrences) expect(calendar.isWorkingDay(o.due.lead.effective)).toBe(true);
  });

  it('names monthly and quarterly reports by the period they cover', () => {
    const plan = makePlan({
      deadlines: [
        {
          id: 'monthly',
          text: 'báo cáo tháng',
          kind: 'periodic-report',
          rule: { type: 'every', unit: 'month' },
          subject: 'x',
          owedBy: 'all',
        },
        {
          id: 'quarterly',
          text: 'báo cáo quý',
          kind: 'periodic-report',
          rule: { type: 'every', unit: 'quarter' },
          subject: 'x',
          owedBy: 'all',
        },
      ],
    });
    const occurrences = buildOccurrences(plan, { type: 'task', taskId: '2' }, calendar);
    const q1 = byId(occurrences, '2025-q1');
    expect(q1).toMatchObject({
      reportKind: 'quarterly',
      label: 'Báo cáo quý I năm 2025',
      window: { from: '2024-12-15', to: '2025-03-14' },
    });
    expect(byId(occurrences, '2025-m05')).toMatchObject({
      label: 'Báo cáo tháng 5 năm 2025',
      window: { from: '2025-04-15', to: '2025-05-14' },
    });
    expect(occurrences.filter((o) => o.reportKind === 'monthly')).toHaveLength(12);
    expect(occurrences.filter((o) => o.reportKind === 'quarterly')).toHaveLength(4);
  });

  it('drops occurrences whose lead due is before fromDate', () => {
    const occurrences = buildOccurrences(makePlan(), { type: 'task', taskId: '1' }, calendar, {
      fromDate: '2025-05-15',
    });
    expect(occurrences.map((o) => o.id)).toEqual(['2025-six-month', '2025-annual']);
  });

  it('rejects an unknown task with its id', () => {
    expect(() => buildOccurrences(makePlan(), { type: 'task', taskId: '9' }, calendar)).toThrow(ScheduleError);
    expect(() => buildOccurrences(makePlan(), { type: 'task', taskId: '9' }, calendar)).toThrow(/"9"/);
  });

  it('honours an overridden policy', () => {
    const plan = makePlan({
      policy: {
        remindDaysBefore: [3],
        sendAt: '14:30',
        coordinatorLeadWorkingDays: 0,
        maxOverdueNotices: 1,
        escalateAfterWorkingDays: [1],
      },
    });
    const six = byId(buildOccurrences(plan, { type: 'task', taskId: '1' }, calendar), '2025-six-month');
    expect(six.due.coordinators?.effective).toBe(six.due.lead.effective);
    expect(six.steps.filter((s) => s.party === 'lead').map((s) => `${s.kind} ${s.at}`)).toEqual([
      'reminder 2025-05-12T14:30:00.000+07:00',
      'overdue 2025-05-16T14:30:00.000+07:00',
      'escalation 2025-05-16T14:30:00.000+07:00',
    ]);
  });
});

describe('buildOccurrences for a deliverable', () => {
  it('gives one occurrence per date, owed by the lead party only', () => {
    const occurrences = buildOccurrences(
      makePlan(),
      { type: 'deliverable', deadlineId: 'implementation-plan' },
      calendar,
    );
    expect(occurrences).toHaveLength(1);
    expect(occurrences[0]).toMatchObject({
      id: 'deliverable-2025-03-31',
      kind: 'deliverable',
      source: 'implementation-plan',
      label: 'Kế hoạch triển khai của cơ quan, đơn vị (Trước ngày 31/3/2025)',
    });
    expect(occurrences[0].due.coordinators).toBeUndefined();
    expect(occurrences[0].steps.every((s) => s.party === 'lead')).toBe(true);
  });

  it('rejects a periodic report named as a deliverable', () => {
    expect(() => buildOccurrences(makePlan(), { type: 'deliverable', deadlineId: 'report-annual' }, calendar)).toThrow(
      /report-annual/,
    );
  });
});

describe('summaryPeriods', () => {
  it('gives one summary per report date with the task occurrence id, a working day after the lead due', () => {
    const plan = makePlan();
    const periods = summaryPeriods(plan, calendar);
    expect(periods).toEqual([
      { id: '2025-six-month', label: 'Báo cáo 6 tháng năm 2025', at: '2025-05-16T08:00:00.000+07:00' },
      { id: '2025-annual', label: 'Báo cáo năm 2025', at: '2025-11-18T08:00:00.000+07:00' },
    ]);
    const taskIds = buildOccurrences(plan, { type: 'task', taskId: '2' }, calendar).map((o) => o.id);
    expect(taskIds).toEqual(periods.map((p) => p.id));
  });
});

describe('rescheduleOccurrence', () => {
  it('moves the lead due (gia hạn) and recomputes coordinators, focal and every step', () => {
    const plan = makePlan();
    const six = byId(buildOccurrences(plan, { type: 'task', taskId: '1' }, calendar), '2025-six-month');
    const moved = rescheduleOccurrence(plan, six, '2025-05-31', calendar);
    expect(moved.id).toBe(six.id);
    expect(moved.window).toEqual(six.window);
    expect(moved.due.lead).toMatchObject({ nominal: '2025-05-31', effective: '2025-06-02' });
    expect(moved.due.coordinators?.effective).toBe('2025-05-28');
    expect(moved.due.focal?.effective).toBe('2025-06-03');
    expect(
      moved.steps.filter((s) => s.kind === 'reminder' && s.party === 'lead').map((s) => s.at.slice(0, 10)),
    ).toEqual(['2025-05-26', '2025-05-30']);
    expect(() => rescheduleOccurrence(plan, six, '31/5/2025', calendar)).toThrow(/31\/5\/2025/);
  });
});
