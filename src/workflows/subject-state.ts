import type { AuditEntry } from '../activities/types';
import type { DueDate, Occurrence, Party, ScheduledStep } from '../deadlines/occurrence';
import type { AgencyOutcome, OccurrenceState, SubjectCarry, SubjectStatus } from './contract';

/** How many audit entries a workflow keeps in state; the store keeps all of them. */
export const AUDIT_IN_STATE = 50;

/** Agency names compare equal whatever their Unicode form, case or spacing. */
export function agencyKey(name: string): string {
  return name.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim();
}

/** The name as listed in `names`, or undefined. */
export function findAgency(names: string[], name: string): string | undefined {
  const key = agencyKey(name);
  return names.find((n) => agencyKey(n) === key);
}

/** A new occurrence, nothing reported yet. */
export function openOccurrence(occurrence: Occurrence): OccurrenceState {
  return { occurrence, receipts: {}, doneSteps: [], extensions: [] };
}

/** The due date a party owes by (coordinators fall back to the lead's when they have none of their own). */
export function dueOf(occurrence: Occurrence, party: Party): DueDate {
  return (party === 'coordinators' ? occurrence.due.coordinators : undefined) ?? occurrence.due.lead;
}

/** Identifies a step; includes the due date so an extension yields fresh reminders. */
export function stepKey(occurrence: Occurrence, step: ScheduledStep): string {
  return `${step.kind}:${step.party}:${step.n}:${dueOf(occurrence, step.party).effective}`;
}

/** Members of a party that have not reported for this occurrence. */
export function owing(
  state: OccurrenceState,
  carry: Pick<SubjectCarry, 'lead' | 'coordinators'>,
  party: Party,
): string[] {
  const members = party === 'lead' ? carry.lead : carry.coordinators;
  return members.filter((agency) => !state.receipts[agency]);
}

/** True once every lead agency has reported: the occurrence can close. */
export function leadsDone(state: OccurrenceState, carry: Pick<SubjectCarry, 'lead'>): boolean {
  return carry.lead.every((agency) => state.receipts[agency]);
}

/** The next step not yet carried out, in time order. */
export function nextStep(state: OccurrenceState): ScheduledStep | undefined {
  return state.occurrence.steps.find((s) => !state.doneSteps.includes(stepKey(state.occurrence, s)));
}

/** Agencies whose due date passed (at `now`) without a report. */
export function overdueAgencies(
  state: OccurrenceState,
  carry: Pick<SubjectCarry, 'lead' | 'coordinators'>,
  now: number,
): string[] {
  const late: string[] = [];
  for (const party of ['coordinators', 'lead'] as const) {
    if (Date.parse(dueOf(state.occurrence, party).at) < now) late.push(...owing(state, carry, party));
  }
  return late;
}

/** Each agency's outcome when the occurrence closes. */
export function outcomes(
  state: OccurrenceState,
  carry: Pick<SubjectCarry, 'lead' | 'coordinators'>,
): Record<string, AgencyOutcome> {
  const result: Record<string, AgencyOutcome> = {};
  for (const agency of [...carry.lead, ...carry.coordinators]) {
    const receipt = state.receipts[agency];
    result[agency] = !receipt ? 'missing' : receipt.onTime ? 'on-time' : 'late';
  }
  return result;
}

/**
 * When an unfinished occurrence stops being followed: when the next one starts (its first step), but never before
 * its own lead due date; the last one 30 days after its last step.
 */
export function followUntil(current: Occurrence, next: Occurrence | undefined): number {
  const leadDue = Date.parse(current.due.lead.at);
  if (next) {
    const firstNext = Math.min(...next.steps.map((s) => Date.parse(s.at)), Date.parse(next.due.lead.at));
    return Math.max(firstNext, leadDue);
  }
  const lastStep = Math.max(leadDue, ...current.steps.map((s) => Date.parse(s.at)));
  return lastStep + 30 * 24 * 60 * 60 * 1000;
}

/**
 * When an open occurrence stops being followed. As `followUntil`, except that an extended occurrence (gia hạn) stays
 * open through its new due date and every follow-up step of its new schedule, however far the extension went.
 */
export function windowEnd(state: OccurrenceState, next: Occurrence | undefined): number {
  const base = followUntil(state.occurrence, next);
  if (state.extensions.length === 0) return base;
  const last = Math.max(
    Date.parse(state.occurrence.due.lead.at),
    ...state.occurrence.steps.map((s) => Date.parse(s.at)),
  );
  return Math.max(base, last);
}

/**
 * What a subject's status says, from its state at `now`. A subject with nothing left open is `completed` only when
 * every closed occurrence had all its reports; one that never followed anything says so.
 */
export function subjectStatus(carry: SubjectCarry | undefined, now: number): SubjectStatus {
  if (!carry) return 'active';
  if (carry.cancelled) return 'cancelled';
  const open = carry.occurrences.filter((o) => !o.closed);
  if (open.length > 0) {
    if (carry.paused) return 'paused';
    return open.some((o) => overdueAgencies(o, carry, now).length > 0) ? 'overdue' : 'active';
  }
  if (carry.closed.length === 0) return 'not-followed';
  const missing = carry.closed.some((c) => Object.values(c.outcomes).includes('missing'));
  return missing ? 'ended-missing' : 'completed';
}

/** Appends to the audit trail kept in state, dropping the oldest beyond `AUDIT_IN_STATE`. */
export function appendAudit(audit: AuditEntry[], entry: AuditEntry): AuditEntry[] {
  return [...audit, entry].slice(-AUDIT_IN_STATE);
}
