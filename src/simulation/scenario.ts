import type { SubjectSchedule, Subject } from '../activities/types';
import type { Party } from '../deadlines/occurrence';

/** How agencies behave in a simulation. */
export type ReportScenario =
  | 'on-time' /** everyone reports two days before their due date */
  | 'late' /** everyone reports three days after their due date */
  | 'none' /** nobody reports */
  | 'mixed'; /** each agency, by a stable hash of its name, is on time, late or silent */

/** One report the simulation will submit. */
export interface PlannedReport {
  at: number;
  subject: Subject;
  occurrenceId: string;
  agency: string;
  party: Party;
}

const DAY = 24 * 60 * 60 * 1000;

function behaviour(scenario: ReportScenario, agency: string): 'on-time' | 'late' | 'none' {
  if (scenario !== 'mixed') return scenario;
  let hash = 0;
  for (const ch of agency.normalize('NFC')) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  return (['on-time', 'late', 'none'] as const)[hash % 3];
}

/** The reports agencies send under `scenario` for occurrences due up to `until`, time-ordered. */
export function plannedReports(
  scenario: ReportScenario,
  schedules: { subject: Subject; schedule: SubjectSchedule }[],
  until: number,
): PlannedReport[] {
  const planned: PlannedReport[] = [];
  for (const { subject, schedule } of schedules) {
    for (const occurrence of schedule.occurrences) {
      for (const party of ['coordinators', 'lead'] as const) {
        const due = Date.parse(
          (party === 'coordinators' ? occurrence.due.coordinators : undefined)?.at ?? occurrence.due.lead.at,
        );
        for (const agency of party === 'lead' ? schedule.lead : schedule.coordinators) {
          const how = behaviour(scenario, agency);
          if (how === 'none') continue;
          // On time: two days before (the lead one day, after its coordinators); late: three days after.
          const at = how === 'on-time' ? due - (party === 'lead' ? 1 : 2) * DAY : due + 3 * DAY;
          if (at <= until) planned.push({ at, subject, occurrenceId: occurrence.id, agency, party });
        }
      }
    }
  }
  return planned.sort((a, b) => a.at - b.at || (a.party === b.party ? 0 : a.party === 'coordinators' ? -1 : 1));
}
