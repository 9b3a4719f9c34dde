import { join } from 'node:path';
import { createPlanCatalog } from '../../src/activities/plan-catalog';
import { createScheduleActivities } from '../../src/activities/schedule';
import type { Subject, SubjectSchedule } from '../../src/activities/types';
import { loadWorkingCalendar } from '../../src/plan/holidays';
import { runSimulation, type SimulationOptions, type SimulationResult } from '../../src/simulation/run';
import type { TimelineEvent } from '../../src/simulation/timeline';
import type { TestStore } from '../support/stores';
import { bundleOnce } from '../support/temporal';

export const plansDir = join(__dirname, '..', '..', 'plans');
export const planFile = (name: string) => join(plansDir, `${name}.yaml`);

/**
 * Runs a shipped plan's real workflows on the time-skipping server with the bundle built once per test file, keeping
 * reports and the send log in `store` (a scratch SQLite file without it).
 */
export async function simulate(
  options: Omit<SimulationOptions, 'workflowBundle' | 'store'> & { store?: TestStore },
): Promise<SimulationResult> {
  const workflowBundle = await bundleOnce(require.resolve('../../src/workflows'));
  const { store, ...rest } = options;
  return runSimulation({ ...rest, workflowBundle, ...(store ? { store: { ...store.config, scratch: true } } : {}) });
}

/** Every subject of a plan with who owes what, as the workflows compute it. */
export async function schedulesOf(planId: string): Promise<{ subject: Subject; schedule: SubjectSchedule }[]> {
  const schedule = createScheduleActivities({
    plans: createPlanCatalog(plansDir),
    calendar: await loadWorkingCalendar(join(plansDir, 'holidays')),
  });
  const outline = await schedule.loadPlanOutline(planId);
  return Promise.all(
    outline.subjects.map(async (subject) => ({
      subject,
      schedule: await schedule.computeSchedule({ planId, subject }),
    })),
  );
}

/** Events about one subject's occurrence. */
export function eventsOf(events: TimelineEvent[], subject: Subject, period: string): TimelineEvent[] {
  return events.filter(
    (e) =>
      e.period === period &&
      (subject.type === 'task' ? e.taskId === subject.taskId : e.deliverableId === subject.deadlineId),
  );
}
