import { createHash } from 'node:crypto';
import ical, { ICalAlarmType, ICalCalendarMethod } from 'ical-generator';
import { DateTime } from 'luxon';
import { stripDiacritics } from '../../text/diacritics';

/** A reminder on an event: some days before its (all-day) start, or at an exact instant. */
export type IcsAlarm = { before: number; description?: string } | { at: string; description?: string };

/** One all-day event: a due date, with its reminders as alarms. */
export interface IcsEvent {
  /** Stable across re-exports (see `icsUid`), so a calendar that imports the file again updates the event. */
  uid: string;
  summary: string;
  description?: string;
  /** `YYYY-MM-DD`, the all-day event's date. */
  date: string;
  alarms: IcsAlarm[];
}

/** Options of a rendered calendar. */
export interface IcsOptions {
  /** Calendar name shown by calendar apps (X-WR-CALNAME). */
  name: string;
  /** IANA zone of the plan (X-WR-TIMEZONE); dates are all-day and instants are written in UTC. */
  timezone: string;
  /** DTSTAMP as an ISO instant; defaults to the start of each event's date so the output is reproducible. */
  stamp?: string;
}

/** A deterministic UID from parts such as plan, task, occurrence, role and agency: readable prefix + short hash. */
export function icsUid(...parts: string[]): string {
  const readable = parts
    .map((p) =>
      stripDiacritics(p)
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, ''),
    )
    .join('.')
    .slice(0, 120);
  const hash = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 12);
  return `${readable}.${hash}@dondoc`;
}

function checkDate(date: string, what: string): DateTime {
  const d = DateTime.fromISO(date, { zone: 'UTC' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !d.isValid)
    throw new Error(`renderIcs: ${what} "${date}" is not a date YYYY-MM-DD`);
  return d;
}

/** Renders events as an RFC 5545 iCalendar text (VCALENDAR with one all-day VEVENT each and VALARM reminders). */
export function renderIcs(events: IcsEvent[], opts: IcsOptions): string {
  const calendar = ical({
    name: opts.name,
    prodId: { company: 'dondoc', product: 'dondoc', language: 'VI' },
    method: ICalCalendarMethod.PUBLISH,
    // A VTIMEZONE is only needed for zoned times; ours are all-day dates and UTC instants.
    x: { 'X-WR-TIMEZONE': opts.timezone },
  });
  for (const event of events) {
    const start = checkDate(event.date, `event ${event.uid} date`);
    const stamp = opts.stamp ? DateTime.fromISO(opts.stamp, { zone: 'UTC' }) : start;
    if (!stamp.isValid) throw new Error(`renderIcs: stamp "${opts.stamp}" is not an ISO instant`);
    calendar.createEvent({
      id: event.uid,
      summary: event.summary,
      description: event.description ?? null,
      start,
      end: start.plus({ days: 1 }),
      allDay: true,
      stamp: stamp.toJSDate(),
      alarms: event.alarms.map((alarm) => {
        const description = alarm.description ?? event.summary;
        if ('before' in alarm) {
          return { type: ICalAlarmType.display, triggerBefore: Math.round(alarm.before * 86_400), description };
        }
        const at = DateTime.fromISO(alarm.at, { setZone: true });
        if (!at.isValid)
          throw new Error(`renderIcs: alarm instant "${alarm.at}" of ${event.uid} is not an ISO instant`);
        return { type: ICalAlarmType.display, trigger: at.toJSDate(), description };
      }),
    });
  }
  return calendar.toString();
}
