import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Client } from '@temporalio/client';
import { icsUid, renderIcs, type IcsEvent } from '../activities/render/ics';
import type { Subject } from '../activities/types';
import type { WorkingCalendar } from '../deadlines/calendar';
import { formatDateWithWeekdayVi } from '../deadlines/dates';
import type { DueDate, Occurrence, Party } from '../deadlines/occurrence';
import { buildOccurrences } from '../deadlines/schedule';
import { AgencyResolver } from '../plan/agencies';
import { loadWorkingCalendar } from '../plan/holidays';
import type { LoadedPlan } from '../plan/load';
import type { Directory, Plan } from '../plan/schema';
import { subjectWorkflowId, type SubjectView } from '../workflows/contract';
import { agencyKey } from '../workflows/subject-state';
import { querySubject } from './subject-updates';

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

/** How each part is named in Vietnamese. */
export const ROLE_VI: Record<CalendarRole, string> = {
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

/** How often subscribed calendars fetch the feed again (REFRESH-INTERVAL and X-PUBLISHED-TTL). */
export const FEED_REFRESH = 'PT6H';

/** Subject queries in flight at once for one feed. */
const QUERY_CONCURRENCY = 8;

/** What the feed needs: the workflows (for the current state) and the plans. */
export interface AgencyCalendarDeps {
  temporal: Client;
  plans: () => Promise<LoadedPlan[]>;
  /** The working calendar of the plans' schedules; defaults to the holiday files beside the plans (or the shipped ones). */
  calendar?: WorkingCalendar;
}

function holidaysBeside(plans: LoadedPlan[]): string | undefined {
  const dir = plans[0] ? join(dirname(plans[0].file), 'holidays') : undefined;
  return dir && existsSync(dir) ? dir : undefined;
}

function outcomeVi(outcome: string | undefined): string {
  if (outcome === 'on-time') return 'đúng hạn';
  if (outcome === 'late') return 'trễ hạn';
  if (outcome === 'missing') return 'chưa báo cáo';
  return 'không rõ';
}

function dueText(due: DueDate): string {
  return due.nominal === due.effective
    ? `Hạn: ${formatDateWithWeekdayVi(due.effective)}`
    : `Hạn: ${formatDateWithWeekdayVi(due.effective)} (theo văn bản: ${formatDateWithWeekdayVi(due.nominal)})`;
}

/** An entry's event as of the workflow's state: its due date moved by an extension, marked once sent or closed. */
function currentEvent(entry: CalendarEntry, event: IcsEvent, view: SubjectView | undefined): IcsEvent | undefined {
  if (!view || entry.role === 'focal') return event;
  if (view.cancelled) return undefined;
  if (view.notFollowed?.some((n) => n.id === entry.occurrenceId)) return undefined;
  const closed = view.closed.find((c) => c.id === entry.occurrenceId);
  if (closed) {
    const outcome = Object.entries(closed.outcomes).find(([name]) => agencyKey(name) === agencyKey(entry.agency))?.[1];
    return {
      ...event,
      summary: `[Đã đóng] ${event.summary}`,
      description: `${event.description ?? ''}\nKỳ báo cáo đã đóng; kết quả của cơ quan: ${outcomeVi(outcome)}.`,
      alarms: [],
    };
  }
  const open = view.open?.find((o) => o.id === entry.occurrenceId);
  if (!open) return event;
  const due = (entry.role === 'coordinators' ? open.due.coordinators : undefined) ?? open.due.lead;
  const lines = [`Cơ quan: ${entry.agency} (${ROLE_VI[entry.role]})`, entry.title, dueText(due)];
  let summary = event.summary;
  let alarms = event.alarms;
  const extension = open.extensions.at(-1);
  if (due.effective !== entry.due.effective || extension) {
    summary = `${summary} – gia hạn`;
    if (extension)
      lines.push(`Được gia hạn đến ${formatDateWithWeekdayVi(extension.to.effective)}: ${extension.reason}`);
    // The reminders moved with the due date; the day before it is the one sure to stay.
    alarms = [{ before: 1, description: `Ngày mai hết hạn: ${entry.label}` }];
  }
  const sent = Object.entries(open.reported).find(([name]) => agencyKey(name) === agencyKey(entry.agency))?.[1];
  if (sent) {
    summary = `[Đã gửi] ${summary}`;
    lines.push(`Đã gửi báo cáo (${sent.onTime ? 'đúng hạn' : 'trễ hạn'}), mã ${sent.reportId}.`);
    alarms = [];
  }
  return { ...event, summary, description: lines.join('\n'), date: due.effective, alarms };
}

/**
 * One agency's due dates across every plan, as calendar events that stay current: each plan's schedule (as
 * `dondoc calendar --ics` lists it), with the running workflows' state laid over it — extended due dates, reports
 * sent, closed periods marked, cancelled tasks dropped. UIDs are those of `dondoc calendar --ics`, so an imported
 * calendar and the feed name the same events.
 */
export async function agencyCalendarEvents(deps: AgencyCalendarDeps, agency: string): Promise<IcsEvent[]> {
  const plans = await deps.plans();
  const calendar = deps.calendar ?? (await loadWorkingCalendar(holidaysBeside(plans)));
  const events: IcsEvent[] = [];
  for (const { plan, directory } of plans) {
    const resolved = new AgencyResolver(directory).resolve(agency).agency?.name ?? agency;
    const entries = planCalendar(plan, directory, calendar).filter((e) => agencyKey(e.agency) === agencyKey(resolved));
    // One query per subject the agency has a part in, a few at a time (a busy agency has tens of tasks per plan).
    const subjects = [
      ...new Map(
        entries.filter((e) => e.role !== 'focal').map((e) => [subjectWorkflowId(plan.id, e.subject), e.subject]),
      ).keys(),
    ];
    const views = new Map<string, SubjectView | undefined>();
    const queue = [...subjects];
    await Promise.all(
      Array.from({ length: Math.min(QUERY_CONCURRENCY, queue.length) }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          // A plan not started (or a workflow gone) still has its schedule: that is shown.
          views.set(id, await querySubject(deps.temporal, id).catch(() => undefined));
        }
      }),
    );
    const base = calendarIcsEvents(entries);
    for (let i = 0; i < entries.length; i++) {
      const view = entries[i].role === 'focal' ? undefined : views.get(subjectWorkflowId(plan.id, entries[i].subject));
      const event = currentEvent(entries[i], base[i], view);
      if (event) events.push(event);
    }
  }
  return events;
}

/** The agency's feed as iCalendar text, with the refresh interval calendar apps honour. */
export async function agencyCalendarIcs(deps: AgencyCalendarDeps, agency: string, now = new Date()): Promise<string> {
  const events = await agencyCalendarEvents(deps, agency);
  const plans = await deps.plans();
  const ics = renderIcs(events, {
    name: `Hạn báo cáo – ${agency}`,
    timezone: plans[0]?.plan.timezone ?? 'Asia/Ho_Chi_Minh',
    // DTSTAMP = when this copy was made, so a subscribed calendar keeps the newer one.
    stamp: now.toISOString(),
  });
  // RFC 7986 REFRESH-INTERVAL and its older spelling X-PUBLISHED-TTL (Outlook), right after the calendar's header.
  return ics.replace(
    /^(BEGIN:VCALENDAR\r?\n)/,
    `$1REFRESH-INTERVAL;VALUE=DURATION:${FEED_REFRESH}\r\nX-PUBLISHED-TTL:${FEED_REFRESH}\r\n`,
  );
}
