/**
 * Every benchmark in one run: `npm run bench` prints a table; `npm run bench -- --json` prints one JSON object
 * `{ "<name>": { value, unit, baseline, ratio, … } }`; `npm run bench -- cli page` runs only those benches. Each figure
 * has a baseline measured in the same run, so its ratio compares across machines; the values are for this machine
 * only. Add DATABASE_URL for PostgreSQL where a bench reads it. BENCHMARKS.md says what each baseline is.
 */
import { performance } from 'node:perf_hooks';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { benchCli } from './cli';
import { benchDashboard } from './dashboard';
import { benchDeadlines } from './deadlines';
import { fanoutMeasures } from './fanout';
import { idleMeasures } from './idle';
import { loadMeasures } from './load';
import { duration, type Figure, type Measure, type Measures } from './measure';
import { benchNotifications } from './notifications';
import { benchPlanDocuments } from './plan-documents';
import { benchPlanImport } from './plan-import';
import { simulateMeasures } from './simulate';
import { startMeasures } from './start';

/** A measure from a timed figure (milliseconds against milliseconds). */
function fromFigure(f: Figure, details?: Measure['details']): Measure {
  return {
    value: f.ms,
    unit: 'ms',
    baseline: f.baselineMs,
    ratio: f.ratio,
    what: f.operation,
    baselineWhat: f.baseline,
    ...(details ? { details } : {}),
  };
}

/** Every figure of a bench by its operation, in milliseconds, for the details of its main measure. */
function msByOperation(figures: Figure[]): Record<string, number> {
  return Object.fromEntries(figures.map((f) => [f.operation, Number(f.ms.toFixed(3))]));
}

/** The benches in the order they run; the required names of issue 15 are start, idle, fanout, history, simulate, import, cli, page. */
const benches: { name: string; measures: () => Promise<Measures> }[] = [
  { name: 'start', measures: () => startMeasures() },
  { name: 'idle', measures: () => idleMeasures() },
  { name: 'fanout', measures: () => fanoutMeasures() },
  { name: 'load', measures: () => loadMeasures() },
  { name: 'simulate', measures: () => simulateMeasures() },
  {
    name: 'plan-import',
    measures: async () => {
      const rows = benchPlanImport(20);
      const byId = Object.fromEntries(rows.map((r) => [`${r.source} ms`, Number(r.importMs.toFixed(3))]));
      const first = rows[0];
      return {
        'plan-import': {
          value: first.importMs,
          unit: 'ms',
          baseline: first.baselineMs,
          ratio: first.ratio,
          what: `importPlanText ${first.source}.txt`,
          baselineWhat: 'read + NFC of the same file',
          details: byId,
        },
      };
    },
  },
  {
    name: 'import',
    measures: async () => {
      const rows = await benchPlanDocuments(5);
      const find = (kind: string) => rows.find((r) => r.operation.includes(kind));
      const docx = find('.docx') ?? rows[0];
      const out: Measures = { import: fromFigure(docx, msByOperation(rows)) };
      const pdf = find('text layer');
      if (pdf) out['import-pdf'] = fromFigure(pdf);
      const scan = find('OCR per page');
      if (scan) out['import-scan-page'] = fromFigure(scan);
      return out;
    },
  },
  {
    name: 'deadlines',
    measures: async () => {
      const rows = await benchDeadlines(0.5);
      return { deadlines: fromFigure(rows[0], msByOperation(rows)) };
    },
  },
  {
    name: 'notifications',
    measures: async () => {
      const { rows } = await benchNotifications(50, 3);
      return { notifications: fromFigure(rows[0], msByOperation(rows)) };
    },
  },
  {
    name: 'cli',
    measures: async () => {
      const rows = benchCli();
      return { cli: fromFigure(rows[0], msByOperation(rows)) };
    },
  },
  {
    name: 'page',
    measures: async () => {
      const rows = await benchDashboard(100);
      const [median, p95] = rows;
      const listP95 = rows.find((r) => r.operation.startsWith('visibility list call, p95'));
      return {
        page: fromFigure(median, {
          'p95 ms': Number(p95.ms.toFixed(3)),
          'p95 ratio to the list median': Number(p95.ratio.toFixed(3)),
          ...(listP95 ? { 'visibility list p95 ms': Number(listP95.ms.toFixed(3)) } : {}),
          ...msByOperation(rows),
        }),
      };
    },
  },
];

/** "1,234.5 workflows/s", "17.92 ms". */
function amount(value: number, unit: string): string {
  if (unit === 'ms') return duration(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

function table(measures: Measures): string {
  const header = ['name', 'what', 'value', 'baseline', 'baseline value', 'ratio'];
  const cells = Object.entries(measures).map(([name, m]) => [
    name,
    m.what,
    amount(m.value, m.unit),
    m.baselineWhat,
    amount(m.baseline, m.unit),
    `×${m.ratio < 10 ? m.ratio.toFixed(2) : m.ratio.toFixed(0)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const right = new Set([2, 4, 5]);
  const line = (c: string[]) =>
    c
      .map((v, i) => (right.has(i) ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const wanted = args.filter((a) => a !== '--json');
  const unknown = wanted.filter((name) => !benches.some((b) => b.name === name));
  if (unknown.length)
    throw new Error(`unknown bench ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`);
  const measures: Measures = {};
  const started = performance.now();
  for (const bench of benches.filter((b) => wanted.length === 0 || wanted.includes(b.name))) {
    const t = performance.now();
    process.stderr.write(`${bench.name}…`);
    Object.assign(measures, await bench.measures());
    process.stderr.write(` ${duration(performance.now() - t)}\n`);
  }
  if (json) {
    console.log(JSON.stringify(measures, null, 2));
    return;
  }
  console.log(table(measures));
  console.log(
    `\nTotal ${duration(performance.now() - started)}. Each ratio is against a baseline measured in this run ` +
      '(BENCHMARKS.md says how each is formed).',
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
