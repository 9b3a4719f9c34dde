import { DateTime } from 'luxon';
import type { Subject, SummaryPeriod } from '../activities/types';
import type { Deadline, Plan, ReminderPolicy, Task } from '../plan/schema';
import type { WorkingCalendar } from './calendar';
import { addDays, daysBetween, isIsoDate, isoDate } from './dates';
import { expandRule } from './expand';
import { describeReportKind, describeRule, parseReportKind } from './expression';
import type { DueDate, Occurrence, Party, ScheduledStep } from './occurrence';
import type { ReportKind, Rule } from './rule';

/** A plan, subject or policy the schedule cannot be computed for (unknown task, bad zone or time). */
export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

/** One date a periodic report is due, with what it covers; shared by task occurrences and summaries. */
interface ReportDate {
  id: string;
  label: string;
  reportKind: ReportKind;
  source: string;
  nominal: string;
  window: { from: string; to: string };
}

const ROMAN = ['I', 'II', 'III', 'IV'];

function reportKindOf(deadline: Deadline): ReportKind {
  if (deadline.reportKind) return deadline.reportKind;
  const named = parseReportKind(deadline.text);
  if (named) return named;
  if (deadline.rule.type === 'every')
    return ({ month: 'monthly', quarter: 'quarterly', year: 'annual' } as const)[deadline.rule.unit];
  return 'annual';
}

/** The 14th of `month` (1-based, may run past 12 or below 1) as a date. */
function fourteenth(year: number, month: number): string {
  const y = year + Math.floor((month - 1) / 12);
  const m = ((((month - 1) % 12) + 12) % 12) + 1;
  return isoDate(y, m, 14);
}

/**
 * What a report due on `due` covers (Nghị định 09/2019/NĐ-CP: windows run from the 15th to the 14th).
 * Monthly and quarterly reports cover the last window that closed on or before the due date; 6-month, annual
 * and 5-year reports cover the window whose end is nearest the due date, since plans often ask for them early
 * (e.g. "trước ngày 15/11 đối với báo cáo năm").
 */
function reportWindow(
  kind: ReportKind,
  due: string,
): { key: string; label: string; window: { from: string; to: string } } {
  const year = Number(due.slice(0, 4));
  const nearest = (month: number): number => {
    const candidates = [year - 1, year, year + 1];
    return candidates.reduce((best, y) =>
      Math.abs(daysBetween(due, isoDate(y, month, 14))) < Math.abs(daysBetween(due, isoDate(best, month, 14)))
        ? y
        : best,
    );
  };
  switch (kind) {
    case 'monthly':
    case 'quarterly': {
      const step = kind === 'monthly' ? 1 : 3;
      // Window ends: the 14th of every month, or of every quarter's last month (3, 6, 9, 12).
      let month = Number(due.slice(5, 7));
      if (kind === 'quarterly') month = Math.ceil(month / 3) * 3;
      let end = fourteenth(year, month);
      while (end > due) {
        month -= step;
        end = fourteenth(year, month);
      }
      const endYear = Number(end.slice(0, 4));
      const endMonth = Number(end.slice(5, 7));
      const from = addDays(fourteenth(endYear, endMonth - step), 1);
      if (kind === 'monthly') {
        const mm = String(endMonth).padStart(2, '0');
        return {
          key: `${endYear}-m${mm}`,
          label: `Báo cáo tháng ${endMonth} năm ${endYear}`,
          window: { from, to: end },
        };
      }
      const q = endMonth / 3;
      return {
        key: `${endYear}-q${q}`,
        label: `Báo cáo quý ${ROMAN[q - 1]} năm ${endYear}`,
        window: { from, to: end },
      };
    }
    case 'six-month': {
      const y = nearest(6);
      return {
        key: `${y}-six-month`,
        label: `Báo cáo 6 tháng năm ${y}`,
        window: { from: isoDate(y - 1, 12, 15), to: isoDate(y, 6, 14) },
      };
    }
    case 'annual':
    case 'ad-hoc': {
      const y = nearest(12);
      return {
        key: `${y}-${kind}`,
        label: kind === 'annual' ? `Báo cáo năm ${y}` : `${describeReportKind(kind)} năm ${y}`,
        window: { from: isoDate(y - 1, 12, 15), to: isoDate(y, 12, 14) },
      };
    }
    case 'five-year': {
      const y = nearest(12);
      return {
        key: `${y}-five-year`,
        label: `Báo cáo tổng kết 5 năm ${y - 4} - ${y}`,
        window: { from: isoDate(y - 5, 12, 15), to: isoDate(y, 12, 14) },
      };
    }
  }
}

