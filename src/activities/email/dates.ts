import { DateTime } from 'luxon';
import {
  daysBetween as calendarDaysBetween,
  parseIsoDate,
  weekdayName as calendarWeekdayName,
} from '../../deadlines/dates';

function parts(isoDate: string): { year: number; month: number; day: number } {
  const date = parseIsoDate(isoDate);
  if (!date) throw new Error(`expected a date YYYY-MM-DD, got "${isoDate}"`);
  return date;
}

/** "15/5/2025" from `2025-05-15`: the unpadded form of the email examples (documents pad: 15/05/2025). */
export function formatDate(isoDate: string): string {
  const { year, month, day } = parts(isoDate);
  return `${day}/${month}/${year}`;
}

/** "Thứ Năm" for `2025-05-15`. */
export function weekdayName(isoDate: string): string {
  parts(isoDate);
  return calendarWeekdayName(isoDate);
}

/** "Thứ Năm, 15/5/2025" from `2025-05-15`. */
export function formatDateWithWeekday(isoDate: string): string {
  return `${weekdayName(isoDate)}, ${formatDate(isoDate)}`;
}

/** The calendar date (`YYYY-MM-DD`) of an instant in a zone. */
export function localDate(instant: string | Date, zone: string): string {
  const dt = typeof instant === 'string' ? DateTime.fromISO(instant, { zone }) : DateTime.fromJSDate(instant, { zone });
  return dt.toISODate() ?? '';
}

/** "Thứ Tư, 14/5/2025 lúc 09:30" for an instant shown in the plan's zone. */
export function formatInstant(instant: string, zone: string): string {
  const dt = DateTime.fromISO(instant, { zone });
  return `${formatDateWithWeekday(dt.toISODate() ?? '')} lúc ${dt.toFormat('HH:mm')}`;
}

/** Whole calendar days from `fromDate` to `toDate` (both `YYYY-MM-DD`); negative when `toDate` is earlier. */
export function daysBetween(fromDate: string, toDate: string): number {
  parts(fromDate);
  parts(toDate);
  return calendarDaysBetween(fromDate, toDate);
}
