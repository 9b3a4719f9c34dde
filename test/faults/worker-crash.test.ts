import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/activities/storage/open-store';
import { startPlanWorkflows } from '../../src/services/start-plans';
import { bundleOnce, eventually, sharedDevServerAddress } from '../support/temporal';
import {
  allSettled,
  bothClaimed,
  deliveryOf,
  expectedDeliveries,
  startMailboxes,
  startSlowSink,
  startedBy,
  workflowIds,
  writeFanoutPlans,
} from './support/fanout-plan';
import { useFanoutRig } from './support/fanout-rig';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

jest.setTimeout(240_000);

const AGENCIES = 40;
const stripped = (id: string) => id.replace(/^<|>$/g, '');

// The dev server of the jest run (real time), dondoc's worker in a child process, SMTP to a slow sink on loopback.
describe('a worker killed (SIGKILL) in the middle of a reminder fan-out and of many agencies’ digests', () => {
  const rig = useFanoutRig('dondoc-fault-crash-');

  it('delivers every reminder and every digest exactly once after a new worker takes over', async () => {
    const { env, root } = rig;
    const fanout = await writeFanoutPlans(root, {
      agencies: AGENCIES,
      perTask: 4,
      deliveries: ['individual', 'digest'],
    });
    const [individual, digest] = fanout.plans;
    const expected = expectedDeliveries(fanout);
    expect(expected).toHaveLength(2 * AGENCIES);
    const slow = (rig.slow = await startSlowSink(100));
    const { sink } = slow;
    const taskQueue = `dondoc-fault-crash-${randomBytes(4).toString('hex')}`;
    const bundlePath = join(root, 'workflow-bundle.js');
    writeFileSync(bundlePath, (await bundleOnce(require.resolve('../../src/workflows'))).code);
    const dbFile = join(root, 'dondoc.db');
    const workerEnv = {
      TEMPORAL_ADDRESS: sharedDevServerAddress(),
      TEMPORAL_NAMESPACE: 'default',
      FAULT_TASK_QUEUE: taskQueue,
      FAULT_WORKFLOW_BUNDLE: bundlePath,
      FAULT_SEND_LEASE_MS: '5000',
      DONDOC_PLANS_DIR: fanout.dir,
      DONDOC_HOLIDAYS_DIR: join(__dirname, '..', '..', 'plans', 'holidays'),
      DONDOC_DB: dbFile,
      DATABASE_URL: '',
      DONDOC_HOME: join(root, 'home'),
      DONDOC_SECRET: 'x'.repeat(48),
      DONDOC_INBOUND: 'off',
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      MAIL_FROM: 'Hệ thống Đôn đốc <dondoc@suco.thunghiem.example>',
    };
    const store = (rig.store = await openStore({ sqlitePath: dbFile }));
    const sends = store;
    rig.ids = workflowIds(fanout, taskQueue).all;
    const { subjects, mailboxes } = workflowIds(fanout, taskQueue);

    const first = startWorkerProcess(workerEnv);
    rig.workers.push(first);
    let second: WorkerProcess | undefined;
    try {
      const firstIdentity = await first.ready();
      await startMailboxes(env.client, fanout, taskQueue);
      // Shut until the reminders and some digests have been claimed for sending, so the kill finds both in flight.
      slow.close();
      const started = await startPlanWorkflows(env.client, await fanout.load(), taskQueue);
      expect(started.map((s) => s.outcome)).toEqual(['started', 'started']);
      await eventually(() => bothClaimed(sends, fanout), 90_000, 250);
      slow.open();
      // Part of the fan-out is out (one message at a time, 100 ms each): shut the server again, let the last accepted
      // message be recorded, and kill the worker while the rest are claimed and queued for SMTP.
      await eventually(async () => sink.received.length >= 15, 60_000, 50);
      slow.close();
      await eventually(
        async () => (await sends.listSends({ status: 'sent' })).length === sink.received.length,
        30_000,
        100,
      );
      const beforeKill = sink.received.length;
      const unsent = await sends.listSends({ status: 'sending' });
      await first.kill();
      slow.open();
      expect(beforeKill).toBeLessThan(expected.length);
      // Both fan-outs were interrupted: reminders and digests alike were still waiting for SMTP.
      expect(new Set(unsent.map((s) => s.kind))).toEqual(new Set(['reminder', 'digest']));

      second = startWorkerProcess(workerEnv);
      rig.workers.push(second);
      const secondIdentity = await second.ready();
      // How long each fan-out took to finish after the kill (the dead attempts time out, then are retried).
      const killedAt = Date.now();
      const done: Record<string, number> = {};
      await eventually(
        async () => {
          for (const kind of ['reminder', 'digest']) {
            const n = sink.received.filter((m) => deliveryOf(m).startsWith(`${kind}|`)).length;
            if (n >= AGENCIES && done[kind] === undefined) done[kind] = Math.round((Date.now() - killedAt) / 1000);
          }
          return sink.received.length >= expected.length;
        },
        180_000,
        500,
      );
      await allSettled(env.client, [...subjects, ...mailboxes], 60_000);

      // Exactly once: by agency, kind and plan; by Message-ID; by recipient and subject line.
      expect(sink.received.map(deliveryOf).sort()).toEqual(expected);
      const messageIds = sink.received.map((m) => stripped(m.parsed.messageId ?? ''));
      expect(new Set(messageIds).size).toBe(expected.length);
      const lines = sink.received.map((m) => `${m.envelope.to.join(',')}|${m.parsed.subject}`);
      expect(new Set(lines).size).toBe(expected.length);
      // The send log agrees: one entry per message, sent, with the Message-ID that arrived.
      const log = [
        ...(await sends.listSends({ planId: individual.planId })),
        ...(await sends.listSends({ planId: digest.planId })),
      ];
      expect(log.map((s) => s.status)).toEqual(Array(expected.length).fill('sent'));
      expect(log.map((s) => stripped(s.messageId)).sort()).toEqual([...messageIds].sort());
      expect(log.filter((s) => s.kind === 'reminder')).toHaveLength(AGENCIES);
      expect(log.filter((s) => s.kind === 'digest')).toHaveLength(AGENCIES);
      // What the first worker had claimed and not sent was sent by a later attempt.
      const retried = new Set(unsent.map((s) => s.key));
      expect(log.filter((s) => retried.has(s.key)).every((s) => s.attempts >= 2)).toBe(true);

      // The histories say the same: the dead worker's sends were taken over by the new one.
      const tasks = await startedBy(env.client, [...subjects, ...mailboxes]);
      const sendsStarted = tasks.filter((t) => t.activity === 'sendNotifications' || t.activity === 'sendDigest');
      expect(sendsStarted.some((t) => t.identity === firstIdentity && t.attempt === 1)).toBe(true);
      expect(sendsStarted.some((t) => t.identity === secondIdentity && t.attempt >= 2)).toBe(true);
      process.stdout.write(
        `worker-crash: ${beforeKill}/${expected.length} delivered before the kill, ${unsent.length} claimed and ` +
          `unsent; after the kill all reminders out in ${done.reminder} s, all digests in ${done.digest} s\n`,
      );
    } catch (err) {
      throw new Error(
        `${(err as Error).message}\n--- first worker ---\n${first.output()}\n--- second worker ---\n${second?.output() ?? ''}`,
      );
    }
  });
});
