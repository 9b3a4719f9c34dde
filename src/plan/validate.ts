import { AgencyResolver } from './agencies';
import type { Directory, Plan } from './schema';
import type { Rule } from '../deadlines/rule';

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
  return findings;
}
