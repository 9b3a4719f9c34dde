import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Store } from '../activities/storage/store';
import type { ExtensionRecord, Subject } from '../activities/types';
import type { WorkingCalendar } from '../deadlines/calendar';
import type { DueDate, Occurrence } from '../deadlines/occurrence';
import { buildOccurrences } from '../deadlines/schedule';
import { resolverFor } from '../plan/agencies';
import { loadWorkingCalendar } from '../plan/holidays';
import type { LoadedPlan } from '../plan/load';
import {
  planStateQuery,
  planWorkflowId,
  subjectStateQuery,
  subjectWorkflowId,
  type OpenOccurrenceView,
  type PlanView,
  type SubjectStatus,
  type SubjectView,
} from '../workflows/contract';
import { subjectTitle } from './plan-directory';

/** What the read services need: the same things the web app is built from. */
export interface ReadDeps {
  temporal: Client;
  store: Store;
  plans: () => Promise<LoadedPlan[]>;
  clock?: () => Date;
}

/**
 * How officers classify a task's period (Quyết định 42/2014/QĐ-TTg), plus the two dondoc adds. One word per value:
 * the pages, the API and the charts use these keys; `OFFICER_STATUS_VI` says them in Vietnamese.
 */
export type OfficerStatus =
  | 'overdue' /** past its due date, someone still owes: quá hạn chưa hoàn thành */
  | 'due-soon' /** not yet due, due within `DUE_SOON_DAYS`: sắp đến hạn */
  | 'in-progress' /** not yet due: đang thực hiện trong hạn */
  | 'late' /** every lead reported, one after its due date: hoàn thành quá hạn */
  | 'on-time' /** every lead reported by its due date: hoàn thành đúng hạn */
  | 'not-followed'; /** started after its dates, cancelled, without dates or not started: không theo dõi */

export const OFFICER_STATUSES: readonly OfficerStatus[] = [
  'overdue',
  'due-soon',
  'in-progress',
  'late',
  'on-time',
  'not-followed',
];

export const OFFICER_STATUS_VI: Record<OfficerStatus, string> = {
  overdue: 'quá hạn chưa hoàn thành',
  'due-soon': 'sắp đến hạn',
  'in-progress': 'đang thực hiện trong hạn',
  late: 'hoàn thành quá hạn',
  'on-time': 'hoàn thành đúng hạn',
  'not-followed': 'không theo dõi',
};

/** The workflow's own status in words (as `dondoc status` prints them). */
export const WORKFLOW_STATUS_VI: Record<SubjectStatus, string> = {
  active: 'đang theo dõi',
  overdue: 'quá hạn',
  paused: 'tạm dừng',
  completed: 'hoàn thành',
  'ended-missing': 'kết thúc, thiếu báo cáo',
  'not-followed': 'không theo dõi',
  cancelled: 'đã hủy',
};

/** "Sắp đến hạn": the first reminder's distance (7 days before, the plans' default). */
export const DUE_SOON_DAYS = 7;

/** Where an occurrence is in the workflow's life. */
export type OccurrencePhase = 'open' | 'upcoming' | 'closed' | 'not-followed';

/** One occurrence of one subject, as the dashboard shows it. */
export interface OccurrenceRow {
  id: string;
  label: string;
  phase: OccurrencePhase;
  status: OfficerStatus;
  /** The lead's due date as the plan set it (before any extension). */
  due?: DueDate;
  /** The latest extension's new lead due date (gia hạn), if any. */
  extendedTo?: DueDate;
  /** What the lead owes by now: the extended date when there is one. */
  leadDue?: DueDate;
  coordinatorsDue?: DueDate;
  focalDue?: DueDate;
  /** Agencies that still owe (open occurrences). */
  owing: string[];
  /** Agencies past their due date without a report (open occurrences). */
  overdue: string[];
  /** Reports received, by agency (open occurrences: from the workflow; closed: the outcomes). */
  reported: { agency: string; at?: string; onTime: boolean }[];
  /** Outcomes of a closed occurrence. */
  outcomes?: Record<string, 'on-time' | 'late' | 'missing'>;
  closedAt?: string;
  nextStep?: OpenOccurrenceView['nextStep'];
  extensions: { at: string; from: DueDate; to: DueDate; reason: string; grantedBy: string }[];
}

/** One task or deliverable of a plan with its workflow's state. */
export interface SubjectSnapshot {
  subject: Subject;
  /** URL key: `nv-<taskId>` or `sp-<deadlineId>`. */
  key: string;
  workflowId: string;
  title: string;
  /** Task number for charts ("NV 2.4.1") or the deliverable's short name. */
  shortTitle: string;
  lead: string[];
  coordinators: string[];
  view?: SubjectView;
  /** Why the state could not be read ("chưa khởi động", no worker …). */
  problem?: string;
  occurrences: OccurrenceRow[];
}

