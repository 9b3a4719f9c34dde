import type { NotificationKind } from '../activities/types';
import type { ScheduledStep } from '../deadlines/occurrence';
import type { SubjectCarry } from './contract';
import { findAgency } from './subject-state';

const notificationKind: Record<ScheduledStep['kind'], Record<ScheduledStep['party'], NotificationKind>> = {
  reminder: { coordinators: 'reminder', lead: 'reminder' },
  overdue: { coordinators: 'overdue', lead: 'overdue' },
  escalation: { coordinators: 'escalation-lead', lead: 'escalation-focal' },
};

/** Who a step's emails go to and what they list. */
export interface StepNotice {
  kind: NotificationKind;
  /** One email per recipient agency. */
  recipients: string[];
  /** The late agencies an overdue notice or escalation names. */
  missing?: string[];
  /** Set when the focal agency is itself a late lead: the escalation went to `to` instead of it. */
  redirected?: { from: string; to: string };
}

/** The notification kind of a step. */
export function kindOfStep(step: ScheduledStep): NotificationKind {
  return notificationKind[step.kind][step.party];
}

/**
 * The emails of a step for the agencies `late` now. Reminders and overdue notices go to the late agencies
 * themselves; a coordinators' escalation to the lead; a lead's first escalation to the focal agency and later ones to
 * the body the plan reports to. With `redirectLateFocal`, a first escalation whose focal agency is among the late
 * leads goes to the next level instead: telling a late agency that it is late is the overdue notice's job.
 */
export function stepNotice(
  step: ScheduledStep,
  late: string[],
  carry: Pick<SubjectCarry, 'lead' | 'focalAgency' | 'reportsTo'>,
  redirectLateFocal: boolean,
): StepNotice {
  const kind = kindOfStep(step);
  if (step.kind !== 'escalation') {
    return { kind, recipients: late, ...(step.kind === 'reminder' ? {} : { missing: late }) };
  }
  if (step.party === 'coordinators') return { kind, recipients: carry.lead, missing: late };
  if (step.n !== 1) return { kind, recipients: [carry.reportsTo], missing: late };
  if (redirectLateFocal && findAgency(late, carry.focalAgency)) {
    return {
      kind,
      recipients: [carry.reportsTo],
      missing: late,
      redirected: { from: carry.focalAgency, to: carry.reportsTo },
    };
  }
  return { kind, recipients: [carry.focalAgency], missing: late };
}
