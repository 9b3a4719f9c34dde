import type { StoredAuditEntry, StoredReport } from '../activities/storage/store';
import type { AttachmentRef, AuditEntry, Subject } from '../activities/types';
import { subjectWorkflowId } from '../workflows/contract';
import { PlanNotFoundError } from './plan-status';
import {
  findLoadedPlan,
  parseSubjectKey,
  planSnapshot,
  subjectKey,
  type OccurrenceRow,
  type ReadDeps,
  type SubjectSnapshot,
} from './plan-snapshot';

/** An unknown task or deliverable of a known plan. */
export class SubjectNotFoundError extends Error {
  override readonly name = 'SubjectNotFoundError';
  constructor(
    readonly planId: string,
    readonly key: string,
  ) {
    super(`Kế hoạch ${planId} không có nhiệm vụ hay sản phẩm "${key}".`);
  }
}

/** A report as the task page shows it: who, when, on time or not, its text and files. */
export interface ReportEntry {
  reportId: string;
  agency: string;
  role: 'lead' | 'coordinators';
  receivedAt: string;
  onTime: boolean;
  text: string;
  attachments: AttachmentRef[];
}

/** One occurrence with its reports. */
export interface TaskOccurrence extends OccurrenceRow {
  reports: ReportEntry[];
  /** Milliseconds from now to the next reminder or notice, when there is one. */
  nextStepInMs?: number;
  /** Milliseconds from now to the lead's due date (negative once past). */
  leadDueInMs?: number;
}

/** One audit entry, from the store (all of them) or the workflow (its recent ones, until the store has them). */
export type AuditLine = AuditEntry & { recordedAt?: string; source: 'store' | 'workflow' };

/** The Nhiệm vụ page: one subject, every occurrence, reports, who owes, extensions and the audit trail. */
export interface TaskStatus {
  planId: string;
  planTitle: string;
  subject: Subject;
  key: string;
  workflowId: string;
  title: string;
  /** The task's content from the plan, when it has one. */
  content?: string;
  lead: string[];
  coordinators: string[];
  focalAgency?: string;
  reportsTo?: string;
  workflowStatus?: string;
  problem?: string;
  paused?: { at: string; by: string; reason: string };
  cancelled?: { at: string; by: string; reason: string };
  occurrences: TaskOccurrence[];
  /** Open occurrences an admin can act on (extend, close). */
  openPeriods: { id: string; label: string }[];
  /** Agencies whose addresses an admin can change for this task. */
  agencies: string[];
  /** Newest first. */
  audit: AuditLine[];
  now: string;
  snapshot: SubjectSnapshot;
}

function auditKey(e: AuditEntry): string {
  return `${e.at}|${e.action}|${e.detail}`;
}

/** The store's trail joined with the workflow's recent entries the store may not have yet, newest first. */
export function mergeAudit(stored: readonly StoredAuditEntry[], inWorkflow: readonly AuditEntry[]): AuditLine[] {
  const seen = new Set(stored.map(auditKey));
  const lines: AuditLine[] = [
    ...stored.map(({ at, action, by, detail, occurrenceId, recordedAt }) => ({
      at,
      action,
      by,
      detail,
      occurrenceId,
      recordedAt,
      source: 'store' as const,
    })),
    ...inWorkflow.filter((e) => !seen.has(auditKey(e))).map((e) => ({ ...e, source: 'workflow' as const })),
  ];
  return lines.sort((a, b) => b.at.localeCompare(a.at));
}

function reportsOf(reports: readonly StoredReport[], occurrenceId: string): ReportEntry[] {
  return reports
    .filter((r) => r.occurrenceId === occurrenceId)
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
    .map((r) => ({
      reportId: r.reportId,
      agency: r.agency,
      role: r.role,
      receivedAt: r.receivedAt,
      onTime: r.onTime,
      text: r.text,
      attachments: r.attachments,
    }));
}

/** Reads one subject: its workflow's query, its stored reports, extensions and audit trail, in parallel. */
export async function taskStatus(deps: ReadDeps, planId: string, key: string): Promise<TaskStatus> {
  const loaded = await findLoadedPlan(deps, planId);
  if (!loaded) throw new PlanNotFoundError(planId);
  const subject = parseSubjectKey(key);
  const known =
    subject &&
    (subject.type === 'task'
      ? loaded.plan.tasks.some((t) => t.id === subject.taskId)
      : loaded.plan.deadlines.some((d) => d.id === subject.deadlineId && d.kind === 'deliverable'));
  if (!subject || !known) throw new SubjectNotFoundError(planId, key);
  const [snapshot, reports, audit] = await Promise.all([
    planSnapshot(deps, loaded, [subject]),
    deps.store.listReports({ planId, subject }),
    deps.store.listAudit({ planId, subject }),
  ]);
  const s = snapshot.subjects[0];
  const now = snapshot.now.getTime();
  const view = s.view;
  const task = subject.type === 'task' ? loaded.plan.tasks.find((t) => t.id === subject.taskId) : undefined;
  const occurrences: TaskOccurrence[] = s.occurrences.map((o) => ({
    ...o,
    reports: reportsOf(reports, o.id),
    nextStepInMs: o.nextStep ? Date.parse(o.nextStep.at) - now : undefined,
    leadDueInMs: o.leadDue && o.phase === 'open' ? Date.parse(o.leadDue.at) - now : undefined,
  }));
  return {
    planId,
    planTitle: loaded.plan.title,
    subject,
    key: subjectKey(subject),
    workflowId: subjectWorkflowId(planId, subject),
    title: s.title,
    content: task?.content,
    lead: s.lead,
    coordinators: s.coordinators,
    focalAgency: view?.focalAgency,
    reportsTo: view?.reportsTo,
    workflowStatus: view?.status,
    problem: s.problem,
    paused: view?.paused,
    cancelled: view?.cancelled,
    occurrences,
    openPeriods: occurrences.filter((o) => o.phase === 'open').map((o) => ({ id: o.id, label: o.label })),
    agencies: [...new Set([...s.lead, ...s.coordinators, ...(view?.focalAgency ? [view.focalAgency] : [])])],
    audit: mergeAudit(audit, view?.audit ?? []),
    now: snapshot.now.toISOString(),
    snapshot: s,
  };
}

/** The attachment if it belongs to a report of this subject (a page never serves a file by hash alone). */
export async function subjectAttachment(
  deps: ReadDeps,
  planId: string,
  key: string,
  sha256: string,
): Promise<{ filename: string; contentType: string; content: Buffer } | undefined> {
  const subject = parseSubjectKey(key);
  if (!subject || !/^[0-9a-f]{64}$/.test(sha256)) return undefined;
  const reports = await deps.store.listReports({ planId, subject });
  const ref = reports.flatMap((r) => r.attachments).find((a) => a.sha256 === sha256);
  if (!ref) return undefined;
  const file = await deps.store.getAttachment(sha256);
  return file ? { filename: ref.filename, contentType: ref.contentType, content: file.content } : undefined;
}
