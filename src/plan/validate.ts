import { AgencyResolver } from './agencies';
import type { Directory, Plan } from './schema';
import type { Rule } from '../deadlines/rule';
import { shortDate, successionsOf, successorOn } from './succession';

/** A problem found by the semantic checks, located by its field path in the plan or directory file. */
export interface Finding {
  path: (string | number)[];
  message: string;
  severity: 'error' | 'warning';
}

/** The days a rule can fall on, `YYYY-MM-DD` inclusive; undefined for rules that recur or have no date. */
export function ruleSpan(rule: Rule): { from: string; to: string } | undefined {
  const pad = (n: number) => String(n).padStart(2, '0');
  const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
  const monthSpan = (year: number, first: number, last: number) => ({
    from: `${year}-${pad(first)}-01`,
    to: `${year}-${pad(last)}-${pad(lastDay(year, last))}`,
  });
  switch (rule.type) {
    case 'date':
      return { from: rule.date, to: rule.date };
    case 'quarter':
      return monthSpan(rule.year, rule.quarter * 3 - 2, rule.quarter * 3);
    case 'month':
      return monthSpan(rule.year, rule.month, rule.month);
    case 'half':
      return monthSpan(rule.year, rule.half === 1 ? 1 : 7, rule.half === 1 ? 6 : 12);
    case 'year':
      return { from: `${rule.year}-01-01`, to: `${rule.year}-12-31` };
    case 'range':
      return { from: `${rule.fromYear}-01-01`, to: `${rule.toYear}-12-31` };
    default:
      return undefined;
  }
}

function unknownAgency(resolver: AgencyResolver, name: string): string | undefined {
  const resolution = resolver.resolve(name);
  if (resolution.agency || resolution.group) return undefined;
  const hint = resolution.suggestions.length
    ? ` (did you mean ${resolution.suggestions.map((s) => `"${s}"`).join(', ')}?)`
    : ' (not in the agency directory)';
  return `unknown agency "${name}"${hint}`;
}

/** Semantic checks of a plan against its directory: agencies, duplicate ids, dates inside the period, leads. */
export function validatePlan(plan: Plan, directory: Directory): Finding[] {
  const findings: Finding[] = [];
  const resolver = new AgencyResolver(directory);
  const error = (path: (string | number)[], message: string) => findings.push({ path, message, severity: 'error' });
  const warning = (path: (string | number)[], message: string) => findings.push({ path, message, severity: 'warning' });

  const checkName = (path: (string | number)[], name: string, severity: 'error' | 'warning' = 'error') => {
    const problem = unknownAgency(resolver, name);
    if (problem) findings.push({ path, message: problem, severity });
    else {
      const resolution = resolver.resolve(name);
      if (resolution.group && resolution.members?.length === 0)
        warning(path, `group "${resolution.group}" has no members in the agency directory: nobody will be reminded`);
    }
  };

  checkName(['focalAgency'], plan.focalAgency);
  checkName(['reportsTo'], plan.reportsTo);
  const focal = resolver.resolve(plan.focalAgency);
  if (focal.group) error(['focalAgency'], `the focal agency must be one agency, not the group "${focal.group}"`);

  const inPeriod = (span: { from: string; to: string }) => span.to >= plan.period.from && span.from <= plan.period.to;
  const period = `${plan.period.from}..${plan.period.to}`;

  const seenTasks = new Map<string, number>();
  plan.tasks.forEach((task, i) => {
    const first = seenTasks.get(task.id);
    if (first !== undefined) error(['tasks', i, 'id'], `duplicate task id "${task.id}" (also tasks[${first}])`);
    else seenTasks.set(task.id, i);
    if (task.lead.length === 0) error(['tasks', i, 'lead'], 'a task needs at least one lead agency (chủ trì)');
    task.lead.forEach((name, j) => checkName(['tasks', i, 'lead', j], name));
    task.coordinators.forEach((name, j) => {
      checkName(['tasks', i, 'coordinators', j], name);
      const lead = task.lead.map((l) => resolver.canonical(l) ?? l);
      if (lead.includes(resolver.canonical(name) ?? name))
        warning(['tasks', i, 'coordinators', j], `"${name}" is both lead and coordinator of task ${task.id}`);
    });
    const span = ruleSpan(task.timeframe.rule);
    if (span && !inPeriod(span))
      warning(['tasks', i, 'timeframe'], `timeframe "${task.timeframe.text}" lies outside the plan period ${period}`);
  });

  const seenDeadlines = new Set<string>();
  plan.deadlines.forEach((deadline, i) => {
    if (seenDeadlines.has(deadline.id)) error(['deadlines', i, 'id'], `duplicate deadline id "${deadline.id}"`);
    seenDeadlines.add(deadline.id);
    const span = ruleSpan(deadline.rule);
    if (span && !inPeriod(span))
      error(['deadlines', i, 'rule'], `deadline "${deadline.text}" falls outside the plan period ${period}`);
    if (deadline.kind === 'periodic-report' && !deadline.reportKind)
      warning(['deadlines', i, 'reportKind'], 'a periodic report should say which report it is (six-month, annual …)');
    if (deadline.owedBy !== 'all') deadline.owedBy.forEach((name, j) => checkName(['deadlines', i, 'owedBy', j], name));
    if (deadline.owedTo) checkName(['deadlines', i, 'owedTo'], deadline.owedTo);
  });

  plan.duties.forEach((duty, i) =>
    duty.agencies.forEach((name, j) => checkName(['duties', i, 'agencies', j], name, 'warning')),
  );

  successionWarnings(plan, directory, resolver).forEach((f) => findings.push(f));

  plan.reportingOfficers.forEach((officer, i) => {
    if (officer.agency) checkName(['reportingOfficers', i, 'agency'], officer.agency, 'warning');
    if (directory.placeholderEmails !== isPlaceholder(officer.email))
      warning(['reportingOfficers', i, 'email'], placeholderMessage(officer.email, directory.placeholderEmails));
  });
  return findings;
}

