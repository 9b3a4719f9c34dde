import type { Store, StoredReport } from '../activities/storage/store';
import type { Subject } from '../activities/types';
import type { LoadedPlan } from '../plan/load';
import { subjectOfKey } from './api-plans';
import { findPlan, LookupError } from './plan-directory';

/** Reports of a plan, optionally of one period and/or one subject (by its key), oldest first. */
export async function planReports(
  store: Store,
  plans: readonly LoadedPlan[],
  filter: { planId: string; period?: string; subjectKey?: string },
): Promise<StoredReport[]> {
  const loaded = findPlan(plans, filter.planId);
  const subject: Subject | undefined = filter.subjectKey ? subjectOfKey(loaded, filter.subjectKey) : undefined;
  return store.listReports({ planId: loaded.plan.id, occurrenceId: filter.period, subject });
}

/** One report; `LookupError` when there is none with this id. */
export async function oneReport(store: Store, reportId: string): Promise<StoredReport> {
  const report = /^r-[0-9a-f]{1,64}$/.test(reportId) ? await store.getReport(reportId) : undefined;
  if (!report) throw new LookupError(`không có báo cáo "${reportId}"`);
  return report;
}

/** A file of a report (never a file by its hash alone: only one the report lists). */
export async function reportAttachment(
  store: Store,
  reportId: string,
  sha256: string,
): Promise<{ filename: string; contentType: string; content: Buffer }> {
  const report = await oneReport(store, reportId);
  const ref = report.attachments.find((a) => a.sha256 === sha256);
  const file = ref ? await store.getAttachment(sha256) : undefined;
  if (!ref || !file) throw new LookupError(`báo cáo ${reportId} không có tệp "${sha256}"`);
  return { filename: ref.filename, contentType: ref.contentType, content: file.content };
}
