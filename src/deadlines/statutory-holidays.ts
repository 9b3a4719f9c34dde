import { WorkingCalendar, type HolidayData, type HolidayDay, type HolidayYear } from './calendar';
import { addDays, isoDate, weekday } from './dates';
import { gioToHungVuong, tetNguyenDan } from './lunar';

const LAW = 'Bộ luật Lao động 2019, Điều 111–112 (tính theo luật, chưa có lịch nghỉ chính thức của Thủ tướng)';

function isWeekend(date: string): boolean {
  return weekday(date) >= 6;
}

/** The day adjacent to 2/9 chosen so the holiday joins a weekend, as recent official schedules did. */
function nationalDayAdjacent(year: number): string {
  const sep2 = isoDate(year, 9, 2);
  return [1, 4].includes(weekday(sep2)) ? addDays(sep2, 1) : addDays(sep2, -1);
}

/**
 * A year's days off as the Labour Code gives them, for years without an official schedule: 1/1; Tết = the last
 * day of the lunar year and mùng 1–4; Giỗ Tổ 10/3 âm lịch; 30/4; 1/5; 2/9 and an adjacent day; each holiday
 * that falls on a weekend gives a compensating day off on the next working day (Art. 111(3)).
 * The Prime Minister's schedule often differs (swapped days, make-up Saturdays): add it as data when published.
 */
export function deriveHolidayYear(year: number): HolidayYear {
  const tet = tetNguyenDan(year);
  const holidays: HolidayDay[] = [
    { date: isoDate(year, 1, 1), name: 'Tết Dương lịch' },
    ...[-1, 0, 1, 2, 3].map((n) => ({ date: addDays(tet, n), name: 'Tết Nguyên Đán' })),
    { date: gioToHungVuong(year), name: 'Giỗ Tổ Hùng Vương' },
    { date: isoDate(year, 4, 30), name: 'Ngày Chiến thắng 30/4' },
    { date: isoDate(year, 5, 1), name: 'Ngày Quốc tế Lao động 1/5' },
    { date: isoDate(year, 9, 2), name: 'Quốc khánh 2/9' },
    { date: nationalDayAdjacent(year), name: 'Quốc khánh 2/9' },
  ].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const off = new Map(holidays.map((h) => [h.date, h.name]));
  for (const h of holidays) {
    if (!isWeekend(h.date)) continue;
    let d = addDays(h.date, 1);
    while (isWeekend(d) || off.has(d)) d = addDays(d, 1);
    off.set(d, `Nghỉ bù ${h.name}`);
  }
  const daysOff = [...off].map(([date, name]) => ({ date, name })).sort((a, b) => (a.date < b.date ? -1 : 1));
  return { year, status: 'derived', source: LAW, daysOff, workingDays: [] };
}

/** A working calendar over the given data that derives years without data from the Labour Code. */
export function createWorkingCalendar(data: HolidayData): WorkingCalendar {
  return new WorkingCalendar(data, deriveHolidayYear);
}
