/**
 * Deadline module timings: `npx tsx bench/deadlines.ts`. Prints per-operation means over many runs;
 * figures are for the developer's machine, not assertions.
 */
import { performance } from 'node:perf_hooks';
import { expandRule } from '../src/deadlines/expand';
import { parseExpression } from '../src/deadlines/expression';
import { buildOccurrences, summaryPeriods } from '../src/deadlines/schedule';
import { deriveHolidayYear } from '../src/deadlines/statutory-holidays';
import { loadHolidayData, loadWorkingCalendar } from '../src/plan/holidays';
import { planSchema } from '../src/plan/schema';

function time(label: string, runs: number, fn: () => unknown): void {
  for (let i = 0; i < Math.min(50, runs); i++) fn();
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  const ms = (performance.now() - start) / runs;
  console.log(`${label.padEnd(58)} ${ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`}`);
}

async function main(): Promise<void> {
  const texts = [
    'trước ngày 15/11 hằng năm',
    'quý I/2025',
    'Giai đoạn 2024 - 2025',
    'Thường xuyên',
    'ngày 05 tháng 01 năm 2026',
  ];
  time('parseExpression (5 texts)', 20_000, () => texts.map(parseExpression));
  time('expandRule every month over 2022–2030', 20_000, () =>
    expandRule({ type: 'every', unit: 'month' }, { from: '2022-01-01', to: '2030-12-31' }),
  );
  time('deriveHolidayYear (lunar Tết + Giỗ Tổ)', 200, () => deriveHolidayYear(2031));
  const start = performance.now();
  await loadHolidayData();
  console.log(`${'loadHolidayData (9 YAML files, cold)'.padEnd(58)} ${(performance.now() - start).toFixed(2)} ms`);
  const calendar = await loadWorkingCalendar();
  const rules = ['Thường xuyên', 'Hằng năm', 'quý I/2025', 'Năm 2025', 'hằng quý'];
  const plan = planSchema.parse({
    id: 'bench',
    title: 'Bench',
    issuer: 'UBND tỉnh',
    period: { from: '2022-01-01', to: '2030-12-31' },
    directory: 'd.yaml',
    focalAgency: 'Sở Thông tin và Truyền thông',
    reportsTo: 'UBND tỉnh',
    tasks: Array.from({ length: 30 }, (_, i) => ({
      id: String(i + 1),
      title: `Nhiệm vụ ${i + 1}`,
      lead: ['A'],
      coordinators: i % 2 ? ['B', 'C'] : [],
      timeframe: { text: rules[i % rules.length], rule: parseExpression(rules[i % rules.length]) },
    })),
    deadlines: [
      {
        id: 'six',
        text: 'báo cáo 6 tháng',
        kind: 'periodic-report',
        rule: parseExpression('trước ngày 15/5'),
        subject: 's',
        owedBy: 'all',
      },
      {
        id: 'year',
        text: 'báo cáo năm',
        kind: 'periodic-report',
        rule: parseExpression('trước ngày 15/11'),
        subject: 's',
        owedBy: 'all',
      },
    ],
  });
  let occurrences = 0;
  time('buildOccurrences, 30 tasks of a 2022–2030 plan', 20, () => {
    occurrences = plan.tasks.reduce(
      (n, t) => n + buildOccurrences(plan, { type: 'task', taskId: t.id }, calendar).length,
      0,
    );
  });
  console.log(`${'  occurrences built per run'.padEnd(58)} ${occurrences}`);
  time('summaryPeriods, 2022–2030 plan', 200, () => summaryPeriods(plan, calendar));
}

void main();
