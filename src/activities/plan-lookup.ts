import { ApplicationFailure } from '@temporalio/activity';
import type { Directory, Plan } from '../plan/schema';
import type { PlanCatalog, Subject } from './types';

/** The plan and its directory, or a non-retryable `UnknownPlan` when the catalog has no valid plan with that id. */
export async function lookupPlan(plans: PlanCatalog, planId: string): Promise<{ plan: Plan; directory: Directory }> {
  try {
    return await plans.get(planId);
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'PlanError' || name === 'UnknownPlan' || (err as ApplicationFailure).type === 'UnknownPlan') {
      throw ApplicationFailure.nonRetryable(
        `Không tìm thấy kế hoạch hợp lệ "${planId}": ${(err as Error).message}`,
        'UnknownPlan',
      );
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
