import { ApplicationFailure } from '@temporalio/activity';
import type { WorkingCalendar } from '../deadlines/calendar';
import { buildOccurrences, rescheduleOccurrence, summaryPeriods } from '../deadlines/schedule';
import { resolverFor, type AgencyResolver } from '../plan/agencies';
import { planFacts, planRevision } from '../plan/revision';
import type { Plan } from '../plan/schema';
import { findSubject, lookupPlan } from './plan-lookup';
import type { Activities, PlanCatalog, PlanOutline, Subject, SubjectSchedule } from './types';

/** What the schedule activities need: the plans and the working-day calendar built from the holiday data. */
export interface ScheduleDeps {
  plans: PlanCatalog;
  calendar: WorkingCalendar;
  /** Reads the holiday files again (`dondoc holidays apply`); without it a reload keeps the calendar of the start. */
  reloadCalendar?: () => Promise<WorkingCalendar>;
}

/** Agencies that owe a deliverable: every agency with a task (`all`) or the named agencies and groups. */
function deliverableOwers(plan: Plan, resolver: AgencyResolver, owedBy: 'all' | string[]): string[] {
  if (owedBy !== 'all') return resolver.expand(owedBy);
  return resolver.expand(plan.tasks.flatMap((t) => [...t.lead, ...t.coordinators]));
}

function end(plan: Plan, occurrencesEnd: string[]): string {
  const last = occurrencesEnd.sort().at(-1);
  return last ?? `${plan.period.to}T23:59:59.999+07:00`;
}

/**
 * `loadPlanOutline`, `computeSchedule` and `rescheduleOccurrence`. Schedules depend on the holiday data, so they are
 * computed here and kept in workflow state: replaying an old history after the data changes gives the same answer.
 */
export function createScheduleActivities(
  deps: ScheduleDeps,
): Pick<Activities, 'loadPlanOutline' | 'computeSchedule' | 'rescheduleOccurrence'> {
  const wrap = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'ScheduleError' || name === 'ExpressionError' || name === 'PeriodError') {
        throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidSchedule');
      }
      throw err;
    }
  };

  // The calendar the worker started with, until a revision asks for the holiday files to be read again.
  let calendar = deps.calendar;

  async function loadPlanOutline(planId: string, options: { revision?: string } = {}): Promise<PlanOutline> {
    const { plan } = await lookupPlan(deps.plans, planId, options.revision);
    const subjects: Subject[] = [
      ...plan.tasks.map((t) => ({ type: 'task', taskId: t.id }) as const),
      ...plan.deadlines
        .filter((d) => d.kind === 'deliverable')
        .map((d) => ({ type: 'deliverable', deadlineId: d.id }) as const),
    ];
    const periods = wrap(() => summaryPeriods(plan, calendar));
    const lastDues = subjects.flatMap((subject) =>
      wrap(() => buildOccurrences(plan, subject, calendar)).map((o) => o.due.lead.at),
    );
    return {
      planId,
      subjects,
      periods,
      endsAt: end(plan, [...lastDues, ...periods.map((p) => p.at)]),
      revision: planRevision(plan),
      facts: planFacts(plan),
    };
  }

  async function computeSchedule(input: {
    planId: string;
    subject: Subject;
    fromDate?: string;
    revision?: string;
    reloadHolidays?: boolean;
  }): Promise<SubjectSchedule> {
    if (input.reloadHolidays && deps.reloadCalendar) calendar = await deps.reloadCalendar();
    const { plan, directory } = await lookupPlan(deps.plans, input.planId, input.revision);
    const resolver = resolverFor(directory);
    const found = findSubject(plan, input.subject);
    const lead =
      found.type === 'task'
        ? resolver.expand(found.task.lead)
        : deliverableOwers(plan, resolver, found.deadline.owedBy);
    const coordinators =
      found.type === 'task' ? resolver.expand(found.task.coordinators).filter((name) => !lead.includes(name)) : [];
    const focalAgency = resolver.expand([plan.focalAgency])[0] ?? plan.focalAgency;
    const reportsTo = resolver.expand([plan.reportsTo])[0] ?? plan.reportsTo;
    const all = wrap(() => buildOccurrences(plan, input.subject, calendar));
    const from = input.fromDate;
    const followed = (o: (typeof all)[number]) => from === undefined || o.due.lead.effective >= from;
    return {
      lead,
      coordinators,
      focalAgency,
      reportsTo,
      knownAgencies: directory.agencies.map((a) => a.name),
      occurrences: all.filter(followed),
      skipped: all
        .filter((o) => !followed(o))
        .map((o) => ({ id: o.id, label: o.label, leadDue: o.due.lead.effective })),
      revision: planRevision(plan),
    };
  }

  async function reschedule(input: Parameters<Activities['rescheduleOccurrence']>[0]) {
    const { plan } = await lookupPlan(deps.plans, input.planId);
    return wrap(() => rescheduleOccurrence(plan, input.occurrence, input.leadDue, calendar));
  }

  return { loadPlanOutline, computeSchedule, rescheduleOccurrence: reschedule };
}
