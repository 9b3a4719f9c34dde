import { describeRule, ExpressionError, parseExpression } from '../../deadlines/expression';
import type { Rule } from '../../deadlines/rule';
import { isVagueReference } from '../agencies';
import { extractDeadlines, type DraftDeadline } from './deadlines';
import { parseFields } from './fields';
import { agenciesFromValue, proseRoles, sentenceSubject, subjectAgencies, type SubjectRole } from './mentions';
import { quote, reviewItem, type ReviewItem, type ReviewKind } from './review';
import { lineAt, type Span } from './segment';
import { formatContent, sentences, splitTitle } from './text';
import { trimEndMatching } from '../../text/trim';

/** A task as drafted from the text. */
export interface DraftTask {
  id: string;
  title: string;
  content: string;
  lead: string[];
  coordinators: string[];
  timeframe: { text: string; rule: Rule };
  line: number;
}

const TIME_IN_PROSE =
  /(?:hoàn thành|thực hiện|tổ chức)?\s*(?:trong|trước|chậm nhất|vào)\s+((?:ngày\s+)?\d{1,2}\s*\/\s*\d{1,2}\s*\/\s*\d{4}|quý\s+[IVX\d]+\s*\/\s*\d{4}|tháng\s+\d{1,2}\s*(?:\/|năm)\s*\d{4}|6 tháng (?:đầu|cuối) năm \d{4})/iu;

/** Bullet items and sentences of a span, each with its source line. */
function clauses(span: Span): { text: string; line: number }[] {
  const cuts = [...new Set([0, ...span.bullets.filter((b) => b > 0)])].sort((a, b) => a - b);
  const out: { text: string; line: number }[] = [];
  cuts.forEach((from, i) => {
    const piece = span.text.slice(from, cuts[i + 1] ?? span.text.length);
    for (const s of sentences(piece)) {
      const text = s.text.replace(/^[\s\-–•+]+/u, '').trim();
      if (text) out.push({ text, line: lineAt(span, from + s.start) });
    }
  });
  return out;
}

/** What a task builder reads with and writes to: the draft's tasks, plan-wide deadlines and review list. */
export interface TaskContext {
  /** The directory's names, recognised in prose. */
  extra: string[];
  /** Names for the review list as the draft will hold them. */
  list: (names: string[]) => string;
  review: ReviewItem[];
  tasks: DraftTask[];
  deadlines: DraftDeadline[];
}

/**
 * Builds the task of one heading and the items merged into it: labelled fields first ("Cơ quan chủ trì:",
 * "Thời gian:"), else agencies and time read from the prose, each guess on the review list. A section that only
 * sets a dated obligation of its agencies becomes a plan-wide deliverable instead (returns undefined).
 */
