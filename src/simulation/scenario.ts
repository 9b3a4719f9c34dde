import type { SubjectSchedule, Subject } from '../activities/types';
import type { Party } from '../deadlines/occurrence';

/** How agencies behave in a simulation. */
export type ReportScenario =
  | 'on-time' /** leads report on their due day, coordinators the day before, at 09:00 */
  | 'late' /** everyone reports three days after their due day, at 09:00 */
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
/** Reports come in office hours: a due instant is the end of its day, so this lands at 09:00 on the day chosen. */
const MORNING = 9 * 60 * 60 * 1000;

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
          // `due` is the end of the due day: on time is 09:00 that day for a lead (after its coordinators, who send the
          // day before); late is 09:00 three days after the due day.
          const at = (how === 'on-time' ? due - (party === 'lead' ? 1 : 2) * DAY : due + 2 * DAY) + MORNING;
          if (at <= until) planned.push({ at, subject, occurrenceId: occurrence.id, agency, party });
        }
      }
    }
  }
  return planned.sort((a, b) => a.at - b.at || (a.party === b.party ? 0 : a.party === 'coordinators' ? -1 : 1));
}
