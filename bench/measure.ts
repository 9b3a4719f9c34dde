/** What every bench shares: the shape of a figure, the timing loops, and how a duration is printed. */
import { performance } from 'node:perf_hooks';

/** One operation's figures: its mean time per run against a baseline measured in the same run. */
export interface Figure {
  operation: string;
  runs: number;
  /** Mean milliseconds per run. */
  ms: number;
  /** What the baseline does. */
  baseline: string;
  /** Mean milliseconds per run of the baseline. */
  baselineMs: number;
  ratio: number;
}

/** A figure from the two means. */
export function figure(operation: string, runs: number, ms: number, baseline: string, baselineMs: number): Figure {
  return { operation, runs, ms, baseline, baselineMs, ratio: ms / baselineMs };
}

/** Mean milliseconds of `fn` over `runs` runs, after `warmup` runs that are not counted. */
export function mean(runs: number, fn: () => unknown, warmup = Math.min(50, runs)): number {
  for (let i = 0; i < warmup; i++) fn();
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return (performance.now() - start) / runs;
}

/** Mean milliseconds of an async `fn` over `runs` runs, after one that is not counted. */
export async function meanAsync(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const start = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  return (performance.now() - start) / runs;
}

/** Milliseconds of one call of an async `fn`. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** "36.5 µs", "17.92 ms", "13.96 s". */
export function duration(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(1)} µs`;
  if (ms < 1000) return `${ms.toFixed(2)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/**
 * One entry of `npm run bench -- --json`: `{ value, unit, baseline, ratio }`, the baseline measured in the same run in
 * the same unit (ratio = value / baseline unless the bench says otherwise in `ratioOf`), plus what was measured.
 */
export interface Measure {
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  /** How the ratio is formed when it is not value / baseline, e.g. "baseline / value" for rates. */
  ratioOf?: string;
  /** What the value and the baseline are, in a few words. */
  what: string;
  baselineWhat: string;
  /** Further figures of the same run (p95, variants, sizes). */
  details?: Record<string, number | string>;
}

/** The named measures a bench contributes to the JSON object. */
export type Measures = Record<string, Measure>;