/** A plan with every subject's state, read at `now`. */
export interface PlanSnapshot {
  loaded: LoadedPlan;
  planView?: PlanView;
  subjects: SubjectSnapshot[];
  now: Date;
}

/** The URL key of a subject: `nv-2.4.1` (task) or `sp-deliverable-2025-q1` (deliverable). */
export function subjectKey(subject: Subject): string {
  return subject.type === 'task' ? `nv-${subject.taskId}` : `sp-${subject.deadlineId}`;
}

/** The inverse of `subjectKey`; undefined for a key it did not make. */
export function parseSubjectKey(key: string): Subject | undefined {
  if (key.startsWith('nv-') && key.length > 3) return { type: 'task', taskId: key.slice(3) };
  if (key.startsWith('sp-') && key.length > 3) return { type: 'deliverable', deadlineId: key.slice(3) };
  return undefined;
}

/** Every task and plan-wide deliverable of a plan, in the plan's order. */
export function planSubjects(loaded: LoadedPlan): Subject[] {
  return [
    ...loaded.plan.tasks.map((t) => ({ type: 'task', taskId: t.id }) as const),
    ...loaded.plan.deadlines
      .filter((d) => d.kind === 'deliverable')
      .map((d) => ({ type: 'deliverable', deadlineId: d.id }) as const),
  ];
}

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the order of `items`. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const work = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, work));
  return out;
}

/** How many workflow queries one page has in flight: enough to hide round trips, few enough for 2 cores. */
export const QUERY_CONCURRENCY = 8;

const calendars = new Map<string, Promise<WorkingCalendar>>();

/** The working calendar the worker uses for this plan folder (its `holidays/`, else the shipped one), read once. */
export function calendarFor(loaded: LoadedPlan): Promise<WorkingCalendar> {
  const own = process.env.DONDOC_HOLIDAYS_DIR || join(dirname(loaded.file), 'holidays');
  const dir = existsSync(own) ? own : '';
  let calendar = calendars.get(dir);
  if (!calendar) {
    calendar = loadWorkingCalendar(dir || undefined);
    calendars.set(dir, calendar);
    calendar.catch(() => calendars.delete(dir));
  }
  return calendar;
}

const schedules = new WeakMap<LoadedPlan['plan'], Map<string, Occurrence[]>>();

/** The subject's occurrences as the plan sets them (for due dates of closed periods, which the workflow drops). */
function scheduleOf(loaded: LoadedPlan, subject: Subject, calendar: WorkingCalendar): Occurrence[] {
  let byKey = schedules.get(loaded.plan);
  if (!byKey) schedules.set(loaded.plan, (byKey = new Map()));
  const key = subjectKey(subject);
  let occurrences = byKey.get(key);
  if (!occurrences) {
    try {
      occurrences = buildOccurrences(loaded.plan, subject, calendar);
    } catch {
      occurrences = [];
    }
    byKey.set(key, occurrences);
  }
  return occurrences;
}

/** How long a page waits for one workflow's answer (a worker that is down must not hold the page for long). */
export const QUERY_DEADLINE_MS = 5_000;

async function queryView(client: Client, workflowId: string): Promise<SubjectView> {
  return client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
    client.workflow.getHandle(workflowId).query(subjectStateQuery),
  );
}

/** The plan workflow's view, or undefined when it cannot be read (not started, no worker). */
export async function queryPlanView(client: Client, planId: string): Promise<PlanView | undefined> {
  return client
    .withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      client.workflow.getHandle(planWorkflowId(planId)).query(planStateQuery),
    )
    .catch(() => undefined);
}

/** Why a workflow's state cannot be shown, for people. */
function problemOf(err: unknown): string {
  const e = err as Error;
  if (e.name === 'WorkflowNotFoundError') return 'chưa khởi động theo dõi (kế hoạch chưa được "dondoc start")';
  if (/deadline|timeout/i.test(e.message)) return 'không đọc được trạng thái: máy chủ không trả lời kịp';
  return `không đọc được trạng thái: ${e.message}`;
}

function within(due: DueDate | undefined, now: number, days: number): boolean {
  return !!due && Date.parse(due.at) - now <= days * 86_400_000;
}

function closedStatus(outcomes: Record<string, string>, lead: string[]): OfficerStatus {
  const leads = lead.length ? lead.filter((a) => a in outcomes) : Object.keys(outcomes);
  const of = (leads.length ? leads : Object.keys(outcomes)).map((a) => outcomes[a]);
  if (of.includes('missing')) return 'overdue';
  if (of.includes('late')) return 'late';
  return 'on-time';
}

