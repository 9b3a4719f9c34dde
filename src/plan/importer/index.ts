import { describeRule, ExpressionError, parseExpression } from '../../deadlines/expression';
import type { Rule } from '../../deadlines/rule';
import { AgencyResolver, isVagueReference } from '../agencies';
import type { Directory, PlanInput } from '../schema';
import { extractDeadlines, type DraftDeadline, type DraftDuty } from './deadlines';
import { readLetters } from './facets';
import { parseFields } from './fields';
import { parseHeader, periodFromTitle, PROVINCE_SOURCES } from './header';
import { agenciesFromValue, proseRoles, sentenceSubject, subjectAgencies, type SubjectRole } from './mentions';
import { normalizeSource } from './normalize';
import { matchTask, parseOrganization, rolesIn, type Responsibility } from './organization';
import { proposeReports } from './proposals';
import { ImportError, quote, reviewItem, type ReviewItem, type ReviewKind } from './review';
import { taskNodes } from './sections';
import { buildTree, lineAt, segment, type Node, type Span } from './segment';
import { formatContent, sentences, slugify, splitTitle } from './text';

export { formatReviewItem, ImportError, type ReviewItem, type ReviewKind } from './review';

/** A task as drafted from the text. */
interface DraftTask {
  id: string;
  title: string;
  content: string;
  lead: string[];
  coordinators: string[];
  timeframe: { text: string; rule: Rule };
  line: number;
}

/** Options of `importPlanText`. */
export interface ImportOptions {
  /** Name of the source file: gives the plan id and the file name in messages. */
  fileName?: string;
  /** A province directory: its names are recognised in prose and names are given their canonical spelling. */
  directory?: Directory;
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

/**
 * Drafts a structured plan from the published text of a Vietnamese plan (Kế hoạch), with a review list (in
 * Vietnamese) of every field that could not be determined or was guessed. Throws `ImportError` for input that is
 * not a plan. Task ids follow the document: "1", "2.4.1"; lettered items under a number get "4.a", top-level
 * letters "a".
 */
export function importPlanText(text: string, opts: ImportOptions = {}): { plan: PlanInput; review: ReviewItem[] } {
  const review: ReviewItem[] = [];
  const add = (kind: ReviewKind, line: number, field: string, read: string, assumed: string, check: string) =>
    review.push(reviewItem(kind, line, field, { read, assumed, check }));
  const lines = normalizeSource(text);
  const roots = buildTree(segment(lines));
  const fullText = lines.map((l) => l.text).join(' ');
  const extra = opts.directory
    ? [
        ...opts.directory.agencies.flatMap((a) => [a.name, ...a.aliases, ...a.formerNames]),
        ...opts.directory.groups.flatMap((g) => [g.name, ...g.aliases]),
      ]
    : [];
  const resolver = opts.directory ? new AgencyResolver(opts.directory) : undefined;
  /** Names for the review list as the draft will hold them: the directory's, with the text's spelling when it differs. */
  const list = (names: string[]) => {
    if (names.length === 0) return '(không có)';
    return names
      .map((n) => {
        const canonical = resolver?.canonical(n);
        return canonical && canonical !== n ? `${canonical} (văn bản viết “${n}”)` : n;
      })
      .join('; ');
  };

  const headerNode = roots.find((n) => n.block.kind === 'header');
  const closing = roots.find((n) => n.block.kind === 'closing');
  const header = parseHeader(headerNode?.block.span, closing?.block.span.text ?? '');
  const found = taskNodes(roots, review);
  const orgSection = found.organization;

  if (!header.title && found.nodes.length === 0)
    throw new ImportError('not a plan: found neither the heading "KẾ HOẠCH" nor numbered tasks', 1);
  if (found.nodes.length === 0)
    throw new ImportError(
      'no tasks found: expected a section such as "II. NỘI DUNG" or "NHIỆM VỤ" with numbered or lettered items',
      header.title?.line ?? 1,
    );

  const tasks: DraftTask[] = [];
  const deadlines: DraftDeadline[] = [];
  const duties: DraftDuty[] = [];
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
          const expression = field.value.text.replace(/[\s.;,]+$/u, '');
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

  const walk = (node: Node, prefix: string) => {
    const block = node.block;
    const numbers = node.children.filter((c) => c.block.kind === 'number');
    const letters = node.children.filter((c) => c.block.kind === 'letter');
    if (block.kind === 'letter') {
      buildTask(prefix ? `${prefix}.${block.label}` : block.label, block.span, [], block.line);
      return;
    }
    // Numbered sub-items ("1.1. Nội dung: …", "1.2. Hình thức: …") can be facets too, when none has items of its own.
    const numberedFacets =
      numbers.length > 0 && letters.length === 0 && numbers.every((n) => n.children.length === 0)
        ? readLetters(numbers)
        : undefined;
    if (numbers.length > 0 && !(numberedFacets?.as === 'one-task' && numberedFacets.facets.length > 0)) {
      for (const child of node.children) walk(child, child.block.kind === 'letter' ? block.label : '');
      return;
    }
    const items = numbers.length > 0 ? numbers : letters;
    const reading = numbers.length > 0 ? numberedFacets : letters.length > 0 ? readLetters(letters) : undefined;
    const mark = (n: Node) => (n.block.kind === 'letter' ? `${n.block.label})` : n.block.label);
    const range = items.length > 0 ? `${mark(items[0])}–${mark(items[items.length - 1])}` : '';
    if (reading?.as === 'tasks') {
      for (const letter of letters) walk(letter, block.label);
      if (reading.unsure.length > 0)
        add(
          'task-split',
          block.line,
          `tasks[${tasks.findIndex((t) => t.id === `${block.label}.${letters[0].block.label}`)}]`,
          `mục ${block.label} có các mục ${range}; ${reading.unsure
            .map((l) => `${l.block.label})`)
            .join(', ')} không ghi cơ quan chủ trì hay thời gian riêng`,
          `mỗi mục chữ là một nhiệm vụ riêng (${letters.map((l) => `${block.label}.${l.block.label}`).join(', ')})`,
          `nếu đây là các khía cạnh của một nhiệm vụ (nội dung, hình thức …), gộp lại thành nhiệm vụ ${block.label}`,
        );
      return;
    }
    const task = buildTask(
      block.label,
      block.span,
      items.map((l) => l.block.span),
      block.line,
    );
    if (task && reading && reading.facets.length > 0)
      add(
        'task-merged',
        block.line,
        `tasks[${tasks.indexOf(task)}]`,
        `mục ${block.label} có các mục ${range} về ${reading.facets.join(', ')}`,
        `đó là các khía cạnh của một nhiệm vụ (nhiệm vụ ${block.label}); cơ quan và thời gian lấy từ phần “Tổ chức thực hiện”/“Thời gian” của nó`,
        'nếu mỗi mục con là một việc phải theo dõi riêng, tách thành các nhiệm vụ',
      );
  };
  for (const node of found.nodes) walk(node, '');

