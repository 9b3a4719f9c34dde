import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { FORWARD_INPUT_PATCH, RECEIPT_BEFORE_EMAIL_PATCH } from '../../src/workflows/subject-workflow';
import { bundleOnce } from '../support/temporal';

const dir = join(__dirname, 'histories');
// One folder per recording (`npx tsx scripts/record-histories.ts <name>`); older recordings stay, since running
// workflows may have any of those histories.
const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort();
const read = (file: string) => readFileSync(join(dir, file), 'utf8');

interface MarkerAttributes {
  markerName: string;
  details: Record<string, { payloads: { data: string }[] }>;
}

// A change that would break running workflows (a reordered command, an activity call added or removed without
// `patched()`) fails here.
describe('replay of recorded workflow histories', () => {
  it('has histories of the plan workflow and of subject workflows, from more than one version', () => {
    expect(files.some((f) => /(^|\/)plan_[^_]+\.(first|last)\.json$/.test(f))).toBe(true);
    expect(files.some((f) => f.includes('_task_'))).toBe(true);
    expect(new Set(files.map((f) => dirname(f))).size).toBeGreaterThan(1);
  });

  it('replays the patched branch too: a recording holds the marker of each patch in use', () => {
    const patchIds = (file: string): string[] =>
      (JSON.parse(read(file)).events as { markerRecordedEventAttributes?: MarkerAttributes }[])
        .map((e) => e.markerRecordedEventAttributes)
        .filter((m): m is MarkerAttributes => m?.markerName === 'core_patch')
        .flatMap((m) => m.details['patch-data'].payloads)
        .map((p) => (JSON.parse(Buffer.from(p.data, 'base64').toString('utf8')) as { id: string }).id);
    const recorded = files.flatMap(patchIds);
    for (const patch of [FORWARD_INPUT_PATCH, RECEIPT_BEFORE_EMAIL_PATCH]) expect(recorded).toContain(patch);
  });

  it.each(files)('replays %s without nondeterminism', async (file) => {
    const history = temporal.api.history.v1.History.fromObject(JSON.parse(read(file)));
    const workflowId = basename(file)
      .replace(/\.(first|last)\.json$/, '')
      .replace(/_/g, '/');
    await Worker.runReplayHistory(
      { workflowBundle: await bundleOnce(require.resolve('../../src/workflows')) },
      history,
      workflowId,
    );
  });
});
