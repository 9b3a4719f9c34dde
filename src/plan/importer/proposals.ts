import { describeReportKind, describeRule } from '../../deadlines/expression';
import type { ReportKind, Rule } from '../../deadlines/rule';
import { stripDiacritics } from '../../text/diacritics';
import type { DraftDeadline, DraftDuty } from './deadlines';

/** The report kinds an undated recurring duty names: "Định kỳ 6 tháng, hằng năm báo cáo" → six-month and annual. */
export function recurringKinds(text: string): ReportKind[] {
  const t = stripDiacritics(text).toLowerCase();
  if (!/bao cao|so ket|tong ket/.test(t)) return [];
  const kinds: ReportKind[] = [];
  if (/\b(?:hang|moi) thang\b|\bdinh ky thang\b/.test(t)) kinds.push('monthly');
  if (/\b(?:hang|moi) quy\b|\bdinh ky quy\b/.test(t)) kinds.push('quarterly');
  if (/\b(?:0?6|sau) thang\b/.test(t)) kinds.push('six-month');
  if (/\b(?:hang|moi) nam\b|\bdinh ky nam\b|\bbao cao nam\b/.test(t)) kinds.push('annual');
  if (/\b0?5 nam\b|\bnam nam\b/.test(t)) kinds.push('five-year');
  return kinds;
}

/** Why a default date was chosen, for the review list. */
export interface Proposal {
  deadline: DraftDeadline;
  why: string;
}

/**
 * The date a recurring report gets when the text gives none: the first day after its data window closes under
 * Nghị định 09/2019/NĐ-CP (6-month 14/6, annual 14/12); monthly and quarterly at the end of each period; a
 * five-year review on 15/12 of the fifth year of the plan (or its last year, if shorter).
 */
export function defaultRule(kind: ReportKind, period: { from: string; to: string }): { rule: Rule; why: string } {
  switch (kind) {
    case 'monthly':
      return { rule: { type: 'every', unit: 'month' }, why: 'cuối mỗi tháng' };
    case 'quarterly':
      return { rule: { type: 'every', unit: 'quarter' }, why: 'cuối mỗi quý' };
    case 'six-month':
      return {
        rule: { type: 'annual', month: 6, day: 15 },
        why: 'ngày đầu tiên sau khi khóa số liệu báo cáo 6 tháng (14/6) theo Nghị định 09/2019/NĐ-CP',
      };
    case 'five-year': {
      const from = Number(period.from.slice(0, 4));
      const to = Number(period.to.slice(0, 4));
      const year = Math.min(from + 4, to);
      return {
        rule: { type: 'date', date: `${year}-12-15` },
        why: `năm thứ năm của Kế hoạch (hoặc năm cuối nếu ngắn hơn), sau khi khóa số liệu năm (14/12)`,
      };
    }
    case 'annual':
    case 'ad-hoc':
      return {
        rule: { type: 'annual', month: 12, day: 15 },
        why: 'ngày đầu tiên sau khi khóa số liệu báo cáo năm (14/12) theo Nghị định 09/2019/NĐ-CP',
      };
  }
}

/**
 * Turns undated recurring duties ("Định kỳ hằng năm báo cáo …", "05 năm tổng kết …") into periodic reports with a
 * default date, unless the plan already sets a date for that kind of report. Returns the proposals and, for the
 * duties kept, the existing deadline that already covers them.
 */
export function proposeReports(
  duties: DraftDuty[],
  deadlines: DraftDeadline[],
  period: { from: string; to: string },
): { proposals: Proposal[]; kept: DraftDuty[]; covered: Map<DraftDuty, DraftDeadline> } {
  const proposals: Proposal[] = [];
  const kept: DraftDuty[] = [];
  const covered = new Map<DraftDuty, DraftDeadline>();
  for (const duty of duties) {
    const kinds = recurringKinds(duty.text);
    const existing = (kind: ReportKind) =>
      [...deadlines, ...proposals.map((p) => p.deadline)].find(
        (d) => d.kind === 'periodic-report' && d.reportKind === kind,
      );
    const missing = kinds.filter((k) => !existing(k));
    if (kinds.length === 0 || missing.length === 0) {
      kept.push(duty);
      const by = kinds.map(existing).find(Boolean);
      if (by) covered.set(duty, by);
      continue;
    }
    for (const kind of missing) {
      const { rule, why } = defaultRule(kind, period);
      proposals.push({
        why: `${describeRule(rule)}: ${why}`,
        deadline: {
          id: `report-${kind}`,
          text: duty.text.replace(/^[\s\-–•+]+/u, ''),
          kind: 'periodic-report',
          reportKind: kind,
          rule,
          subject: `${describeReportKind(kind)} kết quả thực hiện Kế hoạch`,
          owedBy: 'all',
          line: duty.line,
        },
      });
    }
  }
  return { proposals, kept, covered };
}
