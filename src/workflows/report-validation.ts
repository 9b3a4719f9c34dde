import { attachmentRefProblem, reportTextProblem } from '../plan/report-limits';
import type { SubjectCarry, SubmitReportInput } from './contract';
import { findAgency } from './subject-state';

/** What the validator knows besides the carried state. */
export interface ReportCheckContext {
  carry: SubjectCarry | undefined;
  /** Submission ids being stored now, with their occurrence. */
  pending: ReadonlyMap<string, string>;
  /** Occurrences being closed now (waiting for reports in flight). */
  closing: ReadonlySet<string>;
  /** The checks added with the correctness patch: every rule the store applies, and periods named in rejections. */
  strict: boolean;
}

function periodName(carry: SubjectCarry, occurrenceId: string): string {
  const label =
    carry.occurrences.find((o) => o.occurrence.id === occurrenceId)?.occurrence.label ??
    carry.closed.find((c) => c.id === occurrenceId)?.label;
  return label ? `kỳ ${label} (${occurrenceId})` : `kỳ ${occurrenceId}`;
}

/**
 * Throws the reason a report cannot be accepted, in Vietnamese. Everything the store would refuse is refused here
 * first, so that no report is half-taken: a rejected report records nothing.
 */
export function checkReport(report: SubmitReportInput, ctx: ReportCheckContext): void {
  const { carry } = ctx;
  if (!carry) throw new Error('Nhiệm vụ chưa sẵn sàng nhận báo cáo, vui lòng thử lại sau giây lát');
  if (carry.cancelled) throw new Error('Nhiệm vụ đã bị hủy, không nhận báo cáo');
  if (!report || typeof report.text !== 'string' || report.text.trim() === '')
    throw new Error('Báo cáo trống: cần có nội dung báo cáo');
  if (!report.submissionId || typeof report.submissionId !== 'string')
    throw new Error('Thiếu mã lần gửi (submissionId)');
  if (carry.submissionIds.includes(report.submissionId) || ctx.pending.has(report.submissionId)) {
    const period = ctx.strict
      ? (carry.submissionPeriods?.[report.submissionId] ?? ctx.pending.get(report.submissionId))
      : undefined;
    throw new Error(
      `Trùng lặp: lần gửi "${report.submissionId}" đã được nhận${period ? ` cho ${periodName(carry, period)}` : ''}`,
    );
  }
  const agency = findAgency([...carry.lead, ...carry.coordinators], report.agency ?? '');
  if (!agency) {
    if (!findAgency(carry.knownAgencies, report.agency ?? ''))
      throw new Error(`Cơ quan không có trong danh bạ: "${report.agency}"`);
    throw new Error(`"${report.agency}" không chủ trì hay phối hợp nhiệm vụ này`);
  }
  if (carry.closed.some((c) => c.id === report.occurrenceId))
    throw new Error(`Kỳ báo cáo "${report.occurrenceId}" đã đóng`);
  const state = carry.occurrences.find((o) => o.occurrence.id === report.occurrenceId);
  if (!state) {
    const known = carry.occurrences
      .filter((o) => !o.closed)
      .map((o) => o.occurrence.id)
      .join(', ');
    throw new Error(`Không có kỳ báo cáo "${report.occurrenceId}" (đang mở: ${known || 'không có'})`);
  }
  if (state.closed) throw new Error(`Kỳ báo cáo "${report.occurrenceId}" đã đóng`);
  if (!ctx.strict) return;
  if (ctx.closing.has(report.occurrenceId)) throw new Error(`Kỳ báo cáo "${report.occurrenceId}" đã đóng`);
  const tooLong = reportTextProblem(report.text);
  if (tooLong) throw new Error(tooLong);
  if (report.attachments !== undefined) {
    if (!Array.isArray(report.attachments)) throw new Error('Danh sách tệp đính kèm không hợp lệ');
    for (const ref of report.attachments) {
      const problem = attachmentRefProblem(ref);
      if (problem) throw new Error(problem);
    }
  }
}
