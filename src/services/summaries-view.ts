import type { SummaryDocument, SummaryFormat } from '../activities/storage/store';
import type { SummaryPeriod } from '../activities/types';
import { buildSummary, summaryFileStem } from '../activities/render/summary';
import { renderSummaryDocx } from '../activities/render/summary-docx';
import { renderSummaryEmail } from '../activities/render/summary-email';
import { renderSummaryXlsx } from '../activities/render/summary-xlsx';
import { summaryPeriods } from '../deadlines/schedule';
import type { LoadedPlan } from '../plan/load';
import { PlanNotFoundError } from './plan-status';
import { calendarFor, findLoadedPlan, queryPlanView, type ReadDeps } from './plan-snapshot';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The formats a period's summary is offered in, and which of them the store holds. */
export interface SummaryPeriodView extends SummaryPeriod {
  /** The plan workflow sent it (or tried: `failed` says why it was not delivered). */
  sent: boolean;
  failed?: string;
  /** Formats the store holds for the period. */
  formats: SummaryFormat[];
  /** The compiled summary as HTML (the stored email body), when the store has it. */
  html?: string;
}

/** The Tổng hợp page: every reporting period of a plan with its stored documents. */
export interface SummariesView {
  planId: string;
  planTitle: string;
  periods: SummaryPeriodView[];
}

/** An unknown reporting period of a known plan. */
export class PeriodNotFoundError extends Error {
  override readonly name = 'PeriodNotFoundError';
}

/** The body of a stored HTML summary, without its document head (our renderer escapes every text it holds). */
export function summaryBody(html: string): string {
  const match = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html);
  return (match ? match[1] : html).replace(/<script[\s\S]*?<\/script>/gi, '');
}

/** The plan's reporting periods: from the plan workflow when it runs (it knows what was sent), else the schedule. */
async function periodsOf(
  deps: ReadDeps,
  loaded: LoadedPlan,
): Promise<(SummaryPeriod & { sent: boolean; failed?: string })[]> {
  const view = await queryPlanView(deps.temporal, loaded.plan.id);
  if (view?.periods.length) return view.periods;
  return summaryPeriods(loaded.plan, await calendarFor(loaded)).map((p) => ({ ...p, sent: false }));
}

/** Every reporting period with what the store holds for it (the HTML only for `withHtml` periods, it is large). */
export async function summariesView(
  deps: ReadDeps,
  planId: string,
  options: { withHtml?: (periodId: string) => boolean } = {},
): Promise<SummariesView> {
  const loaded = await findLoadedPlan(deps, planId);
  if (!loaded) throw new PlanNotFoundError(planId);
  const periods = await periodsOf(deps, loaded);
  const withHtml = options.withHtml ?? (() => true);
  const views = await Promise.all(
    periods.map(async (p): Promise<SummaryPeriodView> => {
      const formats: SummaryFormat[] = ['html', 'docx', 'xlsx'];
      const docs = await Promise.all(formats.map((f) => deps.store.getSummaryDocument(planId, p.id, f)));
      const held = formats.filter((_, i) => docs[i]);
      const html = docs[0] && withHtml(p.id) ? summaryBody(docs[0].content.toString('utf8')) : undefined;
      return { id: p.id, label: p.label, at: p.at, sent: p.sent, failed: p.failed, formats: held, html };
    }),
  );
  return { planId, planTitle: loaded.plan.title, periods: views };
}

/** A stored summary document for download, or undefined. */
export async function summaryDocument(
  deps: ReadDeps,
  planId: string,
  periodId: string,
  format: SummaryFormat,
): Promise<SummaryDocument | undefined> {
  return deps.store.getSummaryDocument(planId, periodId, format);
}

/**
 * Compiles a period's summary now, as the plan workflow's `sendSummary` does (same builder and renderers, same
 * stored documents: .docx, .xlsx and the HTML body) but without emailing anyone, and records who asked in the audit
 * trail. A read of the store into documents changes no workflow state, so it needs no signal (and no new workflow
 * code to version); the scheduled summary later compiles and stores its own, which then replace these.
 */
export async function compileSummaryNow(
  deps: ReadDeps,
  input: { planId: string; periodId: string; by: string },
): Promise<{ period: SummaryPeriod; documents: { format: SummaryFormat; filename: string }[] }> {
  const loaded = await findLoadedPlan(deps, input.planId);
  if (!loaded) throw new PlanNotFoundError(input.planId);
  const { plan, directory } = loaded;
  const found = (await periodsOf(deps, loaded)).find((p) => p.id === input.periodId);
  if (!found) throw new PeriodNotFoundError(`Kế hoạch ${plan.id} không có kỳ tổng hợp "${input.periodId}".`);
  const period: SummaryPeriod = { id: found.id, label: found.label, at: found.at };
  const now = (deps.clock ?? (() => new Date()))();
  const [reports, extensions] = await Promise.all([
    deps.store.listReports({ planId: plan.id, occurrenceId: period.id }),
    deps.store.listExtensions({ planId: plan.id, occurrenceId: period.id }),
  ]);
  const summary = buildSummary({ plan, directory, period, reports, extensions, now });
  const [docx, xlsx] = await Promise.all([renderSummaryDocx(summary), renderSummaryXlsx(summary)]);
  const names = plan.reportingOfficers.length ? plan.reportingOfficers.map((o) => o.name) : [plan.focalAgency];
  const email = renderSummaryEmail(summary, names);
  const stem = summaryFileStem(summary);
  const documents: SummaryDocument[] = [
    {
      planId: plan.id,
      periodId: period.id,
      format: 'docx',
      filename: `${stem}.docx`,
      contentType: DOCX,
      content: docx,
    },
    {
      planId: plan.id,
      periodId: period.id,
      format: 'xlsx',
      filename: `${stem}.xlsx`,
      contentType: XLSX,
      content: xlsx,
    },
    {
      planId: plan.id,
      periodId: period.id,
      format: 'html',
      filename: `${stem}.html`,
      contentType: 'text/html; charset=utf-8',
      content: Buffer.from(email.html),
    },
  ];
  for (const document of documents) await deps.store.saveSummaryDocument(document);
  await deps.store.appendAudit({
    planId: plan.id,
    entry: {
      at: now.toISOString(),
      action: 'summary-compiled',
      by: input.by,
      detail: `Tổng hợp ${period.label} ngay (không gửi thư)`,
      occurrenceId: period.id,
    },
  });
  return { period, documents: documents.map((d) => ({ format: d.format, filename: d.filename })) };
}
