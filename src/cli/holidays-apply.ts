import type { Command } from 'commander';
import { plansDirFromEnv } from '../services/data-home';
import { applyHolidays, formatHolidayApply } from '../services/holidays-apply';
import { CommandError, runCommand, withClient } from './client';

/** `dondoc holidays apply --by <name> --reason <text> [--plan <id>]`: running tasks take the holiday files as they are now. */
export function registerHolidaysApply(holidays: Command): void {
  holidays
    .command('apply')
    .description('Áp dụng lịch nghỉ mới cho các nhiệm vụ đang chạy: dời các hạn chưa đến, ghi nhật ký')
    .requiredOption('--by <name>', 'người thực hiện (ghi vào nhật ký)')
    .requiredOption('--reason <text>', 'lý do, ví dụ số quyết định nghỉ lễ của Thủ tướng')
    .option('--plan <id...>', 'chỉ các kế hoạch này')
    .action((opts: { by: string; reason: string; plan?: string[] }) =>
      runCommand(async () => {
        if (!opts.by.trim() || !opts.reason.trim()) throw new CommandError('cần --by và --reason', 2);
        const entries = await withClient((client) =>
          applyHolidays(client, { plansDir: plansDirFromEnv(), by: opts.by, reason: opts.reason, planIds: opts.plan }),
        );
        console.log(formatHolidayApply(entries));
        if (entries.some((e) => e.outcome === 'failed')) process.exitCode = 1;
      }),
    );
}
