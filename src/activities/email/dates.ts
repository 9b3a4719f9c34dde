import { DateTime } from 'luxon';

const weekdays = ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ Nhật'];

function parseDate(isoDate: string): DateTime {
  const date = DateTime.fromISO(isoDate, { zone: 'UTC' });
  if (!date.isValid) throw new Error(`expected a date YYYY-MM-DD, got "${isoDate}"`);
  return date;
}

/** "15/5/2025" from `2025-05-15`, as Vietnamese documents write dates. */
export function formatDate(isoDate: string): string {
  const d = parseDate(isoDate);
  return `${d.day}/${d.month}/${d.year}`;
}

/** "Thứ Năm" for `2025-05-15`. */
export function weekdayName(isoDate: string): string {
  return weekdays[parseDate(isoDate).weekday - 1];
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
  return Math.round(parseDate(toDate).diff(parseDate(fromDate), 'days').days);
}
