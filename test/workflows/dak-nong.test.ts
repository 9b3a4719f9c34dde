import type { SimulationResult } from '../../src/simulation/run';
import { noticeEvents } from '../../src/simulation/timeline';
import { describeEachStore } from '../support/stores';
import { eventsOf, planFile, schedulesOf, simulate } from './support';

const planId = 'dak-nong-ttdn-2025';
jest.setTimeout(600_000);

let schedules: Awaited<ReturnType<typeof schedulesOf>>;
beforeAll(async () => {
  schedules = await schedulesOf(planId);
});

describe('the Đắk Nông 2025 plan (678/KH-UBND) run through 2025', () => {
  let silent: SimulationResult;
  beforeAll(async () => {
    silent = await simulate({ planFile: planFile(planId), reports: 'none', until: '2025-12-31' });
  });

  it('reminds every owing agency before each report and deliverable due date when nobody reports', () => {
    let checked = 0;
    for (const { subject, schedule } of schedules) {
      for (const occurrence of schedule.occurrences.filter((o) => o.due.lead.effective <= '2025-12-20')) {
        // Reminders go inside each agency's morning digest (the plan's default delivery): read them item by item.
        const events = eventsOf(noticeEvents(silent.events), subject, occurrence.id);
        for (const [party, agencies] of [
          ['lead', schedule.lead],
          ['coordinators', schedule.coordinators],
        ] as const) {
          const due = Date.parse(
            (party === 'coordinators' ? occurrence.due.coordinators : undefined)?.at ?? occurrence.due.lead.at,
          );
          for (const agency of agencies) {
            const reminded = events.some(
              (e) => e.kind === 'reminder' && e.to.includes(agency) && Date.parse(e.at) < due,
            );
            expect({ subject, period: occurrence.id, agency, reminded }).toEqual({
              subject,
              period: occurrence.id,
              agency,
              reminded: true,
            });
            checked++;
          }
        }
      }
    }
    const periods = new Set(schedules.flatMap((s) => s.schedule.occurrences.map((o) => o.id)));
    expect([...periods]).toEqual(expect.arrayContaining(['2025-six-month', '2025-annual']));
    expect(schedules.some((s) => s.subject.type === 'deliverable')).toBe(true);
    expect(checked).toBeGreaterThan(100);
  });

  it('tells each lead of each missing coordinator and the focal agency of each missing lead (the committee when the focal agency is itself the late lead)', () => {
    for (const { subject, schedule } of schedules) {
      for (const occurrence of schedule.occurrences.filter((o) => o.due.lead.effective <= '2025-12-20')) {
        const escalations = eventsOf(silent.events, subject, occurrence.id).filter((e) => e.kind === 'escalation');
        if (schedule.coordinators.length > 0) {
          for (const lead of schedule.lead) {
            const told = escalations.find((e) => e.to.includes(lead));
            expect(told?.missing?.slice().sort()).toEqual(schedule.coordinators.slice().sort());
          }
        }
        // A late lead that is also the focal agency is not told about itself: its first escalation goes to UBND tỉnh.
        const firstLevel = schedule.lead.includes('Sở Thông tin và Truyền thông')
          ? 'Ủy ban nhân dân tỉnh'
          : 'Sở Thông tin và Truyền thông';
        const toFocal = escalations.find(
          (e) => e.to.includes(firstLevel) && schedule.lead.every((l) => e.missing?.includes(l)),
        );
        expect(
          escalations.some(
            (e) =>
              e.kind === 'escalation' &&
              e.to.includes('Sở Thông tin và Truyền thông') &&
              e.missing?.includes('Sở Thông tin và Truyền thông'),
          ),
        ).toBe(false);
        expect({ subject, period: occurrence.id, toFocal: !!toFocal }).toEqual({
          subject,
          period: occurrence.id,
          toFocal: true,
        });
      }
    }
  });

  it('sends the reporting officers one summary per reporting period', () => {
    const summaries = silent.events.filter((e) => e.kind === 'summary');
    expect(summaries.map((e) => e.period).sort()).toEqual(['2025-annual', '2025-six-month']);
    for (const summary of summaries) expect(summary.addresses?.length).toBeGreaterThan(0);
  });
});

// The year with every report stored, forwarded and compiled into summaries, on each database.
describeEachStore('the Đắk Nông 2025 plan run through 2025', (store) => {
  it('sends no overdue notice and no escalation when everyone reports on time', async () => {
    const onTime = await simulate({
      planFile: planFile(planId),
      reports: 'on-time',
      until: '2025-12-31',
      store: store(),
    });
    expect(noticeEvents(onTime.events).filter((e) => e.kind === 'overdue')).toEqual([]);
    expect(onTime.events.filter((e) => e.kind === 'escalation')).toEqual([]);
    expect(onTime.events.filter((e) => e.kind === 'report').every((e) => e.onTime)).toBe(true);
    expect(
      onTime.events
        .filter((e) => e.kind === 'summary')
        .map((e) => e.period)
        .sort(),
    ).toEqual(['2025-annual', '2025-six-month']);
    expect(onTime.events.filter((e) => e.kind === 'rejected')).toEqual([]);

    // Each coordinator's input goes on to the task's lead, once, right when it is received.
    const leadOf = new Map(
      schedules.flatMap(({ subject, schedule }) => (subject.type === 'task' ? [[subject.taskId, schedule.lead]] : [])),
    );
    const inputs = onTime.events.filter(
      (e) => e.kind === 'report' && e.taskId && !leadOf.get(e.taskId)?.includes(e.from as string),
    );
    const forwards = onTime.events.filter((e) => e.kind === 'forward');
    expect(inputs.length).toBeGreaterThan(0);
    expect(forwards.map((e) => [e.taskId, e.period, e.to]).sort()).toEqual(
      inputs.flatMap((e) => (leadOf.get(e.taskId as string) ?? []).map((lead) => [e.taskId, e.period, [lead]])).sort(),
    );
    expect(new Set(forwards.map((e) => e.messageId)).size).toBe(forwards.length);

    // Every report and every email (a digest is one email) is in the store the simulation was given.
    const stored = await store().open();
    try {
      expect(stored.dialect).toBe(store().name);
      const reports = onTime.events.filter((e) => e.kind === 'report');
      expect((await stored.listReports({ planId })).length).toBe(reports.length);
      expect((await stored.listSends({ planId, status: 'sent' })).length).toBe(onTime.events.length - reports.length);
    } finally {
      await stored.close();
    }
  });
});
