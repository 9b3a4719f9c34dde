import type { PlanCatalog, Subject } from '../activities/types';
import type { WorkingCalendar } from '../deadlines/calendar';
import type { DueDate, Occurrence } from '../deadlines/occurrence';
import { buildOccurrences } from '../deadlines/schedule';
import { LinkError, type LinkSigner, type SubmissionTarget } from './links';

const DAY_MS = 86_400_000;

/** The addresses agencies are given: a personal submission page per obligation, a calendar feed per agency. */
export function createAgencyLinks(signer: LinkSigner, publicUrl: string) {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    /** `<publicUrl>/bao-cao/<token>`, valid until `expiresAt`. */
    async submissionUrl(target: SubmissionTarget, expiresAt: Date): Promise<string> {
      return `${base}/bao-cao/${await signer.submissionToken(target, expiresAt)}`;
    },
    /** `<publicUrl>/lich/<token>.ics`: the agency's due dates across every plan. */
    async calendarUrl(agency: string): Promise<string> {
      return `${base}/lich/${await signer.calendarToken(agency)}.ics`;
    },
  };
}

export type AgencyLinks = ReturnType<typeof createAgencyLinks>;

/**
 * When a submission link stops working: after the occurrence's last scheduled step (or its lead due date, or the due
 * date an email names when an extension moved it later), plus the plan's grace days, so a late report can still come
 * in while the period stays open.
 */
export function linkExpiry(
  occurrence: Pick<Occurrence, 'due' | 'steps'> | undefined,
  due: DueDate | undefined,
  graceDays: number,
): Date | undefined {
  const instants = [
    ...(occurrence ? [occurrence.due.lead.at, ...occurrence.steps.map((s) => s.at)] : []),
    ...(due?.at ? [due.at] : []),
  ]
    .map((at) => Date.parse(at))
    .filter((t) => Number.isFinite(t));
  if (instants.length === 0) return undefined;
  return new Date(Math.max(...instants) + graceDays * DAY_MS);
}

/** Characters of an HS256 signature in base64url (32 bytes). */
const SIGNATURE_CHARS = 43;

/**
 * Refuses as cut short (`malformed`) a token whose signature is shorter than a whole one: a link broken by an email
 * client's line wrapping is told apart from a forged one.
 */
export function assertWholeToken(token: string): void {
  const signature = token.split('.')[2];
  if (signature !== undefined && signature.length < SIGNATURE_CHARS) throw new LinkError('malformed');
}

/** What an email's link is for: one agency's report for one occurrence, and the due date the email names. */
export interface LinkRequest {
  planId: string;
  subject?: Subject;
  occurrenceId?: string;
  agency: string;
  due?: DueDate;
}

/**
 * The notification activities' link builders: the occurrence is computed again from the plan (as the workflow's
 * schedule was) to find its last step; a plan or occurrence that cannot be found gives no link rather than a failed
 * email.
 */
export function emailLinks(links: AgencyLinks, plans: PlanCatalog, calendar: WorkingCalendar) {
  return {
    async submitLink(request: LinkRequest): Promise<string | undefined> {
      const { planId, subject, occurrenceId, agency } = request;
      if (!subject || !occurrenceId) return undefined;
      const { plan } = await plans.get(planId);
      let occurrence: Occurrence | undefined;
      try {
        occurrence = buildOccurrences(plan, subject, calendar).find((o) => o.id === occurrenceId);
      } catch {
        occurrence = undefined;
      }
      const expiresAt = linkExpiry(occurrence, request.due, plan.policy.linkGraceDays);
      if (!expiresAt) return undefined;
      return links.submissionUrl({ planId, subject, occurrenceId, agency }, expiresAt);
    },
    calendarLink: (agency: string): Promise<string> => links.calendarUrl(agency),
  };
}
