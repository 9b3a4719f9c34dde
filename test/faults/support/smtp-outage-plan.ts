import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { WorkingCalendar, type HolidayYear } from '../../../src/deadlines/calendar';
import { addDays } from '../../../src/deadlines/dates';

const ZONE = 'Asia/Ho_Chi_Minh';

/** Today in the plan's zone, YYYY-MM-DD. */
export function localToday(now = Date.now()): string {
  return DateTime.fromMillis(now, { zone: ZONE }).toISODate() as string;
}

/**
 * A calendar in which every day of the years around `today` is a working day (each Saturday and Sunday listed as a
 * make-up day), so that working-day offsets are calendar days whatever weekday the test runs on.
 */
export function everyDayWorking(today: string): WorkingCalendar {
  const year = Number(today.slice(0, 4));
  const years: HolidayYear[] = [year - 1, year, year + 1].map((y) => {
    const workingDays = [];
    for (let d = `${y}-01-01`; d.startsWith(String(y)); d = addDays(d, 1))
      workingDays.push({ date: d, name: 'Làm việc' });
    return { year: y, status: 'official', source: 'Lịch thử nghiệm: mọi ngày đều làm việc', daysOff: [], workingDays };
  });
  return new WorkingCalendar({ years });
}

/** The outage plan: its id, the lead's and the coordinators' due dates. */
export interface OutagePlan {
  planId: string;
  file: string;
  leadDue: string;
  coordinatorsDue: string;
}

/** The agencies of the outage plan's one task (from the test directory of test/support/plan-fixture.ts). */
export const OUTAGE_LEAD = 'Sở Thông tin và Truyền thông';
export const OUTAGE_COORDINATORS = ['Sở Tài chính', 'Sở Nội vụ', 'Sở Y tế'];

/**
 * A plan in `dir` (beside the test directory `agencies/thu-nghiem.yaml`) whose one task has several steps already
 * due when it starts, each less than the 3 days late after which a step is skipped. With every day a working day and
 * notices at 00:00: the lead owes tomorrow, the coordinators owed the day before yesterday (3 working days earlier);
 * the coordinators' escalation to the lead went due yesterday (1 working day after), the lead's reminder (1 day
 * before) and the coordinators' overdue notices (2 working days after) today. Reminders and notices go as single
 * emails, not digests.
 */
export function writeOutagePlan(dir: string, today = localToday()): OutagePlan {
  const planId = `outage-${randomBytes(4).toString('hex')}`;
  const leadDue = addDays(today, 1);
  const shown = leadDue.split('-').reverse().join('/');
  const plan = `id: ${planId}
title: Kế hoạch thử nghiệm khi máy chủ thư ngừng hoạt động
issuer: Ủy ban nhân dân tỉnh Thử Nghiệm
period: { from: "${addDays(today, -10)}", to: "${addDays(today, 30)}" }
directory: agencies/thu-nghiem.yaml
focalAgency: ${OUTAGE_LEAD}
reportsTo: Ủy ban nhân dân tỉnh
reportingOfficers:
  - name: Lãnh đạo Sở Thông tin và Truyền thông
    email: lanhdao@sotttt.thunghiem.example
policy:
  sendAt: "00:00"
  delivery: individual
  overdueAfterWorkingDays: 2
  escalateAfterWorkingDays: [1, 4]
tasks:
  - id: "1"
    title: Tổng hợp ý kiến của các sở
    lead: ["${OUTAGE_LEAD}"]
    coordinators: [${OUTAGE_COORDINATORS.map((c) => `"${c}"`).join(', ')}]
    timeframe:
      text: Trước ngày ${shown}
      rule: { type: date, date: "${leadDue}" }
`;
  const file = join(dir, `${planId}.yaml`);
  writeFileSync(file, plan);
  return { planId, file, leadDue, coordinatorsDue: addDays(today, -2) };
}
