import type { Party } from '../../deadlines/occurrence';
import { resolverFor } from '../../plan/agencies';
import type { Directory, Plan } from '../../plan/schema';
import type { StoredReport } from '../storage/store';
import type { AttachmentRef, ExtensionRecord, SummaryPeriod } from '../types';
import { formatDate, localDate } from '../email/dates';
import { displayName, nameOn } from '../../plan/succession';

/** Where an agency's report for the period stands. */
export type ReportStatus =
  | 'on-time' /** received by its due date */
  | 'late' /** received after its due date */
  | 'extended' /** not received, and not due yet: its due date was extended past the summary */
  | 'missing'; /** not received */

/** Vietnamese words officers use for each status. */
export const statusLabels: Record<ReportStatus, string> = {
  'on-time': 'Đúng hạn',
  late: 'Trễ hạn',
  extended: 'Được gia hạn',
  missing: 'Chưa báo cáo',
};

/** The status in words, with the new date of an extension: "Được gia hạn đến 30/5/2025". */
export function statusText(r: { status: ReportStatus; extendedTo?: string }): string {
  return r.status === 'extended' && r.extendedTo
    ? `${statusLabels.extended} đến ${formatDate(r.extendedTo)}`
    : statusLabels[r.status];
}

/** One agency's part in one task for the period. */
export interface AgencyReport {
  agency: string;
  /** How the summary names it: both names when a successor took over by the period's end (src/plan/succession.ts). */
  name?: string;
  role: Party;
  status: ReportStatus;
  reportId?: string;
  /** ISO instant of the first submission. */
  receivedAt?: string;
  /** Text of the latest submission. */
  text?: string;
  attachments: AttachmentRef[];
  /** The extended due date (YYYY-MM-DD, effective) when `status` is `extended`. */
  extendedTo?: string;
}

/** One task's line in the summary. */
export interface TaskSummary {
  id: string;
  title: string;
  lead: AgencyReport[];
  coordinators: AgencyReport[];
  /** From the leads: missing if any lead has not reported (extended if its new date is still ahead), else late if any was late, else on time. */
  status: ReportStatus;
  extendedTo?: string;
}

/** How one agency did across the tasks of the period (for emulation rankings). */
export interface AgencyTotal {
  agency: string;
  /** As `AgencyReport.name`. */
  name?: string;
  owed: number;
  onTime: number;
  late: number;
  missing: number;
  /** Not yet due: extended past the summary; not counted in `owed`. */
  extended: number;
  /** onTime / owed, 0…1. */
  onTimeRate: number;
}

/** The compiled summary of one reporting period. */
export interface Summary {
  plan: {
    id: string;
    number?: string;
    title: string;
    issuer: string;
    focalAgency: string;
    /** The focal agency as the summary names it (its successor's name first once it took over). */
    focalName?: string;
    /** Who holds the focal role when the summary is compiled: the issuing body of the signed report. */
    focalHolder?: string;
    reportsTo: string;
    timezone: string;
    /** The province of the agency directory, written before the date of a signed report ("Đắk Nông, ngày …"). */
    place?: string;
  };
  period: SummaryPeriod;
  /** ISO instant of compilation. */
  compiledAt: string;
  tasks: TaskSummary[];
  /** Best on-time rate first. */
  agencies: AgencyTotal[];
  /** Task counts by status. */
  totals: Record<ReportStatus, number> & { tasks: number };
}

const collator = new Intl.Collator('vi');

function agencyReport(agency: string, role: Party, submissions: StoredReport[]): AgencyReport {
  if (submissions.length === 0) return { agency, role, status: 'missing', attachments: [] };
  // The first submission fixes on-time or late (a later correction does not make it late); the latest carries the content.
  const first = submissions[0];
  const latest = submissions[submissions.length - 1];
  return {
    agency,
    role,
    status: first.onTime ? 'on-time' : 'late',
    reportId: latest.reportId,
    receivedAt: first.receivedAt,
    text: latest.text,
    attachments: latest.attachments,
  };
}

function overall(reports: AgencyReport[]): { status: ReportStatus; extendedTo?: string } {
  if (reports.some((r) => r.status === 'missing')) return { status: 'missing' };
  const extended = reports.filter((r) => r.status === 'extended').map((r) => r.extendedTo as string);
  if (extended.length) return { status: 'extended', extendedTo: extended.sort().at(-1) };
  if (reports.some((r) => r.status === 'late')) return { status: 'late' };
  return { status: 'on-time' };
}

/**
 * Compiles a period from the plan and its stored reports: every task, each lead and coordinator with a status, the
 * submitted texts, and totals per agency. Groups in the plan ("UBND các huyện, thành phố") count per member agency.
 */
