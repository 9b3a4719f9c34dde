import type { Party } from '../../deadlines/occurrence';
import { resolverFor } from '../../plan/agencies';
import type { Directory, Plan } from '../../plan/schema';
import type { StoredReport } from '../storage/store';
import type { AttachmentRef, SummaryPeriod } from '../types';

/** Where an agency's report for the period stands. */
export type ReportStatus =
  'on-time' /** received by its due date */ | 'late' /** received after its due date */ | 'missing'; /** not received */

/** Vietnamese words officers use for each status. */
export const statusLabels: Record<ReportStatus, string> = {
  'on-time': 'Đúng hạn',
  late: 'Trễ hạn',
  missing: 'Chưa báo cáo',
};

/** One agency's part in one task for the period. */
export interface AgencyReport {
  agency: string;
  role: Party;
  status: ReportStatus;
  reportId?: string;
  /** ISO instant of the first submission. */
  receivedAt?: string;
  /** Text of the latest submission. */
  text?: string;
  attachments: AttachmentRef[];
}

/** One task's line in the summary. */
export interface TaskSummary {
  id: string;
  title: string;
  lead: AgencyReport[];
  coordinators: AgencyReport[];
  /** From the leads: missing if any lead has not reported, else late if any was late, else on time. */
  status: ReportStatus;
}

/** How one agency did across the tasks of the period (for emulation rankings). */
export interface AgencyTotal {
  agency: string;
  owed: number;
  onTime: number;
  late: number;
  missing: number;
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
    reportsTo: string;
    timezone: string;
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

function overall(reports: AgencyReport[]): ReportStatus {
  if (reports.some((r) => r.status === 'missing')) return 'missing';
  if (reports.some((r) => r.status === 'late')) return 'late';
  return 'on-time';
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
  now: Date;
}): Summary {
  const { plan, period } = input;
  const resolver = resolverFor(input.directory);
  const canonical = (name: string): string => resolver.canonical(name) ?? name;
  const byKey = new Map<string, StoredReport[]>();
  const sorted = input.reports
    .filter((r) => r.occurrenceId === period.id && r.subject.type === 'task')
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  for (const report of sorted) {
    if (report.subject.type !== 'task') continue;
    const key = JSON.stringify([report.subject.taskId, report.role, canonical(report.agency)]);
    byKey.set(key, [...(byKey.get(key) ?? []), report]);
  }
  const forAgency = (taskId: string, role: Party, agency: string): AgencyReport =>
    agencyReport(agency, role, byKey.get(JSON.stringify([taskId, role, agency])) ?? []);

  const tasks: TaskSummary[] = plan.tasks.map((task) => {
    const leads = resolver.expand(task.lead);
    const coordinators = resolver.expand(task.coordinators).filter((a) => !leads.includes(a));
    const lead = leads.map((agency) => forAgency(task.id, 'lead', agency));
    return {
      id: task.id,
      title: task.title,
      lead,
      coordinators: coordinators.map((agency) => forAgency(task.id, 'coordinators', agency)),
      status: overall(lead),
    };
  });

  const totals = new Map<string, AgencyTotal>();
  for (const task of tasks) {
    for (const r of [...task.lead, ...task.coordinators]) {
      const t = totals.get(r.agency) ?? { agency: r.agency, owed: 0, onTime: 0, late: 0, missing: 0, onTimeRate: 0 };
      t.owed += 1;
      if (r.status === 'on-time') t.onTime += 1;
      else if (r.status === 'late') t.late += 1;
      else t.missing += 1;
      t.onTimeRate = t.onTime / t.owed;
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
      reportsTo: plan.reportsTo,
      timezone: plan.timezone,
    },
    period,
    compiledAt: input.now.toISOString(),
    tasks,
    agencies: [...totals.values()].sort(
      (a, b) => b.onTimeRate - a.onTimeRate || a.missing - b.missing || collator.compare(a.agency, b.agency),
    ),
    totals: { tasks: tasks.length, 'on-time': count('on-time'), late: count('late'), missing: count('missing') },
  };
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
