import { describeReportKind, ExpressionError, parseExpression, parseReportKind } from '../../deadlines/expression';
import type { ReportKind, Rule } from '../../deadlines/rule';
import type { Deadline } from '../schema';
import { expandAbbreviations, findMentions, subjectAgencies } from './mentions';
import { quote, reviewItem, type ReviewItem } from './review';
import { lineAt, type Span } from './segment';
import { sentences } from './text';
import { trimEndMatching } from '../../text/trim';

/** A plan-wide deadline as drafted; `id` is made unique by the caller. */
export type DraftDeadline = Omit<Deadline, 'owedTo'>;

/** A duty found in the text without a date: kept for review, never scheduled. */
export interface DraftDuty {
  text: string;
  agencies: string[];
  line: number;
}

const DAY = String.raw`\d{1,2}\s*\/\s*\d{1,2}`;
const DATE = String.raw`\d{1,2}\s*\/\s*\d{1,2}\s*\/\s*\d{4}`;
const PERIOD = String.raw`quý\s+[IVX\d]+\s*(?:\/|năm)\s*\d{4}|tháng\s+\d{1,2}\s*(?:\/|năm)\s*\d{4}|ngày\s+${DATE}|${DATE}|6 tháng (?:đầu|cuối) năm \d{4}|năm \d{4}`;

/** "trước ngày 15/5 đối với báo cáo 6 tháng" (several per sentence). */
const FOR_REPORT = new RegExp(
  String.raw`trước ngày\s+(${DAY}(?:\s*\/\s*\d{4})?)(?:\s+(?:hằng|hàng) năm)?\s+đối với\s+(báo cáo[^;.,()]*)`,
  'giu',
);
/** "báo cáo 6 tháng trước ngày 15/6" */
const REPORT_BEFORE = new RegExp(
  String.raw`(báo cáo\s+(?:6 tháng|sáu tháng|năm|quý|tháng|hằng năm|hàng năm))[^.;]{0,40}?trước ngày\s+(${DAY})(?:\s+(?:hằng|hàng) năm)?`,
  'giu',
);
/** "định kỳ báo cáo kết quả về UBND tỉnh trước ngày 15/11 hằng năm" */
const YEARLY = new RegExp(
  String.raw`((?:định kỳ\s+)?(?:báo cáo|gửi báo cáo)[^.;]*?)trước ngày\s+(${DAY})\s+(?:hằng|hàng) năm`,
  'giu',
);
const AD_HOC = /báo cáo đột xuất(?:\s*\(?theo yêu cầu\)?)?/giu;
/** "(hoàn thành trong quý I/2025)", "hoàn thành trước ngày 30/6/2025" after "xây dựng …". */
const COMPLETE = new RegExp(
  String.raw`\(?\s*((?:hoàn thành|thực hiện xong)\s+(?:trong|trước|chậm nhất(?: trong| trước)?|vào)\s+(?:ngày\s+)?(${PERIOD}))\s*\)?`,
  'giu',
);
/** "gửi … trước ngày 10/4/2019" */
const SEND_BY = new RegExp(String.raw`\bgửi\s+[^.;]*?(trước ngày\s+(${DATE}))`, 'giu');

