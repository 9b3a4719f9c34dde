import {
  ParentClosePolicy,
  patched,
  rootCause,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import type { Activities, PlanOutline } from '../activities/types';
import { planStateQuery, subjectWorkflowId, type PlanView, type PlanWorkflowInput } from './contract';
import { kindKey, planIdKey, statusKey } from './search-attributes';
import { subjectWorkflow } from './subject-workflow';

const plans = proxyActivities<Pick<Activities, 'loadPlanOutline'>>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '5 seconds',
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['InvalidSchedule'],
  },
});

const audit = proxyActivities<Pick<Activities, 'recordAudit'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});

const summaries = proxyActivities<Pick<Activities, 'sendSummary'>>({
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '30 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
    nonRetryableErrorTypes: ['NoRecipients'],
  },
});

/** A summary more than this late (a plan started after its period) is not sent. */
const STALE_MS = 3 * 24 * 60 * 60 * 1000;

/** Patch id of keeping the plan running when a summary cannot be delivered (recorded and alerted instead). */
export const SUMMARY_FAILURE_PATCH = 'plan-summary-failure-recorded';

/**
 * One per plan: starts a workflow per task and per plan-wide deliverable (they outlive this run), then after each
 * reporting period sends the compiled summary to the reporting officers.
 */
export async function planWorkflow(input: PlanWorkflowInput): Promise<{ summariesSent: string[] }> {
  const { planId } = input;
  const visibility = input.visibility ?? true;
  const carry = input.carry ?? { childrenStarted: false, summariesSent: [], runs: 0 };
  let outline: PlanOutline | undefined = undefined;
  let status: PlanView['status'] = 'starting';

  setHandler(planStateQuery, (): PlanView => ({
    planId,
    status,
    subjects: (outline?.subjects ?? []).map((subject) => ({ subject, workflowId: subjectWorkflowId(planId, subject) })),
    periods: (outline?.periods ?? []).map((p) => {
      const failed = carry.summariesFailed?.find((f) => f.id === p.id);
      return {
        ...p,
        sent: carry.summariesSent.includes(p.id) && !failed,
        ...(failed ? { failed: failed.reason } : {}),
      };
    }),
  }));

  outline = await plans.loadPlanOutline(planId);
  if (visibility) {
    upsertSearchAttributes([
      { key: planIdKey, value: planId },
      { key: kindKey, value: 'plan' },
      { key: statusKey, value: 'active' },
    ]);
  }

  const children: Promise<unknown>[] = [];
  if (!carry.childrenStarted) {
    await Promise.all(
      outline.subjects.map(async (subject) => {
        const workflowId = subjectWorkflowId(planId, subject);
        try {
          const child = await startChild(subjectWorkflow, {
            workflowId,
            args: [{ planId, subject, visibility }],
            // Subjects follow their own timelines and continue-as-new; the plan's runs must not end them.
            parentClosePolicy: ParentClosePolicy.ABANDON,
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          });
          children.push(child.result());
        } catch (err) {
          if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
          log.info('subject workflow already exists', { workflowId });
        }
      }),
    );
    carry.childrenStarted = true;
  }
  status = 'running';

  for (const period of outline.periods) {
    if (carry.summariesSent.includes(period.id)) continue;
    const wait = Date.parse(period.at) - Date.now();
    if (wait > 0) await sleep(wait);
    if (-wait > STALE_MS) {
      log.info('summary period long past when the plan started; not sent', { period: period.id });
    } else if (patched(SUMMARY_FAILURE_PATCH)) {
      try {
        await summaries.sendSummary({ planId, period });
      } catch (err) {
        // One summary that cannot go out (every officer address refused …) must not stop the next ones.
        const reason = rootCause(err) || 'không rõ lý do';
        log.error('summary not delivered; the plan goes on', { planId, period: period.id, reason });
        const at = new Date(Date.now()).toISOString();
        carry.summariesFailed = [...(carry.summariesFailed ?? []), { id: period.id, at, reason }];
        await audit.recordAudit({
          planId,
          entry: {
            at,
            action: 'summary-failed',
            by: 'hệ thống',
            detail: `Không gửi được tổng hợp ${period.label}: ${reason}`,
            occurrenceId: period.id,
          },
        });
      }
    } else {
      await summaries.sendSummary({ planId, period });
    }
    carry.summariesSent.push(period.id);
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof planWorkflow>({ planId, visibility, carry: { ...carry, runs: carry.runs + 1 } });
    }
  }
  // The plan is done when its tasks are: wait for the subjects this run started (a later run has no handles to them).
  await Promise.allSettled(children);
  status = 'completed';
  if (visibility) upsertSearchAttributes([{ key: statusKey, value: 'completed' }]);
  await condition(allHandlersFinished);
  return { summariesSent: carry.summariesSent };
}
