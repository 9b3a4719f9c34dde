import type { CalendarVietnamese } from 'date-chinese';
import { isoDate } from './dates';

// Loaded on first use: its astronomical tables take longer to load than a CLI command takes to run, and only years
// without an official holiday schedule need them.
let lunarCalendar: typeof CalendarVietnamese | undefined;
function newCalendar(): CalendarVietnamese {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  lunarCalendar ??= (require('date-chinese') as typeof import('date-chinese')).CalendarVietnamese;
  return new lunarCalendar();
}

/**
 * Gregorian date of a day of the Vietnamese lunar calendar (UTC+7 since 1968, which is why Tết differs from
 * China's in e.g. 1985, 2007 and 2030). Checked against Hồ Ngọc Đức's algorithm for Tết and Giỗ Tổ 1970–2100.
 */
export function lunarToSolar(lunarYear: number, month: number, day: number): string {
  const cal = newCalendar();
  // The lunar year that starts in Gregorian `lunarYear` gives the 60-year cycle numbers.
  cal.fromJDE(cal.newYear(lunarYear));
  const [cycle, year] = cal.get();
  const g = cal.set(cycle, year, month, 0, day).toGregorian(lunarYear);
  return isoDate(g.year, g.month, g.day);
}

/** Mùng 1 Tết (first day of the lunar year that starts in `year`). */
export function tetNguyenDan(year: number): string {
  return lunarToSolar(year, 1, 1);
}

/** Giỗ Tổ Hùng Vương, 10/3 âm lịch of `year`. */
export function gioToHungVuong(year: number): string {
  return lunarToSolar(year, 3, 10);
}
