import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkingCalendar, type HolidayData } from '../../src/deadlines/calendar';
import { addDays } from '../../src/deadlines/dates';
import { gioToHungVuong, tetNguyenDan } from '../../src/deadlines/lunar';
import { deriveHolidayYear } from '../../src/deadlines/statutory-holidays';
import { loadHolidayData, loadWorkingCalendar, parseHolidayFile } from '../../src/plan/holidays';

let calendar: WorkingCalendar;
let shipped: HolidayData;
beforeAll(async () => {
  shipped = await loadHolidayData();
  calendar = await loadWorkingCalendar();
});

function datesFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

describe('the shipped holiday schedules', () => {
  it('cover every year from 2019 to 2027, each with its source and status', () => {
    expect(shipped.years.map((y) => y.year)).toEqual([2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027]);
    for (const y of shipped.years) {
      expect(y.source.length).toBeGreaterThan(20);
      expect(['official', 'derived']).toContain(y.status);
    }
    expect(shipped.years.find((y) => y.year === 2027)?.status).toBe('derived');
  });

  it('give Tết Ất Tỵ off from 25/1 to 2/2/2025, with work on 24/1 and 3/2', () => {
    for (const d of datesFrom('2025-01-25', '2025-02-02')) expect(calendar.isWorkingDay(d)).toBe(false);
    expect(calendar.reasonOff('2025-01-27')).toBe('Tết Nguyên Đán Ất Tỵ');
    expect(calendar.isWorkingDay('2025-01-24')).toBe(true);
    expect(calendar.isWorkingDay('2025-02-03')).toBe(true);
  });

  it('give Tết Bính Ngọ off from 14/2 to 22/2/2026, with work on 13/2 and 23/2', () => {
    for (const d of datesFrom('2026-02-14', '2026-02-22')) expect(calendar.isWorkingDay(d)).toBe(false);
    expect(calendar.reasonOff('2026-02-16')).toBe('Tết Nguyên Đán Bính Ngọ');
    expect(calendar.isWorkingDay('2026-02-13')).toBe(true);
    expect(calendar.isWorkingDay('2026-02-23')).toBe(true);
  });

  it.each([
    ['2025-01-01', 'Tết Dương lịch'],
    ['2025-04-07', 'Giỗ Tổ Hùng Vương'],
    ['2025-04-30', 'Ngày Chiến thắng 30/4'],
    ['2025-05-01', 'Ngày Quốc tế Lao động 1/5'],
    ['2025-09-01', 'Quốc khánh 2/9'],
    ['2025-09-02', 'Quốc khánh 2/9'],
    ['2026-04-27', 'Nghỉ bù Giỗ Tổ Hùng Vương (Chủ Nhật)'],
    ['2024-04-29', 'Nghỉ hoán đổi dịp 30/4 – 1/5 (làm bù thứ Bảy 04/5/2024)'],
    ['2025-11-15', 'Thứ Bảy'],
    ['2025-11-16', 'Chủ Nhật'],
  ])('names why %s is off: %s', (date, reason) => {
    expect(calendar.reasonOff(date)).toBe(reason);
    expect(calendar.isWorkingDay(date)).toBe(false);
  });

  it.each(['2025-04-26', '2024-05-04', '2019-05-04', '2019-01-05'])(
    'makes the make-up Saturday %s a working day',
    (date) => {
      expect(calendar.isWorkingDay(date)).toBe(true);
      expect(calendar.reasonOff(date)).toBeUndefined();
    },
  );

  it('agree with the Labour Code derivation for the derived year 2027', () => {
    const file = shipped.years.find((y) => y.year === 2027);
    expect(file?.daysOff.map((d) => d.date)).toEqual(deriveHolidayYear(2027).daysOff.map((d) => d.date));
  });
});

describe('moving dates to working days', () => {
  it('moves a due date on Saturday 15/11/2025 to Monday 17/11/2025, or back to Friday 14/11', () => {
    expect(calendar.shiftDue('2025-11-15', 'next-working-day')).toBe('2025-11-17');
    expect(calendar.shiftDue('2025-11-15', 'previous-working-day')).toBe('2025-11-14');
    expect(calendar.shiftDue('2025-11-15', 'none')).toBe('2025-11-15');
    expect(calendar.shiftDue('2025-11-14', 'next-working-day')).toBe('2025-11-14');
  });

  it.each([
    ['2025-01-28', 'next-working-day', '2025-02-03'],
    ['2025-01-28', 'previous-working-day', '2025-01-24'],
    ['2026-02-17', 'next-working-day', '2026-02-23'],
    ['2025-04-30', 'next-working-day', '2025-05-05'],
    ['2025-05-02', 'previous-working-day', '2025-04-29'],
    ['2025-08-31', 'next-working-day', '2025-09-03'],
  ] as const)('moves %s over the holiday (%s) to %s', (date, shift, expected) => {
    expect(calendar.shiftDue(date, shift)).toBe(expected);
  });

  it.each([
    ['2025-01-23', 2, '2025-02-03'],
    ['2025-02-03', -1, '2025-01-24'],
    ['2025-04-25', 1, '2025-04-26'],
    ['2025-11-17', -3, '2025-11-12'],
    ['2025-11-15', 0, '2025-11-15'],
    ['2025-11-15', 1, '2025-11-17'],
    ['2025-12-31', 1, '2026-01-02'],
  ])('counts from %s %i working days to %s', (date, n, expected) => {
    expect(calendar.addWorkingDays(date, n)).toBe(expected);
  });

  it('finds the next and previous working day strictly after and before a date', () => {
    expect(calendar.nextWorkingDay('2025-11-14')).toBe('2025-11-17');
    expect(calendar.nextWorkingDay('2025-11-12')).toBe('2025-11-13');
    expect(calendar.previousWorkingDay('2025-11-17')).toBe('2025-11-14');
  });
});

