import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { plansDirFromEnv } from '../services/data-home';
import {
  applyPlanRevision,
  formatApplyResult,
  planRevisionPreview,
  type PlanRevisionDiff,
} from '../services/plan-apply';
import { CommandError, runCommand, withClient } from './client';

/** The difference, as `plan apply` and `up` print it. */
export function formatRevisionDiff(diff: PlanRevisionDiff): string {
  if (diff.same) return `Kế hoạch "${diff.planId}" đang chạy đúng bản ${diff.next}: không có gì để áp dụng.`;
  return [
    `Kế hoạch "${diff.planId}": bản đang chạy ${diff.running ?? '(không rõ)'} → bản trong tệp ${diff.next}`,
    ...diff.lines.map((l) => `  ${l}`),
  ].join('\n');
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^(c|có|y|yes)$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** `dondoc plan apply <file> [--yes] [--by <name>] [--reason <text>]`. */
export function registerPlanApply(plan: Command): void {
  plan
    .command('apply <file>')
    .description('So tệp kế hoạch đã sửa với bản đang chạy và áp dụng (thêm, kết thúc, điều chỉnh nhiệm vụ đang chạy)')
    .option('-y, --yes', 'áp dụng không hỏi lại')
    .option('--by <name>', 'người thực hiện (mặc định: tên người dùng hệ điều hành)')
    .option('--reason <text>', 'lý do, ví dụ số văn bản điều chỉnh kế hoạch (bắt buộc khi áp dụng)')
    .action((file: string, opts: { yes?: boolean; by?: string; reason?: string }) =>
      runCommand(async () => {
        const plansDir = plansDirFromEnv();
        await withClient(async (client) => {
          try {
            await applyCommand(client, file, plansDir, opts);
          } catch (err) {
            if ((err as Error).name === 'PlanApplyError') throw new CommandError((err as Error).message, 1);
            throw err;
          }
        });
      }),
    );
}

async function applyCommand(
  client: Client,
  file: string,
  plansDir: string,
  opts: { yes?: boolean; by?: string; reason?: string },
): Promise<void> {
  const { diff } = await planRevisionPreview(client, file, plansDir);
  console.log(formatRevisionDiff(diff));
  if (diff.same) return;
  if (!opts.reason?.trim()) throw new CommandError('cần --reason để áp dụng (ghi vào nhật ký của từng nhiệm vụ)', 2);
  if (!opts.yes) {
    if (!process.stdin.isTTY) throw new CommandError('chưa áp dụng: thêm --yes để áp dụng không hỏi lại', 1);
    if (!(await confirm('Áp dụng bản này? (c/k) '))) {
      console.log('Không áp dụng.');
      return;
    }
  }
  const by = opts.by?.trim() || userInfo().username;
  const { result } = await applyPlanRevision(client, file, { plansDir, by, reason: opts.reason });
  console.log(formatApplyResult(result));
  if (result.failed.length > 0) process.exitCode = 1;
}
