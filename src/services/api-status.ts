import type { Client } from '@temporalio/client';
import type { Subject } from '../activities/types';
import type { LoadedPlan } from '../plan/load';
import {
  parseWorkflowId,
  subjectStateQuery,
  subjectWorkflowId,
  type SubjectStatus,
  type SubjectView,
} from '../workflows/contract';
import { statusKey } from '../workflows/search-attributes';
import { findPlan, LookupError, resolveAgency, subjectOf, subjectTitle } from './plan-directory';

// The one shape of a subject's state: `dondoc status --json` prints a list of it and the API answers with it.

/** What `dondoc status` lists. */
export interface StatusFilter {
  planId?: string;
  /** An agency or group name, aliases allowed; resolved through the plan directories. */
  agency?: string;
  overdue?: boolean;
}

/** One task or deliverable found through visibility, with its queried state. */
export interface StatusEntry {
  workflowId: string;
  planId: string;
  subject: Subject;
  title: string;
  /** The `DondocStatus` search attribute (known even when the query fails). */
  status?: SubjectStatus;
  /** Closed workflows say so here (`COMPLETED`, `TERMINATED` …); running ones `RUNNING`. */
  execution: string;
  view?: SubjectView;
  /** Why the state could not be queried (no worker running, …). */
  queryError?: string;
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The visibility query for a filter whose agency is already resolved to canonical names. */
export function statusQuery(filter: { planId?: string; agencies?: string[]; overdue?: boolean }): string {
  const parts = ["DondocKind IN ('task', 'deliverable')", "ExecutionStatus != 'ContinuedAsNew'"];
  if (filter.planId) parts.push(`DondocPlanId = ${quote(filter.planId)}`);
  const agencies = filter.agencies?.length ? `(${filter.agencies.map(quote).join(', ')})` : undefined;
  if (agencies) parts.push(`DondocAgencies IN ${agencies}`);
  if (filter.overdue) parts.push(agencies ? `DondocOverdueAgencies IN ${agencies}` : "DondocStatus = 'overdue'");
  return parts.join(' AND ');
}

/** Canonical agency names for `--agency`: from the filtered plan's directory, else from the first directory that knows it. */
export function agencyNames(plans: readonly LoadedPlan[], name: string, planId?: string): string[] {
  if (planId) return resolveAgency(findPlan(plans, planId), name, true);
  let firstError: Error | undefined;
  const names = new Set<string>();
  for (const loaded of plans) {
    try {
      resolveAgency(loaded, name, true).forEach((n) => names.add(n));
    } catch (err) {
      firstError ??= err as Error;
    }
  }
  if (names.size === 0) throw firstError ?? new LookupError(`không có kế hoạch nào để tra cơ quan "${name}"`);
  return [...names];
}

function compareSubjects(a: StatusEntry, b: StatusEntry): number {
  const key = (e: StatusEntry) => `${e.subject.type === 'task' ? e.subject.taskId : `~${e.subject.deadlineId}`}`;
  return a.planId.localeCompare(b.planId) || key(a).localeCompare(key(b), 'vi', { numeric: true });
}

async function queryView(client: Client, workflowId: string): Promise<SubjectView> {
  return client.withDeadline(Date.now() + 15_000, () => client.workflow.getHandle(workflowId).query(subjectStateQuery));
}

/** The dondoc task and deliverable workflows matching `filter`, each queried for its state (a few at a time). */
export async function listStatus(
  client: Client,
  plans: readonly LoadedPlan[],
  filter: StatusFilter = {},
): Promise<StatusEntry[]> {
  if (filter.planId && !plans.some((p) => p.plan.id === filter.planId) && filter.agency) findPlan(plans, filter.planId);
  const agencies = filter.agency ? agencyNames(plans, filter.agency, filter.planId) : undefined;
  const query = statusQuery({ planId: filter.planId, agencies, overdue: filter.overdue });
  const byId = new Map<string, StatusEntry>();
  for await (const info of client.workflow.list({ query })) {
    const parsed = parseWorkflowId(info.workflowId);
    if (!parsed?.subject) continue;
    const previous = byId.get(info.workflowId);
    if (previous && previous.execution === 'RUNNING') continue;
    const loaded = plans.find((p) => p.plan.id === parsed.planId);
    byId.set(info.workflowId, {
      workflowId: info.workflowId,
      planId: parsed.planId,
      subject: parsed.subject,
      title: subjectTitle(loaded, parsed.subject),
      status: info.typedSearchAttributes.get(statusKey) as SubjectStatus | undefined,
      execution: info.status.name,
    });
  }
  const entries = [...byId.values()].sort(compareSubjects);
  const queue = [...entries];
  const work = async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      try {
        entry.view = await queryView(client, entry.workflowId);
        entry.status = entry.view.status;
      } catch (err) {
        entry.queryError = (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, entries.length) }, work));
  return entries;
}

/**
 * One subject's entry, in the shape `listStatus` gives (the workflow's state, and its execution status when it has
 * ended); `LookupError` for an unknown plan, task or deliverable.
 */
export async function subjectStatus(
  client: Client,
  plans: readonly LoadedPlan[],
  planId: string,
  subject: Subject,
): Promise<StatusEntry> {
  const loaded = findPlan(plans, planId);
  // Checked against the plan: an unknown one is a LookupError naming what the plan has.
  subjectOf(loaded, subject.type === 'task' ? { task: subject.taskId } : { deliverable: subject.deadlineId });
  const workflowId = subjectWorkflowId(planId, subject);
  const entry: StatusEntry = {
    workflowId,
    planId,
    subject,
    title: subjectTitle(loaded, subject),
    execution: 'NOT_STARTED',
  };
  try {
    const description = await client.withDeadline(Date.now() + 15_000, () =>
      client.workflow.getHandle(workflowId).describe(),
    );
    entry.execution = description.status.name;
    entry.status = description.typedSearchAttributes.get(statusKey) as SubjectStatus | undefined;
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return entry;
    throw err;
  }
  try {
    entry.view = await queryView(client, workflowId);
    entry.status = entry.view.status;
  } catch (err) {
    entry.queryError = (err as Error).message;
  }
  return entry;
}
