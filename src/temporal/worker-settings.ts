import { TASK_QUEUE } from '../workflows/contract';

/** How plans are spread over task queues. */
export type TaskQueueSplit =
  | 'none' /** every plan on `DONDOC_TASK_QUEUE` */
  | 'province' /** `<DONDOC_TASK_QUEUE>-<province>`: one queue per agency directory's province */
  | 'plan'; /** `<DONDOC_TASK_QUEUE>-<plan id>`: one queue per plan */

/** How a worker process polls Temporal; from the environment (`workerSettingsFromEnv`). */
export interface WorkerSettings {
  /** `DONDOC_TASK_QUEUE`: the queue, or the prefix of the derived ones. */
  taskQueue: string;
  /** `DONDOC_TASK_QUEUE_BY`. */
  split: TaskQueueSplit;
  /** `DONDOC_WORKER_TASK_QUEUES`: the queues this worker serves; unset, the queues of the plans in its folder. */
  queues?: string[];
  /** `DONDOC_MAX_CACHED_WORKFLOWS`, per queue served. */
  maxCachedWorkflows: number;
  /** `DONDOC_MAX_CONCURRENT_ACTIVITIES`, per queue served; unset, the SDK's default. */
  maxConcurrentActivityTaskExecutions?: number;
  /** `DONDOC_MAX_CONCURRENT_WORKFLOW_TASKS`, per queue served; unset, the SDK's default. */
  maxConcurrentWorkflowTaskExecutions?: number;
  /** `DONDOC_WORKER_IDENTITY`; unset, the SDK's `<pid>@<host>`. */
  identity?: string;
}

/** Plans have tens of tasks; 500 keeps every workflow of a dozen plans cached (the SDK's default follows the heap). */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 500;

/** The settings of a worker that reads nothing from the environment (tests, simulations). */
export const defaultWorkerSettings: WorkerSettings = {
  taskQueue: TASK_QUEUE,
  split: 'none',
  maxCachedWorkflows: DEFAULT_MAX_CACHED_WORKFLOWS,
};

/** A worker setting with a value it cannot take; the message names the variable and what it expects. */
export class WorkerSettingsError extends Error {
  override readonly name = 'WorkerSettingsError';
}

// Temporal takes any string up to 1,000 bytes; dondoc keeps names that survive a shell, a URL and a log line.
const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$/;

function queueName(variable: string, value: string): string {
  if (!QUEUE_NAME.test(value)) {
    throw new WorkerSettingsError(
      `${variable}="${value}": tên hàng đợi chỉ gồm chữ cái không dấu, chữ số và . _ ~ -, tối đa 200 ký tự ` +
        '(a task queue name of letters, digits, ".", "_", "~", "-")',
    );
  }
  return value;
}

function wholeNumber(env: NodeJS.ProcessEnv, variable: string, min: number): number | undefined {
  const raw = env[variable]?.trim();
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new WorkerSettingsError(
      `${variable}="${env[variable]}": phải là một số nguyên ≥ ${min} (expected a whole number ≥ ${min})`,
    );
  }
  return Number(raw);
}

/**
 * `DONDOC_TASK_QUEUE` (default `dondoc`), `DONDOC_TASK_QUEUE_BY` (`none`, `province`, `plan`),
 * `DONDOC_WORKER_TASK_QUEUES` (comma-separated), `DONDOC_MAX_CACHED_WORKFLOWS` (default 500),
 * `DONDOC_MAX_CONCURRENT_ACTIVITIES`, `DONDOC_MAX_CONCURRENT_WORKFLOW_TASKS`, `DONDOC_WORKER_IDENTITY`.
 */