function isPlaceholder(email: string): boolean {
  return /\.(?:example|test|invalid)$/i.test(email.trim());
}

function placeholderMessage(email: string, placeholders: boolean): string {
  return placeholders
    ? `"${email}" is not on a reserved domain (.example) although the directory says its addresses are placeholders`
    : `"${email}" is a placeholder address (.example): set real addresses, or placeholderEmails: true`;
}

/** Checks of a directory on its own: addresses marked as placeholders, names claimed by two agencies. */
export function validateDirectory(directory: Directory): Finding[] {
  const findings: Finding[] = [];
  const owners = new Map<string, string>();
  directory.agencies.forEach((agency, i) => {
    agency.emails.forEach((email, j) => {
      if (directory.placeholderEmails !== isPlaceholder(email))
        findings.push({
          path: ['agencies', i, 'emails', j],
          message: placeholderMessage(email, directory.placeholderEmails),
          severity: 'warning',
        });
    });
    for (const name of [agency.name, ...agency.aliases, ...agency.formerNames]) {
      const key = name.normalize('NFC').toLowerCase();
      const owner = owners.get(key);
      if (owner && owner !== agency.name)
        findings.push({
          path: ['agencies', i, 'name'],
          message: `"${name}" names both "${owner}" and "${agency.name}"`,
          severity: 'error',
        });
      owners.set(key, agency.name);
    }
    const declared = new Set(directory.groups.map((g) => g.name));
    agency.groups.forEach((group, j) => {
      if (!declared.has(group))
        findings.push({
          path: ['agencies', i, 'groups', j],
          message: `group "${group}" is not declared under groups:`,
          severity: 'warning',
        });
    });
  });
  findings.push(...successionFindings(directory));
  return findings;
}

/**
 * Agencies the plan names (not groups) that a successor takes over from at a date up to the plan's end: from then on
 * dondoc reminds the successor; the warning proposes it, and says when a split's share for the task cannot be told.
 */