/** Joins the plan's schedule, the workflow's view and the stored extensions into one row per occurrence. */
export function occurrenceRows(
  schedule: readonly Occurrence[],
  view: SubjectView | undefined,
  extensions: readonly ExtensionRecord[],
  now: number,
): OccurrenceRow[] {
  const rows = new Map<string, OccurrenceRow>();
  const base = (id: string, label: string): OccurrenceRow => ({
    id,
    label,
    phase: 'upcoming',
    status: 'in-progress',
    owing: [],
    overdue: [],
    reported: [],
    extensions: [],
  });
  for (const o of schedule) {
    rows.set(o.id, {
      ...base(o.id, o.label),
      due: o.due.lead,
      leadDue: o.due.lead,
      coordinatorsDue: o.due.coordinators,
      focalDue: o.due.focal,
    });
  }
  const row = (id: string, label: string): OccurrenceRow => {
    let r = rows.get(id);
    if (!r) rows.set(id, (r = base(id, label)));
    return r;
  };
  const stored = (id: string) =>
    extensions
      .filter((e) => e.occurrenceId === id)
      .sort((a, b) => a.at.localeCompare(b.at))
      .map(({ at, from, to, reason, grantedBy }) => ({ at, from, to, reason, grantedBy }));

  if (!view) {
    for (const r of rows.values()) {
      r.phase = 'not-followed';
      r.status = 'not-followed';
    }
    return [...rows.values()];
  }
  for (const n of view.notFollowed ?? []) {
    const r = row(n.id, n.label);
    r.phase = 'not-followed';
    r.status = 'not-followed';
  }
  for (const c of view.closed) {
    const r = row(c.id, c.label);
    r.phase = 'closed';
    r.closedAt = c.closedAt;
    r.outcomes = c.outcomes;
    r.status = closedStatus(c.outcomes, view.lead);
    r.reported = Object.entries(c.outcomes)
      .filter(([, o]) => o !== 'missing')
      .map(([agency, o]) => ({ agency, onTime: o === 'on-time' }));
    r.extensions = stored(c.id);
  }
  for (const u of view.upcoming) {
    const r = row(u.id, u.label);
    if (r.phase === 'closed') continue;
    r.phase = 'upcoming';
    if (!r.leadDue || r.leadDue.effective !== u.leadDue) {
      // The workflow's date wins (an extension of a future period, or holiday data changed since it started).
      r.extensions = stored(u.id);
    }
  }
  const open = view.open?.length ? view.open : view.current ? [view.current] : [];
  for (const o of open) {
    const r = row(o.id, o.label);
    r.phase = 'open';
    r.leadDue = o.due.lead;
    r.coordinatorsDue = o.due.coordinators;
    r.focalDue = o.due.focal;
    r.owing = o.owing;
    r.overdue = o.overdue;
    r.nextStep = o.nextStep;
    r.extensions = o.extensions.length ? o.extensions : stored(o.id);
    r.reported = Object.values(o.reported).map((x) => ({ agency: x.agency, at: x.receivedAt, onTime: x.onTime }));
  }
  for (const r of rows.values()) {
    if (r.extensions.length) {
      r.due = r.extensions[0].from;
      r.extendedTo = r.extensions[r.extensions.length - 1].to;
      r.leadDue = r.extendedTo;
    }
    if (r.phase === 'open') {
      r.status = r.overdue.length ? 'overdue' : within(r.leadDue, now, DUE_SOON_DAYS) ? 'due-soon' : 'in-progress';
    } else if (r.phase === 'upcoming') {
      r.status = within(r.leadDue, now, DUE_SOON_DAYS) ? 'due-soon' : 'in-progress';
    }
    if (view.cancelled && (r.phase === 'open' || r.phase === 'upcoming')) r.status = 'not-followed';
  }
  // Schedule rows the workflow does not know (never followed, or dropped by its start date) are not followed.
  const known = new Set([
    ...(view.notFollowed ?? []).map((n) => n.id),
    ...view.closed.map((c) => c.id),
    ...view.upcoming.map((u) => u.id),
    ...open.map((o) => o.id),
  ]);
  for (const r of rows.values()) {
    if (!known.has(r.id)) {
      r.phase = 'not-followed';
      r.status = 'not-followed';
    }
  }
  return [...rows.values()].sort(
    (a, b) =>
      (a.leadDue?.effective ?? '9999').localeCompare(b.leadDue?.effective ?? '9999') || a.id.localeCompare(b.id),
  );
}

function shortTitle(loaded: LoadedPlan, subject: Subject): string {
  if (subject.type === 'task') return `NV ${subject.taskId}`;
  const d = loaded.plan.deadlines.find((x) => x.id === subject.deadlineId);
  const name = d?.subject ?? subject.deadlineId;
  return name.length > 28 ? `${name.slice(0, 27)}…` : name;
}

