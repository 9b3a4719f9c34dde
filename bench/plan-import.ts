/**
 * Plan import timings: `npx tsx bench/plan-import.ts`. Imports each shipped source N times and compares the time
 * per import with a baseline measured in the same run (reading the file and normalizing it to NFC), so the ratio
 * stays meaningful on a slower machine. Figures, not assertions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importPlanText } from '../src/plan/importer';
import { mean } from './measure';

/** One source's figures. */
export interface PlanImportBench {
  source: string;
  runs: number;
  /** Mean milliseconds per import (`importPlanText`). */
  importMs: number;
  /** Mean milliseconds to read the file and normalize it to NFC. */
  baselineMs: number;
  ratio: number;
}

const SOURCES = ['dak-nong-ttdn-2025', 'ninh-binh-bien-gioi-bien-2022-2030', 'thai-binh-ttdn-2019'];

/** Runs the benchmark and returns one row per source; `runs` imports of each. */
export function benchPlanImport(runs = 50, plansDir = join(__dirname, '..', 'plans')): PlanImportBench[] {
  return SOURCES.map((id) => {
    const file = join(plansDir, 'sources', `${id}.txt`);
    const baselineMs = mean(runs, () => readFileSync(file, 'utf8').normalize('NFC'), Math.min(10, runs));
    const importMs = mean(
      runs,
      () => importPlanText(readFileSync(file, 'utf8'), { fileName: file }),
      Math.min(10, runs),
    );
    return { source: id, runs, importMs, baselineMs, ratio: importMs / baselineMs };
  });
}

if (require.main === module) {
  const runs = Number(process.argv[2] ?? 50);
  for (const row of benchPlanImport(runs)) {
    console.log(
      `${row.source.padEnd(38)} import ${row.importMs.toFixed(2).padStart(7)} ms   ` +
        `read+NFC ${row.baselineMs.toFixed(3)} ms   ratio ×${row.ratio.toFixed(0)}   (${row.runs} runs)`,
    );
  }
}
