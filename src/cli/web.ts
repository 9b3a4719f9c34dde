import type { Command } from 'commander';
import { startWebServer } from '../web/server';

/**
 * `dondoc web`: the web server alone, without a worker, for production (several behind a load balancer, each with the
 * same `DONDOC_SECRET`, `DATABASE_URL` and `TEMPORAL_ADDRESS`). Runs until SIGINT or SIGTERM.
 */
export async function webCommand(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const web = await startWebServer(env);
  console.log(`dondoc web đang chạy (running) tại ${web.url}; địa chỉ trong thư: ${web.publicUrl}`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  console.log('Đang dừng (stopping) máy chủ web…');
  await web.stop();
}

/** Registers `dondoc web`. */
export function registerWeb(program: Command): void {
  program
    .command('web')
    .description('Chạy riêng máy chủ web (trang nộp báo cáo, bảng điều hành, API), không có worker')
    .action(async () => {
      try {
        await webCommand();
      } catch (err) {
        const e = err as Error;
        const known = ['TemporalUnavailableError', 'SecretError', 'StoreError'];
        console.error(`dondoc: ${known.includes(e.name) ? '' : 'không khởi động được máy chủ web: '}${e.message}`);
        process.exitCode = 1;
      }
    });
}
