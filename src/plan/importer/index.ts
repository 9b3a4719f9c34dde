import { ExpressionError, parseExpression } from '../../deadlines/expression';
import type { Rule } from '../../deadlines/rule';
import { stripDiacritics } from '../../text/diacritics';
import { AgencyResolver, isVagueReference } from '../agencies';
import type { Directory, PlanInput } from '../schema';
import { extractDeadlines, type DraftDeadline, type DraftDuty } from './deadlines';
import { parseFields, startsWithLabel } from './fields';
import { parseHeader, periodFromTitle } from './header';
import { agenciesFromValue, proseRoles, subjectAgencies } from './mentions';
import { normalizeSource } from './normalize';
import { matchTask, parseOrganization, rolesIn, type Responsibility } from './organization';
import { ImportError, type ReviewItem } from './review';
import { buildTree, segment, type Node, type Span } from './segment';
import { formatContent, sentences, slugify, splitTitle } from './text';

export { ImportError, type ReviewItem } from './review';

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

const fold = (text: string) => stripDiacritics(text).toLowerCase();

const TIME_IN_PROSE =
  /(?:hoàn thành|thực hiện|tổ chức)?\s*(?:trong|trước|chậm nhất|vào)\s+((?:ngày\s+)?\d{1,2}\s*\/\s*\d{1,2}\s*\/\s*\d{4}|quý\s+[IVX\d]+\s*\/\s*\d{4}|tháng\s+\d{1,2}\s*(?:\/|năm)\s*\d{4}|6 tháng (?:đầu|cuối) năm \d{4})/iu;

/**
 * Drafts a structured plan from the published text of a Vietnamese plan (Kế hoạch), with a review list of
 * every field that could not be determined or was guessed. Throws `ImportError` for input that is not a plan.
 * Task ids follow the document: "1", "2.4.1"; lettered items under a number get "4.a", top-level letters "a".
 */