  // Organisation: responsibilities per agency, the focal agency, undated duties.
  const responsibilities: Responsibility[] = orgSection ? parseOrganization(orgSection, extra) : [];
  const obligationSpans: { span: Span; field: string }[] = [];
  if (closing) obligationSpans.push({ span: closing.block.span, field: 'deadlines' });
  if (orgSection)
    for (const child of orgSection.children.length > 0 ? orgSection.children : [orgSection])
      obligationSpans.push({ span: child.block.span, field: 'deadlines' });
  for (const { span, field } of obligationSpans) {
    const fromText = extractDeadlines(span, { extra, review, field });
    deadlines.push(...fromText.deadlines);
    duties.push(...fromText.duties);
  }

  const unlinked: Responsibility[] = [];
  const leadless = tasks.filter((t) => t.lead.length === 0);
  const candidates = leadless.map((t) => ({ index: tasks.indexOf(t), text: `${t.title} ${t.content}` }));
  const linkedFrom = new Map<DraftTask, { r: Responsibility; shared: string[]; supporting: boolean }[]>();
  for (const r of responsibilities) {
    if (/đầu mối/iu.test(r.text)) continue;
    const match = matchTask(r.text, candidates, header.title?.value);
    if (!match) {
      unlinked.push(r);
      continue;
    }
    const task = tasks[match.index];
    const roles = rolesIn(r.text, extra);
    const target = roles.supporting ? task.coordinators : task.lead;
    for (const name of r.agencies) if (!target.includes(name)) target.push(name);
    for (const name of roles.coordinators) if (!task.coordinators.includes(name)) task.coordinators.push(name);
    linkedFrom.set(task, [...(linkedFrom.get(task) ?? []), { r, shared: match.shared, supporting: roles.supporting }]);
  }
  for (const task of tasks) {
    task.coordinators = task.coordinators.filter((c) => !task.lead.includes(c) && !isVagueReference(c));
    for (const { r, shared, supporting } of linkedFrom.get(task) ?? [])
      add(
        'responsibility-matched',
        r.line,
        taskField(task, supporting ? 'coordinators' : 'lead'),
        `“TỔ CHỨC THỰC HIỆN” mục ${r.item}, ${list(r.agencies)}: ${quote(r.text, 80)}`,
        `việc này là nhiệm vụ ${task.id} ${quote(task.title, 50)} (cùng có các từ ${shared
          .map((w) => `“${w}”`)
          .join(', ')}); ${list(r.agencies)} là ${supporting ? 'phối hợp' : 'chủ trì'}`,
        'đúng nhiệm vụ và đúng vai trò chủ trì/phối hợp',
      );
    if (task.lead.length === 0)
      add(
        'lead-missing',
        task.line,
        taskField(task, 'lead'),
        `nhiệm vụ ${task.id} ${quote(task.title, 60)} không nêu cơ quan chủ trì, và không mục nào trong “TỔ CHỨC THỰC HIỆN” khớp rõ với nó`,
        'chưa có cơ quan chủ trì (bản nháp chưa hợp lệ)',
        'ghi cơ quan chủ trì của nhiệm vụ',
      );
  }
  for (const r of unlinked) {
    if (duties.some((d) => r.text.includes(d.text) || d.text.includes(r.text))) continue;
    // A responsibility that only sets the plan's report dates is already kept as those deadlines.
    const dated = deadlines.filter((d) => r.text.includes(d.text));
    const left = dated.reduce((t, d) => t.split(d.text).join(' '), r.text.replace(/\([^)]*\)/g, ' '));
    if (dated.length > 0 && left.split(/[.;]/).every((c) => !c.trim() || /báo cáo/iu.test(c))) continue;
    const who = r.agencies.length && !r.named ? `${r.agencies.join(', ')}: ` : '';
    duties.push({ text: `${who}${r.text}`, agencies: [...r.agencies], line: r.line });
  }

  // Plan-level facts.
  const everything = [
    closing?.block.span.text ?? '',
    ...(orgSection ? [orgSection.block.span.text, ...orgSection.children.map((c) => c.block.span.text)] : []),
  ].join(' ');
  let focal: string | undefined;
  let focalFrom = '';
  const via = /\((?:qua|thông qua)\s+([^)]+)\)/iu.exec(everything);
  if (via) focal = agenciesFromValue(via[1], extra).names[0];
  focal ??= responsibilities.find((r) => /đầu mối/iu.test(r.text))?.agencies[0];
  focal ??= responsibilities.find((r) => /theo dõi,? đôn đốc|tổng hợp/iu.test(r.text))?.agencies[0];
  if (!focal) {
    focal = responsibilities[0]?.agencies[0];
    focalFrom = focal ? 'cơ quan đầu tiên trong “TỔ CHỨC THỰC HIỆN”' : '';
    if (!focal) {
      focal = mostFrequent(tasks.flatMap((t) => t.lead));
      focalFrom = focal ? 'cơ quan chủ trì nhiều nhiệm vụ nhất' : '';
    }
    if (!focal) {
      focal = 'Sở Thông tin và Truyền thông';
      focalFrom = 'mặc định của dondoc, vì văn bản không nêu cơ quan nào';
    }
  }
  const reports = /báo cáo[^.;]{0,120}?(?:(?:về|gửi|lên)\s+)?(?:Ủy ban nhân dân|UBND)\s+tỉnh/iu.test(everything);
  const year = header.issuedOn?.value.slice(0, 4);
  let period = header.title ? periodFromTitle(header.title.value) : undefined;
  if (!period) {
    const y = year ?? /\b(20\d{2}|19\d{2})\b/.exec(fullText)?.[1] ?? '';
    period = { from: `${y}-01-01`, to: `${y}-12-31` };
    add(
      'period-guessed',
      header.title?.line ?? 1,
      'period',
      'tiêu đề không nêu năm hay giai đoạn của Kế hoạch',
      `Kế hoạch chạy trong năm ${y} (${year ? 'năm ban hành' : 'năm đầu tiên gặp trong văn bản'})`,
      'thời gian hiệu lực của Kế hoạch (period)',
    );
  }
  if (opts.directory && !header.province) header.province = { value: opts.directory.province, guessed: true };
  const province = header.province?.value ?? '';
  if (!header.number)
    add(
      'header-missing',
      header.blankNumber?.line ?? 1,
      'number',
      header.blankNumber
        ? `số ký hiệu để trống: ${quote(header.blankNumber.text)} (bản dự thảo?)`
        : 'văn bản không có dòng “Số: …/KH-UBND”',
      'Kế hoạch không có số ký hiệu',
      'ghi số ký hiệu của văn bản đã ký (number), hoặc để trống nếu chưa có',
    );
  if (!header.issuedOn)
    add(
      'header-missing',
      header.blankDate?.line ?? 1,
      'issuedOn',
      header.blankDate
        ? `ngày ban hành để trống: ${quote(header.blankDate.text)} (bản dự thảo?)`
        : 'văn bản không có dòng địa danh, ngày tháng (“…, ngày … tháng … năm …”)',
      'Kế hoạch không có ngày ban hành',
      'ghi ngày ký của văn bản (issuedOn)',
    );
  if (!header.issuer) {
    const from =
      header.province?.from !== undefined
        ? PROVINCE_SOURCES[header.province.from]
        : opts.directory
          ? 'danh bạ cơ quan đã chọn'
          : '';
    add(
      province ? 'header-guessed' : 'header-missing',
      header.province?.line ?? 1,
      'issuer',
      'văn bản không có dòng cơ quan ban hành (“ỦY BAN NHÂN DÂN TỈNH …”)',
      province
        ? `cơ quan ban hành là Ủy ban nhân dân tỉnh ${province}, theo tên tỉnh trong ${from}`
        : 'không biết tỉnh nào ban hành; ghi tạm “Ủy ban nhân dân tỉnh”',
      province ? 'đúng cơ quan ban hành (issuer)' : 'ghi cơ quan ban hành (issuer) và danh bạ (directory)',
    );
  }
  if (header.title?.fromCapitals)
    add(
      'title-capitals',
      header.title.line,
      'title',
      'tiêu đề viết hoa toàn bộ',
      `chuyển thành chữ thường: ${quote(header.title.value, 80)}`,
      'viết hoa đúng các tên riêng trong tiêu đề',
    );
  if (!header.title)
    add(
      'header-missing',
      1,
      'title',
      'không có tiêu đề sau chữ “KẾ HOẠCH”',
      'tiêu đề là “Kế hoạch”',
      'ghi tiêu đề của Kế hoạch (title)',
    );
  if (focalFrom)
    add(
      'focal-guessed',
      1,
      'focalAgency',
      'văn bản không nói cơ quan nào là đầu mối theo dõi, đôn đốc, tổng hợp',
      `cơ quan đầu mối là ${list([focal])} (${focalFrom})`,
      'cơ quan đầu mối (focalAgency)',
    );
  if (!reports)
    add(
      'reports-to-assumed',
      closing?.block.line ?? 1,
      'reportsTo',
      'văn bản không nói báo cáo gửi về đâu',
      'báo cáo gửi Ủy ban nhân dân tỉnh',
      'nơi nhận báo cáo (reportsTo)',
    );

  // Undated recurring duties become periodic reports with a default date, unless the plan already dates them.
  const { proposals, kept, covered } = proposeReports(duties, deadlines, period);
  for (const { deadline, why } of proposals) {
    deadlines.push(deadline);
    add(
      'deadline-proposed',
      deadline.line ?? 1,
      `deadlines[${deadlines.length - 1}]`,
      `việc định kỳ không có ngày: ${quote(deadline.text, 100)}`,
      `đề xuất hạn “${deadline.subject}”: ${why}; mọi cơ quan chủ trì nhiệm vụ nộp, như các kỳ báo cáo khác`,
      'xác nhận hoặc sửa ngày; hạn này chưa có trong văn bản',
    );
  }

  const ids = new Set<string>();
  const uniqueDeadlines = deadlines.map((d) => {
    let id = d.id;
    for (let n = 2; ids.has(id); n++) id = `${d.id}-${n}`;
    ids.add(id);
    return { ...d, id };
  });
  kept.forEach((duty) => {
    const by = covered.get(duty);
    add(
      'duty-undated',
      duty.line,
      'duties',
      quote(duty.text, 100),
      by
        ? `việc này đã có hạn chung “${by.text}” (dòng ${by.line ?? '?'}); giữ làm ghi chú, không lập lịch riêng`
        : 'việc không có ngày: giữ làm ghi chú, không nhắc việc',
      by ? 'hạn chung đó đúng là hạn của việc này' : 'nếu cần nhắc việc, thêm thời hạn hoặc chuyển thành nhiệm vụ',
    );
  });

  const baseName = opts.fileName
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/\.[^.]+$/, '');
  const id = baseName ? slugify(baseName) : slugify(`${province} ${period.from.slice(0, 4)} ${period.to.slice(0, 4)}`);
  if (!baseName)
    add(
      'plan-id',
      1,
      'id',
      'không có tên tệp để đặt mã Kế hoạch',
      `mã Kế hoạch là “${id || 'plan'}”, ghép từ tên tỉnh và năm`,
      'mã Kế hoạch (id): dùng trong tên tệp plans/<id>.yaml và không đổi khi Kế hoạch đã chạy',
    );

  const plan: PlanInput = {
    id: id || 'plan',
    ...(header.number ? { number: header.number.value } : {}),
    title: header.title?.value ?? 'Kế hoạch',
    issuer: header.issuer?.value ?? (province ? `Ủy ban nhân dân tỉnh ${province}` : 'Ủy ban nhân dân tỉnh'),
    ...(header.issuedOn ? { issuedOn: header.issuedOn.value } : {}),
    period,
    timezone: 'Asia/Ho_Chi_Minh',
    directory: `agencies/${slugify(province) || 'directory'}.yaml`,
    focalAgency: focal,
    reportsTo: 'Ủy ban nhân dân tỉnh',
    tasks,
    deadlines: uniqueDeadlines,
    duties: kept.map((d) => ({ text: d.text, agencies: d.agencies, line: d.line })),
  };
  if (resolver) canonicalize(plan, resolver, review);
  return { plan, review };
}

