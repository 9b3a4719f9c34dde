import {
  ParentClosePolicy,
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
    nonRetryableErrorTypes: ['UnknownPlan', 'InvalidSchedule'],
  },
});

const summaries = proxyActivities<Pick<Activities, 'sendSummary'>>({
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '30 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
    nonRetryableErrorTypes: ['UnknownPlan', 'NoRecipients'],
  },
});

/** A summary more than this late (a plan started after its period) is not sent. */
const STALE_MS = 3 * 24 * 60 * 60 * 1000;

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
    periods: (outline?.periods ?? []).map((p) => ({ ...p, sent: carry.summariesSent.includes(p.id) })),
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