const UNDATED =
  /(?:định kỳ|hằng năm|hàng năm|hằng quý|hàng quý|hằng tháng|hàng tháng|6 tháng|sáu tháng|0?5 năm|năm năm)/iu;

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Finds plan-wide deadlines and undated duties in a text (closing paragraph, organisation, a section). */
export function extractDeadlines(
  span: Span,
  opts: { owedBy?: string[]; extra?: string[]; review: ReviewItem[]; field: string },
): { deadlines: DraftDeadline[]; duties: DraftDuty[] } {
  const text = span.text;
  const deadlines: DraftDeadline[] = [];
  const duties: DraftDuty[] = [];
  const used: [number, number][] = [];
  const free = (start: number, end: number) => !used.some(([a, b]) => start < b && a < end);
  const rule = (expression: string, line: number): Rule | undefined => {
    try {
      return parseExpression(expression);
    } catch (err) {
      if (!(err instanceof ExpressionError) && (err as Error).name !== 'ExpressionError') throw err;
      opts.review.push(
        reviewItem('deadline', line, opts.field, {
          read: `ngày ${quote(expression)}`,
          assumed: 'không đọc được ngày này nên không lập hạn nào từ nó',
          check: 'sửa ngày hoặc thêm hạn bằng tay',
        }),
      );
      return undefined;
    }
  };
  const report = (start: number, end: number, phrase: string, kind: ReportKind | undefined, r: Rule | undefined) => {
    used.push([start, end]);
    const line = lineAt(span, start);
    if (!r) return;
    const reportKind = kind ?? 'annual';
    if (!kind)
      opts.review.push(
        reviewItem('deadline', line, opts.field, {
          read: quote(phrase),
          assumed: 'loại báo cáo không được nói rõ, coi là báo cáo năm',
          check: 'loại báo cáo (6 tháng, năm, quý …) đúng với văn bản',
        }),
      );
    if (deadlines.some((d) => d.reportKind === reportKind && JSON.stringify(d.rule) === JSON.stringify(r))) return;
    deadlines.push({
      id: `report-${reportKind}`,
      text: phrase,
      kind: 'periodic-report',
      reportKind,
      rule: r,
      subject: `${describeReportKind(reportKind)} kết quả thực hiện Kế hoạch`,
      owedBy: 'all',
      line,
    });
  };

  for (const m of text.matchAll(FOR_REPORT)) {
    const start = m.index ?? 0;
    const phrase = m[0].trim();
    report(start, start + m[0].length, phrase, parseReportKind(m[2]), rule(`trước ngày ${m[1]}`, lineAt(span, start)));
  }
  for (const m of text.matchAll(REPORT_BEFORE)) {
    const start = m.index ?? 0;
    if (!free(start, start + m[0].length)) continue;
    report(
      start,
      start + m[0].length,
      m[0].trim(),
      parseReportKind(m[1]),
      rule(`trước ngày ${m[2]}`, lineAt(span, start)),
    );
  }
  for (const m of text.matchAll(YEARLY)) {
    const start = m.index ?? 0;
    if (!free(start, start + m[0].length)) continue;
    report(start, start + m[0].length, m[0].trim(), 'annual', rule(`trước ngày ${m[2]} hằng năm`, lineAt(span, start)));
  }
  for (const m of text.matchAll(AD_HOC)) {
    const start = m.index ?? 0;
    if (!free(start, start + m[0].length)) continue;
    report(start, start + m[0].length, m[0].trim(), 'ad-hoc', { type: 'on-request' });
  }

  const deliverable = (
    start: number,
    end: number,
    phrase: string,
    expression: string,
    subject: string,
    owedBy: string[],
  ) => {
    used.push([start, end]);
    const line = lineAt(span, start);
    const r = rule(expression, line);
    if (!r) return;
    const slug =
      r.type === 'date'
        ? r.date
        : r.type === 'quarter'
          ? `${r.year}-q${r.quarter}`
          : r.type === 'month'
            ? `${r.year}-${String(r.month).padStart(2, '0')}`
            : 'once';
    deadlines.push({
      id: `deliverable-${slug}`,
      text: phrase,
      kind: 'deliverable',
      rule: r,
      subject: capitalize(subject || 'Sản phẩm theo Kế hoạch'),
      owedBy: owedBy.length > 0 ? owedBy : 'all',
      line,
    });
    if (!subject)
      opts.review.push(
        reviewItem('deadline', line, opts.field, {
          read: quote(phrase),
          assumed: 'không đọc được phải nộp gì, ghi là “Sản phẩm theo Kế hoạch”',
          check: 'ghi rõ sản phẩm phải nộp (subject)',
        }),
      );
  };

  for (const m of text.matchAll(COMPLETE)) {
    const start = m.index ?? 0;
    if (!free(start, start + m[0].length)) continue;
    const clauseStart = Math.max(0, ...[...text.slice(0, start).matchAll(/[.;]/g)].map((x) => (x.index ?? 0) + 1));
    const clause = text.slice(clauseStart, start);
    const verb = [...clause.matchAll(/(?<![\p{L}])(xây dựng|ban hành|gửi|lập|hoàn thiện|phê duyệt)\s+/giu)].pop();
    const subject = verb ? trimEndMatching(clause.slice((verb.index ?? 0) + verb[0].length), /[\s,;(]/u).trim() : '';
    const before = verb ? clause.slice(0, verb.index) : clause;
    const asked = /(?:yêu cầu|đề nghị|giao)\s+/iu.exec(before);
    const ownersText = expandAbbreviations(asked ? before.slice(asked.index + asked[0].length) : before);
    const owners = findMentions(ownersText, opts.extra).map((x) => x.name);
    deliverable(start, start + m[0].length, m[1].trim(), m[2], subject, owners.length ? owners : (opts.owedBy ?? []));
  }
  for (const m of text.matchAll(SEND_BY)) {
    const start = m.index ?? 0;
    if (!free(start, start + m[0].length)) continue;
    const sentence = sentences(text)
      .filter((s) => s.start <= start)
      .pop();
    const head = sentence ? text.slice(sentence.start, start) : '';
    const subject = head
      .replace(/\([^)]*\)/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    const owners = opts.owedBy?.length ? opts.owedBy : subjectAgencies(head, opts.extra);
    deliverable(start, start + m[0].length, m[1].trim(), m[2], subject, owners);
  }

  for (const s of sentences(text)) {
    const end = s.start + s.text.length;
    if (!free(s.start, end) || !/báo cáo|sơ kết|tổng kết/iu.test(s.text) || !UNDATED.test(s.text)) continue;
    if (/\d{1,2}\s*\/\s*\d{1,2}/.test(s.text)) continue;
    const line = lineAt(span, s.start);
    const agencies = opts.owedBy?.length ? opts.owedBy : subjectAgencies(s.text, opts.extra);
    duties.push({ text: s.text.replace(/\s+/g, ' '), agencies, line });
  }
  return { deadlines, duties };
}
