/**
 * Deadline module timings: `npx tsx bench/deadlines.ts`. Prints per-operation means over many runs, each with a
 * baseline measured in the same run (the plain work underneath: folding text, month ends with `Date`, one lunar
 * conversion, reading and parsing the YAML, expanding the rules) so the ratio stays meaningful on a slower machine.
 * Figures for the developer's machine, not assertions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { expandRule } from '../src/deadlines/expand';
import { parseExpression } from '../src/deadlines/expression';
import { lunarToSolar } from '../src/deadlines/lunar';
import { buildOccurrences, summaryPeriods } from '../src/deadlines/schedule';
import { deriveHolidayYear } from '../src/deadlines/statutory-holidays';
import { loadHolidayData, loadWorkingCalendar } from '../src/plan/holidays';
import { planSchema } from '../src/plan/schema';
import { duration, figure, mean, meanAsync, type Figure } from './measure';

/** Runs the deadline benchmarks; `scale` multiplies the number of runs (1 = the standalone figures). */
export async function benchDeadlines(scale = 1): Promise<Figure[]> {
  const n = (runs: number) => Math.max(1, Math.round(runs * scale));
  const rows: Figure[] = [];
  const texts = [
    'trước ngày 15/11 hằng năm',
    'quý I/2025',
    'Giai đoạn 2024 - 2025',
    'Thường xuyên',
    'ngày 05 tháng 01 năm 2026',
  ];
  const fold = (t: string) => t.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ');
  rows.push(
    figure(
      'parseExpression (5 texts)',
      n(20_000),
      mean(n(20_000), () => texts.map(parseExpression)),
      'fold the 5 texts (NFD, no marks, lower case)',
      mean(n(20_000), () => texts.map(fold)),
    ),
  );
  const period = { from: '2022-01-01', to: '2030-12-31' };
  rows.push(
    figure(
      'expandRule every month over 2022–2030',
      n(20_000),
      mean(n(20_000), () => expandRule({ type: 'every', unit: 'month' }, period)),
      '108 month ends with Date.UTC',
      mean(n(20_000), () => {
        const ends: string[] = [];
        for (let y = 2022; y <= 2030; y++) {
          for (let m = 1; m <= 12; m++) ends.push(new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10));
        }
        return ends;
      }),
    ),
  );
  rows.push(
    figure(
      'deriveHolidayYear (lunar Tết + Giỗ Tổ)',
      n(200),
      mean(n(200), () => deriveHolidayYear(2031)),
      'one lunar → solar conversion',
      mean(n(200), () => lunarToSolar(2031, 1, 1)),
    ),
  );
  const holidaysDir = join(__dirname, '..', 'plans', 'holidays');
  rows.push(
    figure(
      'loadHolidayData (9 YAML files)',
      n(20),
      await meanAsync(n(20), () => loadHolidayData(holidaysDir)),
      'read and parse the YAML files',
      mean(n(20), () =>
        readdirSync(holidaysDir)
          .filter((f) => f.endsWith('.yaml'))
          .map((f) => parseYaml(readFileSync(join(holidaysDir, f), 'utf8'))),
      ),
    ),
  );
  const calendar = await loadWorkingCalendar(holidaysDir);
  const rules = ['Thường xuyên', 'Hằng năm', 'quý I/2025', 'Năm 2025', 'hằng quý'];
  const plan = planSchema.parse({
    id: 'bench',
    title: 'Bench',
    issuer: 'UBND tỉnh',
    period,
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
  // The nominal dates alone: what buildOccurrences and summaryPeriods start from.
  const expandAll = () =>
    [...plan.tasks.map((t) => t.timeframe.rule), ...plan.deadlines.map((d) => d.rule)].map((rule) =>
      expandRule(rule, period),
    );
  const expandMs = mean(n(200), expandAll);
  let occurrences = 0;
  rows.push(
    figure(
      `buildOccurrences, 30 tasks of a 2022–2030 plan`,
      n(20),
      mean(n(20), () => {
        occurrences = plan.tasks.reduce(
          (sum, t) => sum + buildOccurrences(plan, { type: 'task', taskId: t.id }, calendar).length,
          0,
        );
      }),
      'expand the plan’s rules to nominal dates',
      expandMs,
    ),
  );
  rows[rows.length - 1].operation += ` (${occurrences} occurrences)`;
  rows.push(
    figure(
      'summaryPeriods, 2022–2030 plan',
      n(200),
      mean(n(200), () => summaryPeriods(plan, calendar)),
      'expand the plan’s rules to nominal dates',
      expandMs,
    ),
  );
  return rows;
}

if (require.main === module) {
  benchDeadlines().then(
    (rows) => {
      for (const r of rows) {
        console.log(
          `${r.operation.padEnd(62)} ${duration(r.ms).padStart(10)}   baseline ${duration(r.baselineMs).padStart(10)} ` +
            `(${r.baseline})   ×${r.ratio.toFixed(1)}`,
        );
      }
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