export function workerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const taskQueue = env.DONDOC_TASK_QUEUE?.trim()
    ? queueName('DONDOC_TASK_QUEUE', env.DONDOC_TASK_QUEUE.trim())
    : TASK_QUEUE;
  const by = env.DONDOC_TASK_QUEUE_BY?.trim() || 'none';
  if (by !== 'none' && by !== 'province' && by !== 'plan') {
    throw new WorkerSettingsError(
      `DONDOC_TASK_QUEUE_BY="${by}": chỉ nhận none, province (mỗi tỉnh một hàng đợi) hoặc plan (mỗi kế hoạch một ` +
        'hàng đợi) (expected none, province or plan)',
    );
  }
  const listed = env.DONDOC_WORKER_TASK_QUEUES?.split(',')
    .map((q) => q.trim())
    .filter(Boolean);
  const queues = listed?.length
    ? [...new Set(listed.map((q) => queueName('DONDOC_WORKER_TASK_QUEUES', q)))]
    : undefined;
  const identity = env.DONDOC_WORKER_IDENTITY?.trim() || undefined;
  const activities = wholeNumber(env, 'DONDOC_MAX_CONCURRENT_ACTIVITIES', 1);
  const cache = wholeNumber(env, 'DONDOC_MAX_CACHED_WORKFLOWS', 0) ?? DEFAULT_MAX_CACHED_WORKFLOWS;
  // The SDK would quietly change these (to 2, or to the cache size): say so instead.
  if (cache === 1) {
    throw new WorkerSettingsError(
      'DONDOC_MAX_CACHED_WORKFLOWS="1": phải là 0 (không giữ bộ đệm) hoặc từ 2 trở lên (expected 0 or a number ≥ 2)',
    );
  }
  const workflowTasks = wholeNumber(env, 'DONDOC_MAX_CONCURRENT_WORKFLOW_TASKS', cache === 0 ? 1 : 2);
  if (workflowTasks !== undefined && cache > 0 && workflowTasks > cache) {
    throw new WorkerSettingsError(
      `DONDOC_MAX_CONCURRENT_WORKFLOW_TASKS="${workflowTasks}": không được lớn hơn DONDOC_MAX_CACHED_WORKFLOWS ` +
        `(${cache}) (cannot exceed the workflow cache size)`,
    );
  }
  return {
    taskQueue,
    split: by,
    ...(queues ? { queues } : {}),
    maxCachedWorkflows: cache,
    ...(activities !== undefined ? { maxConcurrentActivityTaskExecutions: activities } : {}),
    ...(workflowTasks !== undefined ? { maxConcurrentWorkflowTaskExecutions: workflowTasks } : {}),
    ...(identity ? { identity } : {}),
  };
}

/** Lower-case ASCII words joined by `-`: "Ninh Bình" → `ninh-binh`, "Đắk Nông" → `dak-nong`. */
function queueSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** What the queue of a plan depends on: its id and its directory's province. */
export interface PlanQueueKey {
  planId: string;
  province: string;
}

/**
 * The task queue a plan's workflow starts on. Its task workflows, their activities and continue-as-new runs stay on
 * it: Temporal gives children and activities their parent's queue unless told otherwise, and dondoc's workflows never
 * name one. Digest mailboxes are started on the queue of the task that queues the item (src/activities/digest.ts).
 */
export function planTaskQueue(settings: Pick<WorkerSettings, 'taskQueue' | 'split'>, key: PlanQueueKey): string {
  if (settings.split === 'none') return settings.taskQueue;
  const part = queueSlug(settings.split === 'plan' ? key.planId : key.province) || 'x';
  return `${settings.taskQueue}-${part}`.slice(0, 200);
}

/** The queues a worker serves: `DONDOC_WORKER_TASK_QUEUES`, or those of `plans` (its folder's), at least one. */
export function workerTaskQueues(settings: WorkerSettings, plans: readonly PlanQueueKey[]): string[] {
  if (settings.queues?.length) return settings.queues;
  if (settings.split === 'none') return [settings.taskQueue];
  const queues = [...new Set(plans.map((p) => planTaskQueue(settings, p)))].sort();
  return queues.length > 0 ? queues : [settings.taskQueue];
}
