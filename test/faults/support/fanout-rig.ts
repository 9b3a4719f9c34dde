import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Store } from '../../../src/activities/storage/store';
import { attachToSharedDevServer } from '../../support/temporal';
import { terminateAll, type SlowSink } from './fanout-plan';
import type { WorkerProcess } from './worker-process';

/** What a fan-out fault test holds: set by the test as it goes, stopped and removed after it, even when it fails. */
export interface FanoutRig {
  env: TestWorkflowEnvironment;
  root: string;
  slow?: SlowSink;
  store?: Store;
  workers: WorkerProcess[];
  ids: string[];
}

/** Registers the suite's setup (the shared dev server, a scratch folder) and teardown; the rig fills in during the test. */
export function useFanoutRig(prefix: string): FanoutRig {
  const rig = { workers: [], ids: [] } as unknown as FanoutRig;
  beforeAll(async () => {
    rig.env = await attachToSharedDevServer();
    rig.root = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    for (const w of rig.workers) await w.kill();
    if (rig.env) await terminateAll(rig.env.client, rig.ids);
    await rig.slow?.stop();
    await rig.store?.close();
    await rig.env?.teardown();
    if (rig.root) rmSync(rig.root, { recursive: true, force: true });
  });
  return rig;
}
