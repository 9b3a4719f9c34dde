import { AgencyResolver, isVagueReference } from '../agencies';
import type { Directory, PlanInput } from '../schema';
import { canonicalize } from './canonical';
import { extractDeadlines, type DraftDeadline, type DraftDuty } from './deadlines';
import { readLetters } from './facets';
import { parseHeader, periodFromTitle } from './header';
import { headerReview } from './header-review';
import { agenciesFromValue } from './mentions';
import { normalizeSource } from './normalize';
import { matchTask, parseOrganization, rolesIn, type Responsibility } from './organization';
import { proposeReports } from './proposals';
import { ImportError, quote, reviewItem, type ReviewItem, type ReviewKind } from './review';
import { taskNodes } from './sections';
import { buildTree, segment, type Node, type Span } from './segment';
import { taskBuilder, type DraftTask } from './task';
import { slugify } from './text';

export { formatReviewItem, ImportError, type ReviewItem, type ReviewKind } from './review';

/** Options of `importPlanText`. */
export interface ImportOptions {
  /** Name of the source file: gives the plan id and the file name in messages. */
  fileName?: string;
  /** A province directory: its names are recognised in prose and names are given their canonical spelling. */
  directory?: Directory;
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
  const buildTask = taskBuilder({ extra, list, review, tasks, deadlines });

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
  review.push(...headerReview(header, opts.directory !== undefined));
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
