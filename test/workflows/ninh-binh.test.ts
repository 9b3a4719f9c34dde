import type { Client } from '@temporalio/client';
import { subjectWorkflowId } from '../../src/workflows/contract';
import type { Subject } from '../../src/activities/types';
import { describeEachStore } from '../support/stores';
import { noticeEvents } from '../../src/simulation/timeline';
import { planFile, simulate } from './support';

const planId = 'ninh-binh-bien-gioi-bien-2022-2030';
jest.setTimeout(600_000);

describeEachStore('the Ninh Bình 2022–2030 plan', (store) => {
  it('runs through all nine annual reports with a bounded history per run', async () => {
    const runs: { id: string; closed: string[]; lastRunEvents: number; firstRunId?: string; runId?: string }[] = [];
    const result = await simulate({
      planFile: planFile(planId),
      reports: 'none',
      store: store(),
      inspect: async ({ client, subjects }: { client: Client; subjects: Subject[] }) => {
        for (const subject of subjects) {
          const handle = client.workflow.getHandle(subjectWorkflowId(planId, subject));
          const closed = (await handle.result()) as { id: string }[];
          const history = await handle.fetchHistory();
          const description = await handle.describe();
          runs.push({
            id: handle.workflowId,
            closed: closed.map((c) => c.id),
            lastRunEvents: history.events?.length ?? 0,
            firstRunId: description.raw.workflowExecutionInfo?.firstRunId ?? undefined,
            runId: description.runId,
          });
        }
      },
    });
    const years = Array.from({ length: 9 }, (_, i) => `${2022 + i}-annual`);
    expect(result.events.filter((e) => e.kind === 'summary').map((e) => e.period)).toEqual(years);
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) {
      expect(run.closed).toEqual(expect.arrayContaining(years));
      // Continue-as-new after each occurrence: the last run holds one occurrence's events, not eight years'.
      expect(run.runId).not.toEqual(run.firstRunId);
      expect(run.lastRunEvents).toBeLessThan(400);
    }
    for (const year of years) {
      // Inside the agencies' morning digests (the plan's default delivery).
      expect(noticeEvents(result.events).some((e) => e.kind === 'reminder' && e.period === year)).toBe(true);
    }
  });
});
