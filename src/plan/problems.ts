/** One thing wrong with a plan or directory file, located by file, line and field path. */
export interface PlanProblem {
  file: string;
  line?: number;
  /** Field path such as `tasks[3].lead`; empty for the whole file. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

/** `plans/x.yaml:42 tasks[3].lead: unknown agency "Sở ABC" (did you mean "Sở Công Thương"?)`. */
export function formatProblem(problem: PlanProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  const prefix = problem.severity === 'warning' ? 'warning: ' : '';
  return `${where}${problem.path ? ` ${problem.path}` : ''}: ${prefix}${problem.message}`;
}

/** A plan that cannot be used; `problems` lists every error found (and the warnings seen with them). */
export class PlanError extends Error {
  override readonly name = 'PlanError';
  constructor(readonly problems: PlanProblem[]) {
    super(
      problems
        .filter((p) => p.severity === 'error')
        .map(formatProblem)
        .join('\n') || 'invalid plan',
    );
  }
}

/** Formats a zod-style path (`['tasks', 3, 'lead']`) as `tasks[3].lead`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
