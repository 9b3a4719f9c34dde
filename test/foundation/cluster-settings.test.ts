import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createSecureServer,
  type Http2SecureServer,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
} from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import type { Store } from '../../src/activities/storage/store';
import { planTaskQueueFromEnv, startPlanWorkflows } from '../../src/services/start-plans';
import { connectClient, type DondocClient } from '../../src/temporal/client';
import { temporalConfigFromEnv } from '../../src/temporal/connection';
import { workerSettingsFromEnv } from '../../src/temporal/worker-settings';
import { activityDepsFromEnv, createWorkers, runWorkers, workerQueuesFromEnv } from '../../src/worker';
import { planWorkflowId, subjectWorkflowId } from '../../src/workflows/contract';
import { allSearchAttributeKeys } from '../../src/workflows/search-attributes';
import { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { startSmtpSink, type SmtpSink } from '../activities/support/smtp';
import {
  allSettled,
  deliveryOf,
  expectedDeliveries,
  startedBy,
  terminateAll,
  writeFanoutPlans,
  type FanoutPlans,
} from '../faults/support/fanout-plan';
import { makeTestCertificates, TLS_SERVER_NAME, type TestCertificates } from '../faults/support/tls-certs';
import { startTlsProxy, type TlsProxy } from '../faults/support/tls-proxy';
import { bundleOnce, eventually, sharedDevServerAddress } from '../support/temporal';
import { freePort } from '../../src/temporal/ports';

jest.setTimeout(120_000);

const INDEXED: Record<string, number> = {
  [SearchAttributeType.KEYWORD]: 2,
  [SearchAttributeType.DATETIME]: 6,
  [SearchAttributeType.KEYWORD_LIST]: 7,
};

/** A namespace of its own on the shared dev server, with dondoc's search attributes, as an operator would make it. */
async function createNamespace(namespace: string): Promise<void> {
  const connection = await Connection.connect({ address: sharedDevServerAddress() });
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    const searchAttributes = Object.fromEntries(allSearchAttributeKeys.map((k) => [k.name, INDEXED[k.type]]));
    // The frontend's namespace cache sees the new namespace a few seconds later.
    await eventually(
      async () => {
        await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        return allSearchAttributeKeys.every((k) => k.name in (customAttributes ?? {}));
      },
      60_000,
      500,
    );
  } finally {
    await connection.close();
  }
}

/** What a worker process is given: the plans folder, a database, SMTP to `sink`, and `extra`. */
function workerEnv(
  root: string,
  fanout: FanoutPlans,
  sink: SmtpSink,
  extra: Record<string, string>,
): Record<string, string | undefined> {
  return {
    ...process.env,
    DONDOC_PLANS_DIR: fanout.dir,
    DONDOC_HOLIDAYS_DIR: join(__dirname, '..', '..', 'plans', 'holidays'),
    DONDOC_DB: join(root, 'dondoc.db'),
    DATABASE_URL: '',
    DATABASE_SCHEMA: '',
    DONDOC_HOME: join(root, 'home'),
    DONDOC_SECRET: 'x'.repeat(48),
    DONDOC_INBOUND: 'off',
    SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
    MAIL_FROM: 'Hệ thống Đôn đốc <dondoc@suco.thunghiem.example>',
    DONDOC_TASK_QUEUE_BY: '',
    DONDOC_WORKER_TASK_QUEUES: '',
    ...extra,
  };
}