function planAgencies(loaded: LoadedPlan, subject: Subject): { lead: string[]; coordinators: string[] } {
  const resolver = resolverFor(loaded.directory);
  const expand = (names: string[]) => {
    try {
      return resolver.expand(names);
    } catch {
      return names;
    }
  };
  if (subject.type === 'task') {
    const task = loaded.plan.tasks.find((t) => t.id === subject.taskId);
    const lead = expand(task?.lead ?? []);
    return { lead, coordinators: expand(task?.coordinators ?? []).filter((a) => !lead.includes(a)) };
  }
  const d = loaded.plan.deadlines.find((x) => x.id === subject.deadlineId);
  const owedBy = d?.owedBy ?? [];
  const names = owedBy === 'all' ? loaded.plan.tasks.flatMap((t) => [...t.lead, ...t.coordinators]) : owedBy;
  return { lead: expand(names), coordinators: [] };
}

/** One subject's snapshot from its view (or the problem that kept it out). */
export function subjectSnapshot(
  loaded: LoadedPlan,
  subject: Subject,
  calendar: WorkingCalendar,
  state: { view?: SubjectView; problem?: string },
  extensions: readonly ExtensionRecord[],
  now: number,
): SubjectSnapshot {
  const mine = extensions.filter((e) => subjectKey(e.subject) === subjectKey(subject));
  const fromPlan = state.view ? undefined : planAgencies(loaded, subject);
  return {
    subject,
    key: subjectKey(subject),
    workflowId: subjectWorkflowId(loaded.plan.id, subject),
    title: subjectTitle(loaded, subject),
    shortTitle: shortTitle(loaded, subject),
    lead: state.view?.lead ?? fromPlan?.lead ?? [],
    coordinators: state.view?.coordinators ?? fromPlan?.coordinators ?? [],
    view: state.view,
    problem: state.problem,
    occurrences: occurrenceRows(scheduleOf(loaded, subject, calendar), state.view, mine, now),
  };
}

/**
 * Reads a plan: the plan workflow's state and every subject workflow's query, `QUERY_CONCURRENCY` at a time (a
 * 30-task plan is a few round trips, not thirty), joined with the plan's schedule and the stored extensions.
 */
export async function planSnapshot(deps: ReadDeps, loaded: LoadedPlan, only?: Subject[]): Promise<PlanSnapshot> {
  const now = (deps.clock ?? (() => new Date()))();
  const planId = loaded.plan.id;
  const subjects = only ?? planSubjects(loaded);
  const [calendar, extensions, planView, states] = await Promise.all([
    calendarFor(loaded),
    deps.store.listExtensions({ planId }),
    queryPlanView(deps.temporal, planId),
    mapLimit(subjects, QUERY_CONCURRENCY, (subject) =>
      queryView(deps.temporal, subjectWorkflowId(planId, subject)).then(
        (view) => ({ view }),
        (err: unknown) => ({ problem: problemOf(err) }),
      ),
    ),
  ]);
  return {
    loaded,
    planView,
    now,
    subjects: subjects.map((s, i) => subjectSnapshot(loaded, s, calendar, states[i], extensions, now.getTime())),
  };
}

/**
 * One name for a period shared by several subjects: its label when they agree ("Báo cáo 6 tháng năm 2025"), else
 * what they have in common before their own dates ("Hoàn thành nhiệm vụ" for completions due on different days).
 */
export function periodLabel(labels: readonly string[]): string {
  const distinct = [...new Set(labels)];
  if (distinct.length <= 1) return distinct[0] ?? '';
  return distinct[0].split(' (')[0];
}

/** The plan with this id among the loaded ones, or undefined. */
export async function findLoadedPlan(deps: ReadDeps, planId: string): Promise<LoadedPlan | undefined> {
  return (await deps.plans()).find((p) => p.plan.id === planId);
}

/**
 * The rows a plan's table shows for a subject when no period is chosen: the periods taking reports; else the next
 * one; else the last closed; else what was not followed.
 */
export function focusRows(s: SubjectSnapshot): OccurrenceRow[] {
  const open = s.occurrences.filter((o) => o.phase === 'open');
  if (open.length) return open;
  const next = s.occurrences.find((o) => o.phase === 'upcoming');
  if (next) return [next];
  const closed = s.occurrences.filter((o) => o.phase === 'closed');
  if (closed.length) return [closed[closed.length - 1]];
  const skipped = s.occurrences.filter((o) => o.phase === 'not-followed');
  return skipped.length ? [skipped[skipped.length - 1]] : [];
}
