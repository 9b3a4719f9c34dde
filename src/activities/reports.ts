import { ApplicationFailure, log } from '@temporalio/activity';
import type { Store } from './storage/store';
import type { Activities } from './types';

/** Longest report text accepted (characters); longer content belongs in an attachment. */
export const maxReportTextLength = 200_000;

/** `storeReport` and `recordAudit`: keep what the workflows received, once. */
export function createReportActivities(deps: { store: Store }): Pick<Activities, 'storeReport' | 'recordAudit'> {
  const { store } = deps;
  return {
    /** Keeps a report (idempotent per submission) and returns its id; the workflow keeps only the id. */
    async storeReport(input) {
      if (input.text.length > maxReportTextLength) {
        throw ApplicationFailure.nonRetryable(
          `Nội dung báo cáo dài ${input.text.length} ký tự, vượt giới hạn ${maxReportTextLength}; hãy gửi phần dài dưới dạng tệp đính kèm.`,
          'ReportTooLarge',
        );
      }
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
  };
}