/** dondoc's worker as src/worker.ts builds it from `env` (connection, settings, queues, activities), in this process. */
async function startWorker(env: NodeJS.ProcessEnv): Promise<{ queues: string[]; store: Store; stop(): Promise<void> }> {
  const config = temporalConfigFromEnv(env);
  const settings = workerSettingsFromEnv(env);
  const queues = await workerQueuesFromEnv(settings, env);
  const connection = await NativeConnection.connect({
    address: config.address,
    tls: config.tls,
    apiKey: config.apiKey,
  });
  const deps = await activityDepsFromEnv(env);
  let workers: Worker[] = [];
  try {
    workers = await createWorkers(
      connection,
      config.namespace,
      createActivities(deps),
      queues,
      settings,
      await bundleOnce(require.resolve('../../src/workflows')),
    );
  } catch (err) {
    await deps.store.close();
    await connection.close();
    throw err;
  }
  const running = runWorkers(workers);
  return {
    queues,
    store: deps.store,
    stop: async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await running.catch(() => undefined);
      deps.mailer.close();
      await deps.store.close();
      await connection.close();
    },
  };
}

describe('a production cluster’s settings: mTLS through a TLS-terminating proxy, another namespace', () => {
  let certs: TestCertificates;
  let proxy: TlsProxy;
  let root: string;
  let sink: SmtpSink;
  const namespace = `dondoc-h7-${randomBytes(4).toString('hex')}`;
  const tlsEnv = (): Record<string, string> => ({
    TEMPORAL_ADDRESS: proxy.address,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TLS_CERT: certs.clientCert,
    TEMPORAL_TLS_KEY: certs.clientKey,
    TEMPORAL_TLS_CA: certs.ca,
    TEMPORAL_TLS_SERVER_NAME: TLS_SERVER_NAME,
  });

  beforeAll(async () => {
    certs = makeTestCertificates();
    proxy = await startTlsProxy(sharedDevServerAddress(), certs);
    root = mkdtempSync(join(tmpdir(), 'dondoc-cluster-'));
    sink = await startSmtpSink();
    await createNamespace(namespace);
  });
  afterAll(async () => {
    await sink?.stop();
    await proxy?.stop();
    certs?.cleanup();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('runs a plan with the client and the worker connected by client certificate, in its namespace', async () => {
    const fanout = await writeFanoutPlans(root, { agencies: 4, perTask: 2, deliveries: ['individual'] });
    const queue = `h7-tls-${randomBytes(3).toString('hex')}`;
    const env = workerEnv(root, fanout, sink, {
      ...tlsEnv(),
      DONDOC_TASK_QUEUE: queue,
      DONDOC_WORKER_IDENTITY: 'h7-worker-mtls',
      DONDOC_MAX_CACHED_WORKFLOWS: '20',
      DONDOC_MAX_CONCURRENT_ACTIVITIES: '4',
      DONDOC_MAX_CONCURRENT_WORKFLOW_TASKS: '4',
    });
    const worker = await startWorker(env);
    let client: DondocClient | undefined;
    const ids = [
      planWorkflowId(fanout.plans[0].planId),
      ...fanout.plans[0].tasks.map((t) =>
        subjectWorkflowId(fanout.plans[0].planId, { type: 'task', taskId: t.taskId }),
      ),
    ];
    try {
      client = await connectClient(env);
      expect(client.namespace).toBe(namespace);
      const [started] = await startPlanWorkflows(client.client, await fanout.load(), planTaskQueueFromEnv(env));
      expect(started.outcome).toBe('started');
      await eventually(async () => sink.received.length >= 4, 60_000);
      await allSettled(client.client, ids.slice(1), 30_000);
      expect(sink.received.map(deliveryOf).sort()).toEqual(expectedDeliveries(fanout));

      // In the namespace asked for, on the queue of DONDOC_TASK_QUEUE, polled by the worker of DONDOC_WORKER_IDENTITY.
      const plan = await client.client.workflow.getHandle(ids[0]).describe();
      expect(plan.taskQueue).toBe(queue);
      const identities = new Set((await startedBy(client.client, ids)).map((s) => s.identity));
      expect([...identities]).toEqual(['h7-worker-mtls']);
      const pollers = await client.client.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: queue },
      });
      expect(pollers.pollers?.map((p) => p.identity)).toContain('h7-worker-mtls');
      // Not in `default`: a plain connection to the dev server does not find it there.
      const plain = await Connection.connect({ address: sharedDevServerAddress() });
      try {
        const inDefault = new Client({ connection: plain, namespace: 'default' }).workflow.getHandle(ids[0]);
        await expect(inDefault.describe()).rejects.toMatchObject({ name: 'WorkflowNotFoundError' });
      } finally {
        await plain.close();
      }
      expect(new Set(proxy.accepted)).toEqual(new Set(['dondoc-worker']));
    } finally {
      if (client) await terminateAll(client.client, ids);
      await client?.close();
      await worker.stop();
    }
  });

  it.each([
    [
      'without a client certificate',
      (e: Record<string, string>) => ({ ...e, TEMPORAL_TLS_CERT: '', TEMPORAL_TLS_KEY: '' }),
    ],
    [
      'with a certificate of another CA',
      (e: Record<string, string>) => ({
        ...e,
        TEMPORAL_TLS_CERT: certs.strangerCert,
        TEMPORAL_TLS_KEY: certs.strangerKey,
      }),
    ],
  ])('refuses the client and the worker %s, with a clear error', async (_, change) => {
    const env = { ...process.env, ...change(tlsEnv()) };
    const refusedBefore = proxy.refused.length;
    const acceptedBefore = proxy.accepted.length;
    const error = await connectClient(env).then(
      async (c) => {
        await c.close();
        return undefined;
      },
      (err: Error) => err,
    );
    expect(error?.name).toBe('TemporalUnavailableError');
    expect(error?.message).toContain(`không kết nối được máy chủ Temporal ${proxy.address}`);
    expect(error?.message).toContain('TEMPORAL_TLS_CERT');
    const config = temporalConfigFromEnv(env);
    const native = await NativeConnection.connect({ address: config.address, tls: config.tls }).then(
      async (c) => {
        await c.close();
        return undefined;
      },
      (err: Error) => err,
    );
    expect(native).toBeInstanceOf(Error);
    // Refused by the TLS handshake (the proxy never let a byte through to Temporal).
    expect(proxy.refused.length).toBeGreaterThan(refusedBefore);
    expect(proxy.accepted.length).toBe(acceptedBefore);
  });
});

