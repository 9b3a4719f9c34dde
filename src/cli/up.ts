import type { Command } from 'commander';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startServices, type RunningServices, type UpProgress } from '../services/up';
import { formatStartResult } from './start';

const PROGRESS: Record<Parameters<UpProgress>[0], string> = {
  plans: 'Kiểm tra kế hoạch (validating plans) trong',
  temporal: 'Khởi động máy chủ Temporal (starting Temporal), dữ liệu',
  mail: 'Khởi động hộp thư thử nghiệm (starting the mail capture), thư lưu ở',
  web: 'Khởi động máy chủ web (starting the web server) trên',
  worker: 'Khởi động worker (starting the worker) trên',
  workflows: 'Khởi động các kế hoạch (starting plan workflows):',
};

/** The banner `dondoc up` prints once everything runs: where each service is, and one line per plan. */
export function formatBanner(services: RunningServices): string[] {
  const { info } = services;
  const lines = ['', 'dondoc đang chạy (running). Nhấn Ctrl-C để dừng (press Ctrl-C to stop).'];
  if (info.temporal.uiUrl) lines.push(`  Giao diện Temporal (Temporal UI):      ${info.temporal.uiUrl}`);
  lines.push(
    `  Máy chủ Temporal (Temporal server):    ${info.temporal.address}, namespace ${info.temporal.namespace}` +
      (info.temporal.external ? ' (TEMPORAL_ADDRESS)' : ''),
  );
  if (info.temporal.dbFile)
    lines.push(
      `  Dữ liệu Temporal (Temporal database):  ${info.temporal.dbFile} (nhật ký/log: ${info.temporal.logFile})`,
    );
  if (info.mailCapture) {
    lines.push(
      `  Hộp thư thử nghiệm (mail capture):     ${info.mailCapture.webUrl} (SMTP ${info.mailCapture.smtp}, tệp ${info.mailCapture.dir})`,
    );
  } else {
    lines.push(`  Gửi thư qua (SMTP):                    ${info.smtp}`);
  }
  if (info.web) {
    lines.push(`  Trang web dondoc (web):                ${info.web.url}`);
    if (info.web.publicUrl !== info.web.url)
      lines.push(`  Địa chỉ trong thư (DONDOC_PUBLIC_URL): ${info.web.publicUrl}`);
  }
  if (info.inbound)
    lines.push(`  Nhận thư trả lời (inbound SMTP):       ${info.inbound.smtp}, địa chỉ ${info.inbound.addresses}`);
  lines.push(`  Cơ sở dữ liệu dondoc (database):       ${info.database}`);
  if (info.firstAdmin) {
    lines.push(
      `  Tài khoản quản trị đầu tiên (first admin): ${info.firstAdmin.name}, mật khẩu dùng một lần (one-time password): ${info.firstAdmin.password}`,
      `    Đăng nhập ở ${info.web?.url ?? 'trang web'}/dang-nhap rồi đặt mật khẩu riêng (hoặc: dondoc user passwd ${info.firstAdmin.name}). Mật khẩu này chỉ in một lần.`,
    );
  }
  for (const warning of info.warnings) lines.push(`  Cảnh báo (warning): ${warning}`);
  lines.push(`Kế hoạch trong ${info.plansDir} (plans): ${services.plans.length}`);
  for (const plan of services.plans) lines.push(formatStartResult(plan));
  lines.push('Sẵn sàng (ready).');
  return lines;
}

/** `dondoc up`: every service with embedded defaults, until Ctrl-C or SIGTERM; exit 0 after a clean stop. */
export async function upCommand(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // dondoc decides when the worker stops; the runtime's own signal handlers would race the ordered shutdown.
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  let services: RunningServices | undefined;
  let signalled: number | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      console.log('Đang dừng (stopping): worker, hộp thư thử nghiệm, máy chủ Temporal…');
      await services?.stop();
      console.log('Đã dừng (stopped).');
    })());
  const onSignal = () => {
    // Ctrl-C reaches this process twice under launchers (npx, tsx) that relay it to the group: only a later one forces.
    if (signalled !== undefined) {
      if (Date.now() - signalled < 2_000) return;
      console.error('dondoc: dừng ngay (forced stop)');
      process.exit(130);
    }
    signalled = Date.now();
    if (services) void stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    services = await startServices(env, (step, detail) => console.log(`${PROGRESS[step]} ${detail}`));
    if (signalled) {
      await stop();
      return;
    }
    for (const line of formatBanner(services)) console.log(line);
    try {
      await services.worker;
    } catch (err) {
      console.error(`dondoc: worker dừng vì lỗi (worker failed): ${(err as Error).message}`);
      process.exitCode = 1;
    }
    await stop();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Registers `dondoc up` (what `npm start` runs). */
export function registerUp(program: Command): void {
  program
    .command('up')
    .description(
      'Chạy toàn bộ hệ thống trên máy này: máy chủ Temporal, hộp thư thử nghiệm, worker và mọi kế hoạch trong plans/',
    )
    .action(async () => {
      try {
        await upCommand();
      } catch (err) {
        const e = err as Error;
        const known = [
          'PlanError',
          'HolidayDataError',
          'ServiceError',
          'TemporalUnavailableError',
          'SearchAttributesError',
        ];
        console.error(`dondoc: ${known.includes(e.name) ? '' : 'không khởi động được (cannot start): '}${e.message}`);
        process.exitCode = 1;
      }
      // Native handles (the Temporal runtime) may outlive the worker by a moment; everything is stopped by now.
      process.exit(Number(process.exitCode ?? 0));
    });
}
