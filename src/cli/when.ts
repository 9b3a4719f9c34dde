import type { Command } from 'commander';
import { DateTime } from 'luxon';
import type { WorkingCalendar } from '../deadlines/calendar';
import { formatDateVi, formatDateWithWeekdayVi, isIsoDate } from '../deadlines/dates';
import { checkPeriod, expandRule, type DatePeriod } from '../deadlines/expand';
import { describeRule, parseExpression } from '../deadlines/expression';
import { loadWorkingCalendar } from '../plan/holidays';

const DEFAULT_ZONE = 'Asia/Ho_Chi_Minh';

/** Bad input from the command line: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Prints the message of a known error and sets the exit code (2 for bad input, 1 otherwise). */
export function reportCliError(err: unknown): void {
  const known = [
    'UsageError',
    'ExpressionError',
    'PeriodError',
    'PlanError',
    'HolidayDataError',
    'CalendarError',
    'ScheduleError',
  ];
  const e = err as Error;
  if (!known.includes(e?.name)) throw err;
  console.error(`dondoc: ${e.message}`);
  process.exitCode = e.name === 'CalendarError' ? 1 : 2;
}

/**
 * Reads `--period`: `2025-01-01..2025-12-31`, a year `2025`, or years `2022..2030`.
 * Without it, the current year in Vietnam (the CLI may read the clock; the deadline module never does).
 */
export function parsePeriodOption(text: string | undefined): DatePeriod {
  if (text === undefined) {
    const year = DateTime.now().setZone(DEFAULT_ZONE).year;
    return { from: `${year}-01-01`, to: `${year}-12-31` };
  }
  const [a, b, ...rest] = text.trim().split('..');
  const from = /^\d{4}$/.test(a ?? '') ? `${a}-01-01` : a;
  const toText = b ?? a;
  const to = /^\d{4}$/.test(toText ?? '') ? `${toText}-12-31` : toText;
  if (rest.length || !from || !to || !isIsoDate(from) || !isIsoDate(to)) {
    throw new UsageError(
      `--period "${text}" không hợp lệ: cần dạng 2025-01-01..2025-12-31, 2025 hoặc 2022..2030 ` +
        '(expected FROM..TO as YYYY-MM-DD..YYYY-MM-DD, a year, or YEAR..YEAR)',
    );
  }
  const period = { from, to };
  checkPeriod(period);
  return period;
}

/** One due date of `dondoc when`, as the plan says it and as it falls on a working day. */
export interface WhenDue {
  nominal: string;
  effective: string;
  /** Why the nominal date is not a working day, when it moved. */
  reason?: string;
}

/** What `dondoc when --json` prints. */
export interface WhenResult {
  text: string;
  kind: string;
  description: string;
  rule: ReturnType<typeof parseExpression>;
  period: DatePeriod;
  /** Nominal due dates in the period. */
  dates: string[];
  due: WhenDue[];
}

/** Parses and expands an expression, moving each date to the next working day as due dates move by default. */
export function when(text: string, period: DatePeriod, calendar: WorkingCalendar): WhenResult {
  const rule = parseExpression(text);
  const dates = expandRule(rule, period);
  const due = dates.map((nominal) => {
    const effective = calendar.shiftDue(nominal, 'next-working-day');
    return effective === nominal ? { nominal, effective } : { nominal, effective, reason: calendar.reasonOff(nominal) };
  });
  return { text, kind: rule.type, description: describeRule(rule), rule, period, dates, due };
}

/** Vietnamese lines for people. */
export function formatWhen(result: WhenResult): string {
  const lines = [
    `Biểu thức: ${result.text.normalize('NFC')}`,
    `Quy tắc:   ${result.description} (${result.kind})`,
    `Khoảng:    ${formatDateVi(result.period.from)} – ${formatDateVi(result.period.to)}`,
  ];
  if (result.kind === 'ongoing') lines.push('Không có hạn riêng: áp dụng các kỳ báo cáo định kỳ của kế hoạch.');
  else if (result.kind === 'on-request') lines.push('Không có hạn định trước: hạn do yêu cầu đột xuất quy định.');
  else if (result.due.length === 0) lines.push('Không có hạn nào trong khoảng này.');
  else {
    lines.push(`Hạn (${result.due.length}):`);
    for (const d of result.due) {
      const nominal = formatDateWithWeekdayVi(d.nominal);
      lines.push(
        d.effective === d.nominal
          ? `  ${nominal}`
          : `  ${nominal} → ${formatDateWithWeekdayVi(d.effective)} (${d.reason ?? 'ngày nghỉ'}: lùi sang ngày làm việc kế tiếp)`,
      );
    }
  }
  return lines.join('\n');
}

/** Registers `dondoc when "<expression>" [--period …] [--json]`. */
export function registerWhen(program: Command): void {
  program
    .command('when')
    .description('Đọc một biểu thức thời gian và liệt kê các hạn trong khoảng thời gian (mặc định: năm nay)')
    .argument('<expression>', 'ví dụ: "trước ngày 15/11 hằng năm", "quý I/2025", "Giai đoạn 2024 - 2025"')
    .option('--period <from..to>', 'khoảng thời gian, ví dụ 2025-01-01..2025-12-31, 2025 hoặc 2022..2030')
    .option('--json', 'in kết quả dạng JSON')
    .action(async (expression: string, opts: { period?: string; json?: boolean }) => {
      try {
        const period = parsePeriodOption(opts.period);
        parseExpression(expression); // fail on a bad expression before reading holiday files
        const result = when(expression, period, await loadWorkingCalendar());
        console.log(opts.json ? JSON.stringify(result, null, 2) : formatWhen(result));
      } catch (err) {
        reportCliError(err);
      }
    });
}
