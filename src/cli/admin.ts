import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { formatDateWithWeekdayVi, isIsoDate } from '../deadlines/dates';
import type { DueDate } from '../deadlines/occurrence';
import type { LoadedPlan } from '../plan/load';
import { findPlan, plansFromEnv, resolveAgency, subjectOf } from '../services/plan-directory';
import { executeSubjectUpdate, periodOrCurrent } from '../services/subject-updates';
import {
  cancelUpdate,
  closeOccurrenceUpdate,
  extendDueUpdate,
  pauseRemindersUpdate,
  resumeRemindersUpdate,
  setRecipientsUpdate,
  subjectWorkflowId,
} from '../workflows/contract';
import { CommandError, runCommand, withClient } from './client';

/** Which task or deliverable, and who acts why (recorded in the audit trail). */
export interface AdminTarget {
  planId: string;
  task?: string;
  deliverable?: string;
  by: string;
  reason?: string;
}

/** One admin action on a task or deliverable. */
export type AdminRequest =
  | ({ action: 'extend'; period?: string; to: string } & AdminTarget)
  | ({ action: 'pause' | 'resume' | 'cancel' } & AdminTarget)
  | ({ action: 'close'; period?: string } & AdminTarget)
  | ({ action: 'recipients'; agency: string; emails: string[] } & AdminTarget);

/** What an admin action did, for people. */
export interface AdminResult {
  workflowId: string;
  message: string;
  /** The new lead due date after `extend`. */
  due?: DueDate;
}

/** Runs an admin action through its update; the workflow validates it and records it in the audit trail. */
export async function adminAction(
  client: Client,
  plans: readonly LoadedPlan[],
  request: AdminRequest,
): Promise<AdminResult> {
  const loaded = findPlan(plans, request.planId);
  const subject = subjectOf(loaded, request);
  const workflowId = subjectWorkflowId(loaded.plan.id, subject);
  const by = request.by.normalize('NFC');
  const reason = (request.reason ?? '').normalize('NFC');
  const admin = { by, reason };
  switch (request.action) {
    case 'extend': {
      if (!isIsoDate(request.to))
        throw new CommandError(`--to "${request.to}": cần ngày dạng YYYY-MM-DD (expected a date)`, 2);
      const occurrenceId = await periodOrCurrent(client, workflowId, request.period);
      const due = await executeSubjectUpdate(client, workflowId, extendDueUpdate, {
        ...admin,
        occurrenceId,
        leadDue: request.to,
      });
      return {
        workflowId,
        due,
        message: `Đã gia hạn kỳ ${occurrenceId} đến ${formatDateWithWeekdayVi(due.effective)} (extended)`,
      };
    }
    case 'pause':
      await executeSubjectUpdate(client, workflowId, pauseRemindersUpdate, admin);
      return { workflowId, message: 'Đã tạm dừng nhắc hạn (reminders paused)' };
    case 'resume':
      await executeSubjectUpdate(client, workflowId, resumeRemindersUpdate, admin);
      return { workflowId, message: 'Đã tiếp tục nhắc hạn (reminders resumed)' };
    case 'cancel':
      await executeSubjectUpdate(client, workflowId, cancelUpdate, admin);
      return { workflowId, message: 'Đã hủy nhiệm vụ: không nhắc hạn nữa (task cancelled)' };
    case 'close': {
      const occurrenceId = await periodOrCurrent(client, workflowId, request.period);
      await executeSubjectUpdate(client, workflowId, closeOccurrenceUpdate, { ...admin, occurrenceId });
      return { workflowId, message: `Đã đóng kỳ báo cáo ${occurrenceId} (period closed)` };
    }
    case 'recipients': {
      const [agency] = resolveAgency(loaded, request.agency);
      const emails = request.emails.map((e) => e.trim()).filter(Boolean);
      await executeSubjectUpdate(client, workflowId, setRecipientsUpdate, { ...admin, agency, emails });
      return { workflowId, message: `Đã đặt địa chỉ nhận thư của ${agency}: ${emails.join(', ')} (recipients set)` };
    }
  }
}

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
  return withClient((client) => adminAction(client, plans, request), env);
}

/** Registers `dondoc admin extend|pause|resume|close|recipients|cancel`. */
export function registerAdmin(program: Command): void {
  const admin = program
    .command('admin')
    .description('Điều hành nhiệm vụ: gia hạn, tạm dừng, tiếp tục, đóng kỳ, đổi địa chỉ nhận, hủy');
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
  target(admin.command('cancel').description('Hủy nhiệm vụ: không nhắc hạn nữa'), true).action(
    run((o) => ({ action: 'cancel', ...base(o) })),
  );
}
