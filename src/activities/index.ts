import type { WorkingCalendar } from '../deadlines/calendar';
import { createDigestActivities, type DigestDeps } from './digest';
import { createNotificationActivities, type NotificationDeps } from './notifications';
import { createRevisionActivities } from './revisions';
import { createScheduleActivities } from './schedule';
import type { Activities } from './types';

/** Everything the activities need; `src/worker.ts` builds it from configuration, tests pass real local servers. */
export interface ActivityDeps extends NotificationDeps, Pick<DigestDeps, 'temporal'> {
  calendar: WorkingCalendar;
  /** Reads the holiday files again when a revision asks (`dondoc holidays apply`). */
  reloadCalendar?: () => Promise<WorkingCalendar>;
}

/** All activities dondoc workflows call. */
export function createActivities(deps: ActivityDeps): Activities {
  return {
    ...createScheduleActivities({ plans: deps.plans, calendar: deps.calendar, reloadCalendar: deps.reloadCalendar }),
    ...createNotificationActivities(deps),
    ...createDigestActivities(deps),
    ...createRevisionActivities(deps),
  };
}
