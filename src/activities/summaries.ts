import { log } from '@temporalio/activity';
import { alreadySent, deliverOnce, type DeliveryDeps } from './email/deliver';
import type { MailAttachment } from './email/transport';
import { localDate } from './email/dates';
import { automatedHeaders } from './email/headers';
import { lookupPlan } from './plan-lookup';
import { focalAddresses, recipientAddresses } from './recipients';
import { buildSummary, summaryFileStem } from './render/summary';
import { renderSummaryDocx } from './render/summary-docx';
import { renderSummaryEmail } from './render/summary-email';
import { renderSummaryXlsx } from './render/summary-xlsx';
import type { Store, SummaryDocument } from './storage/store';
import type { Activities, PlanCatalog, SummaryPeriod } from './types';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The send-log key of a period's summary email. */
export function summaryKey(planId: string, periodId: string): string {
  return `${planId}|summary|${periodId}`;
}

/** `sendSummary`: compile the period from the store, keep the documents, email the reporting officers once. */
export function createSummaryActivities(deps: {
  store: Store;
  plans: PlanCatalog;
  clock: () => Date;
  delivery: DeliveryDeps;
}): Pick<Activities, 'sendSummary'> {
  const { store } = deps;
  return {
    async sendSummary(input: { planId: string; period: SummaryPeriod }) {
      const key = summaryKey(input.planId, input.period.id);
      const already = await store.getSend(key);
      if (already?.status === 'sent') return alreadySent(already);
      const { plan, directory } = await lookupPlan(deps.plans, input.planId);
      const reports = await store.listReports({ planId: plan.id, occurrenceId: input.period.id });
      const extensions = await store.listExtensions({ planId: plan.id, occurrenceId: input.period.id });
      const summary = buildSummary({ plan, directory, period: input.period, reports, extensions, now: deps.clock() });
      const [docx, xlsx] = await Promise.all([renderSummaryDocx(summary), renderSummaryXlsx(summary)]);

      let to = plan.reportingOfficers.map((o) => o.email);
      let names = plan.reportingOfficers.map((o) => o.name);
      if (to.length === 0) {
        log.warn('plan has no reporting officers; sending the summary to the focal agency', { planId: plan.id });
        // The focal role passes to its successor on the day of sending (a reorganised directory).
        to = recipientAddresses(
          directory,
          [plan.focalAgency],
          {},
          { on: localDate(deps.clock(), plan.timezone), duty: plan.title },
        );
        names = [summary.plan.focalHolder ?? plan.focalAgency];
      }
      const email = renderSummaryEmail(summary, names);
      const stem = summaryFileStem(summary);
      const documents: SummaryDocument[] = [
        {
          planId: plan.id,
          periodId: input.period.id,
          format: 'docx',
          filename: `${stem}.docx`,
          contentType: DOCX,
          content: docx,
        },
        {
          planId: plan.id,
          periodId: input.period.id,
          format: 'xlsx',
          filename: `${stem}.xlsx`,
          contentType: XLSX,
          content: xlsx,
        },
        {
          planId: plan.id,
          periodId: input.period.id,
          format: 'html',
          filename: `${stem}.html`,
          contentType: 'text/html; charset=utf-8',
          content: Buffer.from(email.html),
        },
      ];
      for (const document of documents) await store.saveSummaryDocument(document);
      const attachments: MailAttachment[] = documents
        .filter((d) => d.format === 'docx' || d.format === 'xlsx')
        .map((d) => ({ filename: d.filename, content: d.content, contentType: d.contentType }));
      return deliverOnce(deps.delivery, {
        key,
        kind: 'summary',
        planId: plan.id,
        mail: {
          to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          attachments,
          replyTo: focalAddresses(plan, directory, { on: localDate(deps.clock(), plan.timezone) }),
          headers: automatedHeaders('summary', plan.id),
        },
      });
    },
  };
}