export function taskBuilder(ctx: TaskContext) {
  const { extra, list, review, tasks, deadlines } = ctx;
  const add = (kind: ReviewKind, line: number, field: string, read: string, assumed: string, check: string) =>
    review.push(reviewItem(kind, line, field, { read, assumed, check }));
  const taskField = (task: DraftTask, field: string) => `tasks[${tasks.indexOf(task)}].${field}`;

  const parseRule = (expression: string, line: number, field: string): Rule | undefined => {
    try {
      return parseExpression(expression);
    } catch (err) {
      if (!(err instanceof ExpressionError) && (err as Error).name !== 'ExpressionError') throw err;
      add(
        'timeframe',
        line,
        field,
        `thời gian ${quote(expression)}`,
        'không hiểu cách viết này; để là “Thường xuyên”',
        `sửa thời gian theo cách “dondoc when” hiểu (${(err as Error).message.split(' (')[0]})`,
      );
      return undefined;
    }
  };

  const buildTask = (id: string, heading: Span, fieldItems: Span[], line: number): DraftTask | undefined => {
    const { title, rest } = splitTitle(heading);
    const lead: string[] = [];
    const coordinators: string[] = [];
    const content: string[] = [];
    // Field names here are the task's own ("lead"); they get the task's path once the task has its index.
    const notes: ReviewItem[] = [];
    const note = (kind: ReviewKind, field: string, noteLine: number, read: string, assumed: string, check: string) =>
      notes.push(reviewItem(kind, noteLine, field, { read, assumed, check }));
    let timeframe: { text: string; rule?: Rule; line: number } | undefined;
    // Agencies given by labels ("Cơ quan chủ trì:"); without them the prose is searched for agencies.
    let labelled = false;
    for (const segmentSpan of [rest, ...fieldItems]) {
      if (!segmentSpan.text) continue;
      const { fields, free } = parseFields(segmentSpan);
      // A facet heading whose items are all fields ("Tổ chức thực hiện:") says nothing of its own.
      for (const piece of free)
        if (!/^(?:Về\s+)?[\p{L} ,]{2,40}:$/u.test(piece.text)) content.push(formatContent(piece));
      for (const field of fields) {
        if (field.role === 'content') {
          // A facet that opens a lettered item keeps its name ("Nội dung: …") beside the other facets.
          const facet =
            segmentSpan !== rest && field.line === segmentSpan.lines[0] && segmentSpan.text.startsWith(field.label);
          content.push(`${facet ? `${field.label}: ` : ''}${formatContent(field.value)}`);
          continue;
        }
        if (field.role === 'timeframe') {
          const expression = trimEndMatching(field.value.text, /[\s.;,]/u);
          timeframe = { text: expression, rule: parseRule(expression, field.line, 'timeframe'), line: field.line };
          continue;
        }
        labelled = true;
        const target = field.role === 'lead' ? lead : coordinators;
        let valueText = field.value.text;
        if (field.role === 'lead' && field.value.bullets.length > 0 && /:\s/.test(valueText)) {
          // "Cơ quan chủ trì: - activity: agencies - activity: agencies"
          const items = valueText.split(/(?:^|\s)[-–]\s+(?=\p{Lu})/u).filter((s) => s.trim());
          valueText = items.map((item) => item.slice(item.lastIndexOf(':') + 1)).join('; ');
          content.push(items.map((item) => `- ${item.trim()}`).join('\n'));
          const names = agenciesFromValue(valueText, extra).names;
          note(
            'leads-per-activity',
            'lead',
            field.line,
            `“${field.label}:” chia theo từng hoạt động (${items.length} hoạt động)`,
            `mọi cơ quan nêu ở các hoạt động đều là chủ trì của nhiệm vụ: ${list(names)}`,
            'nếu cần theo dõi riêng từng hoạt động, tách nhiệm vụ thành nhiều nhiệm vụ',
          );
        }
        const { names, prose } = agenciesFromValue(valueText, extra);
        for (const name of names) if (!target.includes(name)) target.push(name);
        const role = field.role === 'lead' ? 'lead' : 'coordinators';
        if (prose)
          note(
            'agencies-from-prose',
            role,
            field.line,
            `“${field.label}:” ${quote(field.value.text, 80)} viết thành câu, không phải danh sách`,
            `${role === 'lead' ? 'chủ trì' : 'phối hợp'}: ${list(names)} (các tên tìm thấy trong câu)`,
            'đúng và đủ các cơ quan',
          );
        if (field.role === 'guidance')
          note(
            'guidance-as-coordinators',
            'coordinators',
            field.line,
            `“${field.label}:” ${quote(field.value.text, 80)}`,
            `cơ quan chỉ đạo, hướng dẫn được ghi là phối hợp: ${list(names)}`,
            'các cơ quan này có cần nhận nhắc việc như cơ quan phối hợp không',
          );
      }
    }
    const body = content.join('\n').trim();
    if (!labelled) {
      const spans = [rest, ...fieldItems].filter((s) => s.text);
      const firstSentence = sentences(body.replace(/\n/g, ' '))[0]?.text ?? '';
      const subject = subjectAgencies(firstSentence, extra);
      // Agencies that lead ("chủ trì", "tham mưu") do a task; agencies that only owe a dated paper do not.
      const subjectLeads =
        proseRoles(firstSentence, extra).lead.length > 0 || sentenceSubject(firstSentence, extra).role === 'lead';
      if (subject.length > 0 && !subjectLeads) {
        // A section whose text is a dated obligation of these agencies is a plan-wide deliverable, not a task.
        const owedFound = extractDeadlines(rest, { owedBy: subject, extra, review, field: 'deadlines' });
        const owed = owedFound.deadlines.filter((d) => d.kind === 'deliverable');
        if (owed.length > 0) {
          deadlines.push(...owed);
          add(
            'not-a-task',
            line,
            'deadlines',
            `mục ${id} ${quote(title, 70)}: ${list(subject)} phải nộp ${quote(owed[0].subject, 60)} ${owed[0].text}`,
            'đây là hạn chung của Kế hoạch (phải nộp một lần), không phải nhiệm vụ',
            'nếu cần theo dõi như một nhiệm vụ, thêm lại nhiệm vụ này',
          );
          return undefined;
        }
      }
      // Agencies named in the prose: "Sở X chủ trì, phối hợp với …", or as the subjects of its bullets.
      const named: { names: string[]; role: SubjectRole; also: string[]; clause: { text: string; line: number } }[] =
        [];
      for (const clause of spans.flatMap(clauses)) {
        const roles = proseRoles(clause.text, extra);
        if (roles.lead.length > 0) named.push({ names: roles.lead, role: 'lead', also: roles.coordinators, clause });
        else {
          const subject = sentenceSubject(clause.text, extra);
          if (subject.names.length > 0) named.push({ ...subject, also: [], clause });
        }
      }
      // The first that leads ("chủ trì", "tham mưu"); failing that the first named, preferring those not said to support.
      const chosen =
        named.find((n) => n.role === 'lead') ?? named.find((n) => n.role === 'other') ?? named.find(() => true);
      if (chosen) lead.push(...chosen.names);
      for (const n of named) coordinators.push(...(n === chosen ? [] : n.names), ...n.also);
      const evidence = named.map((n) => n.clause);
      const leads = lead.filter((n) => !isVagueReference(n));
      const others = [...new Set(coordinators)].filter((n) => !leads.includes(n) && !isVagueReference(n));
      if (evidence.length > 0 && leads.length + others.length > 0) {
        const chose =
          chosen?.role === 'lead'
            ? 'cơ quan “chủ trì” hoặc “tham mưu” đầu tiên là chủ trì'
            : 'không câu nào nói “chủ trì” hay “tham mưu”, nên cơ quan được nêu đầu tiên là chủ trì';
        note(
          'agencies-from-prose',
          'lead',
          evidence[0].line,
          evidence
            .slice(0, 3)
            .map((e) => quote(e.text, 80))
            .join('; '),
          `${chose}: chủ trì ${list(leads)}; phối hợp ${list(others)}`,
          'nhiệm vụ không ghi “Cơ quan chủ trì:”; xác nhận cơ quan chủ trì và cơ quan phối hợp',
        );
      }
    }
    if (!timeframe) {
      const inProse = TIME_IN_PROSE.exec(body);
      if (inProse) {
        const at = [rest, ...fieldItems].flatMap(clauses).find((c) => c.text.includes(inProse[1]))?.line ?? line;
        timeframe = { text: inProse[0].trim(), rule: parseRule(inProse[1], at, 'timeframe'), line: at };
        note(
          'timeframe',
          'timeframe',
          at,
          `thời gian trong câu: ${quote(inProse[0].trim())}`,
          timeframe.rule ? `thời hạn của nhiệm vụ là ${describeRule(timeframe.rule)}` : 'không hiểu, để “Thường xuyên”',
          'đây đúng là thời hạn của cả nhiệm vụ, không phải của một phần việc',
        );
      }
    }
    const task: DraftTask = {
      id,
      title: title || body.split('\n')[0] || id,
      content: body,
      lead: lead.filter((n) => !isVagueReference(n)),
      coordinators: [...new Set(coordinators)].filter((n) => !isVagueReference(n) && !lead.includes(n)),
      timeframe: { text: timeframe?.text || 'Thường xuyên', rule: timeframe?.rule ?? { type: 'ongoing' } },
      line,
    };
    tasks.push(task);
    for (const n of notes) review.push({ ...n, field: taskField(task, n.field) });
    if (!timeframe)
      add(
        'timeframe',
        line,
        taskField(task, 'timeframe'),
        `nhiệm vụ ${id} không ghi thời gian thực hiện`,
        'để là “Thường xuyên” (không có hạn riêng, theo các kỳ báo cáo chung)',
        'thời hạn của nhiệm vụ',
      );
    else if (!timeframe.rule)
      add(
        'timeframe',
        timeframe.line,
        taskField(task, 'timeframe'),
        `thời gian ${quote(timeframe.text)}`,
        'không hiểu, để là “Thường xuyên”',
        'sửa thời gian của nhiệm vụ',
      );
    return task;
  };
  return buildTask;
}
