import type { Subject } from '../activities/types';
import { resolverFor } from '../plan/agencies';
import { loadPlans, type LoadedPlan } from '../plan/load';
import { plansDirFromEnv } from './data-home';

/** A name the CLI cannot use as given (unknown plan, task or agency): printed as one line, exit 1. */
export class LookupError extends Error {
  override readonly name = 'LookupError';
}

/** The valid plans of the plans folder (`DONDOC_PLANS_DIR`, default `plans`). */
export function plansFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<LoadedPlan[]> {
  return loadPlans(plansDirFromEnv(env));
}

/** The plan with `planId`, or a `LookupError` listing the plans there are. */
export function findPlan(plans: readonly LoadedPlan[], planId: string): LoadedPlan {
  const found = plans.find((p) => p.plan.id === planId);
  if (!found) {
    const known = plans.map((p) => p.plan.id).join(', ') || 'không có';
    throw new LookupError(`không có kế hoạch "${planId}" (unknown plan; có: ${known})`);
  }
  return found;
}

/** The subject `--task` or `--deliverable` names, checked against the plan. */
export function subjectOf(loaded: LoadedPlan, options: { task?: string; deliverable?: string }): Subject {
  if (!!options.task === !!options.deliverable) throw new LookupError('cần đúng một trong --task hoặc --deliverable');
  if (options.task) {
    if (!loaded.plan.tasks.some((t) => t.id === options.task)) {
      throw new LookupError(`kế hoạch ${loaded.plan.id} không có nhiệm vụ "${options.task}" (unknown task)`);
    }
    return { type: 'task', taskId: options.task };
  }
  const id = options.deliverable as string;
  if (!loaded.plan.deadlines.some((d) => d.id === id && d.kind === 'deliverable')) {
    const known =
      loaded.plan.deadlines
        .filter((d) => d.kind === 'deliverable')
        .map((d) => d.id)
        .join(', ') || 'không có';
    throw new LookupError(
      `kế hoạch ${loaded.plan.id} không có sản phẩm phải nộp "${id}" (unknown deliverable; có: ${known})`,
    );
  }
  return { type: 'deliverable', deadlineId: id };
}

/** Task number and title, or the deliverable's subject, for people. */
export function subjectTitle(loaded: LoadedPlan | undefined, subject: Subject): string {
  if (subject.type === 'task') {
    const task = loaded?.plan.tasks.find((t) => t.id === subject.taskId);
    return `Nhiệm vụ ${subject.taskId}${task ? `: ${task.title}` : ''}`;
  }
  const deadline = loaded?.plan.deadlines.find((d) => d.id === subject.deadlineId);
  return deadline ? deadline.subject : `Sản phẩm ${subject.deadlineId}`;
}

/**
 * The canonical names `name` stands for in the plan's directory: one agency, or a group's members when
 * `allowGroup`; an unknown name throws a `LookupError` with the closest names.
 */
export function resolveAgency(loaded: LoadedPlan, name: string, allowGroup = false): string[] {
  const resolution = resolverFor(loaded.directory).resolve(name.normalize('NFC'));
  if (resolution.agency) return [resolution.agency.name];
  if (resolution.group) {
    if (allowGroup) return (resolution.members ?? []).map((a) => a.name);
    throw new LookupError(
      `"${name}" là một nhóm cơ quan (${resolution.group}); cần tên một cơ quan (expected one agency)`,
    );
  }
  const hint = resolution.suggestions.length ? ` Có phải: ${resolution.suggestions.join('; ')}?` : '';
  throw new LookupError(`Cơ quan không có trong danh bạ ${loaded.directoryFile}: "${name}" (unknown agency).${hint}`);
}
