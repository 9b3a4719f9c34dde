import ICAL from 'ical.js';
import { icsUid, renderIcs, type IcsEvent } from '../../src/activities/render/ics';
import { calendarIcsEvents, planCalendar } from '../../src/cli/calendar';
import { loadWorkingCalendar } from '../../src/plan/holidays';
import { loadPlanFile } from '../../src/plan/load';

const FIXTURE = `${__dirname}/fixtures/plan.yaml`;

function parse(text: string): ICAL.Component {
  return new ICAL.Component(ICAL.parse(text));
}

const events: IcsEvent[] = [
  {
    uid: icsUid('dak-nong-2025', 'task-1', '2025-annual', 'lead', 'Sở Ngoại vụ'),
    summary: 'Hạn: Báo cáo năm 2025 (chủ trì)',
    description: 'Cơ quan: Sở Ngoại vụ, chủ trì; nhiệm vụ 1',
    date: '2025-11-17',
    alarms: [{ at: '2025-11-10T08:00:00.000+07:00' }, { before: 1 }],
  },
  {
    uid: icsUid('dak-nong-2025', 'task-1', '2025-six-month', 'lead', 'Sở Ngoại vụ'),
    summary: 'Hạn: Báo cáo 6 tháng năm 2025 (chủ trì)',
    date: '2025-05-15',
    alarms: [],
  },
];

describe('renderIcs', () => {
  it('writes an iCalendar that ical.js reads back: one all-day VEVENT per due date with its VALARMs', () => {
    const cal = parse(renderIcs(events, { name: 'Kế hoạch 678/KH-UBND', timezone: 'Asia/Ho_Chi_Minh' }));
    expect(cal.name).toBe('vcalendar');
    expect(cal.getFirstPropertyValue('version')).toBe('2.0');
    expect(cal.getFirstPropertyValue('prodid')).toBeTruthy();
    const vevents = cal.getAllSubcomponents('vevent');
    expect(vevents).toHaveLength(2);
    const first = new ICAL.Event(vevents[0]);
    expect(first.uid).toBe(events[0].uid);
    expect(first.summary).toBe('Hạn: Báo cáo năm 2025 (chủ trì)');
    expect(first.startDate.isDate).toBe(true);
    expect(first.startDate.toString()).toBe('2025-11-17');
    expect(first.endDate.toString()).toBe('2025-11-18');
    const alarms = vevents[0].getAllSubcomponents('valarm');
    expect(alarms).toHaveLength(2);
    const absolute = alarms[0].getFirstPropertyValue('trigger') as ICAL.Time;
    expect(absolute.toJSDate().toISOString()).toBe('2025-11-10T01:00:00.000Z');
    const relative = alarms[1].getFirstPropertyValue('trigger') as ICAL.Duration;
    expect(relative.toSeconds()).toBe(-86_400);
    expect(alarms.every((a) => a.getFirstPropertyValue('action') === 'DISPLAY')).toBe(true);
    expect(vevents[1].getAllSubcomponents('valarm')).toHaveLength(0);
    expect(vevents.every((v) => v.getFirstPropertyValue('dtstamp'))).toBe(true);
  });

  it('renders the same text twice for the same events (no clock read)', () => {
    const opts = { name: 'x', timezone: 'Asia/Ho_Chi_Minh' };
    expect(renderIcs(events, opts)).toBe(renderIcs(structuredClone(events), opts));
  });

  it('rejects a date that is not YYYY-MM-DD', () => {
    expect(() => renderIcs([{ ...events[0], date: '17/11/2025' }], { name: 'x', timezone: 'UTC' })).toThrow(
      /17\/11\/2025/,
    );
  });
});

describe('icsUid', () => {
  it('is stable for the same parts and differs when any part differs', () => {
    const a = icsUid('plan', 'task-1', '2025-annual', 'lead', 'Sở Ngoại vụ');
    expect(icsUid('plan', 'task-1', '2025-annual', 'lead', 'Sở Ngoại vụ')).toBe(a);
    expect(icsUid('plan', 'task-1', '2025-annual', 'coordinators', 'Sở Ngoại vụ')).not.toBe(a);
    expect(icsUid('plan', 'task-1', '2025-annual', 'lead', 'Sở Ngoai vu')).not.toBe(a);
    expect(a).toMatch(/^[a-z0-9.-]+@dondoc$/);
  });
});

describe('the plan calendar as iCalendar', () => {
  it('has one VEVENT per agency and due date, each with the agency reminders as alarms', async () => {
    const { plan, directory } = await loadPlanFile(FIXTURE);
    const entries = planCalendar(plan, directory, await loadWorkingCalendar());
    const cal = parse(renderIcs(calendarIcsEvents(entries), { name: plan.title, timezone: plan.timezone }));
    const vevents = cal.getAllSubcomponents('vevent');
    expect(vevents).toHaveLength(entries.length);
    // Task 1: lead + coordinator × (completion, 6-month, annual); task 2: lead × 2 reports; focal agency × 2.
    expect(entries).toHaveLength(6 + 2 + 2);
    const uids = vevents.map((v) => v.getFirstPropertyValue('uid'));
    expect(new Set(uids).size).toBe(uids.length);
    const annualLead = entries.findIndex(
      (e) => e.occurrenceId === '2025-annual' && e.role === 'lead' && e.agency === 'Sở Ngoại vụ',
    );
    const event = new ICAL.Event(vevents[annualLead]);
    expect(event.startDate.toString()).toBe('2025-11-17');
    const triggers = vevents[annualLead]
      .getAllSubcomponents('valarm')
      .map((a) => (a.getFirstPropertyValue('trigger') as ICAL.Time).toJSDate().toISOString());
    expect(triggers).toEqual(['2025-11-10T01:00:00.000Z', '2025-11-14T01:00:00.000Z']);
  });
});