/** Every periodic-report date of the plan in its period, with stable ids (`2025-six-month`, `2025-q1`, `2025-m05`). */
function reportDates(plan: Plan): ReportDate[] {
  const out: ReportDate[] = [];
  const used = new Set<string>();
  for (const deadline of plan.deadlines) {
    if (deadline.kind !== 'periodic-report') continue;
    const kind = reportKindOf(deadline);
    for (const nominal of expandRule(deadline.rule, plan.period)) {
      const { key, label, window } = reportWindow(kind, nominal);
      let id = key;
      for (let n = 2; used.has(id); n++) id = `${key}-${n}`;
      used.add(id);
      out.push({ id, label, reportKind: kind, source: deadline.id, nominal, window });
    }
  }
  return out;
}

/** What one completion date of a recurring timeframe is called: its id and the span it closes. */
function completionSpan(rule: Rule, nominal: string, recurring: boolean): { id: string; span: string } {
  const year = Number(nominal.slice(0, 4));
  const month = Number(nominal.slice(5, 7));
  if (!recurring) return { id: 'completion', span: describeRule(rule) };
  if (rule.type === 'every' && rule.unit === 'quarter') {
    const quarter = Math.ceil(month / 3);
    return { id: `${year}-q${quarter}-completion`, span: describeRule({ type: 'quarter', year, quarter }) };
  }
  if (rule.type === 'every' && rule.unit === 'month') {
    const mm = String(month).padStart(2, '0');
    return { id: `${year}-m${mm}-completion`, span: describeRule({ type: 'month', year, month }) };
  }
  if (rule.type === 'annual') return { id: `${year}-completion`, span: describeRule({ type: 'date', date: nominal }) };
  return { id: `${year}-completion`, span: describeRule({ type: 'year', year }) };
}

/** Parsed `sendAt` ("HH:mm") of the policy. */
function sendTime(policy: ReminderPolicy): { hour: number; minute: number } {
  const [hour, minute] = policy.sendAt.split(':').map(Number);
  if (!(hour >= 0 && hour < 24 && minute >= 0 && minute < 60)) {
    throw new ScheduleError(`policy.sendAt: giờ gửi "${policy.sendAt}" không hợp lệ (expected HH:mm, 00:00–23:59)`);
  }
  return { hour, minute };
}

/** Builds instants in the plan's zone, ISO with the zone's offset (e.g. `2025-11-17T08:00:00.000+07:00`). */
class ZonedInstants {
  private readonly time: { hour: number; minute: number };
  constructor(
    private readonly zone: string,
    policy: ReminderPolicy,
  ) {
    if (!DateTime.fromISO('2025-01-01', { zone }).isValid) {
      throw new ScheduleError(
        `timezone: múi giờ "${zone}" không hợp lệ (expected an IANA zone such as Asia/Ho_Chi_Minh)`,
      );
    }
    this.time = sendTime(policy);
  }

  /** The instant the day ends (its last millisecond) in the plan's zone. */
  endOfDay(date: string): string {
    return zonedIso(this.zone, date, 23, 59, 59, 999);
  }

  /** The policy's send time on `date` in the plan's zone. */
  sendAt(date: string): string {
    return zonedIso(this.zone, date, this.time.hour, this.time.minute, 0, 0);
  }
}

/** Luxon is slow to parse and format (tens of µs); the same local times recur across tasks, so remember them. */
const zonedCache = new Map<string, string>();
const ZONED_CACHE_LIMIT = 50_000;

function zonedIso(
  zone: string,
  date: string,
  hour: number,
  minute: number,
  second: number,
  millisecond: number,
): string {
  const key = `${zone} ${date} ${hour}:${minute}:${second}.${millisecond}`;
  let iso = zonedCache.get(key);
  if (iso === undefined) {
    const [year, month, day] = date.split('-').map(Number);
    iso = DateTime.fromObject({ year, month, day, hour, minute, second, millisecond }, { zone }).toISO() as string;
    if (zonedCache.size >= ZONED_CACHE_LIMIT) zonedCache.clear();
    zonedCache.set(key, iso);
  }
  return iso;
}

