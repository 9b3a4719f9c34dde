/**
 * Every benchmark in one run: `npm run bench` (or some of them: `npm run bench -- deadlines notifications`). Each figure
 * is a ratio against a baseline measured in the same run, so the table compares across machines; the milliseconds are
 * for this machine only. Add DATABASE_URL for PostgreSQL.
 */
import { performance } from 'node:perf_hooks';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { benchCli } from './cli';
import { benchDashboard } from './dashboard';
import { benchDeadlines } from './deadlines';
import { benchNotifications } from './notifications';
import { benchPlanImport } from './plan-import';
import { benchPlanDocuments } from './plan-documents';
import { duration } from './measure';
import { benchSimulate } from './simulate';

/** One line of the table. */
interface Row {
  bench: string;
  operation: string;
  ms: number;
  baseline: string;
  baselineMs: number;
  ratio: number;
}

/** The benches in the order they run; each returns its rows. Run counts are kept small for the whole to stay short. */
const benches: { name: string; run: () => Promise<Row[]> }[] = [
  {
    name: 'plan-import',
    run: async () =>
      benchPlanImport(20).map((r) => ({
        bench: 'plan-import',
        operation: `importPlanText ${r.source}`,
        ms: r.importMs,
        baseline: 'read + NFC',
        baselineMs: r.baselineMs,
        ratio: r.ratio,
      })),
  },
  {
    name: 'import',
    run: async () => (await benchPlanDocuments(5)).map((r) => ({ bench: 'import', ...r })),
  },
  {
    name: 'deadlines',
    run: async () => (await benchDeadlines(0.5)).map((r) => ({ bench: 'deadlines', ...r })),
  },
  {
    name: 'notifications',
    run: async () => (await benchNotifications(50, 3)).rows.map((r) => ({ bench: 'notifications', ...r })),
  },
  {
    name: 'cli',
    run: async () => benchCli().map((r) => ({ bench: 'cli', ...r })),
  },
  {
    name: 'simulate',
    run: async () => {
      const r = await benchSimulate();
      return [
        {
          bench: 'simulate',
          operation: `${r.plan}: a year, no reports (${r.emails} emails)`,
          ms: r.seconds * 1000,
          baseline: 'one workflow sleeping a year',
          baselineMs: r.baselineSeconds * 1000,
          ratio: r.ratio,
        },
      ];
    },
  },
  {
    name: 'dashboard',
    run: async () => (await benchDashboard(100)).map((r) => ({ bench: 'dashboard', ...r })),
  },
];

function table(rows: Row[]): string {
  const header = ['bench', 'operation', 'time', 'baseline', 'baseline time', 'ratio'];
  const cells = rows.map((r) => [
    r.bench,
    r.operation,
    duration(r.ms),
    r.baseline,
    duration(r.baselineMs),
    `×${r.ratio < 10 ? r.ratio.toFixed(2) : r.ratio.toFixed(0)}`,
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
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !benches.some((b) => b.name === name));
  if (unknown.length)
    throw new Error(`unknown bench ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`);
  const rows: Row[] = [];
  const started = performance.now();
  for (const bench of benches.filter((b) => wanted.length === 0 || wanted.includes(b.name))) {
    const t = performance.now();
    process.stderr.write(`${bench.name}…`);
    rows.push(...(await bench.run()));
    process.stderr.write(` ${duration(performance.now() - t)}\n`);
  }
  console.log(table(rows));
  console.log(
    `\nTotal ${duration(performance.now() - started)}. Ratio = time / baseline time, both measured in this run.`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
