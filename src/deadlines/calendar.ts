import { addDays, weekday } from './dates';

/** One named day in a holiday schedule. */
export interface HolidayDay {
  /** `YYYY-MM-DD`. */
  date: string;
  /** Vietnamese, e.g. "Tết Nguyên Đán", "Làm bù cho thứ Sáu 02/5/2025". */
  name: string;
  /** Set when this day's status differs from its year's (a derived day in an otherwise official year). */
  status?: HolidayStatus;
}

/** Where a year's schedule comes from: the Prime Minister's published schedule, or computed from the Labour Code. */
export type HolidayStatus = 'official' | 'derived';

/** The days off and make-up working days of one year for public servants. */
export interface HolidayYear {
  year: number;
  status: HolidayStatus;
  /** Decision, notice or rule the schedule comes from. */
  source: string;
  /** Days without work besides ordinary weekends (holidays, swapped days, compensating days). */
  daysOff: HolidayDay[];
  /** Saturdays or Sundays that are working days (make-up days for a swap). */
  workingDays: HolidayDay[];
}

/** Holiday schedules, as loaded from `plans/holidays/*.yaml` or built in tests. */
export interface HolidayData {
  years: HolidayYear[];
}

/** How a due date that falls on a day off moves. */
export type DueDateShift = 'next-working-day' | 'previous-working-day' | 'none';

/** Computes the schedule of a year that has no data (e.g. from the Labour Code and the lunar calendar). */
export type DeriveHolidayYear = (year: number) => HolidayYear;

/** A year the calendar has no schedule for and cannot derive. */
export class CalendarError extends Error {
  override readonly name = 'CalendarError';
}

function weekendName(date: string): string | undefined {
  const dow = weekday(date);
  return dow === 6 ? 'Thứ Bảy' : dow === 7 ? 'Chủ Nhật' : undefined;
}

/** Safety bound for walks across days off: no real schedule has a month without a working day. */
const MAX_WALK = 60;

/**
 * Working days of Vietnamese public servants, built from plain data so that it stays pure.
 * Explicit entries win over weekends; a year without data is derived once with `derive` (or is an error).
 */
export class WorkingCalendar {
  private readonly off = new Map<string, string>();
  private readonly working = new Map<string, string>();
  private readonly years = new Map<number, HolidayYear>();
  /** Answers of `reasonOff` (null = working day): schedules ask about the same days many times. */
  private readonly answers = new Map<string, string | null>();

  constructor(
    data: HolidayData,
    private readonly derive?: DeriveHolidayYear,
  ) {
    for (const year of data.years) this.add(year);
  }

  private add(year: HolidayYear): void {
    this.years.set(year.year, year);
    this.answers.clear();
    for (const d of year.daysOff) if (!this.off.has(d.date)) this.off.set(d.date, d.name);
    for (const d of year.workingDays) if (!this.working.has(d.date)) this.working.set(d.date, d.name);
  }

  private ensureYear(date: string): void {
    const year = Number(date.slice(0, 4));
    if (this.years.has(year)) return;
    if (!this.derive) {
      throw new CalendarError(
        `Không có lịch nghỉ năm ${year} (no holiday schedule for ${year}): add plans/holidays/${year}.yaml`,
      );
    }
    this.add(this.derive(year));
  }

  /** The schedule used for a year (derived on first use when there is no data for it). */
  holidayYear(year: number): HolidayYear {
    this.ensureYear(`${year}-01-01`);
    return this.years.get(year) as HolidayYear;
  }

  /** Vietnamese reason a date is not a working day ("Tết Nguyên Đán", "Thứ Bảy", "Chủ Nhật"), or undefined. */
  reasonOff(date: string): string | undefined {
    const known = this.answers.get(date);
    if (known !== undefined) return known ?? undefined;
    this.ensureYear(date);
    const reason = this.working.has(date) ? undefined : (this.off.get(date) ?? weekendName(date));
    this.answers.set(date, reason ?? null);
    return reason;
  }

  /** True when public servants work on that date. */
  isWorkingDay(date: string): boolean {
    return this.reasonOff(date) === undefined;
  }

  /** The first working day strictly after `date`. */
  nextWorkingDay(date: string): string {
    return this.walk(date, 1);
  }

  /** The last working day strictly before `date`. */
  previousWorkingDay(date: string): string {
    return this.walk(date, -1);
  }

  private walk(date: string, step: 1 | -1): string {
    let d = date;
    for (let i = 0; i < MAX_WALK; i++) {
      d = addDays(d, step);
      if (this.isWorkingDay(d)) return d;
    }
    throw new CalendarError(`Không tìm thấy ngày làm việc gần ${date} (no working day within ${MAX_WALK} days)`);
  }

  /** `n` working days after `date` (before, for negative `n`); `date` itself need not be a working day; n = 0 → `date`. */
  addWorkingDays(date: string, n: number): string {
    let d = date;
    for (let i = 0; i < Math.abs(n); i++) d = n > 0 ? this.nextWorkingDay(d) : this.previousWorkingDay(d);
    return d;
  }

  /** `date` itself when it is a working day, otherwise moved as `shift` says. */
  shiftDue(date: string, shift: DueDateShift): string {
    if (shift === 'none' || this.isWorkingDay(date)) return date;
    return shift === 'next-working-day' ? this.nextWorkingDay(date) : this.previousWorkingDay(date);
  }
}