function dueDate(nominal: string, effective: string, clock: ZonedInstants): DueDate {
  return { nominal, effective, at: clock.endOfDay(effective) };
}

/** Reminders, overdue notices and escalations of one party, relative to its effective due date. */
function partySteps(
  party: Party,
  due: DueDate,
  policy: ReminderPolicy,
  calendar: WorkingCalendar,
  clock: ZonedInstants,
): ScheduledStep[] {
  const steps: ScheduledStep[] = [];
  const reminderDays = [...new Set(policy.remindDaysBefore)].sort((a, b) => b - a);
  const reminderDates = new Set<string>();
  for (const days of reminderDays) {
    const nominal = addDays(due.effective, -days);
    reminderDates.add(calendar.isWorkingDay(nominal) ? nominal : calendar.previousWorkingDay(nominal));
  }
  [...reminderDates]
    .sort()
    .forEach((date, i) => steps.push({ at: clock.sendAt(date), kind: 'reminder', party, n: i + 1 }));
  let overdue = calendar.addWorkingDays(due.effective, policy.overdueAfterWorkingDays);
  for (let n = 1; n <= policy.maxOverdueNotices; n++) {
    steps.push({ at: clock.sendAt(overdue), kind: 'overdue', party, n });
    overdue = calendar.addWorkingDays(overdue, policy.overdueEveryWorkingDays);
  }
  [...new Set(policy.escalateAfterWorkingDays)]
    .sort((a, b) => a - b)
    .forEach((days, i) => {
      steps.push({
        at: clock.sendAt(calendar.addWorkingDays(due.effective, days)),
        kind: 'escalation',
        party,
        n: i + 1,
      });
    });
  return steps;
}

const KIND_ORDER: Record<ScheduledStep['kind'], number> = { reminder: 0, overdue: 1, escalation: 2 };
const PARTY_ORDER: Record<Party, number> = { coordinators: 0, lead: 1 };

function byTime(a: ScheduledStep, b: ScheduledStep): number {
  if (a.at !== b.at) return Date.parse(a.at) - Date.parse(b.at);
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || PARTY_ORDER[a.party] - PARTY_ORDER[b.party] || a.n - b.n;
}

/** Due dates per level and the steps for an occurrence whose lead owes on `nominal`. */
function dues(
  nominal: string,
  levels: { coordinators: boolean; focal: boolean },
  plan: Plan,
  calendar: WorkingCalendar,
  clock: ZonedInstants,
): Pick<Occurrence, 'due' | 'steps'> {
  const policy = plan.policy;
  const leadEffective = calendar.shiftDue(nominal, policy.dueDateShift);
  const lead = dueDate(nominal, leadEffective, clock);
  const due: Occurrence['due'] = { lead };
  const steps: ScheduledStep[] = [];
  if (levels.coordinators) {
    const date = calendar.addWorkingDays(leadEffective, -policy.coordinatorLeadWorkingDays);
    due.coordinators = dueDate(date, date, clock);
    steps.push(...partySteps('coordinators', due.coordinators, policy, calendar, clock));
  }
  if (levels.focal) {
    const date = calendar.addWorkingDays(leadEffective, policy.focalLeadWorkingDays);
    due.focal = dueDate(date, date, clock);
  }
  steps.push(...partySteps('lead', lead, policy, calendar, clock));
  return { due, steps: steps.sort(byTime) };
}

function findTask(plan: Plan, taskId: string): Task {
  const task = plan.tasks.find((t) => t.id === taskId);
  if (!task) throw new ScheduleError(`Kế hoạch ${plan.id} không có nhiệm vụ "${taskId}" (unknown task id)`);
  return task;
}

function findDeliverable(plan: Plan, deadlineId: string): Deadline {
  const deadline = plan.deadlines.find((d) => d.id === deadlineId);
  if (!deadline || deadline.kind !== 'deliverable') {
    throw new ScheduleError(
      `Kế hoạch ${plan.id} không có hạn nộp "${deadlineId}" loại deliverable (unknown deliverable)`,
    );
  }
  return deadline;
}

