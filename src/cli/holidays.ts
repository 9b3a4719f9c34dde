import type { Command } from 'commander';
import { DEFAULT_HOLIDAY_DIR } from '../plan/holidays';
import { checkHolidays, formatHolidayCheck, generateHolidays } from '../services/holidays-dataset';
import { registerHolidaysApply } from './holidays-apply';

function parseYears(text: string, previous: number[] = []): number[] {
  const m = /^(\d{4})(?:\.\.(\d{4}))?$/.exec(text.trim());
  if (!m || Number(m[2] ?? m[1]) < Number(m[1])) {
    throw new Error(`--year "${text}" không hợp lệ: cần một năm (2028) hoặc khoảng năm (2028..2030)`);
  }
  const out = [...previous];
  for (let y = Number(m[1]); y <= Number(m[2] ?? m[1]); y++) out.push(y);
  return out;
}

function fail(err: unknown): void {
  console.error(`dondoc: ${(err as Error).message}`);
  process.exitCode = 2;
}

/** `dondoc holidays`: the holiday files against the pinned dataset (check, generate). */
export function registerHolidays(program: Command): void {
  const holidays = program
    .command('holidays')
    .description('Lịch nghỉ lễ, Tết (plans/holidays): đối chiếu với bộ dữ liệu python-holidays, sinh lại tệp');

  holidays
    .command('check')
    .description(
      'So các tệp plans/holidays với bộ dữ liệu đã ghim (các năm có lịch chính thức); có khác biệt thì mã thoát 1',
    )
    .option('--dir <dir>', 'thư mục lịch nghỉ', DEFAULT_HOLIDAY_DIR)
    .option('--derived', 'liệt kê cả khác biệt ở các năm tính theo luật (không tính là lỗi)')
    .option('--json', 'in kết quả dạng JSON')
    .action(async (opts: { dir: string; derived?: boolean; json?: boolean }) => {
      try {
        const check = await checkHolidays(opts.dir);
        console.log(opts.json ? JSON.stringify(check, null, 2) : formatHolidayCheck(check, opts));
        process.exitCode = check.differences.length ? 1 : 0;
      } catch (err) {
        fail(err);
      }
    });

  holidays
    .command('generate')
    .description(
      'Sinh lại tệp các năm có lịch chính thức từ bộ dữ liệu đã ghim (giữ status, nguồn, tên ngày; áp overrides.yaml)',
    )
    .option('--dir <dir>', 'thư mục lịch nghỉ', DEFAULT_HOLIDAY_DIR)
    .option('--derived', 'sinh lại cả các năm tính theo luật, theo quy tắc dự kiến của bộ dữ liệu')
    .option(
      '--year <years>',
      'thêm (hoặc sinh lại) năm này, vd. 2028 hoặc 2028..2030; tệp mới là lịch chính thức',
      parseYears,
    )
    .action(async (opts: { dir: string; derived?: boolean; year?: number[] }) => {
      try {
        const result = await generateHolidays({ dir: opts.dir, derived: opts.derived, years: opts.year });
        for (const f of result.written) console.log(`Đã ghi ${f}`);
        if (result.unchanged.length) console.log(`Không đổi: ${result.unchanged.length} tệp`);
        if (result.version) console.log(`Theo python-holidays ${result.version}.`);
      } catch (err) {
        fail(err);
      }
    });

  // Running tasks take the holiday files as they are now (issue 13 §3).
  registerHolidaysApply(holidays);
}
