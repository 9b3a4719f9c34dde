import { loadPlans, type LoadedPlan } from '../plan/load';
import type { PlanCatalog } from './types';

/** Plans read from a folder, cached; a plan id not found triggers one re-read (a plan added while running). */
export function createPlanCatalog(dir: string): PlanCatalog & { all(): Promise<LoadedPlan[]> } {
  let cache: Promise<LoadedPlan[]> | undefined;
  const read = () =>
    (cache = loadPlans(dir).catch((err) => {
      cache = undefined;
      throw err;
    }));
  const all = () => cache ?? read();
  return {
    all,
    async get(planId: string) {
      let found = (await all()).find((p) => p.plan.id === planId);
      if (!found) found = (await read()).find((p) => p.plan.id === planId);
      if (!found) throw Object.assign(new Error(`no plan with id "${planId}" in ${dir}`), { name: 'UnknownPlan' });
      return { plan: found.plan, directory: found.directory };
    },
  };
}
