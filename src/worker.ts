import { join } from 'node:path';
import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { publicUrlFromEnv } from './access/addresses';
import { createAgencyLinks, emailLinks } from './access/agency-links';
import { createLinkSigner } from './access/links';
import { loadServerSecret } from './access/secret';
import { createActivities, type ActivityDeps } from './activities';
import type { Activities } from './activities/types';
import { createReplyAddresses, replyAddressConfigFromEnv, repliesEnabled } from './activities/inbound/reply-address';
import { createMailer, mailerConfigFromEnv } from './activities/email/transport';
import { createPlanCatalog } from './activities/plan-catalog';
import { openStore, storeConfigFromEnv } from './activities/storage';
import type { Store } from './activities/storage/store';
import { loadWorkingCalendar } from './plan/holidays';
import { loadPlanFolder } from './plan/load';
import { envWithDataHome } from './services/data-home';
import { connectionHint, temporalConfigFromEnv } from './temporal/connection';
import {
  defaultWorkerSettings,
  workerSettingsFromEnv,
  workerTaskQueues,
  type WorkerSettings,
} from './temporal/worker-settings';
import { assertSearchAttributes } from './temporal/search-attributes';
import { cachedWorkflowBundle } from './temporal/workflow-bundle';
import { TASK_QUEUE } from './workflows/contract';

/** Builds the activity dependencies from the environment: the one place configuration turns into objects. */
export async function activityDepsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ActivityDeps & { store: Store }> {
  const plansDir = env.DONDOC_PLANS_DIR || 'plans';
  // Signed with the secret the web server verifies with (DONDOC_SECRET, or the file in DONDOC_HOME).
  const signer = createLinkSigner(await loadServerSecret(envWithDataHome(env)));
  const store = await openStore(storeConfigFromEnv(env));
  const mailer = createMailer(mailerConfigFromEnv(env));
  const holidaysDir = env.DONDOC_HOLIDAYS_DIR || join(plansDir, 'holidays');
  const calendar = await loadWorkingCalendar(holidaysDir);
  const plans = createPlanCatalog(plansDir);
  const links = emailLinks(createAgencyLinks(signer, publicUrlFromEnv(env)), plans, calendar);
  return {
    store,
    mailer,
    plans,
    calendar,
    // dondoc holidays apply: schedules are recomputed against the holiday files as they are then.
    reloadCalendar: () => loadWorkingCalendar(holidaysDir),
    submitLink: links.submitLink,
    calendarLink: links.calendarLink,
    // Replies by email: a reply to a reminder becomes the report (src/services/inbound-reply.ts).
    ...(repliesEnabled(env) ? { replyAddress: createReplyAddresses(store, replyAddressConfigFromEnv(env)) } : {}),
  };
}

/** The tuning a worker takes from `WorkerSettings` (the task queue is given apart). */
export type WorkerTuning = Pick<
  WorkerSettings,
  'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'identity'
>;

/**
 * A worker for dondoc's workflows and `activities` on `connection`; the bundle is the cached one unless given. A
 * `taskQueue` other than dondoc's is for tests that share a server with other workers (as in `startPlanWorkflows`),
 * and for the queues of `DONDOC_TASK_QUEUE` / `DONDOC_TASK_QUEUE_BY`.
 */
export async function createWorker(
  connection: NativeConnection,
  namespace: string,
  activities: Activities,
  workflowBundle?: WorkflowBundle,
  taskQueue: string = TASK_QUEUE,
  tuning: WorkerTuning = defaultWorkerSettings,
): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: workflowBundle ?? (await cachedWorkflowBundle(require.resolve('./workflows'))),
    activities,
    // Explicit: the default depends on heap size.
    maxCachedWorkflows: tuning.maxCachedWorkflows,
    ...(tuning.maxConcurrentActivityTaskExecutions !== undefined
      ? { maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivityTaskExecutions }
      : {}),
    ...(tuning.maxConcurrentWorkflowTaskExecutions !== undefined
      ? { maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTaskExecutions }
      : {}),
    ...(tuning.identity ? { identity: tuning.identity } : {}),
  });
}

/** One worker per task queue in `queues`, sharing the connection, the activities and one bundle. */
export async function createWorkers(
  connection: NativeConnection,
  namespace: string,
  activities: Activities,
  queues: readonly string[],
  settings: WorkerTuning = defaultWorkerSettings,
  workflowBundle?: WorkflowBundle,
): Promise<Worker[]> {
  const bundle = workflowBundle ?? (await cachedWorkflowBundle(require.resolve('./workflows')));
  const workers: Worker[] = [];
  for (const queue of queues)
    workers.push(await createWorker(connection, namespace, activities, bundle, queue, settings));
  return workers;
}

/** Runs `workers` until each has stopped; the first to fail shuts the others down, and its error is thrown. */
export async function runWorkers(workers: readonly Worker[]): Promise<void> {
  const results = await Promise.allSettled(
    workers.map((worker) =>
      worker.run().catch((err: unknown) => {
        for (const other of workers) if (other !== worker && other.getState() === 'RUNNING') other.shutdown();
        throw err;
      }),
    ),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The task queues a worker started from `env` serves: listed, or derived from the plans in its folder. */
export async function workerQueuesFromEnv(
  settings: WorkerSettings,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  if (settings.queues?.length || settings.split === 'none') return workerTaskQueues(settings, []);
  const { plans } = await loadPlanFolder(env.DONDOC_PLANS_DIR || 'plans');
  return workerTaskQueues(
    settings,
    plans.map((p) => ({ planId: p.plan.id, province: p.directory.province })),
  );
}

async function main(): Promise<void> {
  const config = temporalConfigFromEnv();
  const settings = workerSettingsFromEnv();
  const queues = await workerQueuesFromEnv(settings);
  const connection = await NativeConnection.connect({
    address: config.address,
    tls: config.tls,
    apiKey: config.apiKey,
  }).catch((err: Error) => {
    throw new Error(
      `không kết nối được máy chủ Temporal ${config.address} (cannot reach Temporal): ${err.message}. ` +
        connectionHint(config),
    );
  });
  // Before anything else: without dondoc's search attributes every workflow task would fail, over and over.
  const { warning } = await assertSearchAttributes(connection, config.namespace, config.address);
  if (warning) console.warn(`dondoc worker: ${warning}`);
  const deps = await activityDepsFromEnv();
  const workers = await createWorkers(connection, config.namespace, createActivities(deps), queues, settings);
  console.log(
    `dondoc worker ${workers[0].options.identity}: đang phục vụ (serving) ${config.address}, namespace ` +
      `${config.namespace}, hàng đợi (task queues) ${queues.join(', ')}`,
  );
  try {
    await runWorkers(workers);
  } finally {
    await deps.store.close();
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`dondoc worker: ${(err as Error).message}`);
    process.exit(1);
  });
}
