import { daysInMonth, endOfMonth, isoDate, parseIsoDate } from './dates';
import type { Rule } from './rule';

/** A period of calendar dates, both ends inclusive, `YYYY-MM-DD`. */
export interface DatePeriod {
  from: string;
  to: string;
}

/** A period that is not two real dates in order. */
export class PeriodError extends Error {
  override readonly name = 'PeriodError';
}

/** Throws `PeriodError` unless `period` is two real dates with `from` ≤ `to`. */
export function checkPeriod(period: DatePeriod): void {
  for (const end of ['from', 'to'] as const) {
    if (!parseIsoDate(period[end])) {
      throw new PeriodError(
        `Khoảng thời gian không hợp lệ: ${end} = "${period[end]}" không phải ngày YYYY-MM-DD ` +
          `(invalid period: ${end} "${period[end]}" is not a date YYYY-MM-DD)`,
      );
    }
  }
  if (period.from > period.to) {
    throw new PeriodError(
      `Khoảng thời gian ngược: từ ${period.from} đến ${period.to} ` +
        `(reversed period: ${period.from} is after ${period.to})`,
    );
  }
}

function quarterEnd(year: number, quarter: number): string {
  return endOfMonth(year, quarter * 3);
}

/** The span a rule names, as its nominal due dates; `every` and `annual` need the period's years. */
function candidates(rule: Rule, fromYear: number, toYear: number): string[] {
  const years: number[] = [];
  for (let y = fromYear; y <= toYear; y++) years.push(y);
  switch (rule.type) {
    case 'annual':
      // 29/2 in a common year falls on 28/2: the last day of February is what "before 29/2" means then.
      return years.map((y) => isoDate(y, rule.month, Math.min(rule.day, daysInMonth(y, rule.month))));
    case 'date':
      return [rule.date];
    case 'quarter':
      return [quarterEnd(rule.year, rule.quarter)];
    case 'month':
      return [endOfMonth(rule.year, rule.month)];
    case 'half':
      return [endOfMonth(rule.year, rule.half * 6)];
    case 'year':
      return [isoDate(rule.year, 12, 31)];
    case 'range':
      return [isoDate(rule.toYear, 12, 31)];
    case 'every':
      return years.flatMap((y) => {
        if (rule.unit === 'year') return [isoDate(y, 12, 31)];
        if (rule.unit === 'quarter') return [1, 2, 3, 4].map((q) => quarterEnd(y, q));
        return Array.from({ length: 12 }, (_, i) => endOfMonth(y, i + 1));
      });
    case 'ongoing':
    case 'on-request':
      return [];
  }
}

/**
 * Nominal due dates of a rule inside `period` (inclusive), sorted and distinct.
 * A span (quarter, month, half, year, range) is due on its last day; `every` is due on the last day of each
 * month/quarter/year; `annual` on its day each year (29/2 → 28/2 in common years); ongoing and on-request → [].
 */
export function expandRule(rule: Rule, period: DatePeriod): string[] {
  checkPeriod(period);
  const fromYear = Number(period.from.slice(0, 4));
  const toYear = Number(period.to.slice(0, 4));
  const inside = candidates(rule, fromYear, toYear).filter((d) => d >= period.from && d <= period.to);
  return [...new Set(inside)].sort();
}
