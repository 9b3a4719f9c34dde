import type { Subject } from '../activities/types';
import type { LoadedPlan } from '../plan/load';
import { subjectWorkflowId } from '../workflows/contract';
import { findPlan, LookupError, subjectOf, subjectTitle } from './plan-directory';

// What the API says about plans themselves, read from the plan files (the workflows' state is in api-status.ts).

/** A plan as the API lists it. */
export interface PlanSummary {
  id: string;
  number?: string;
  title: string;
  issuer: string;
  issuedOn?: string;
  period: { from: string; to: string };
  focalAgency: string;
  reportsTo: string;
  tasks: number;
  deliverables: number;
}

/** A task or deliverable of a plan, with its URL key and workflow id. */
export interface PlanSubject {
  key: string;
  subject: Subject;
  workflowId: string;
  title: string;
  lead: string[];
  coordinators: string[];
}

export interface PlanDetail extends PlanSummary {
  subjects: PlanSubject[];
}

/** `nv-2.4.1` (task) or `sp-<deadline id>` (deliverable): the same keys the dashboard's addresses use. */
export function subjectKeyOf(subject: Subject): string {
  return subject.type === 'task' ? `nv-${subject.taskId}` : `sp-${subject.deadlineId}`;
}

/** The subject a key names in a plan; `LookupError` when the plan has none such. */
export function subjectOfKey(loaded: LoadedPlan, key: string): Subject {
  if (key.startsWith('nv-')) return subjectOf(loaded, { task: key.slice(3) });
  if (key.startsWith('sp-')) return subjectOf(loaded, { deliverable: key.slice(3) });
  throw new LookupError(`"${key}" không phải mã nhiệm vụ (nv-…) hay sản phẩm (sp-…)`);
}

function deliverables(loaded: LoadedPlan) {
  return loaded.plan.deadlines.filter((d) => d.kind === 'deliverable');
}

function summaryOf(loaded: LoadedPlan): PlanSummary {
  const { plan } = loaded;
  return {
    id: plan.id,
    ...(plan.number ? { number: plan.number } : {}),
    title: plan.title,
    issuer: plan.issuer,
    ...(plan.issuedOn ? { issuedOn: plan.issuedOn } : {}),
    period: { from: plan.period.from, to: plan.period.to },
    focalAgency: plan.focalAgency,
    reportsTo: plan.reportsTo,
    tasks: plan.tasks.length,
    deliverables: deliverables(loaded).length,
  };
}

export function listPlans(plans: readonly LoadedPlan[]): PlanSummary[] {
  return plans.map(summaryOf).sort((a, b) => a.id.localeCompare(b.id));
}

/** One plan with its tasks and deliverables; `LookupError` for an unknown plan. */
export function planDetail(plans: readonly LoadedPlan[], planId: string): PlanDetail {
  const loaded = findPlan(plans, planId);
  const subject = (s: Subject, lead: string[], coordinators: string[]): PlanSubject => ({
    key: subjectKeyOf(s),
    subject: s,
    workflowId: subjectWorkflowId(planId, s),
    title: subjectTitle(loaded, s),
    lead,
    coordinators,
  });
  return {
    ...summaryOf(loaded),
    subjects: [
      ...loaded.plan.tasks.map((t) => subject({ type: 'task', taskId: t.id }, t.lead, t.coordinators)),
      ...deliverables(loaded).map((d) =>
        subject({ type: 'deliverable', deadlineId: d.id }, d.owedBy === 'all' ? ['all'] : d.owedBy, []),
      ),
    ],
  };
}
