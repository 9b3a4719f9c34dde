import ICAL from 'ical.js';
import { icsUid } from '../../src/activities/render/ics';
import { querySubject } from '../../src/services/subject-updates';
import {
  closeOccurrenceUpdate,
  extendDueUpdate,
  subjectWorkflowId,
  type SubjectView,
} from '../../src/workflows/contract';
import { maskTokens } from '../../src/web/app';
import { eventually } from '../support/temporal';
import { startAgencyRig, type AgencyRig } from '../browser/support/agency-rig';

jest.setTimeout(120_000);

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

describe('an agency’s calendar feed', () => {
  let rig: AgencyRig;
  let current: NonNullable<SubjectView['current']>;
  const task1 = () => subjectWorkflowId(rig.planId, { type: 'task', taskId: '1' });

  async function feed(agency: string) {
    const token = await rig.signer.calendarToken(agency);
    const r = await rig.app.inject({ method: 'GET', url: `/lich/${token}.ics` });
    expect(r.statusCode).toBe(200);
    const calendar = new ICAL.Component(ICAL.parse(r.body));
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    return { response: r, calendar, events, byUid: new Map(events.map((e) => [e.uid, e])) };
  }

  beforeAll(async () => {
    rig = await startAgencyRig('calendar-feed');
    current = await eventually(async () => (await querySubject(rig.client, task1())).current);
  });
  afterAll(() => rig?.stop());

  it('is an iCalendar (text/calendar) that ical.js parses, with a refresh interval and stable UIDs', async () => {
    const first = await feed('Sở Tài chính');
    expect(first.response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(first.response.headers['cache-control']).toBe('no-store');
    expect(first.calendar.getFirstPropertyValue('refresh-interval')?.toString()).toBe('PT6H');
    expect(first.response.body).toContain('X-PUBLISHED-TTL:PT6H');
    const uid = icsUid(rig.planId, 'task-1', current.id, 'lead', 'Sở Tài chính');
    const event = first.byUid.get(uid);
    expect(event).toBeDefined();
    expect(event!.startDate.isDate).toBe(true);
    expect(event!.startDate.toString()).toBe(current.due.lead.effective);
    const again = await feed('Sở Tài chính');
    expect([...again.byUid.keys()]).toEqual([...first.byUid.keys()]);
  });

  it('holds the agency’s due dates across every plan in the plans folder, and only its own', async () => {
    const { events } = await feed('Sở Tài chính');
    const plans = new Set(events.map((e) => e.uid.split('.')[0]));
    expect(plans.size).toBe(2);
    expect(events.every((e) => String(e.description).includes('Sở Tài chính'))).toBe(true);
  });

  it('moves the lead’s and the coordinator’s events after an extension granted through the workflow', async () => {
    const leadUid = icsUid(rig.planId, 'task-1', current.id, 'lead', 'Sở Tài chính');
    const coordinatorUid = icsUid(rig.planId, 'task-1', current.id, 'coordinators', 'Sở Nội vụ');
    const before = (await feed('Sở Nội vụ')).byUid.get(coordinatorUid)!.startDate.toString();
    const due = await rig.client.workflow.getHandle(task1()).executeUpdate(extendDueUpdate, {
      args: [{ occurrenceId: current.id, leadDue: isoDay(40), by: 'Nguyễn Văn A', reason: 'Chờ số liệu quý' }],
    });
    const lead = (await feed('Sở Tài chính')).byUid.get(leadUid)!;
    expect(lead.startDate.toString()).toBe(due.effective);
    expect(lead.startDate.toString()).not.toBe(current.due.lead.effective);
    expect(lead.summary).toContain('gia hạn');
    expect(String(lead.description)).toContain('Chờ số liệu quý');
    const coordinator = (await feed('Sở Nội vụ')).byUid.get(coordinatorUid)!;
    expect(coordinator.startDate.toString() > before).toBe(true);
  });

  it('marks a period closed through the workflow, with the agency’s outcome and no more alarms', async () => {
    const task2 = subjectWorkflowId(rig.planId, { type: 'task', taskId: '2' });
    const open = await eventually(async () => (await querySubject(rig.client, task2)).current);
    const uid = icsUid(rig.planId, 'task-2', open.id, 'lead', 'Sở Y tế');
    expect((await feed('Sở Y tế')).byUid.get(uid)!.summary).not.toContain('[Đã đóng]');
    await rig.client.workflow.getHandle(task2).executeUpdate(closeOccurrenceUpdate, {
      args: [{ occurrenceId: open.id, by: 'Nguyễn Văn A', reason: 'Kiểm thử' }],
    });
    const event = (await feed('Sở Y tế')).byUid.get(uid)!;
    expect(event.summary.startsWith('[Đã đóng]')).toBe(true);
    expect(String(event.description)).toContain('chưa báo cáo');
    expect(event.component.getAllSubcomponents('valarm')).toHaveLength(0);
  });

  it('keeps its token out of logged URLs', async () => {
    const token = await rig.signer.calendarToken('Sở Tài chính');
    expect(maskTokens(`/lich/${token}.ics`)).toBe('/lich/***.ics');
  });

  it.each([
    ['tampered', async (t: string) => `${t.slice(0, -4)}${t.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`, 403],
    ['truncated', async (t: string) => t.slice(0, 30), 400],
    [
      'submission',
      async () =>
        rig.signer.submissionToken(
          {
            planId: rig.planId,
            subject: { type: 'task', taskId: '1' },
            occurrenceId: current.id,
            agency: 'Sở Tài chính',
          },
          new Date(Date.now() + 86_400_000),
        ),
      400,
    ],
  ])('refuses a %s token with %i and no calendar', async (_what, make, status) => {
    const token = await make(await rig.signer.calendarToken('Sở Tài chính'));
    const r = await rig.app.inject({ method: 'GET', url: `/lich/${token}.ics` });
    expect(r.statusCode).toBe(status);
    expect(r.body).not.toContain('BEGIN:VCALENDAR');
  });
});
