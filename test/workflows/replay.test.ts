import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { bundleOnce } from '../support/temporal';

const dir = join(__dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

// Recorded with `npx tsx scripts/record-histories.ts` from a real run; a change that would break running workflows
// (a reordered command, a removed activity call without `patched()`) fails here.
describe('replay of recorded workflow histories', () => {
  it('has histories of the plan workflow and of subject workflows to replay', () => {
    expect(files.some((f) => /^plan_[^_]+\.(first|last)\.json$/.test(f))).toBe(true);
    expect(files.some((f) => f.includes('_task_'))).toBe(true);
  });

  it.each(files)('replays %s without nondeterminism', async (file) => {
    const history = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    const workflowId = file.replace(/\.(first|last)\.json$/, '').replace(/_/g, '/');
    await Worker.runReplayHistory({ workflowBundle: await bundleOnce(require.resolve('../../src/workflows')) }, history, workflowId);
  });
});