export function importPlanText(text: string, opts: ImportOptions = {}): { plan: PlanInput; review: ReviewItem[] } {
  const review: ReviewItem[] = [];
  const lines = normalizeSource(text);
  const roots = buildTree(segment(lines));
  const fullText = lines.map((l) => l.text).join(' ');
  const extra = opts.directory ? opts.directory.agencies.flatMap((a) => [a.name, ...a.aliases, ...a.formerNames]) : [];

  const headerNode = roots.find((n) => n.block.kind === 'header');
  const header = parseHeader(headerNode?.block.span, fullText);
  const sections = roots.filter((n) => n.block.kind === 'roman');
  const titleOf = (n: Node) => fold(n.block.span.text.split(/\s(?=\p{Lu}\p{Ll})/u)[0]);
  const isOrg = (n: Node) => /to chuc thuc hien/.test(titleOf(n));
  let taskSections = sections.filter(
    (n) => /noi dung|nhiem vu|hoat dong/.test(titleOf(n)) && !/muc (dich|tieu)|kinh phi/.test(titleOf(n)) && !isOrg(n),
  );
  if (taskSections.length === 0) taskSections = sections.filter((n) => /giai phap/.test(titleOf(n)));
  const taskNodes: Node[] =
    taskSections.length > 0
      ? taskSections.flatMap((s) => s.children)
      : sections.length === 0
        ? roots.filter((n) => n.block.kind === 'number' || n.block.kind === 'letter')
        : [];
  const orgSection = sections.find(isOrg);

  if (!header.title && taskNodes.length === 0)
    throw new ImportError('not a plan: found neither the heading "KẾ HOẠCH" nor numbered tasks', 1);
  if (taskNodes.length === 0)
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
      review.push({ line, field, message: `timeframe "${expression}" not understood: ${(err as Error).message}` });
      return undefined;
    }
  };

  const buildTask = (id: string, heading: Span, fieldItems: Span[], line: number): DraftTask | undefined => {
    const { title, rest } = splitTitle(heading);
    const lead: string[] = [];
    const coordinators: string[] = [];
    const content: string[] = [];
    const notes: { field: string; message: string; line: number }[] = [];
    let timeframe: { text: string; rule?: Rule; line: number } | undefined;
    let labelled = false;
    for (const segmentSpan of [rest, ...fieldItems]) {
      if (!segmentSpan.text) continue;
      const { fields, free } = parseFields(segmentSpan);
      for (const piece of free) content.push(formatContent(piece));
      for (const field of fields) {
        if (field.role === 'content') {
          content.push(formatContent(field.value));
          continue;
        }
        labelled = true;
        if (field.role === 'timeframe') {
          const expression = field.value.text.replace(/[\s.;,]+$/u, '');
          timeframe = { text: expression, rule: parseRule(expression, field.line, 'timeframe'), line: field.line };
          continue;
        }
        const target = field.role === 'lead' ? lead : coordinators;
        let valueText = field.value.text;
        if (field.role === 'lead' && field.value.bullets.length > 0 && /:\s/.test(valueText)) {
          // "Cơ quan chủ trì: - activity: agencies - activity: agencies"
          const items = valueText.split(/(?:^|\s)[-–]\s+(?=\p{Lu})/u).filter((s) => s.trim());
          valueText = items.map((item) => item.slice(item.lastIndexOf(':') + 1)).join('; ');
          content.push(items.map((item) => `- ${item.trim()}`).join('\n'));
          notes.push({
            field: 'lead',
            line: field.line,
            message: 'leads are given per activity; all were made leads of the task',
          });
        }
        const { names, prose } = agenciesFromValue(valueText, extra);
        for (const name of names) if (!target.includes(name)) target.push(name);
        if (prose)
          notes.push({
            field: field.role === 'lead' ? 'lead' : 'coordinators',
            line: field.line,
            message: `agencies read from prose "${field.value.text.slice(0, 80)}": check`,
          });
        if (field.role === 'guidance')
          notes.push({
            field: 'coordinators',
            line: field.line,
            message: `"${field.label}" agencies recorded as coordinators`,
          });
      }
    }
    const body = content.join('\n').trim();
    if (!labelled) {
      for (const s of sentences(body.replace(/\n/g, ' '))) {
        const roles = proseRoles(s.text, extra);
        if (roles.lead.length > 0) {
          lead.push(...roles.lead);
          coordinators.push(...roles.coordinators.filter((c) => !lead.includes(c)));
          notes.push({ field: 'lead', line, message: 'lead and coordinators read from prose: check' });
          break;
        }
      }
      if (lead.length === 0) {
        const firstSentence = sentences(body.replace(/\n/g, ' '))[0]?.text ?? '';
        const subject = subjectAgencies(firstSentence, extra);
        if (subject.length > 0) {
          // A section whose text is a dated obligation of these agencies is a plan-wide deliverable, not a task.
          const found = extractDeadlines(rest, { owedBy: subject, extra, review, field: 'deadlines' });
          const owed = found.deadlines.filter((d) => d.kind === 'deliverable');
          if (owed.length > 0) {
            deadlines.push(...owed);
            review.push({
              line,
              field: 'deadlines',
              message: `section ${id} ("${title}") read as a plan-wide deliverable, not a task`,
            });
            return undefined;
          }
          lead.push(...subject);
          notes.push({ field: 'lead', line, message: 'lead taken from the agencies the text names first: check' });
        }
      }
    }
    if (!timeframe) {
      const inProse = TIME_IN_PROSE.exec(body);
      if (inProse) {
        timeframe = { text: inProse[0].trim(), rule: parseRule(inProse[1], line, 'timeframe'), line };
        notes.push({ field: 'timeframe', line, message: `timeframe read from the text: "${inProse[0].trim()}"` });
      }
    }
    const task: DraftTask = {
      id,
      title: title || body.split('\n')[0] || id,
      content: body,
      lead: lead.filter((n) => !isVagueReference(n)),
      coordinators: coordinators.filter((n) => !isVagueReference(n) && !lead.includes(n)),
      timeframe: { text: timeframe?.text || 'Thường xuyên', rule: timeframe?.rule ?? { type: 'ongoing' } },
      line,
    };
    tasks.push(task);
    for (const note of notes)
      review.push({ line: note.line, field: taskField(task, note.field), message: note.message });
    if (!timeframe)
      review.push({
        line,
        field: taskField(task, 'timeframe'),
        message: 'no timeframe in the text; set to "Thường xuyên" (ongoing): check',
      });
    else if (!timeframe.rule)
      review.push({
        line: timeframe.line,
        field: taskField(task, 'timeframe'),
        message: 'timeframe not understood; set to ongoing: fix it',
      });
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
    if (numbers.length > 0) {
      for (const child of node.children) walk(child, child.block.kind === 'letter' ? block.label : '');
      return;
    }
    const fieldItems = letters.some((l) => startsWithLabel(l.block.span.text));
    if (letters.length > 0 && !fieldItems) {
      for (const letter of letters) walk(letter, block.label);
      return;
    }
    buildTask(
      block.label,
      block.span,
      letters.map((l) => l.block.span),
      block.line,
    );
  };
  for (const node of taskNodes) walk(node, '');

  // Organisation: responsibilities per agency, the focal agency, undated duties.
  const responsibilities: Responsibility[] = orgSection ? parseOrganization(orgSection, extra) : [];
  const closing = roots.find((n) => n.block.kind === 'closing');
  const obligationSpans: { span: Span; field: string }[] = [];
  if (closing) obligationSpans.push({ span: closing.block.span, field: 'deadlines' });
  if (orgSection)
    for (const child of orgSection.children) obligationSpans.push({ span: child.block.span, field: 'deadlines' });
  for (const { span, field } of obligationSpans) {
    const found = extractDeadlines(span, { extra, review, field });
    deadlines.push(...found.deadlines);
    duties.push(...found.duties);
  }

  const unlinked: Responsibility[] = [];
  const leadless = tasks.filter((t) => t.lead.length === 0);
  const candidates = leadless.map((t) => ({ index: tasks.indexOf(t), text: `${t.title} ${t.content}` }));
  const linkedFrom = new Map<DraftTask, Set<string>>();
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
    const from = linkedFrom.get(task) ?? new Set<string>();
    from.add(`${r.item} (line ${r.line})`);
    linkedFrom.set(task, from);
  }
  for (const task of tasks) {
    task.coordinators = task.coordinators.filter((c) => !task.lead.includes(c) && !isVagueReference(c));
    const from = linkedFrom.get(task);
    if (from && task.lead.length > 0)
      review.push({
        line: task.line,
        field: taskField(task, 'lead'),
        message: `lead linked from "TỔ CHỨC THỰC HIỆN" item ${[...from].join(', ')} by matching words: check`,
      });
    if (task.lead.length === 0)
      review.push({
        line: task.line,
        field: taskField(task, 'lead'),
        message: 'no lead agency (chủ trì) found in the text: set it',
      });
  }
  for (const r of unlinked) {
    if (duties.some((d) => r.text.includes(d.text) || d.text.includes(r.text))) continue;
    const who = r.agencies.length && !r.named ? `${r.agencies.join(', ')}: ` : '';
    duties.push({ text: `${who}${r.text}`, agencies: [...r.agencies], line: r.line });
  }

  // Plan-level facts.
  const everything = [
    closing?.block.span.text ?? '',
    ...(orgSection?.children.map((c) => c.block.span.text) ?? []),
  ].join(' ');
  let focal: string | undefined;
  let focalGuessed = false;
  const via = /\((?:qua|thông qua)\s+([^)]+)\)/iu.exec(everything);
  if (via) focal = agenciesFromValue(via[1], extra).names[0];
  focal ??= responsibilities.find((r) => /đầu mối/iu.test(r.text))?.agencies[0];
  focal ??= responsibilities.find((r) => /theo dõi,? đôn đốc|tổng hợp/iu.test(r.text))?.agencies[0];
  if (!focal) {
    focalGuessed = true;
    focal = responsibilities[0]?.agencies[0] ?? mostFrequent(tasks.flatMap((t) => t.lead));
  }
  const reports = /báo cáo[^.;]{0,120}?(?:(?:về|gửi|lên)\s+)?(?:Ủy ban nhân dân|UBND)\s+tỉnh/iu.test(everything);
  const year = header.issuedOn?.value.slice(0, 4);
  let period = header.title ? periodFromTitle(header.title.value) : undefined;
  if (!period) {
    const y = year ?? /\b(20\d{2}|19\d{2})\b/.exec(fullText)?.[1] ?? '';
    period = { from: `${y}-01-01`, to: `${y}-12-31` };
    review.push({
      line: header.title?.line ?? 1,
      field: 'period',
      message: `no period in the title; guessed ${y}: check`,
    });
  }
  const province = header.province?.value ?? '';
  if (!header.number)
    review.push({ line: 1, field: 'number', message: 'no document number (Số: …/KH-UBND) in the text' });
  if (!header.issuedOn)
    review.push({ line: 1, field: 'issuedOn', message: 'no place and date ("…, ngày … tháng … năm …") in the text' });
  if (!header.issuer)
    review.push({
      line: 1,
      field: 'issuer',
      message: province
        ? `issuer not in the text; guessed from the province "${province}"`
        : 'issuer not in the text: set it',
    });
  if (header.title?.fromCapitals)
    review.push({
      line: header.title.line,
      field: 'title',
      message: 'title converted from capitals: check proper names',
    });
  if (!header.title) review.push({ line: 1, field: 'title', message: 'no title after "KẾ HOẠCH": set it' });
  if (focalGuessed)
    review.push({
      line: 1,
      field: 'focalAgency',
      message: `focal agency (cơ quan đầu mối) guessed as "${focal ?? ''}": check`,
    });
  if (!reports)
    review.push({
      line: closing?.block.line ?? 1,
      field: 'reportsTo',
      message: 'who receives the reports is not said; assumed "Ủy ban nhân dân tỉnh"',
    });

  const ids = new Set<string>();
  const uniqueDeadlines = deadlines.map((d) => {
    let id = d.id;
    for (let n = 2; ids.has(id); n++) id = `${d.id}-${n}`;
    ids.add(id);
    return { ...d, id };
  });
  duties.forEach((duty) =>
    review.push({
      line: duty.line,
      field: 'duties',
      message: `duty without a date, not scheduled: "${duty.text.slice(0, 100)}"`,
    }),
  );

  const baseName = opts.fileName
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/\.[^.]+$/, '');
  const id = baseName ? slugify(baseName) : slugify(`${province} ${period.from.slice(0, 4)} ${period.to.slice(0, 4)}`);
  if (!baseName) review.push({ line: 1, field: 'id', message: `plan id "${id}" made up from the province and years` });

  const plan: PlanInput = {
    id: id || 'plan',
    ...(header.number ? { number: header.number.value } : {}),
    title: header.title?.value ?? 'Kế hoạch',
    issuer: header.issuer?.value ?? (province ? `Ủy ban nhân dân tỉnh ${province}` : 'Ủy ban nhân dân tỉnh'),
    ...(header.issuedOn ? { issuedOn: header.issuedOn.value } : {}),
    period,
    timezone: 'Asia/Ho_Chi_Minh',
    directory: `agencies/${slugify(province) || 'directory'}.yaml`,
    focalAgency: focal ?? 'Sở Thông tin và Truyền thông',
    reportsTo: 'Ủy ban nhân dân tỉnh',
    tasks,
    deadlines: uniqueDeadlines,
    duties: duties.map((d) => ({ text: d.text, agencies: d.agencies, line: d.line })),
  };
  if (opts.directory) canonicalize(plan, new AgencyResolver(opts.directory), review);
  return { plan, review };
}

function mostFrequent(names: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Gives every name its directory spelling; unknown names go on the review list. */
function canonicalize(plan: PlanInput, resolver: AgencyResolver, review: ReviewItem[]): void {
  const fix = (name: string, field: string, line: number) => {
    const canonical = resolver.canonical(name);
    if (canonical) return canonical;
    const hint = resolver.resolve(name).suggestions;
    review.push({
      line,
      field,
      message: `agency "${name}" is not in the directory${hint.length ? ` (did you mean "${hint[0]}"?)` : ''}`,
    });
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
