import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPlanWorkflows } from '../../src/services/start-plans';
import { describeEachStore, testStoreConfigs } from '../support/stores';
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
import { startWorkerProcess } from './support/worker-process';

jest.setTimeout(240_000);

const AGENCIES = 40;
const stripped = (id: string) => id.replace(/^<|>$/g, '');

// Several workers over one database is how dondoc scales out: PostgreSQL when the run has one (CI), else one SQLite
// file shared by both processes. One store only: the scenario takes about a minute and a half.
const [sqlite, postgres] = testStoreConfigs();
const stores = postgres.skipped ? [sqlite] : [postgres];

describeEachStore(
  'two dondoc workers on one task queue, one of them killed (SIGKILL) mid fan-out',
  (testStore) => {
    const rig = useFanoutRig('dondoc-fault-two-');

    it('shares the work between both, and the survivor delivers everything exactly once', async () => {
      const { env, root } = rig;
      const fanout = await writeFanoutPlans(root, {
        agencies: AGENCIES,
        perTask: 4,
        deliveries: ['individual', 'digest'],
      });
      const expected = expectedDeliveries(fanout);
      const slow = (rig.slow = await startSlowSink(100));
      const { sink } = slow;
      const taskQueue = `dondoc-fault-two-${randomBytes(4).toString('hex')}`;
      const bundlePath = join(root, 'workflow-bundle.js');
      writeFileSync(bundlePath, (await bundleOnce(require.resolve('../../src/workflows'))).code);
      const workerEnv = {
        ...testStore().env,
        TEMPORAL_ADDRESS: sharedDevServerAddress(),
        TEMPORAL_NAMESPACE: 'default',
        FAULT_TASK_QUEUE: taskQueue,
        FAULT_WORKFLOW_BUNDLE: bundlePath,
        FAULT_SEND_LEASE_MS: '5000',
        DONDOC_PLANS_DIR: fanout.dir,
        DONDOC_HOLIDAYS_DIR: join(__dirname, '..', '..', 'plans', 'holidays'),
        DONDOC_HOME: join(root, 'home'),
        DONDOC_SECRET: 'x'.repeat(48),
        DONDOC_INBOUND: 'off',
        SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
        MAIL_FROM: 'Hệ thống Đôn đốc <dondoc@suco.thunghiem.example>',
      };
      const store = (rig.store = await testStore().open());
      const sends = store;
      rig.ids = workflowIds(fanout, taskQueue).all;
      const { subjects, mailboxes } = workflowIds(fanout, taskQueue);
      const working = [...subjects, ...mailboxes];

      const phases: [string, number][] = [['start', Date.now()]];
      const timeline = () =>
        phases.map(([name, at]) => `${name} +${Math.round((at - phases[0][1]) / 1000)} s`).join(', ');
      const pair = [startWorkerProcess(workerEnv), startWorkerProcess(workerEnv)];
      rig.workers.push(...pair);
      try {
        const identities = await Promise.all(pair.map((w) => w.ready()));
        expect(identities[0]).not.toBe(identities[1]);
        await startMailboxes(env.client, fanout, taskQueue);
        slow.close();
        await startPlanWorkflows(env.client, await fanout.load(), taskQueue);
        await eventually(() => bothClaimed(sends, fanout), 90_000, 250);
        phases.push(['claimed', Date.now()]);
        slow.open();
        // Half of it out: shut the server, let the last accepted message be recorded, and see who holds what.
        await eventually(async () => sink.received.length >= expected.length / 2, 60_000, 50);
        slow.close();
        await eventually(
          async () => (await sends.listSends({ status: 'sent' })).length === sink.received.length,
          30_000,
          100,
        );
        const beforeKill = sink.received.length;
        // Both processed work: each started workflow tasks and sends.
        const before = await startedBy(env.client, working);
        for (const identity of identities) {
          expect(before.some((t) => t.identity === identity && t.activity === undefined)).toBe(true);
          expect(
            before.some(
              (t) => t.identity === identity && (t.activity === 'sendNotifications' || t.activity === 'sendDigest'),
            ),
          ).toBe(true);
        }
        // Kill a worker that holds sends still running (claimed, not yet through SMTP).
        const pending = (
          await Promise.all(
            working.map(async (workflowId) =>
              ((await env.client.workflow.getHandle(workflowId).describe()).raw.pendingActivities ?? []).map((a) => ({
                workflowId,
                activityId: a.activityId ?? '',
                attempt: a.attempt ?? 1,
                identity: a.lastWorkerIdentity ?? '',
              })),
            ),
          )
        ).flat();
        const victim = identities.findIndex((identity) => pending.some((p) => p.identity === identity));
        expect(victim).toBeGreaterThanOrEqual(0);
        const survivor = 1 - victim;
        const lost = pending.filter((p) => p.identity === identities[victim]);
        await pair[victim].kill();
        slow.open();
        phases.push(['kill', Date.now()]);

        const killedAt = Date.now();
        await eventually(async () => sink.received.length >= expected.length, 180_000, 500);
        const recoveredIn = Math.round((Date.now() - killedAt) / 1000);
        phases.push(['delivered', Date.now()]);
        await allSettled(env.client, working, 60_000);
        phases.push(['settled', Date.now()]);

        // Exactly once: by agency, kind and plan; by Message-ID; by recipient and subject line; in the send log.
        expect(sink.received.map(deliveryOf).sort()).toEqual(expected);
        const messageIds = sink.received.map((m) => stripped(m.parsed.messageId ?? ''));
        expect(new Set(messageIds).size).toBe(expected.length);
        const lines = sink.received.map((m) => `${m.envelope.to.join(',')}|${m.parsed.subject}`);
        expect(new Set(lines).size).toBe(expected.length);
        const log = (await Promise.all(fanout.plans.map((p) => sends.listSends({ planId: p.planId })))).flat();
        expect(log.map((s) => s.status)).toEqual(Array(expected.length).fill('sent'));
        expect(log.map((s) => stripped(s.messageId)).sort()).toEqual([...messageIds].sort());

        // The dead worker's sends were finished by the survivor, on a later attempt.
        const after = await startedBy(env.client, working);
        const sendsOf = (identity: string) =>
          after.filter(
            (t) => t.identity === identity && (t.activity === 'sendNotifications' || t.activity === 'sendDigest'),
          );
        const takenOver = lost.filter((l) =>
          sendsOf(identities[survivor]).some(
            (t) => t.workflowId === l.workflowId && t.activityId === l.activityId && t.attempt > l.attempt,
          ),
        );
        expect(takenOver).toEqual(lost);
        process.stdout.write(
          `two-workers (${testStore().name}): ${beforeKill}/${expected.length} delivered before the kill; ` +
            `sends started by each: ${identities.map((i) => sendsOf(i).length).join(' and ')}; ` +
            `${takenOver.length} taken over by the survivor; all delivered ${recoveredIn} s after the kill (${timeline()})\n`,
        );
      } catch (err) {
        throw new Error(
          `${(err as Error).message}\n${timeline()}\n${pair.map((w, i) => `--- worker ${i + 1} ---\n${w.output()}`).join('\n')}`,
        );
      }
    });
  },
  stores,
);