describe('a Temporal Cloud API key', () => {
  let certs: TestCertificates;
  let server: Http2SecureServer;
  const seen: IncomingHttpHeaders[] = [];
  const sessions = new Set<ServerHttp2Session>();

  beforeAll(async () => {
    certs = makeTestCertificates();
    // A gRPC endpoint that records each call's headers and answers UNAUTHENTICATED, as a frontend with a bad key would.
    server = createSecureServer({ key: readFileSync(certs.serverKey), cert: readFileSync(certs.serverCert) });
    server.on('stream', (stream, headers) => {
      seen.push(headers);
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'test' },
        { endStream: true },
      );
    });
    server.on('sessionError', () => undefined);
    server.on('session', (session) => sessions.add(session));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  });
  afterAll(async () => {
    // The clients keep their HTTP/2 sessions open: close them, or the server never stops.
    for (const session of sessions) session.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    certs?.cleanup();
  });

  it('is sent as "authorization: Bearer <key>" over TLS by the client and by the worker', async () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : await freePort();
    const config = temporalConfigFromEnv({
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TEMPORAL_API_KEY: 'h7-test-key',
      TEMPORAL_TLS_CA: certs.ca,
      TEMPORAL_TLS_SERVER_NAME: TLS_SERVER_NAME,
    });
    expect(config.tls).toBeDefined();
    await Connection.connect({ address: config.address, tls: config.tls, apiKey: config.apiKey, connectTimeout: 5_000 })
      .then((c) => c.close())
      .catch(() => undefined);
    const fromClient = seen.length;
    expect(fromClient).toBeGreaterThan(0);
    await NativeConnection.connect({ address: config.address, tls: config.tls, apiKey: config.apiKey })
      .then((c) => c.close())
      .catch(() => undefined);
    expect(seen.length).toBeGreaterThan(fromClient);
    for (const headers of seen) expect(headers.authorization).toBe('Bearer h7-test-key');
    expect(seen.map((h) => h[':path'])).toContain('/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo');
  });
});

