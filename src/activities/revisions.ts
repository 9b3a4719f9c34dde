import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { endSubjectUpdate, reviseSubjectUpdate, subjectWorkflowId } from '../workflows/contract';
import type { Activities, SubjectRevisionRequest } from './types';

/** What handing revisions to subject workflows needs: a Temporal client (the activity's own by default). */
export interface RevisionDeps {
  temporal?: () => Client;
}

/**
 * `applyRevisionToSubject`: workflows cannot send updates to other workflows, so the plan workflow's fan-out goes
 * through this activity. Both updates are idempotent (a schedule recomputed to the same dates changes nothing, an
 * ended subject stays ended), so a retried attempt is harmless.
 */
export function createRevisionActivities(deps: RevisionDeps): Pick<Activities, 'applyRevisionToSubject'> {
  const client = deps.temporal ?? (() => Context.current().client);
  return {
    async applyRevisionToSubject(request: SubjectRevisionRequest) {
      const handle = client().workflow.getHandle(subjectWorkflowId(request.planId, request.subject));
      try {
        const status = (await handle.describe()).status.name;
        if (status !== 'RUNNING') return { changed: false, changes: [], closed: true };
      } catch (err) {
        if ((err as Error).name === 'WorkflowNotFoundError') return { changed: false, changes: [], closed: true };
        throw err;
      }
      const action = { by: request.by, reason: request.reason };
      try {
        if (request.action === 'end') {
          await handle.executeUpdate(endSubjectUpdate, { args: [{ ...action, revision: request.revision }] });
          return { changed: true, changes: ['Kết thúc'] };
        }
        return await handle.executeUpdate(reviseSubjectUpdate, { args: [{ ...action, revision: request.revision }] });
      } catch (err) {
        // A validator's refusal (the subject was cancelled meanwhile) or a failed handler is an answer, not a fault.
        const e = err as Error & { cause?: Error };
        if (e.name === 'WorkflowUpdateFailedError') {
          throw ApplicationFailure.nonRetryable(e.cause?.message ?? e.message, 'SubjectRevisionRefused');
        }
        throw err;
      }
    },
  };
}
