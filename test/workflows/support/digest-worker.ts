/**
 * A dondoc worker process for the digest crash test. With CRASH_IN_DIGEST=after-smtp it prints `SENT <key>` once the
 * send log has recorded a digest's delivery and then hangs; with CRASH_IN_DIGEST=before-smtp it prints `SENDING` and
 * hangs instead of handing the digest to SMTP. Either way the test can SIGKILL it in the middle of the send.
 * SEND_LEASE_MS shortens how long a send claim of a dead attempt holds off the next one.
 */
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../../src/activities';
import { createMailer, type Mailer } from '../../../src/activities/email/transport';
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
  const smtp = createMailer({
    smtpUrl: `smtp://127.0.0.1:${required('SMTP_PORT')}`,
    from: 'dondoc@thunghiem.example',
    local: true,
  });
  const crash = process.env.CRASH_IN_DIGEST;
  const mailer: Mailer = {
    from: smtp.from,
    description: smtp.description,
    close: () => smtp.close(),
    async send(mail) {
      if (crash === 'before-smtp' && mail.headers?.['X-Dondoc-Kind'] === 'digest') {
        process.stdout.write(`SENDING ${mail.messageId}\n`);
        await new Promise(() => undefined);
      }
      return smtp.send(mail);
    },
  };
  // The mailbox is signalled and the subjects read through the worker's own client (the default).
  const activities = createActivities({
    store,
    mailer,
    plans: createPlanCatalog(required('PLANS_DIR')),
    calendar: await loadWorkingCalendar(join(__dirname, '..', '..', '..', 'plans', 'holidays')),
    sendLeaseMs: process.env.SEND_LEASE_MS ? Number(process.env.SEND_LEASE_MS) : undefined,
    hooks:
      crash === 'after-smtp'
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
