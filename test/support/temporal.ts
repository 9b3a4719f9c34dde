import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Activities } from '../../src/activities/types';
import { temporalTestServerPath } from '../../src/temporal/binaries';
import { startDevServer as startServer, type DevServer, type DevServerOptions } from '../../src/temporal/dev-server';
import { cachedWorkflowBundle } from '../../src/temporal/workflow-bundle';

/** A time-skipping environment on the installed test-server binary (never downloaded). */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
}

/** A dev server of its own on a free port with a throw-away SQLite file, removed on stop. */
export async function startDevServer(options: Pick<DevServerOptions, 'searchAttributes'> = {}): Promise<DevServer> {
  const dir = mkdtempSync(join(tmpdir(), 'dondoc-temporal-'));
  const server = await startServer({ ...options, dbFile: join(dir, 'temporal.db'), logFile: join(dir, 'server.log') });
  return {
    ...server,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The dev server that global setup started for the whole run. */
export function sharedDevServerAddress(): string {
  const address = process.env.DONDOC_TEST_TEMPORAL_ADDRESS;
  if (!address)
    throw new Error(
      'DONDOC_TEST_TEMPORAL_ADDRESS is not set: run the tests through jest (global setup starts the dev server)',
    );
  return address;
}

/** An environment attached to the shared dev server; teardown leaves the server running. */
export function attachToSharedDevServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({ address: sharedDevServerAddress(), namespace: 'default' });
}

const bundles = new Map<string, Promise<WorkflowBundle>>();

/** Bundles workflow code once per path per test file, and reuses the on-disk bundle while its sources are unchanged. */
export function bundleOnce(workflowsPath: string): Promise<WorkflowBundle> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = cachedWorkflowBundle(workflowsPath);
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}

/** Polls `check` until it returns a truthy value (visibility and other eventually consistent reads). */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
}

/** A dondoc worker on the shared dev server, on a task queue of its own, and a client of that server. */
export interface SharedServerWorker {
  client: Client;
  /** Shuts the worker down and closes both connections. */
  stop(): Promise<void>;
}

/** Runs dondoc's workflows with `activities` on the shared dev server until `stop`. */
export async function runWorkerOnSharedServer(taskQueue: string, activities: Activities): Promise<SharedServerWorker> {
  const address = sharedDevServerAddress();
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: await bundleOnce(require.resolve('../../src/workflows')),
    activities,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  return {
    client: new Client({ connection, namespace: 'default' }),
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await nativeConnection.close();
      await connection.close();
    },
  };
}
