import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { renderIcs } from '../activities/render/ics';
import { formatDateWithWeekdayVi, isIsoDate } from '../deadlines/dates';
import { AgencyResolver } from '../plan/agencies';
import { loadWorkingCalendar } from '../plan/holidays';
import { loadPlanFile } from '../plan/load';
import { reportCliError, UsageError } from './when';

import { calendarIcsEvents, planCalendar, ROLE_VI, type CalendarEntry } from '../services/agency-calendar';

// The schedule of due dates is shared with the web calendar feed.
export { calendarIcsEvents, planCalendar, type CalendarEntry, type CalendarRole } from '../services/agency-calendar';

function timeOf(iso: string): string {
  return `${formatDateWithWeekdayVi(iso.slice(0, 10))} ${iso.slice(11, 16)}`;
}

/** Vietnamese listing grouped by agency. */
export function formatCalendar(entries: CalendarEntry[]): string {
  if (entries.length === 0) return 'Không có hạn nào trong khoảng này.';
  const byAgency = new Map<string, CalendarEntry[]>();
  for (const e of entries) byAgency.set(e.agency, [...(byAgency.get(e.agency) ?? []), e]);
  const lines: string[] = [];
  for (const agency of [...byAgency.keys()].sort((a, b) => a.localeCompare(b, 'vi'))) {
    lines.push(agency);
    for (const e of byAgency.get(agency) ?? []) {
      const moved =
        e.due.nominal === e.due.effective ? '' : ` (theo văn bản ${formatDateWithWeekdayVi(e.due.nominal)})`;
      lines.push(`  ${formatDateWithWeekdayVi(e.due.effective)}${moved}: ${e.label} — ${ROLE_VI[e.role]} — ${e.title}`);
      if (e.reminders.length) lines.push(`      nhắc: ${e.reminders.map(timeOf).join('; ')}`);
    }
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}

interface CalendarOptions {
  from?: string;
  to?: string;
  agency?: string;
  json?: boolean;
  ics?: boolean;
  output?: string;
}

function checkDateOption(name: string, value: string | undefined): void {
  if (value !== undefined && !isIsoDate(value))
    throw new UsageError(`--${name} "${value}" không hợp lệ (expected a date YYYY-MM-DD)`);
}

/** Registers `dondoc calendar <plan.yaml> [--from D] [--to D] [--agency NAME] [--json | --ics] [-o FILE]`. */
export function registerCalendar(program: Command): void {
  program
    .command('calendar')
    .description('Lịch các hạn và lần nhắc của một kế hoạch, theo từng cơ quan (in ra, JSON hoặc iCalendar)')
    .argument('<plan>', 'tệp kế hoạch YAML')
    .option('--from <date>', 'từ ngày YYYY-MM-DD (mặc định: đầu kỳ kế hoạch)')
    .option('--to <date>', 'đến ngày YYYY-MM-DD (mặc định: cuối kỳ kế hoạch)')
    .option('--agency <name>', 'chỉ một cơ quan (tên, tên viết tắt hoặc tên cũ)')
    .option('--json', 'in danh sách dạng JSON')
    .option('--ics', 'xuất tệp iCalendar (.ics) để nhập vào lịch')
    .option('-o, --output <file>', 'ghi ra tệp thay vì in ra màn hình')
    .action(async (file: string, opts: CalendarOptions) => {
      try {
        if (opts.json && opts.ics) throw new UsageError('chọn một trong --json và --ics (choose one of --json, --ics)');
        checkDateOption('from', opts.from);
        checkDateOption('to', opts.to);
        const { plan, directory } = await loadPlanFile(file);
        const from = opts.from ?? plan.period.from;
        const to = opts.to ?? plan.period.to;
        if (from > to) throw new UsageError(`--from ${from} sau --to ${to} (reversed range)`);
        let entries = planCalendar(plan, directory, await loadWorkingCalendar());
        entries = entries.filter((e) => e.due.effective >= from && e.due.effective <= to);
        if (opts.agency) {
          const resolver = new AgencyResolver(directory);
          const r = resolver.resolve(opts.agency);
          const wanted = r.agency ? [r.agency.name] : (r.members ?? []).map((a) => a.name);
          if (wanted.length === 0) {
            const hint = r.suggestions.length ? ` Có phải: ${r.suggestions.join(', ')}?` : '';
            throw new UsageError(
              `--agency "${opts.agency}": không có cơ quan này trong danh bạ (unknown agency).${hint}`,
            );
          }
          entries = entries.filter((e) => wanted.includes(e.agency));
        }
        const out = opts.ics
          ? renderIcs(calendarIcsEvents(entries), {
              name: `${plan.number ?? plan.id} — ${plan.title}`,
              timezone: plan.timezone,
              // DTSTAMP = when this export was made, so calendars that re-import it keep the newer copy.
              stamp: new Date().toISOString(),
            })
          : opts.json
            ? `${JSON.stringify(entries, null, 2)}\n`
            : `${formatCalendar(entries)}\n`;
        if (opts.output) await writeFile(opts.output, out, 'utf8');
        else process.stdout.write(out);
      } catch (err) {
        reportCliError(err);
      }
    });
}
