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
import type { Activities, PlanOutline, Subject, SummaryPeriod } from '../activities/types';
import {
  applyRevisionUpdate,
  planStateQuery,
  subjectWorkflowId,
  type ApplyRevisionResult,
  type PlanView,
  type PlanWorkflowInput,
} from './contract';
import { kindKey, planIdKey, statusKey } from './search-attributes';
import { subjectWorkflow } from './subject-workflow';

const revisions = proxyActivities<Pick<Activities, 'applyRevisionToSubject'>>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '5 seconds',
    maximumInterval: '1 minute',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [
      'SubjectRevisionRefused',
      'RevisionMismatch',
      'InvalidSchedule',
      'UnknownTask',
      'UnknownDeadline',
    ],
  },
});

const plans = proxyActivities<Pick<Activities, 'loadPlanOutline'>>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '5 seconds',
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['InvalidSchedule', 'RevisionMismatch'],
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
 * Patch id of plan revisions (issue 13 §1): the outline is kept across runs (a changed file changes nothing until it
 * is applied), subjects not started yet (added by a revision, or after the first run) are started, and the summary
 * loop wakes when a revision changes the periods. Decided once when a run starts.
 */
export const PLAN_REVISION_PATCH = 'plan-revisions-2026-12';

/** The key of a subject in the plan's facts (`planFacts`). */
function factKey(subject: Subject): string {
  return subject.type === 'task' ? `task:${subject.taskId}` : `deadline:${subject.deadlineId}`;
}

/**
 * One per plan: starts a workflow per task and per plan-wide deliverable (they outlive this run), then after each
 * reporting period sends the compiled summary to the reporting officers.
 */