function mostFrequent(names: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * Gives every name its directory spelling; unknown names go on the review list, and each group used (once, where
 * it is first used) with the agencies the directory lists for it, since those are who will be reminded.
 */
function canonicalize(plan: PlanInput, resolver: AgencyResolver, review: ReviewItem[]): void {
  const groups = new Set<string>();
  const fix = (name: string, field: string, line: number) => {
    const resolution = resolver.resolve(name);
    const canonical = resolution.agency?.name ?? resolution.group;
    if (resolution.group && !groups.has(resolution.group)) {
      groups.add(resolution.group);
      const members = (resolution.members ?? []).map((a) => a.name);
      const shown =
        members.slice(0, 6).join('; ') + (members.length > 6 ? `; và ${members.length - 6} cơ quan khác` : '');
      review.push(
        reviewItem('group-expanded', line, field, {
          read: `nhóm “${name}”`,
          assumed:
            members.length > 0
              ? `nhóm gồm ${members.length} cơ quan theo danh bạ “${resolver.directory.province}”: ${shown}`
              : `danh bạ “${resolver.directory.province}” không có cơ quan nào thuộc nhóm này, nên không ai được nhắc`,
          check:
            members.length > 0
              ? 'danh sách thành viên nhóm trong danh bạ đúng với ý của Kế hoạch'
              : 'thêm các cơ quan của nhóm vào danh bạ (groups) hoặc ghi tên từng cơ quan',
        }),
      );
    }
    if (canonical) return canonical;
    const hint = resolution.suggestions;
    review.push(
      reviewItem('agency-unknown', line, field, {
        read: `cơ quan “${name}”`,
        assumed: 'giữ tên như văn bản viết; tên này không có trong danh bạ',
        check: hint.length
          ? `có phải là “${hint[0]}” không; nếu là cơ quan khác, thêm vào danh bạ`
          : 'thêm cơ quan vào danh bạ hoặc sửa tên',
      }),
    );
    return name;
  };
  plan.tasks.forEach((task, i) => {
    task.lead = task.lead.map((n) => fix(n, `tasks[${i}].lead`, task.line ?? 1));
    task.coordinators = (task.coordinators ?? []).map((n) => fix(n, `tasks[${i}].coordinators`, task.line ?? 1));
  });
  plan.focalAgency = fix(plan.focalAgency, 'focalAgency', 1);
  (plan.deadlines ?? []).forEach((d, i) => {
    if (d.owedBy !== 'all') d.owedBy = d.owedBy.map((n) => fix(n, `deadlines[${i}].owedBy`, d.line ?? 1));
  });
}
