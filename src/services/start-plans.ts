import { realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Client } from '@temporalio/client';
import { loadPlanFolder, type LoadedPlan } from '../plan/load';
import { planRevision } from '../plan/revision';
import { planTaskQueue, workerSettingsFromEnv } from '../temporal/worker-settings';
import { planStateQuery, planWorkflowId } from '../workflows/contract';

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
  /** A running plan whose file is another revision than the one it runs: what to do about it (never applied here). */
  revisionNotice?: string;
}

/**
 * Issue 13 §1: a running plan whose file changed is not changed silently; the operator is told how to apply it. A
 * worker that does not answer the query quickly (not started yet) leaves the notice out.
 */
async function revisionNotice(client: Client, loaded: LoadedPlan): Promise<string | undefined> {
  const workflowId = planWorkflowId(loaded.plan.id);
  const view = await client
    .withDeadline(Date.now() + 5_000, () => client.workflow.getHandle(workflowId).query(planStateQuery))
    .catch(() => undefined);
  const file = planRevision(loaded.plan);
  if (!view?.revision || view.revision === file || view.revisions?.some((r) => r.revision === file)) return undefined;
  return (
    `tệp ${loaded.file} khác bản đang chạy (${view.revision} → ${file}): chưa áp dụng. Xem và áp dụng bằng ` +
    `"dondoc plan apply ${loaded.file} --by <tên> --reason <lý do>"`
  );
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

/** The task queue of each plan: one for all, or chosen per plan (`DONDOC_TASK_QUEUE_BY`). */
export type PlanTaskQueue = string | ((loaded: LoadedPlan) => string);

/** The queues of `DONDOC_TASK_QUEUE` and `DONDOC_TASK_QUEUE_BY` in `env` (the worker derives the same ones). */
export function planTaskQueueFromEnv(env: NodeJS.ProcessEnv = process.env): (loaded: LoadedPlan) => string {
  const settings = workerSettingsFromEnv(env);
  return (loaded) => planTaskQueue(settings, { planId: loaded.plan.id, province: loaded.directory.province });
}

/**
 * Starts the plan workflow of each plan, or leaves it be: a running one is resumed (its worker picks it up), a
 * closed one is reported and never run again (the id is not reused). The task queue is the environment's
 * (`planTaskQueueFromEnv`, `dondoc` by default) unless given; tests that share a server give their own.
 */
export async function startPlanWorkflows(
  client: Client,
  plans: readonly LoadedPlan[],
  queue: PlanTaskQueue = planTaskQueueFromEnv(),
): Promise<PlanStartResult[]> {
  const results: PlanStartResult[] = [];
  for (const loaded of plans) {
    const { plan, file } = loaded;
    const taskQueue = typeof queue === 'string' ? queue : queue(loaded);
    const workflowId = planWorkflowId(plan.id);
    const base = { planId: plan.id, title: plan.title, file, workflowId };
    const before = await describe(client, workflowId);
    if (before) {
      const notice = before.outcome === 'running' ? await revisionNotice(client, loaded) : undefined;
      results.push({
        ...base,
        outcome: before.outcome,
        runId: before.runId,
        ...(before.outcome === 'closed' ? { closedStatus: before.status } : {}),
        ...(notice ? { revisionNotice: notice } : {}),
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

/**
 * Why the worker, which reads only the `*.yaml` files directly in `plansDir`, would not serve each plan: its file is
 * elsewhere, or another file of the folder declares the same id. One Vietnamese line per problem; none when all is well.
 */
export async function workerPlanProblems(plans: readonly LoadedPlan[], plansDir: string): Promise<string[]> {
  const folder = await realpath(plansDir).catch(() => undefined);
  const contents = folder ? await loadPlanFolder(plansDir) : { plans: [], broken: [] };
  const problems: string[] = [];
  for (const { file, plan } of plans) {
    const name = basename(file);
    const inFolder = folder !== undefined && (await realpath(dirname(file))) === folder;
    if (!inFolder) {
      problems.push(
        `${file}: tệp nằm ngoài thư mục kế hoạch mà worker đọc (plans folder), ${plansDir} (DONDOC_PLANS_DIR), ` +
          `nên worker sẽ không tìm thấy kế hoạch "${plan.id}". Chép tệp vào ${plansDir} rồi chạy ` +
          `"dondoc start ${join(plansDir, name)}", hoặc đặt DONDOC_PLANS_DIR là thư mục của tệp cho cả worker và lệnh này.`,
      );
      continue;
    }
    if (!/\.ya?ml$/i.test(name)) {
      problems.push(
        `${file}: worker chỉ đọc các tệp *.yaml, *.yml trong ${plansDir}; đổi tên tệp thành ${name.replace(/\.[^.]*$/, '')}.yaml.`,
      );
      continue;
    }
    const others = [
      ...contents.plans.filter((p) => p.plan.id === plan.id).map((p) => p.file),
      ...contents.broken.filter((b) => b.planIds.includes(plan.id)).map((b) => b.file),
    ].filter((other) => basename(other) !== name);
    if (others.length > 0) {
      problems.push(
        `${file}: thư mục kế hoạch ${plansDir} còn có ${[...new Set(others)].join(', ')} cùng id "${plan.id}" ` +
          '(duplicate plan id), worker không biết tệp nào đúng. Xóa tệp thừa hoặc đổi id của một trong hai tệp.',
      );
    }
  }
  return problems;
}
