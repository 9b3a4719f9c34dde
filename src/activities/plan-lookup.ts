import { ApplicationFailure, log } from '@temporalio/activity';
import type { Directory, Plan } from '../plan/schema';
import type { PlanCatalog, Subject } from './types';

/** Failure type of a lookup while the plan's file is broken or missing; retryable, so the step runs once it is fixed. */
export const PLAN_UNAVAILABLE = 'PlanUnavailable';

/**
 * The plan and its directory, or a retryable `PlanUnavailable` while the catalog cannot serve it (logged once per
 * distinct problem): an operator's mistake in a file delays that plan's steps, it does not fail them for good.
 */
export async function lookupPlan(
  plans: PlanCatalog,
  planId: string,
  revision?: string,
): Promise<{ plan: Plan; directory: Directory }> {
  try {
    return await plans.get(planId, revision ? { revision } : undefined);
  } catch (err) {
    const e = err as Error & { firstReport?: boolean };
    if (e.name === 'RevisionMismatchError') throw ApplicationFailure.nonRetryable(e.message, 'RevisionMismatch');
    if (e.name === 'PlanUnavailableError' || e.name === 'PlanError') {
      if (e.firstReport !== false) log.warn(e.message, { planId });
      throw ApplicationFailure.retryable(e.message, PLAN_UNAVAILABLE);
    }
    throw err;
  }
}

/** The task or plan-wide deliverable a subject names; non-retryable `UnknownTask`/`UnknownDeadline` otherwise. */
export function findSubject(
  plan: Plan,
  subject: Subject,
): { type: 'task'; task: Plan['tasks'][number] } | { type: 'deliverable'; deadline: Plan['deadlines'][number] } {
  if (subject.type === 'task') {
    const task = plan.tasks.find((t) => t.id === subject.taskId);
    if (!task)
      throw ApplicationFailure.nonRetryable(`Kế hoạch ${plan.id} không có nhiệm vụ "${subject.taskId}"`, 'UnknownTask');
    return { type: 'task', task };
  }
  const deadline = plan.deadlines.find((d) => d.id === subject.deadlineId);
  if (!deadline) {
    throw ApplicationFailure.nonRetryable(
      `Kế hoạch ${plan.id} không có hạn "${subject.deadlineId}"`,
      'UnknownDeadline',
    );
  }
  return { type: 'deliverable', deadline };
}
