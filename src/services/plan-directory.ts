import type { Subject } from '../activities/types';
import { resolverFor } from '../plan/agencies';
import { loadPlanFolder, type BrokenPlanFile, type LoadedPlan } from '../plan/load';
import { formatProblem } from '../plan/problems';
import { plansDirFromEnv } from './data-home';

/** A name the CLI cannot use as given (unknown plan, task or agency, a broken plan): printed without a stack, exit 1. */
export class LookupError extends Error {
  override readonly name = 'LookupError';
}

/** One line for a plan file a command leaves out: its first error, with file and line. */
export function brokenPlanWarning(broken: BrokenPlanFile): string {
  const errors = broken.problems.filter((p) => p.severity === 'error');
  const more = errors.length > 1 ? ` (và ${errors.length - 1} lỗi khác)` : '';
  return `dondoc: cảnh báo (warning): bỏ qua tệp kế hoạch có lỗi ${formatProblem(errors[0] ?? broken.problems[0])}${more}`;
}

/**
 * The valid plans of the plans folder (`DONDOC_PLANS_DIR`, default `plans`), each file read on its own like the
 * worker does, so a broken file keeps out only its own plan: a command about `planId` fails with that plan's problems
 * when its file is broken; otherwise each broken file is one `warn` line and the command goes on.
 */
export async function plansFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: { planId?: string; warn?: (line: string) => void } = {},
): Promise<LoadedPlan[]> {
  const { plans, broken } = await loadPlanFolder(plansDirFromEnv(env));
  const { planId, warn = (line: string) => console.error(line) } = options;
  const own =
    planId && !plans.some((p) => p.plan.id === planId) ? broken.filter((b) => b.planIds.includes(planId)) : [];
  if (own.length > 0) {
    const files = own.map((b) => b.file).join(', ');
    const problems = own.flatMap((b) => b.problems).filter((p) => p.severity === 'error');
    throw new LookupError(
      `kế hoạch "${planId}" không dùng được (broken plan file): tệp ${files} có lỗi; sửa tệp rồi chạy "dondoc plan validate ${own[0].file}".\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join('\n'),
    );
  }
  for (const file of broken) warn(brokenPlanWarning(file));
  return plans;
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
