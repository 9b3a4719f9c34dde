import { ApplicationFailure, log } from '@temporalio/activity';
import { reportTextProblem } from '../plan/report-limits';
import type { Store } from './storage/store';
import type { Activities } from './types';

export { maxReportTextLength } from '../plan/report-limits';

/** `storeReport` and `recordAudit`: keep what the workflows received, once. */
export function createReportActivities(deps: {
  store: Store;
}): Pick<Activities, 'storeReport' | 'recordAudit' | 'recordExtension'> {
  const { store } = deps;
  return {
    /** Keeps a report (idempotent per submission) and returns its id; the workflow keeps only the id. */
    async storeReport(input) {
      const tooLong = reportTextProblem(input.text);
      if (tooLong) throw ApplicationFailure.nonRetryable(tooLong, 'ReportTooLarge');
      try {
        const { reportId, created } = await store.saveReport(input);
        log.info(created ? 'report stored' : 'report already stored', { reportId, submissionId: input.submissionId });
        return { reportId };
      } catch (err) {
        if ((err as Error).name === 'UnknownAttachmentError')
          throw ApplicationFailure.nonRetryable((err as Error).message, 'UnknownAttachment');
        throw err;
      }
    },

    /** Appends to the audit trail; a retried call records nothing new. */
    async recordAudit(input) {
      await store.appendAudit(input);
    },

    /** Keeps an extension for the summaries; a retried call records nothing new. */
    async recordExtension(input) {
      await store.saveExtension(input);
    },
  };
}
