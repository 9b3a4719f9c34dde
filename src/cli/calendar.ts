import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { renderIcs, icsUid, type IcsEvent } from '../activities/render/ics';
import type { Subject } from '../activities/types';
import type { WorkingCalendar } from '../deadlines/calendar';
import { formatDateWithWeekdayVi, isIsoDate } from '../deadlines/dates';
import type { DueDate, Occurrence, Party } from '../deadlines/occurrence';
import { buildOccurrences } from '../deadlines/schedule';
import { AgencyResolver } from '../plan/agencies';
import { loadWorkingCalendar } from '../plan/holidays';
import { loadPlanFile } from '../plan/load';
import type { Directory, Plan } from '../plan/schema';
import { reportCliError, UsageError } from './when';

/** An agency's part in an occurrence: lead or coordinator of a task, owing a deliverable, or compiling as focal agency. */
export type CalendarRole = Party | 'deliverable' | 'focal';

/** One due date of one agency, with the reminders it gets. */
export interface CalendarEntry {
  agency: string;
  role: CalendarRole;
  planId: string;
  subject: Subject;
  /** Task title or deliverable subject. */
  title: string;
  occurrenceId: string;
  label: string;
  due: DueDate;
  /** ISO instants of the reminders before this due date. */
  reminders: string[];
}

const ROLE_VI: Record<CalendarRole, string> = {
  lead: 'chủ trì',
  coordinators: 'phối hợp',
  deliverable: 'phải nộp',
  focal: 'đầu mối tổng hợp',
};

/** Canonical agency names a plan name stands for: itself, or a group's members from the directory. */
function namesFor(resolver: AgencyResolver, name: string): string[] {
  const r = resolver.resolve(name);
  if (r.agency) return [r.agency.name];
  if (r.members && r.members.length) return r.members.map((a) => a.name);
  return [name];
}

function remindersOf(occurrence: Occurrence, party: Party): string[] {
  return occurrence.steps.filter((s) => s.kind === 'reminder' && s.party === party).map((s) => s.at);
}

/** Every due date of every agency of the plan, with its reminders, sorted by date then agency. */
export function planCalendar(plan: Plan, directory: Directory, calendar: WorkingCalendar): CalendarEntry[] {
  const resolver = new AgencyResolver(directory);
  const entries: CalendarEntry[] = [];
  const focalSeen = new Set<string>();
  const withTasks = new Set<string>();
  for (const task of plan.tasks) {
    const subject: Subject = { type: 'task', taskId: task.id };
    const leads = [...new Set(task.lead.flatMap((n) => namesFor(resolver, n)))];
    const coordinators = [...new Set(task.coordinators.flatMap((n) => namesFor(resolver, n)))].filter(
      (n) => !leads.includes(n),
    );
    [...leads, ...coordinators].forEach((n) => withTasks.add(n));
    const title = `Nhiệm vụ ${task.id}: ${task.title}`;
    for (const occ of buildOccurrences(plan, subject, calendar)) {
      const base = { planId: plan.id, subject, title, occurrenceId: occ.id, label: occ.label };
      for (const agency of leads)
        entries.push({ ...base, agency, role: 'lead', due: occ.due.lead, reminders: remindersOf(occ, 'lead') });
      if (occ.due.coordinators) {
        for (const agency of coordinators) {
          entries.push({
            ...base,
            agency,
            role: 'coordinators',
            due: occ.due.coordinators,
            reminders: remindersOf(occ, 'coordinators'),
          });
        }
      }
      if (occ.kind === 'report' && occ.due.focal && !focalSeen.has(occ.id)) {
        focalSeen.add(occ.id);
        entries.push({
          ...base,
          subject: { type: 'task', taskId: '*' },
          title: `Tổng hợp báo cáo gửi ${plan.reportsTo}`,
          agency: namesFor(resolver, plan.focalAgency)[0],
          role: 'focal',
          due: occ.due.focal,
          reminders: [],
        });
      }
    }
  }
  for (const deadline of plan.deadlines) {
    if (deadline.kind !== 'deliverable') continue;
    const subject: Subject = { type: 'deliverable', deadlineId: deadline.id };
    const owing =
      deadline.owedBy === 'all' ? [...withTasks] : [...new Set(deadline.owedBy.flatMap((n) => namesFor(resolver, n)))];
    for (const occ of buildOccurrences(plan, subject, calendar)) {
      for (const agency of owing) {
        entries.push({
          planId: plan.id,
          subject,
          title: deadline.subject,
          occurrenceId: occ.id,
          label: occ.label,
          agency,
          role: 'deliverable',
          due: occ.due.lead,
          reminders: remindersOf(occ, 'lead'),
        });
      }
    }
  }
  const key = (e: CalendarEntry): string => `${e.due.effective}\u0000${e.agency}\u0000${e.label}\u0000${e.title}`;
  return entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function subjectKey(subject: Subject): string {
  return subject.type === 'task' ? `task-${subject.taskId}` : `deliverable-${subject.deadlineId}`;
}

/** One VEVENT per entry, with its reminders as alarms at their exact instants. */
export function calendarIcsEvents(entries: CalendarEntry[]): IcsEvent[] {
  return entries.map((e) => ({
    uid: icsUid(e.planId, subjectKey(e.subject), e.occurrenceId, e.role, e.agency),
    summary: `Hạn: ${e.label} (${ROLE_VI[e.role]})`,
    description: [
      `Cơ quan: ${e.agency} (${ROLE_VI[e.role]})`,
      e.title,
      e.due.nominal === e.due.effective
        ? `Hạn: ${formatDateWithWeekdayVi(e.due.effective)}`
        : `Hạn: ${formatDateWithWeekdayVi(e.due.effective)} (theo văn bản: ${formatDateWithWeekdayVi(e.due.nominal)})`,
    ].join('\n'),
    date: e.due.effective,
    alarms: e.reminders.map((at) => ({ at, description: `Nhắc hạn: ${e.label}` })),
  }));
}

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
