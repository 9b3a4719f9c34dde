import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { createActivities } from '../../../src/activities';
import { createMailer } from '../../../src/activities/email/transport';
import { createPlanCatalog } from '../../../src/activities/plan-catalog';
import type { Store } from '../../../src/activities/storage/store';
import type { Activities } from '../../../src/activities/types';
import { startMailCapture, type MailCapture } from '../../../src/mail-capture';
import { loadWorkingCalendar } from '../../../src/plan/holidays';
import { runWorkerOnSharedServer, sharedDevServerAddress } from '../../support/temporal';

/** A dondoc worker on the shared dev server, as the CLI suites need it, and the environment a CLI command sees. */
export interface OperatorRig {
  /** A task queue of its own: other test files run workers on the shared server with other plans. */
  taskQueue: string;
  /** What a command run in-process or as `npx dondoc` is given: the server, the plans, the worker's own store. */
  env: NodeJS.ProcessEnv;
  store: Store;
  capture: MailCapture;
  client: Client;
  /** Stops the worker, the mail capture and the store, and removes `root`. */
  stop(): Promise<void>;
}

/**
 * Starts a worker with real activities over the store `openStore` opens (the one `storeEnv` points the CLI at), mail
 * to a local capture, and the plans of `plansDir`; `wrap` changes activities for fault tests.
 */
export async function startOperatorRig(options: {
  name: string;
  root: string;
  plansDir: string;
  storeEnv: Record<string, string>;
  openStore: () => Promise<Store>;
  wrap?: (real: Activities) => Activities;
}): Promise<OperatorRig> {
  const taskQueue = `dondoc-${options.name}-${randomBytes(4).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: sharedDevServerAddress(),
    TEMPORAL_NAMESPACE: 'default',
    DONDOC_PLANS_DIR: options.plansDir,
    DONDOC_HOME: join(options.root, 'home'),
    // The CLI must use the worker's store: its SQLite file, or its PostgreSQL schema (not another DATABASE_URL).
    ...options.storeEnv,
  };
  const capture = await startMailCapture({ smtpPort: 0, httpPort: 0, dir: join(options.root, 'mail') });
  const store = await options.openStore();
  const mailer = createMailer({
    smtpUrl: `smtp://127.0.0.1:${capture.smtpPort}`,
    from: 'x <x@localhost>',
    local: true,
  });
  const real = createActivities({
    store,
    mailer,
    plans: createPlanCatalog(options.plansDir),
    calendar: await loadWorkingCalendar('plans/holidays'),
  });
  const dondoc = await runWorkerOnSharedServer(taskQueue, options.wrap ? options.wrap(real) : real);
  return {
    taskQueue,
    env,
    store,
    capture,
    client: dondoc.client,
    async stop() {
      await dondoc.stop();
      mailer.close();
      await store.close();
      await capture.stop();
      rmSync(options.root, { recursive: true, force: true });
    },
  };
}