function successionWarnings(plan: Plan, directory: Directory, resolver: AgencyResolver): Finding[] {
  const findings: Finding[] = [];
  const check = (path: (string | number)[], name: string, duty: string) => {
    const agency = resolver.resolve(name).agency;
    if (!agency) return;
    const dates = successionsOf(agency)
      .map((s) => s.from)
      .filter((d) => d <= plan.period.to)
      .sort();
    if (dates.length === 0) return;
    const { agencies, steps } = successorOn(directory, agency.name, plan.period.to, duty);
    if (steps.length === 0) return;
    const since = `"${name}" có cơ quan kế thừa từ ${shortDate(dates[0])}, trong thời gian của kế hoạch`;
    const notes = [...new Set(steps.map((s) => s.note).filter(Boolean))];
    const pending = steps.find((s) => s.pending);
    const names = agencies.map((a) => a.name).join('; ');
    const message = pending
      ? `${since} (${pending.to.join('; ')}), nhưng nhóm này chưa có thành viên: dondoc vẫn nhắc ${pending.from} cho đến khi cán bộ ghi tên các cơ quan vào nhóm trong danh bạ.`
      : `${since}: từ ngày đó dondoc nhắc ${names}. Đề xuất: thay bằng "${names}" khi điều chỉnh kế hoạch.` +
        (steps.some((s) => s.undetermined)
          ? ' Danh bạ chia nhiệm vụ cho nhiều cơ quan và không xác định được phần việc này thuộc cơ quan nào, nên dondoc nhắc tất cả: hãy ghi rõ cơ quan trong kế hoạch.'
          : '');
    findings.push({
      path,
      message: message + (notes.length ? ` Ghi chú: ${notes.join(' ')}` : ''),
      severity: 'warning',
    });
  };
  check(['focalAgency'], plan.focalAgency, plan.title);
  check(['reportsTo'], plan.reportsTo, plan.title);
  plan.tasks.forEach((task, i) => {
    const duty = `${task.title}\n${task.content}`;
    task.lead.forEach((name, j) => check(['tasks', i, 'lead', j], name, duty));
    task.coordinators.forEach((name, j) => check(['tasks', i, 'coordinators', j], name, duty));
  });
  plan.deadlines.forEach((deadline, i) => {
    const duty = `${deadline.subject}\n${deadline.text}`;
    if (deadline.owedBy !== 'all')
      deadline.owedBy.forEach((name, j) => check(['deadlines', i, 'owedBy', j], name, duty));
    if (deadline.owedTo) check(['deadlines', i, 'owedTo'], deadline.owedTo, duty);
  });
  return findings;
}

/** Successions of a directory: one kind per agency, successors the directory knows, no agency succeeding itself. */
function successionFindings(directory: Directory): Finding[] {
  const findings: Finding[] = [];
  const resolver = new AgencyResolver(directory);
  directory.agencies.forEach((agency, i) => {
    if (agency.successor && agency.successors)
      findings.push({
        path: ['agencies', i, 'successor'],
        message: `"${agency.name}": ghi successor (hợp nhất, đổi tên) hoặc successors (chia tách), không ghi cả hai`,
        severity: 'error',
      });
    const key = agency.successor ? 'successor' : 'successors';
    successionsOf(agency).forEach((s, j) => {
      const path = key === 'successor' ? ['agencies', i, key, 'by'] : ['agencies', i, key, j, 'by'];
      const resolution = resolver.resolve(s.by);
      if (!resolution.agency && !resolution.group) {
        findings.push({ path, message: `cơ quan kế thừa "${s.by}" không có trong danh bạ`, severity: 'error' });
        return;
      }
      if (resolution.group && resolution.members?.length === 0)
        findings.push({
          path,
          message: `nhóm kế thừa "${resolution.group}" chưa có thành viên: dondoc vẫn gửi ${agency.name} cho đến khi cán bộ ghi tên các cơ quan (xã, phường) vào nhóm`,
          severity: 'warning',
        });
      if (resolution.agency === agency)
        findings.push({ path, message: `"${agency.name}" không thể kế thừa chính nó`, severity: 'error' });
    });
  });
  // A chain that comes back (A → B → A) would send forever in circles: refuse it.
  directory.agencies.forEach((agency, i) => {
    const seen = new Set([agency.name]);
    let frontier = [agency];
    while (frontier.length > 0) {
      const next = frontier.flatMap((a) =>
        successionsOf(a)
          .map((s) => resolver.resolve(s.by).agency)
          .filter((x) => !!x),
      );
      if (next.some((a) => a === agency)) {
        findings.push({
          path: ['agencies', i, 'name'],
          message: `chuỗi kế thừa của "${agency.name}" quay lại chính nó`,
          severity: 'error',
        });
        break;
      }
      frontier = next.filter((a) => !seen.has(a.name));
      frontier.forEach((a) => seen.add(a.name));
    }
  });
  return findings;
}
