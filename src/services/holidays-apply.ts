import type { Client } from '@temporalio/client';
import { loadPlanFolder } from '../plan/load';
import { planStateQuery, planWorkflowId, reviseSubjectUpdate, type PlanView } from '../workflows/contract';
import { executeSubjectUpdate, failureReason } from './subject-updates';

/** What `holidays apply` did to one subject. */
export interface HolidayApplyEntry {
  planId: string;
  workflowId: string;
  outcome: 'moved' | 'unchanged' | 'skipped' | 'failed';
  /** The dates that moved (Vietnamese, as audited), or why it was skipped or failed. */
  detail: string[];
}

async function runningPlan(client: Client, planId: string): Promise<PlanView | undefined> {
  const handle = client.workflow.getHandle(planWorkflowId(planId));
  try {
    if ((await handle.describe()).status.name !== 'RUNNING') return undefined;
    return await handle.query(planStateQuery);
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return undefined;
    throw err;
  }
}

/**
 * After the holiday files changed: every running task of every plan in `plansDir` recomputes the dates of its
 * occurrences not yet due against the holiday files read again (the worker re-reads them), each move audited with
 * `by` and `reason`. A plan whose file is not the revision it runs is refused for that plan (apply the plan first).
 */
export async function applyHolidays(
  client: Client,
  options: { plansDir: string; by: string; reason: string; planIds?: string[] },
): Promise<HolidayApplyEntry[]> {
  const folder = await loadPlanFolder(options.plansDir);
  const ids = options.planIds ?? folder.plans.map((p) => p.plan.id);
  const entries: HolidayApplyEntry[] = [];
  for (const planId of ids) {
    const view = await runningPlan(client, planId);
    if (!view) continue;
    const ended = new Set(view.ended ?? []);
    for (const { workflowId } of view.subjects) {
      if (ended.has(workflowId)) continue;
      const status = await client.workflow
        .getHandle(workflowId)
        .describe()
        .then(
          (d) => d.status.name,
          () => 'NOT_FOUND',
        );
      if (status !== 'RUNNING') {
        entries.push({ planId, workflowId, outcome: 'skipped', detail: [`đã kết thúc (${status.toLowerCase()})`] });
        continue;
      }
      try {
        const result = await executeSubjectUpdate(client, workflowId, reviseSubjectUpdate, {
          by: options.by,
          reason: options.reason,
          reloadHolidays: true,
          ...(view.revision ? { revision: view.revision } : {}),
        });
        entries.push({ planId, workflowId, outcome: result.changed ? 'moved' : 'unchanged', detail: result.changes });
      } catch (err) {
        entries.push({ planId, workflowId, outcome: 'failed', detail: [failureReason(err as Error)] });
      }
    }
  }
  return entries;
}

/** One line per subject that moved or failed, and a count of the rest, in Vietnamese. */
export function formatHolidayApply(entries: HolidayApplyEntry[]): string {
  const lines: string[] = [];
  for (const e of entries) {
    if (e.outcome === 'moved') lines.push(`  ${e.workflowId}: ${e.detail.join('; ')}`);
    if (e.outcome === 'failed') lines.push(`  ${e.workflowId}: KHÔNG áp dụng được — ${e.detail.join('; ')}`);
  }
  const moved = entries.filter((e) => e.outcome === 'moved').length;
  const unchanged = entries.filter((e) => e.outcome === 'unchanged').length;
  lines.push(`Đã dời hạn ${moved} nhiệm vụ; ${unchanged} nhiệm vụ không đổi.`);
  return lines.join('\n');
}
