// Records workflow histories of a real simulated run for the replay test, into a folder of their own beside the older
// recordings (which stay: running workflows may have any of those histories). Run after a deliberate, patched change:
//   npx tsx scripts/record-histories.ts 2026-12-my-change
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { runSimulation } from '../src/simulation/run';
import { planWorkflowId, subjectWorkflowId } from '../src/workflows/contract';

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[\w.-]+$/.test(name))
    throw new Error('usage: record-histories.ts <folder name, e.g. 2026-12-my-change>');
  const out = join(__dirname, '..', 'test', 'workflows', 'histories', name);
  if (existsSync(out)) throw new Error(`${out} exists: recordings are never overwritten`);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  mkdirSync(out, { recursive: true });
  await runSimulation({
    planFile: join(__dirname, '..', 'plans', 'thai-binh-ttdn-2019.yaml'),
    reports: 'mixed',
    until: '2019-08-15',
    inspect: async ({ client, planId, subjects }) => {
      const ids = [planWorkflowId(planId), ...subjects.slice(0, 3).map((s) => subjectWorkflowId(planId, s))];
      for (const workflowId of ids) {
        const described = await client.workflow.getHandle(workflowId).describe();
        const firstRunId = described.raw.workflowExecutionInfo?.firstRunId ?? described.runId;
        for (const [label, runId] of [
          ['first', firstRunId],
          ['last', described.runId],
        ] as const) {
          if (label === 'last' && runId === firstRunId) continue;
          const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
          const file = join(out, `${workflowId.replace(/\//g, '_')}.${label}.json`);
          const json = temporal.api.history.v1.History.toObject(temporal.api.history.v1.History.fromObject(history), {
            longs: String,
            bytes: String,
          });
          writeFileSync(file, `${JSON.stringify(json)}\n`);
          console.log(`${file}: ${history.events?.length} events`);
        }
      }
    },
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
