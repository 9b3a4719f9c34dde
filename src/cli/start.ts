import type { Command } from 'commander';
import { loadPlanFile, loadPlans, PlanError, type LoadedPlan, type PlanProblem } from '../plan/load';
import { plansDirFromEnv } from '../services/data-home';
import {
  planTaskQueueFromEnv,
  startPlanWorkflows,
  workerPlanProblems,
  type PlanStartResult,
} from '../services/start-plans';
import { CommandError, runCommand, withClient } from './client';

/**
 * Validates the given plan files, or every plan in the plans folder; throws one `PlanError` listing every problem,
 * or a `CommandError` when the worker would not read a given file (outside its plans folder, or its id used twice).
 */
export async function loadPlansToStart(
  files: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedPlan[]> {
  const plansDir = plansDirFromEnv(env);
  if (files.length === 0) return loadPlans(plansDir);
  const loaded: LoadedPlan[] = [];
  const problems: PlanProblem[] = [];
  for (const file of files) {
    try {
      loaded.push(await loadPlanFile(file));
    } catch (err) {
      if ((err as Error).name !== 'PlanError') throw err;
      problems.push(...(err as PlanError).problems);
    }
  }
  if (problems.some((p) => p.severity === 'error')) throw new PlanError(problems);
  const unread = await workerPlanProblems(loaded, plansDir);
  if (unread.length > 0) {
    throw new CommandError(
      `không khởi động kế hoạch nào (nothing started): worker không đọc được kế hoạch từ tệp đã cho.\n${unread.map((line) => `  ${line}`).join('\n')}`,
    );
  }
  return loaded;
}

/** One line per plan: what starting it did, in Vietnamese with the English word. */
export function formatStartResult(result: PlanStartResult): string {
  const what: Record<PlanStartResult['outcome'], string> = {
    started: 'đã khởi động theo dõi (started)',
    running: 'đang chạy, tiếp tục theo dõi (already running, resumed)',
    completed: 'đã hoàn thành, không chạy lại (completed)',
    closed: `đã kết thúc (${result.closedStatus ?? 'closed'}), không chạy lại`,
  };
  const line = `  ${result.planId.padEnd(36)} ${what[result.outcome]} — ${result.title}`;
  return result.revisionNotice ? `${line}\n    ${result.revisionNotice}` : line;
}

/** `dondoc start [plans…]`: validates the plans and starts or resumes their workflows on `TEMPORAL_ADDRESS`. */
export async function startCommand(
  files: readonly string[],
  options: { env?: NodeJS.ProcessEnv; taskQueue?: string } = {},
): Promise<PlanStartResult[]> {
  const env = options.env ?? process.env;
  const plans = await loadPlansToStart(files, env);
  return withClient((client) => startPlanWorkflows(client, plans, options.taskQueue ?? planTaskQueueFromEnv(env)), env);
}

/** Registers `dondoc start`. */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description('Kiểm tra kế hoạch và khởi động (hoặc tiếp tục) theo dõi trên máy chủ Temporal (TEMPORAL_ADDRESS)')
    .argument('[plans...]', 'tệp kế hoạch YAML; mặc định mọi kế hoạch trong plans/')
    .option('--json', 'in kết quả dạng JSON')
    .action((files: string[], options: { json?: boolean }) =>
      runCommand(async () => {
        const results = await startCommand(files);
        if (options.json) {
          console.log(JSON.stringify(results, null, 2));
          return;
        }
        console.log(`Kế hoạch (plans): ${results.length}`);
        for (const result of results) console.log(formatStartResult(result));
      }),
    );
}
