import type { Command } from 'commander';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { runSimulation } from '../simulation/run';
import type { ReportScenario } from '../simulation/scenario';
import { formatTimeline } from '../simulation/timeline';
import { reportCliError, UsageError } from './when';

const scenarios: ReportScenario[] = ['on-time', 'late', 'none', 'mixed'];

/** `dondoc simulate`: the plan's real workflows on the time-skipping server, printed as a timeline. */
export function registerSimulate(program: Command): void {
  program
    .command('simulate <plan>')
    .description(
      'Chạy thử kế hoạch trên máy chủ Temporal tua nhanh thời gian và in dòng thời gian thư, báo cáo, đôn đốc',
    )
    .option('--until <date>', 'chạy đến ngày YYYY-MM-DD (mặc định: hết kỳ kế hoạch + 30 ngày)')
    .option('--reports <scenario>', `các cơ quan báo cáo: ${scenarios.join('|')}`, 'none')
    .option('--json', 'một đối tượng JSON có mảng events theo thời gian')
    .action(async (plan: string, options: { until?: string; reports: string; json?: boolean }) => {
      try {
        if (!scenarios.includes(options.reports as ReportScenario)) {
          throw new UsageError(`--reports "${options.reports}": cần một trong ${scenarios.join(', ')}`);
        }
        if (options.until !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.until)) {
          throw new UsageError(`--until "${options.until}": cần ngày dạng YYYY-MM-DD`);
        }
        // The worker's own INFO lines would drown the timeline.
        Runtime.install({
          logger: new DefaultLogger('WARN'),
          telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
        });
        const result = await runSimulation({
          planFile: plan,
          until: options.until,
          reports: options.reports as ReportScenario,
        });
        if (options.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        } else {
          console.log(
            `Kế hoạch ${result.planId}: ${result.from.slice(0, 10)} → ${result.until.slice(0, 10)}, báo cáo: ${result.scenario}`,
          );
          console.log(formatTimeline(result.events, result.timezone));
          const count = (kind: string) => result.events.filter((e) => e.kind === kind).length;
          const items = (kind: string) =>
            result.events.flatMap((e) => e.items ?? []).filter((item) => item.kind === kind).length;
          const digests = count('digest')
            ? `${count('digest')} thư tổng hợp (${items('reminder')} nhắc hạn, ${items('overdue')} quá hạn), `
            : '';
          console.log(
            `Tổng: ${digests}${count('reminder')} nhắc hạn, ${count('overdue')} quá hạn, ${count('escalation')} báo cáo chậm, ` +
              `${count('summary')} tổng hợp, ${count('report')} báo cáo nhận, ${count('forward')} ý kiến chuyển chủ trì, ` +
              `${count('rejected')} bị từ chối`,
          );
        }
      } catch (err) {
        const name = (err as Error).name;
        if (name === 'Error' && /libfaketime|--until/.test((err as Error).message)) {
          console.error(`dondoc: ${(err as Error).message}`);
          process.exitCode = 2;
          return;
        }
        reportCliError(err);
      }
    });
}
