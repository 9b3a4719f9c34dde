import { getExternalWorkflowHandle, sleep } from '@temporalio/workflow';
import { submitReportSignal, type SubmitReportInput } from './contract';

/** One report a simulated agency sends at `at` (epoch ms) to a subject workflow. */
export interface ScenarioReport {
  at: number;
  workflowId: string;
  report: SubmitReportInput;
}

/**
 * Plays agencies in a simulation: sends each report at its time, then waits until `until`. Run as a workflow so the
 * time-skipping server skips time only while no activity is running (a client-side sleep would skip past them).
 */
export async function scenarioWorkflow(reports: ScenarioReport[], until: number): Promise<void> {
  for (const { at, workflowId, report } of reports) {
    const wait = at - Date.now();
    if (wait > 0) await sleep(wait);
    await getExternalWorkflowHandle(workflowId).signal(submitReportSignal, report);
  }
  const rest = until - Date.now();
  if (rest > 0) await sleep(rest);
}
