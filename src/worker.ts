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
import { envWithDataHome } from './services/data-home';
import { temporalConfigFromEnv } from './temporal/connection';
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

/**
 * A worker for dondoc's workflows and `activities` on `connection`; the bundle is the cached one unless given. A
 * `taskQueue` other than dondoc's is for tests that share a server with other workers (as in `startPlanWorkflows`).
 */
export async function createWorker(
  connection: NativeConnection,
  namespace: string,
  activities: Activities,
  workflowBundle?: WorkflowBundle,
  taskQueue: string = TASK_QUEUE,
): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: workflowBundle ?? (await cachedWorkflowBundle(require.resolve('./workflows'))),
    activities,
    // Explicit: the default depends on heap size. Plans have tens of tasks; this keeps every one cached.
    maxCachedWorkflows: 500,
  });
}

async function main(): Promise<void> {
  const config = temporalConfigFromEnv();
  const connection = await NativeConnection.connect({
    address: config.address,
    tls: config.tls,
    apiKey: config.apiKey,
  });
  // Before anything else: without dondoc's search attributes every workflow task would fail, over and over.
  const { warning } = await assertSearchAttributes(connection, config.namespace, config.address);
  if (warning) console.warn(`dondoc worker: ${warning}`);
  const deps = await activityDepsFromEnv();
  const worker = await createWorker(connection, config.namespace, createActivities(deps));
  await worker.run();
  await deps.store.close();
  await connection.close();
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`dondoc worker: ${(err as Error).message}`);
    process.exit(1);
  });
}
