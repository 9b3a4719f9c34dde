import { createHash } from 'node:crypto';
import type { Plan } from './schema';

/**
 * What a plan revision is compared by: one canonical JSON text per task, per plan-wide deadline, for the policy and
 * for the plan's own frame (period, zone, focal agency). Source lines and a task's free text are left out: moving a
 * task in the file or rewording its content changes no reminder.
 */
export type PlanFacts = Record<string, string>;

/** JSON with object keys sorted, so the same plan always gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Keys: `plan`, `policy`, `task:<id>`, `deadline:<id>`. */
export function planFacts(plan: Plan): PlanFacts {
  const facts: PlanFacts = {
    plan: canonical({
      period: plan.period,
      timezone: plan.timezone,
      focalAgency: plan.focalAgency,
      reportsTo: plan.reportsTo,
      directory: plan.directory,
    }),
    policy: canonical(plan.policy),
  };
  for (const { id, title, lead, coordinators, timeframe } of plan.tasks) {
    facts[`task:${id}`] = canonical({ title, lead, coordinators, timeframe });
  }
  for (const { line: _line, ...deadline } of plan.deadlines) facts[`deadline:${deadline.id}`] = canonical(deadline);
  return facts;
}

/** The revision of a plan: a short SHA-256 of its facts (the same plan read twice is the same revision). */
export function planRevision(plan: Plan): string {
  return createHash('sha256')
    .update(canonical(planFacts(plan)))
    .digest('hex')
    .slice(0, 16);
}