export function buildSummary(input: {
  plan: Plan;
  directory: Directory;
  period: SummaryPeriod;
  reports: StoredReport[];
  /** Extensions granted for the period: a lead whose new date is still ahead is "extended", not "missing". */
  extensions?: ExtensionRecord[];
  now: Date;
}): Summary {
  const { plan, period } = input;
  const resolver = resolverFor(input.directory);
  const canonical = (name: string): string => resolver.canonical(name) ?? name;
  // Reports stay filed under the name they were owed by; a period that reaches a succession date shows both names.
  const until = localDate(period.at, plan.timezone);
  const named = <T extends { agency: string }>(r: T, duty?: string): T => {
    const name = displayName(input.directory, r.agency, until, duty);
    return name === r.agency ? r : { ...r, name };
  };
  const byKey = new Map<string, StoredReport[]>();
  const sorted = input.reports
    .filter((r) => r.occurrenceId === period.id && r.subject.type === 'task')
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  for (const report of sorted) {
    if (report.subject.type !== 'task') continue;
    const key = JSON.stringify([report.subject.taskId, report.role, canonical(report.agency)]);
    byKey.set(key, [...(byKey.get(key) ?? []), report]);
  }
  const compiledAt = input.now.getTime();
  // The latest extension per task wins; one still ahead at compilation makes an unreported lead "extended".
  const extendedTo = new Map<string, ExtensionRecord['to']>();
  for (const x of [...(input.extensions ?? [])].sort((a, b) => a.at.localeCompare(b.at))) {
    if (x.occurrenceId === period.id && x.subject.type === 'task') extendedTo.set(x.subject.taskId, x.to);
  }
  const forAgency = (taskId: string, role: Party, agency: string): AgencyReport => {
    const report = agencyReport(agency, role, byKey.get(JSON.stringify([taskId, role, agency])) ?? []);
    const extension = extendedTo.get(taskId);
    if (report.status === 'missing' && role === 'lead' && extension && Date.parse(extension.at) >= compiledAt) {
      return { ...report, status: 'extended', extendedTo: extension.effective };
    }
    return report;
  };

  const tasks: TaskSummary[] = plan.tasks.map((task) => {
    const leads = resolver.expand(task.lead);
    const coordinators = resolver.expand(task.coordinators).filter((a) => !leads.includes(a));
    const duty = `${task.title}\n${task.content}`;
    const lead = leads.map((agency) => named(forAgency(task.id, 'lead', agency), duty));
    return {
      id: task.id,
      title: task.title,
      lead,
      coordinators: coordinators.map((agency) => named(forAgency(task.id, 'coordinators', agency), duty)),
      ...overall(lead),
    };
  });

  const totals = new Map<string, AgencyTotal>();
  for (const task of tasks) {
    for (const r of [...task.lead, ...task.coordinators]) {
      const t = totals.get(r.agency) ?? {
        agency: r.agency,
        ...(r.name ? { name: r.name } : {}),
        owed: 0,
        onTime: 0,
        late: 0,
        missing: 0,
        extended: 0,
        onTimeRate: 0,
      };
      if (r.status === 'extended') t.extended += 1;
      else {
        t.owed += 1;
        if (r.status === 'on-time') t.onTime += 1;
        else if (r.status === 'late') t.late += 1;
        else t.missing += 1;
      }
      t.onTimeRate = t.owed ? t.onTime / t.owed : 0;
      totals.set(r.agency, t);
    }
  }
  const count = (status: ReportStatus): number => tasks.filter((t) => t.status === status).length;

  return {
    plan: {
      id: plan.id,
      number: plan.number,
      title: plan.title,
      issuer: plan.issuer,
      focalAgency: plan.focalAgency,
      focalName: displayName(input.directory, plan.focalAgency, until, plan.title),
      focalHolder: nameOn(input.directory, plan.focalAgency, until, plan.title),
      reportsTo: plan.reportsTo,
      timezone: plan.timezone,
      place: input.directory.province,
    },
    period,
    compiledAt: input.now.toISOString(),
    tasks,
    agencies: [...totals.values()].sort(
      (a, b) => b.onTimeRate - a.onTimeRate || a.missing - b.missing || collator.compare(a.agency, b.agency),
    ),
    totals: {
      tasks: tasks.length,
      'on-time': count('on-time'),
      late: count('late'),
      extended: count('extended'),
      missing: count('missing'),
    },
  };
}

/** Agencies in one cell of a task's line are listed one per line up to this many, else counted by status. */
const LISTED_ONE_PER_LINE = 3;
const statusOrder: ReportStatus[] = ['on-time', 'late', 'extended', 'missing'];

/**
 * A task's leads or coordinators for one cell of a table: a few one per line with status and date of receipt
 * ("Sở Ngoại vụ: Chưa báo cáo"), more counted by status ("25 cơ quan, trong đó:", "- Đúng hạn: 9"), so that the line
 * of a task led by a group stays short.
 */
export function agencyStatusLines(reports: AgencyReport[], zone: string): string[] {
  if (reports.length <= LISTED_ONE_PER_LINE) {
    const bullet = reports.length > 1 ? '- ' : '';
    return reports.map(
      (r) =>
        `${bullet}${agencyName(r)}: ${statusText(r)}${r.receivedAt ? ` (${formatDate(localDate(r.receivedAt, zone))})` : ''}`,
    );
  }
  const counts = new Map<string, number>();
  const ordered = [...reports].sort((a, b) => statusOrder.indexOf(a.status) - statusOrder.indexOf(b.status));
  for (const r of ordered) counts.set(statusText(r), (counts.get(statusText(r)) ?? 0) + 1);
  return [`${reports.length} cơ quan, trong đó:`, ...[...counts].map(([status, n]) => `- ${status}: ${n}`)];
}

/** The name a summary shows for an agency's line (both names across a succession). */
export function agencyName(r: { agency: string; name?: string }): string {
  return r.name ?? r.agency;
}

/** "87,5%" for 0.875. */
export function formatRate(rate: number): string {
  return `${(rate * 100).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%`;
}

/** A file name officers can keep: `tong-hop-678-KH-UBND-2025-six-month`. */
export function summaryFileStem(summary: Summary): string {
  const ref = (summary.plan.number ?? summary.plan.id).replace(/[^0-9A-Za-z]+/g, '-').replace(/^-|-$/g, '');
  return `tong-hop-${ref}-${summary.period.id}`;
}
