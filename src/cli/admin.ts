import type { Command } from 'commander';
import { plansFromEnv } from '../services/plan-directory';
import {
  AdminInputError,
  adminAction,
  type AdminRequest,
  type AdminResult,
  type AdminTarget,
} from '../services/admin-actions';
import { CommandError, runCommand, withClient } from './client';

// The actions live in src/services/admin-actions.ts: the CLI, the pages and the API run the same function.
export { adminAction, type AdminRequest, type AdminResult, type AdminTarget } from '../services/admin-actions';

interface AdminCliOptions {
  plan: string;
  task?: string;
  deliverable?: string;
  by: string;
  reason?: string;
  period?: string;
  to?: string;
  agency?: string;
  email?: string[];
  json?: boolean;
}

function target(command: Command, reasonRequired: boolean): Command {
  command
    .requiredOption('--plan <id>', 'mã kế hoạch')
    .option('--task <id>', 'số nhiệm vụ')
    .option('--deliverable <id>', 'mã sản phẩm phải nộp')
    .requiredOption('--by <name>', 'người thực hiện (ghi vào nhật ký)')
    .option('--json', 'in kết quả dạng JSON');
  return reasonRequired
    ? command.requiredOption('--reason <text>', 'lý do (ghi vào nhật ký)')
    : command.option('--reason <text>', 'lý do (ghi vào nhật ký)');
}

/** `dondoc admin …` against the environment's plans and Temporal server. */
export async function adminCommand(request: AdminRequest, env: NodeJS.ProcessEnv = process.env): Promise<AdminResult> {
  const plans = await plansFromEnv(env, { planId: request.planId });
  try {
    return await withClient((client) => adminAction(client, plans, request), env);
  } catch (err) {
    if (err instanceof AdminInputError) throw new CommandError(`${err.message} (bad input)`, 2);
    throw err;
  }
}

/** Registers `dondoc admin extend|pause|resume|close|recipients|cancel`. */
export function registerAdmin(program: Command): void {
  const admin = program
    .command('admin')
    .description('Điều hành nhiệm vụ: gia hạn, tạm dừng, tiếp tục, đóng kỳ, đổi địa chỉ nhận, nhắc lại, hủy');
  const run = (toRequest: (o: AdminCliOptions) => AdminRequest) => (options: AdminCliOptions) =>
    runCommand(async () => {
      const result = await adminCommand(toRequest(options));
      console.log(options.json ? JSON.stringify(result, null, 2) : result.message);
    });
  const base = (o: AdminCliOptions): AdminTarget => ({
    planId: o.plan,
    task: o.task,
    deliverable: o.deliverable,
    by: o.by,
    reason: o.reason,
  });

  target(admin.command('extend').description('Gia hạn kỳ báo cáo: dời hạn của cơ quan chủ trì'), true)
    .option('--period <id>', 'kỳ báo cáo; mặc định kỳ đang mở')
    .requiredOption('--to <date>', 'hạn mới YYYY-MM-DD')
    .action(run((o) => ({ action: 'extend', ...base(o), period: o.period, to: o.to as string })));
  target(admin.command('pause').description('Tạm dừng nhắc hạn'), true).action(
    run((o) => ({ action: 'pause', ...base(o) })),
  );
  target(admin.command('resume').description('Tiếp tục nhắc hạn'), false).action(
    run((o) => ({ action: 'resume', ...base(o) })),
  );
  target(admin.command('close').description('Đóng kỳ báo cáo mà không chờ báo cáo của cơ quan chủ trì'), true)
    .option('--period <id>', 'kỳ báo cáo; mặc định kỳ đang mở')
    .action(run((o) => ({ action: 'close', ...base(o), period: o.period })));
  target(admin.command('recipients').description('Thay địa chỉ thư của một cơ quan cho nhiệm vụ này'), false)
    .requiredOption('--agency <name>', 'cơ quan')
    .requiredOption('--email <addresses...>', 'địa chỉ email mới (một hoặc nhiều)')
    .action(
      run((o) => ({
        action: 'recipients',
        ...base(o),
        agency: o.agency as string,
        emails: (o.email ?? []).flatMap((e) => e.split(',')),
      })),
    );
  target(admin.command('resend').description('Nhắc lại ngay, một lần, các cơ quan chưa báo cáo kỳ này'), true)
    .option('--period <id>', 'kỳ báo cáo; mặc định kỳ đang mở')
    .option('--agency <name>', 'chỉ nhắc cơ quan này')
    .action(run((o) => ({ action: 'resend', ...base(o), period: o.period, agency: o.agency })));
  target(admin.command('cancel').description('Hủy nhiệm vụ: không nhắc hạn nữa'), true).action(
    run((o) => ({ action: 'cancel', ...base(o) })),
  );
}
