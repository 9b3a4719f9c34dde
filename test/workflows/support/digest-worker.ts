/**
 * A dondoc worker process for the digest crash test. With CRASH_IN_DIGEST=1 it prints `SENT <key>` once the send log
 * has recorded a digest's delivery and then hangs, so the test can SIGKILL it before the activity completes.
 */
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../../src/activities';
import { createMailer } from '../../../src/activities/email/transport';
import { createPlanCatalog } from '../../../src/activities/plan-catalog';
import { openStore } from '../../../src/activities/storage/open-store';
import { loadWorkingCalendar } from '../../../src/plan/holidays';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const store = await openStore({ sqlitePath: required('STORE_PATH') });
  const mailer = createMailer({
    smtpUrl: `smtp://127.0.0.1:${required('SMTP_PORT')}`,
    from: 'dondoc@thunghiem.example',
    local: true,
  });
  const crash = process.env.CRASH_IN_DIGEST === '1';
  // The mailbox is signalled and the subjects read through the worker's own client (the default).
  const activities = createActivities({
    store,
    mailer,
    plans: createPlanCatalog(required('PLANS_DIR')),
    calendar: await loadWorkingCalendar(join(__dirname, '..', '..', '..', 'plans', 'holidays')),
    hooks: crash
      ? {
          afterSendRecorded: async (entry) => {
            if (entry.kind !== 'digest') return;
            process.stdout.write(`SENT ${entry.key}\n`);
            await new Promise(() => undefined);
          },
        }
      : undefined,
  });
  const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
  const worker = await Worker.create({
    connection,
    taskQueue: required('TASK_QUEUE'),
    workflowBundle: { codePath: required('WORKFLOW_BUNDLE') },
    activities,
    // No sticky cache: after the kill, workflow tasks go to the shared queue at once instead of waiting for the dead worker.
    maxCachedWorkflows: 0,
  });
  process.stdout.write('READY\n');
  await worker.run();
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
