/** The benches' baseline workflows: the least a workflow can do with the bare SDK (no dondoc code). */
import { proxyActivities, sleep } from '@temporalio/workflow';

const { touch } = proxyActivities<{ touch(startedAt: number): Promise<void> }>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

/** Runs one activity (which records its latency), then waits on a timer of `sleepMs` (0: returns at once). */
export async function bareWorkflow(startedAt: number, sleepMs: number): Promise<void> {
  await touch(startedAt);
  if (sleepMs > 0) await sleep(sleepMs);
}
