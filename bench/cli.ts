/**
 * CLI start-up timings: `npx tsx bench/cli.ts`. Wall time of `dondoc when …` and `dondoc --help` as a user runs them
 * (`node bin/dondoc.js`, from the build in dist/), against `node -e 0` measured in the same run, runs interleaved so
 * a busy moment of the machine weighs on both sides. Medians, which one slow run does not move. Figures, not assertions.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { duration, figure, type Figure } from './measure';

const bin = join(__dirname, '..', 'bin', 'dondoc.js');

function wallMs(args: string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `dondoc when` and `dondoc --help` against a bare Node.js start, `runs` times each. */
export function benchCli(runs = 15): Figure[] {
  const commands = {
    baseline: ['-e', '0'],
    when: [bin, 'when', 'trước ngày 15/11 hằng năm', '--period', '2025'],
    help: [bin, '--help'],
  };
  // The first run builds dist/ when it is missing or stale: not what a user waits for on the next ones.
  for (const args of Object.values(commands)) wallMs(args);
  const times = { baseline: [] as number[], when: [] as number[], help: [] as number[] };
  for (let i = 0; i < runs; i++)
    for (const [name, args] of Object.entries(commands)) times[name as keyof typeof times].push(wallMs(args));
  const baselineMs = median(times.baseline);
  return [
    figure('dondoc when "trước ngày 15/11 hằng năm" --period 2025', runs, median(times.when), 'node -e 0', baselineMs),
    figure('dondoc --help', runs, median(times.help), 'node -e 0', baselineMs),
  ];
}

if (require.main === module) {
  for (const r of benchCli()) {
    console.log(
      `${r.operation.padEnd(56)} ${duration(r.ms).padStart(10)}   baseline ${duration(r.baselineMs).padStart(10)} ` +
        `(${r.baseline})   ×${r.ratio.toFixed(2)}`,
    );
  }
}