describe('a plan on a task queue of its own (DONDOC_TASK_QUEUE_BY=plan)', () => {
  let root: string;
  let sink: SmtpSink;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dondoc-queues-'));
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('is served only by a worker polling that queue, children and activities included', async () => {
    const fanout = await writeFanoutPlans(root, { agencies: 4, perTask: 2, deliveries: ['individual', 'individual'] });
    const [a, b] = fanout.plans;
    const base = {
      TEMPORAL_ADDRESS: sharedDevServerAddress(),
      TEMPORAL_NAMESPACE: 'default',
      DONDOC_TASK_QUEUE: `h7-q-${randomBytes(3).toString('hex')}`,
      DONDOC_TASK_QUEUE_BY: 'plan',
    };
    const chooser = planTaskQueueFromEnv(base);
    const loaded = await fanout.load();
    const queueOf = (planId: string) => chooser(loaded.find((l) => l.plan.id === planId)!);
    const [queueA, queueB] = [queueOf(a.planId), queueOf(b.planId)];
    expect(queueA).toBe(`${base.DONDOC_TASK_QUEUE}-${a.planId}`);
    const ids = (plan: typeof a) => [
      planWorkflowId(plan.planId),
      ...plan.tasks.map((t) => subjectWorkflowId(plan.planId, { type: 'task', taskId: t.taskId })),
    ];
    const mine = (plan: typeof a) => sink.received.filter((m) => deliveryOf(m).includes(`|${plan.planId}|`));
    const connection = await Connection.connect({ address: sharedDevServerAddress() });
    const client = new Client({ connection, namespace: 'default' });
    const first = await startWorker(
      workerEnv(root, fanout, sink, { ...base, DONDOC_WORKER_TASK_QUEUES: queueA, DONDOC_WORKER_IDENTITY: 'h7-a' }),
    );
    let second: Awaited<ReturnType<typeof startWorker>> | undefined;
    try {
      expect(first.queues).toEqual([queueA]);
      const started = await startPlanWorkflows(client, loaded, chooser);
      expect(started.map((s) => s.outcome)).toEqual(['started', 'started']);
      await eventually(async () => mine(a).length >= 4, 60_000);
      await allSettled(client, ids(a).slice(1), 30_000);
      // Plan A's task workflows and activities ran on A's queue, by A's worker only.
      for (const id of ids(a)) expect((await client.workflow.getHandle(id).describe()).taskQueue).toBe(queueA);
      expect(new Set((await startedBy(client, ids(a))).map((s) => s.identity))).toEqual(new Set(['h7-a']));
      // Plan B waits on its queue: its first workflow task was never picked up, nothing was sent.
      const history = await client.workflow.getHandle(ids(b)[0]).fetchHistory();
      expect(history.events?.some((e) => e.workflowTaskCompletedEventAttributes)).toBe(false);
      expect((await client.workflow.getHandle(ids(b)[0]).describe()).taskQueue).toBe(queueB);
      expect(mine(b)).toHaveLength(0);

      // A worker of the same settings without a list serves every plan of its folder: B runs, A is not sent twice.
      second = await startWorker(workerEnv(root, fanout, sink, { ...base, DONDOC_WORKER_IDENTITY: 'h7-all' }));
      expect(second.queues).toEqual([queueA, queueB].sort());
      await eventually(async () => mine(b).length >= 4, 60_000);
      await allSettled(client, ids(b).slice(1), 30_000);
      for (const id of ids(b)) expect((await client.workflow.getHandle(id).describe()).taskQueue).toBe(queueB);
      expect(sink.received.map(deliveryOf).sort()).toEqual(expectedDeliveries(fanout));
    } finally {
      await terminateAll(client, [...ids(a), ...ids(b)]);
      await second?.stop();
      await first.stop();
      await connection.close();
    }
  });
});
