import type { Client } from '@temporalio/client';
import type { LoadedPlan } from '../plan/load';
import { planWorkflowId, TASK_QUEUE } from '../workflows/contract';

/** What starting a plan's workflow did. */
export type PlanStartOutcome =
  | 'started' /** no workflow existed: started now */
  | 'running' /** already running: resumed, nothing started twice */
  | 'completed' /** finished earlier: not run again */
  | 'closed'; /** ended otherwise (failed, terminated, cancelled, timed out): not run again */

/** One plan's result of `startPlanWorkflows`. */
export interface PlanStartResult {
  planId: string;
  title: string;
  file: string;
  workflowId: string;
  outcome: PlanStartOutcome;
  /** Temporal's status name when `outcome` is `closed`, e.g. `TERMINATED`. */
  closedStatus?: string;
  runId?: string;
}

type Described = { outcome: Exclude<PlanStartOutcome, 'started'>; status: string; runId: string } | undefined;

async function describe(client: Client, workflowId: string): Promise<Described> {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    const status = description.status.name;
    const outcome = status === 'RUNNING' ? 'running' : status === 'COMPLETED' ? 'completed' : 'closed';
    return { outcome, status, runId: description.runId };
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return undefined;
    throw err;
  }
}

/**
 * Starts the plan workflow of each plan, or leaves it be: a running one is resumed (its worker picks it up), a
 * closed one is reported and never run again (the id is not reused). `taskQueue` other than dondoc's is for tests
 * that share a server with other workers.
 */
export async function startPlanWorkflows(
  client: Client,
  plans: readonly LoadedPlan[],
  taskQueue: string = TASK_QUEUE,
): Promise<PlanStartResult[]> {
  const results: PlanStartResult[] = [];
  for (const { plan, file } of plans) {
    const workflowId = planWorkflowId(plan.id);
    const base = { planId: plan.id, title: plan.title, file, workflowId };
    const before = await describe(client, workflowId);
    if (before) {
      results.push({
        ...base,
        outcome: before.outcome,
        runId: before.runId,
        ...(before.outcome === 'closed' ? { closedStatus: before.status } : {}),
      });
      continue;
    }
    try {
      const handle = await client.workflow.start('planWorkflow', {
        taskQueue,
        workflowId,
        args: [{ planId: plan.id }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      results.push({ ...base, outcome: 'started', runId: handle.firstExecutionRunId });
    } catch (err) {
      // Closed between the look and the start: REJECT_DUPLICATE refuses it; report what is there.
      if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
      const after = await describe(client, workflowId);
      results.push({ ...base, outcome: after?.outcome ?? 'closed', runId: after?.runId, closedStatus: after?.status });
    }
  }
  return results;
}
