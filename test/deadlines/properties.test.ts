import fc from 'fast-check';
import type { WorkingCalendar } from '../../src/deadlines/calendar';
import { addDays } from '../../src/deadlines/dates';
import { expandRule } from '../../src/deadlines/expand';
import type { Rule } from '../../src/deadlines/rule';
import { buildOccurrences } from '../../src/deadlines/schedule';
import { loadWorkingCalendar } from '../../src/plan/holidays';
import { planSchema } from '../../src/plan/schema';

let calendar: WorkingCalendar;
beforeAll(async () => {
  calendar = await loadWorkingCalendar();
});

const year = fc.integer({ min: 2015, max: 2035 });
const ruleArb: fc.Arbitrary<Rule> = fc.oneof(
  fc.record({
    type: fc.constant('annual' as const),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
  }),
  fc.constant<Rule>({ type: 'annual', month: 2, day: 29 }),
  fc
    .date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d): Rule => ({ type: 'date', date: d.toISOString().slice(0, 10) })),
  fc.record({ type: fc.constant('quarter' as const), year, quarter: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ type: fc.constant('month' as const), year, month: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ type: fc.constant('half' as const), year, half: fc.constantFrom(1 as const, 2 as const) }),
  fc.record({ type: fc.constant('year' as const), year }),
  fc
    .tuple(year, fc.integer({ min: 0, max: 8 }))
    .map(([from, span]): Rule => ({ type: 'range', fromYear: from, toYear: from + span })),
  fc.record({
    type: fc.constant('every' as const),
    unit: fc.constantFrom('month' as const, 'quarter' as const, 'year' as const),
  }),
  fc.constant<Rule>({ type: 'ongoing' }),
  fc.constant<Rule>({ type: 'on-request' }),
);

const periodArb = fc
  .tuple(
    fc.date({ min: new Date('2018-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
    fc.integer({ min: 0, max: 3 * 365 }),
  )
  .map(([d, length]) => {
    const from = d.toISOString().slice(0, 10);
    return { from, to: addDays(from, length) };
  });

describe('expandRule properties', () => {
  it('gives only dates inside the period, sorted and distinct', () => {
    fc.assert(
      fc.property(ruleArb, periodArb, (rule, period) => {
        const dates = expandRule(rule, period);
        for (const d of dates) {
          expect(d >= period.from && d <= period.to).toBe(true);
        }
        expect([...new Set(dates)].sort()).toEqual(dates);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same result when expanded twice', () => {
    fc.assert(
      fc.property(ruleArb, periodArb, (rule, period) => {
        expect(expandRule(rule, period)).toEqual(expandRule(structuredClone(rule), { ...period }));
      }),
      { numRuns: 300 },
    );
  });

  it('splits over adjacent periods without losing or adding dates', () => {
    fc.assert(
      fc.property(ruleArb, periodArb, fc.integer({ min: 0, max: 400 }), (rule, period, cut) => {
        const middle = addDays(period.from, cut);
        fc.pre(middle < period.to);
        const left = expandRule(rule, { from: period.from, to: middle });
        const right = expandRule(rule, { from: addDays(middle, 1), to: period.to });
        expect([...left, ...right]).toEqual(expandRule(rule, period));
      }),
      { numRuns: 300 },
    );
  });
});

describe('schedule properties', () => {
  const policyArb = fc.record({
    remindDaysBefore: fc.uniqueArray(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 4 }),
    coordinatorLeadWorkingDays: fc.integer({ min: 0, max: 5 }),
    overdueAfterWorkingDays: fc.integer({ min: 1, max: 3 }),
    dueDateShift: fc.constantFrom('next-working-day' as const, 'previous-working-day' as const),
  });

  it('puts every reminder before its due date, every due on a working day, and steps in time order', () => {
    fc.assert(
      fc.property(ruleArb, fc.integer({ min: 2019, max: 2029 }), policyArb, (rule, y, policy) => {
        const plan = planSchema.parse({
          id: 'p',
          title: 't',
          issuer: 'UBND tỉnh',
          period: { from: `${y}-01-01`, to: `${y + 1}-12-31` },
          directory: 'd.yaml',
          focalAgency: 'Sở Thông tin và Truyền thông',
          reportsTo: 'UBND tỉnh',
          policy,
          tasks: [{ id: '1', title: 't', lead: ['A'], coordinators: ['B'], timeframe: { text: 'x', rule } }],
          deadlines: [
            {
              id: 'r',
              text: 'báo cáo năm',
              kind: 'periodic-report',
              rule: { type: 'annual', month: 11, day: 15 },
              subject: 's',
              owedBy: 'all',
            },
          ],
        });
        const occurrences = buildOccurrences(plan, { type: 'task', taskId: '1' }, calendar);
        expect(occurrences.length).toBeGreaterThanOrEqual(2);
        for (const o of occurrences) {
          for (const party of ['lead', 'coordinators'] as const) {
            const due = o.due[party];
            if (!due) continue;
            expect(calendar.isWorkingDay(due.effective)).toBe(true);
            for (const s of o.steps.filter((step) => step.party === party && step.kind === 'reminder')) {
              expect(Date.parse(s.at)).toBeLessThan(Date.parse(due.at));
              expect(s.at.slice(0, 10) < due.effective).toBe(true);
              expect(calendar.isWorkingDay(s.at.slice(0, 10))).toBe(true);
            }
          }
          const times = o.steps.map((s) => Date.parse(s.at));
          expect([...times].sort((a, b) => a - b)).toEqual(times);
        }
        expect(buildOccurrences(plan, { type: 'task', taskId: '1' }, calendar)).toEqual(occurrences);
      }),
      { numRuns: 100 },
    );
  });
});