function compareOccurrences(a: Occurrence, b: Occurrence): number {
  const ka = `${a.due.lead.effective} ${a.due.lead.nominal} ${a.id}`;
  const kb = `${b.due.lead.effective} ${b.due.lead.nominal} ${b.id}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * The occurrences a subject owes in the plan's period, sorted by the lead's due date.
 * Task: one report per periodic-report date (ids `2025-six-month`, `2025-annual`, `2025-q1`, `2025-m05`) and the
 * completion(s) of its timeframe (`completion`, or `2025-completion` / `2025-q1-completion` / `2025-m05-completion`
 * when the timeframe recurs; none for ongoing and on-request). Deliverable: one per date (`deliverable-2019-04-10`).
 * Lead due = the plan's date moved per `policy.dueDateShift`; coordinators owe `coordinatorLeadWorkingDays` working
 * days earlier (only tasks with coordinators); the focal agency's own due is `focalLeadWorkingDays` working days later.
 * Instants (`at`) are ISO with the plan zone's offset: due = the last millisecond of the effective day, steps at `sendAt`.
 * `fromDate` drops occurrences whose effective lead due is before it.
 */
export function buildOccurrences(
  plan: Plan,
  subject: Subject,
  calendar: WorkingCalendar,
  opts: { fromDate?: string } = {},
): Occurrence[] {
  const clock = new ZonedInstants(plan.timezone, plan.policy);
  const out: Occurrence[] = [];
  if (subject.type === 'task') {
    const task = findTask(plan, subject.taskId);
    const levels = { coordinators: task.coordinators.length > 0, focal: true };
    for (const r of reportDates(plan)) {
      out.push({
        id: r.id,
        kind: 'report',
        reportKind: r.reportKind,
        label: r.label,
        source: r.source,
        window: r.window,
        ...dues(r.nominal, levels, plan, calendar, clock),
      });
    }
    const rule = task.timeframe.rule;
    const dates = expandRule(rule, plan.period);
    const recurring = rule.type === 'every' || rule.type === 'annual';
    for (const nominal of dates) {
      const { id, span } = completionSpan(rule, nominal, recurring);
      out.push({
        id,
        kind: 'completion',
        label: `Hoàn thành nhiệm vụ (${span})`,
        source: 'timeframe',
        ...dues(nominal, levels, plan, calendar, clock),
      });
    }
  } else {
    const deadline = findDeliverable(plan, subject.deadlineId);
    for (const nominal of expandRule(deadline.rule, plan.period)) {
      out.push({
        id: `deliverable-${nominal}`,
        kind: 'deliverable',
        label: `${deadline.subject} (${describeRule({ type: 'date', date: nominal })})`,
        source: deadline.id,
        ...dues(nominal, { coordinators: false, focal: false }, plan, calendar, clock),
      });
    }
  }
  const from = opts.fromDate;
  return out.filter((o) => from === undefined || o.due.lead.effective >= from).sort(compareOccurrences);
}

/** One summary per periodic-report date: same id as the tasks' occurrences, sent `summaryAfterWorkingDays` after the lead due. */
export function summaryPeriods(plan: Plan, calendar: WorkingCalendar): SummaryPeriod[] {
  const clock = new ZonedInstants(plan.timezone, plan.policy);
  return reportDates(plan)
    .map((r) => {
      const leadDue = calendar.shiftDue(r.nominal, plan.policy.dueDateShift);
      return {
        id: r.id,
        label: r.label,
        at: clock.sendAt(calendar.addWorkingDays(leadDue, plan.policy.summaryAfterWorkingDays)),
      };
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.id < b.id ? -1 : 1));
}

/**
 * The occurrence with the lead's due date moved to `leadDue` (gia hạn; moved per `dueDateShift` like any due date):
 * coordinators' and focal due dates and every step are recomputed. Steps already past are the workflow's concern.
 */
export function rescheduleOccurrence(
  plan: Plan,
  occurrence: Occurrence,
  leadDue: string,
  calendar: WorkingCalendar,
): Occurrence {
  if (!isIsoDate(leadDue)) throw new ScheduleError(`Hạn mới "${leadDue}" không hợp lệ (expected a date YYYY-MM-DD)`);
  const clock = new ZonedInstants(plan.timezone, plan.policy);
  const levels = { coordinators: occurrence.due.coordinators !== undefined, focal: occurrence.due.focal !== undefined };
  return { ...occurrence, ...dues(leadDue, levels, plan, calendar, clock) };
}