export async function planWorkflow(input: PlanWorkflowInput): Promise<{ summariesSent: string[] }> {
  const rev = patched(PLAN_REVISION_PATCH);
  const { planId } = input;
  const visibility = input.visibility ?? true;
  const carry = input.carry ?? { childrenStarted: false, summariesSent: [], runs: 0 };
  let outline: PlanOutline | undefined = undefined;
  let status: PlanView['status'] = 'starting';
  /** Set by a revision so the summary loop looks at the periods again. */
  let revised = false;
  let applying = false;
  const children: Promise<unknown>[] = [];

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
    ...(outline?.revision ? { revision: outline.revision, facts: outline.facts } : {}),
    ...(carry.revisions ? { revisions: carry.revisions } : {}),
    ...(carry.ended ? { ended: carry.ended } : {}),
  }));

  /** Starts a subject's workflow; one that exists already (started by an earlier run) is left to run. */
  async function startSubject(subject: Subject, revision?: string): Promise<boolean> {
    const workflowId = subjectWorkflowId(planId, subject);
    try {
      const child = await startChild(subjectWorkflow, {
        workflowId,
        args: [{ planId, subject, visibility, ...(revision ? { revision } : {}) }],
        // Subjects follow their own timelines and continue-as-new; the plan's runs must not end them.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      children.push(child.result());
      return true;
    } catch (err) {
      if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
      log.info('subject workflow already exists', { workflowId });
      return false;
    } finally {
      if (!carry.started?.includes(workflowId)) carry.started = [...(carry.started ?? []), workflowId];
    }
  }

  setHandler(
    applyRevisionUpdate,
    async ({ revision, by, reason }): Promise<ApplyRevisionResult> => {
      const none: ApplyRevisionResult = { applied: false, revision, added: [], removed: [], revised: [], failed: [] };
      const before = outline as PlanOutline;
      if (before.revision === revision || carry.revisions?.some((r) => r.revision === revision)) return none;
      applying = true;
      try {
        const next = await plans.loadPlanOutline(planId, { revision });
        const ended = new Set(carry.ended ?? []);
        const id = (subject: Subject) => subjectWorkflowId(planId, subject);
        const had = new Set(before.subjects.map(id));
        const will = new Set(next.subjects.map(id));
        const added = next.subjects.filter((s) => !had.has(id(s)) && !ended.has(id(s)));
        const removed = before.subjects.filter((s) => !will.has(id(s)) && !ended.has(id(s)));
        // A change of the plan's frame, policy or periodic deadlines moves every subject's dates; without the facts
        // of the running revision (a run from before revisions) every subject recomputes, and says if nothing moved.
        const oldFacts = before.facts;
        const newFacts = next.facts ?? {};
        const own = new Set(next.subjects.map(factKey));
        const planWide =
          !oldFacts ||
          [...new Set([...Object.keys(oldFacts), ...Object.keys(newFacts)])].some(
            (k) => !own.has(k) && !k.startsWith('task:') && oldFacts[k] !== newFacts[k],
          );
        const changed = next.subjects.filter(
          (s) => had.has(id(s)) && !ended.has(id(s)) && (planWide || oldFacts?.[factKey(s)] !== newFacts[factKey(s)]),
        );
        outline = next;
        carry.outline = next;
        const result: ApplyRevisionResult = { ...none, applied: true };
        const failed = (subject: Subject, err: unknown) =>
          result.failed.push({ workflowId: id(subject), reason: rootCause(err) || 'không rõ lý do' });
        for (const subject of added) {
          try {
            if (await startSubject(subject, revision)) result.added.push(id(subject));
            else failed(subject, new Error('Mã quy trình đã được dùng trước đây: không chạy lại được'));
          } catch (err) {
            failed(subject, err);
          }
        }
        const request = { planId, revision, by, reason };
        await Promise.all([
          ...removed.map(async (subject) => {
            try {
              await revisions.applyRevisionToSubject({ ...request, subject, action: 'end' });
              result.removed.push(id(subject));
              carry.ended = [...(carry.ended ?? []), id(subject)];
            } catch (err) {
              failed(subject, err);
            }
          }),
          ...changed.map(async (subject) => {
            try {
              const answer = await revisions.applyRevisionToSubject({ ...request, subject, action: 'revise' });
              if (answer.changed) result.revised.push(id(subject));
            } catch (err) {
              failed(subject, err);
            }
          }),
        ]);
        const at = new Date(Date.now()).toISOString();
        carry.revisions = [
          ...(carry.revisions ?? []),
          { revision, at, by, reason, added: result.added, removed: result.removed, revised: result.revised },
        ];
        const list = (label: string, ids: string[]) => (ids.length ? [`${label}: ${ids.join(', ')}`] : []);
        const detail = [
          ...list('thêm', result.added),
          ...list('kết thúc', result.removed),
          ...list('điều chỉnh', result.revised),
          ...result.failed.map((f) => `không áp dụng được cho ${f.workflowId}: ${f.reason}`),
        ];
        await audit.recordAudit({
          planId,
          entry: {
            at,
            action: 'plan-revision-applied',
            by,
            detail: `Áp dụng bản kế hoạch ${revision}${detail.length ? ` (${detail.join('; ')})` : ''}. Lý do: ${reason}`,
          },
        });
        revised = true;
        return result;
      } finally {
        applying = false;
      }
    },
    {
      validator: (action) => {
        if (!action?.by?.trim()) throw new Error('Cần ghi người thực hiện (by)');
        if (!action.reason?.trim()) throw new Error('Cần ghi lý do (reason)');
        if (!/^[0-9a-f]{16}$/.test(action.revision ?? ''))
          throw new Error(`Bản kế hoạch "${action.revision}" không hợp lệ`);
        if (status === 'starting' || !outline) throw new Error('Kế hoạch đang khởi động; thử lại sau ít phút');
        if (status === 'completed') throw new Error('Kế hoạch đã kết thúc: không áp dụng bản điều chỉnh được');
        if (applying) throw new Error('Một bản điều chỉnh khác đang được áp dụng; thử lại sau');
      },
    },
  );

  /** Sends one period's summary (a failure is recorded, alerted, and the plan goes on). */
  async function sendSummaryOf(period: SummaryPeriod, wait: number): Promise<void> {
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
  }

  if (rev) {
    // The outline of the revision running, not the file as it is now: an edited file waits for `dondoc plan apply`.
    outline = carry.outline ?? (await plans.loadPlanOutline(planId));
    carry.outline = outline;
    if (visibility) {
      upsertSearchAttributes([
        { key: planIdKey, value: planId },
        { key: kindKey, value: 'plan' },
        { key: statusKey, value: 'active' },
      ]);
    }
    const skip = new Set([...(carry.started ?? []), ...(carry.ended ?? [])]);
    await Promise.all(
      outline.subjects.filter((s) => !skip.has(subjectWorkflowId(planId, s))).map((s) => startSubject(s)),
    );
    carry.childrenStarted = true;
    status = 'running';
    for (;;) {
      const period = (outline as PlanOutline).periods.find((p) => !carry.summariesSent.includes(p.id));
      if (!period) break;
      const wait = Date.parse(period.at) - Date.now();
      if (wait > 0) {
        revised = false;
        await condition(() => revised, wait);
        continue;
      }
      await sendSummaryOf(period, wait);
      if (workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof planWorkflow>({ planId, visibility, carry: { ...carry, runs: carry.runs + 1 } });
      }
    }
    // Subjects a revision starts while waiting are waited for too.
    for (let n = -1; n !== children.length;) {
      n = children.length;
      await Promise.allSettled(children);
    }
    status = 'completed';
    if (visibility) upsertSearchAttributes([{ key: statusKey, value: 'completed' }]);
    await condition(allHandlersFinished);
    return { summariesSent: carry.summariesSent };
  }

  outline = await plans.loadPlanOutline(planId);
  if (visibility) {
    upsertSearchAttributes([
      { key: planIdKey, value: planId },
      { key: kindKey, value: 'plan' },
      { key: statusKey, value: 'active' },
    ]);
  }

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