describe('years without official data', () => {
  it.each([
    [1985, '1985-01-21'],
    [2007, '2007-02-17'],
    [2025, '2025-01-29'],
    [2026, '2026-02-17'],
    [2030, '2030-02-02'],
  ])('date Tết %i by the Vietnamese (UTC+7) lunar calendar: %s', (year, date) => {
    expect(tetNguyenDan(year)).toBe(date);
  });

  it.each([
    [2025, '2025-04-07'],
    [2026, '2026-04-26'],
    [2027, '2027-04-16'],
  ])('date Giỗ Tổ Hùng Vương %i on 10/3 âm lịch: %s', (year, date) => {
    expect(gioToHungVuong(year)).toBe(date);
  });

  it('follow the Labour Code in 2030: five days of Tết, compensating days for holidays on weekends', () => {
    const y = deriveHolidayYear(2030);
    const off = new Set(y.daysOff.map((d) => d.date));
    // Tết 2030: 1/2 (last day of the year) … 5/2; 2–3/2 fall on a weekend → 6/2 and 7/2 off.
    for (const d of ['2030-02-01', '2030-02-04', '2030-02-05', '2030-02-06', '2030-02-07'])
      expect(off.has(d)).toBe(true);
    expect(y.status).toBe('derived');
    expect(calendar.reasonOff('2030-02-04')).toBe('Tết Nguyên Đán');
    expect(calendar.reasonOff('2030-09-02')).toBe('Quốc khánh 2/9');
    expect(calendar.isWorkingDay('2030-02-08')).toBe(true);
  });

  it('are an error for a calendar built from data alone, naming the year', () => {
    const bare = new WorkingCalendar({ years: [] });
    expect(() => bare.isWorkingDay('2031-03-03')).toThrow(/Không có lịch nghỉ năm 2031/);
  });

  it('come only from the data given when the calendar is built from data alone', () => {
    const data: HolidayData = {
      years: [
        {
          year: 2031,
          status: 'official',
          source: 'test',
          daysOff: [{ date: '2031-03-04', name: 'Ngày nghỉ thử' }],
          workingDays: [{ date: '2031-03-08', name: 'Làm bù' }],
        },
      ],
    };
    const c = new WorkingCalendar(data);
    expect(c.reasonOff('2031-03-04')).toBe('Ngày nghỉ thử');
    expect(c.isWorkingDay('2031-03-08')).toBe(true);
    expect(c.addWorkingDays('2031-03-03', 2)).toBe('2031-03-06');
  });
});

describe('holiday files', () => {
  const valid =
    'year: 2031\nstatus: official\nsource: test\ndaysOff:\n  - { from: 2031-01-22, to: 2031-01-28, name: Tết }\nworkingDays: []\n';

  it('expand ranges day by day', () => {
    const y = parseHolidayFile(valid, '2031.yaml');
    expect(y.daysOff.map((d) => d.date)).toEqual(datesFrom('2031-01-22', '2031-01-28'));
  });

  it.each([
    [
      'year: 2031\nstatus: official\nsource: x\ndaysOff:\n  - { date: 2031-02-30, name: X }\n',
      /2031\.yaml:5 daysOff\[0\]\.date: expected a real date/,
    ],
    [
      'year: 2031\nstatus: official\nsource: x\ndaysOff:\n  - { from: 2031-03-05, to: 2031-03-01, name: X }\n',
      /2031\.yaml:5 daysOff\[0\]\.to: "from" must not be after "to"/,
    ],
    ['year: 2031\nstatus: maybe\nsource: x\n', /2031\.yaml:2 status/],
    [
      'year: 2031\nstatus: official\nsource: x\nworkingDays:\n  - { date: 2031-03-05, name: X }\n',
      /2031\.yaml:5 workingDays\[0\]: a make-up working day must be a Saturday or Sunday/,
    ],
    ['year: 2031\nstatus: official\nsource: x\ndaysOff: [ { date: 2031-03-05 \n', /2031\.yaml:\d+: YAML/],
  ])('reject bad data with file, line and field (%#)', (text, message) => {
    expect(() => parseHolidayFile(text, '2031.yaml')).toThrow(message);
  });

  it('reject two files for the same year, so an admin notices the duplicate', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dondoc-holidays-'));
    try {
      await writeFile(path.join(dir, '2031.yaml'), valid);
      await writeFile(path.join(dir, '2031-bis.yaml'), valid);
      await expect(loadHolidayData(dir)).rejects.toThrow(/year 2031 is already given by/);
      await rm(path.join(dir, '2031-bis.yaml'));
      const c = await loadWorkingCalendar(dir);
      expect(c.reasonOff('2031-01-23')).toBe('Tết');
      expect(c.holidayYear(2032).status).toBe('derived');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
