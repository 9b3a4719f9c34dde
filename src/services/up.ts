import { join } from 'node:path';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { describeSmtpUrl } from '../activities/email/transport';
import { startMailCapture, type MailCapture } from '../mail-capture';
import { loadWorkingCalendar } from '../plan/holidays';
import { loadPlans, type LoadedPlan } from '../plan/load';
import { temporalConfigFromEnv } from '../temporal/connection';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { assertSearchAttributes } from '../temporal/search-attributes';
import { workerSettingsFromEnv, workerTaskQueues } from '../temporal/worker-settings';
import { activityDepsFromEnv, createWorkers, runWorkers } from '../worker';
import { connectClient, type DondocClient } from '../temporal/client';
import { startWebServer } from '../web/server';
import { startInboundFromEnv } from '../inbound/inbound-from-env';
import { ensureFirstAdmin } from './accounts';
import { dataHomeFromEnv, envWithDataHome, plansDirFromEnv } from './data-home';
import { assertPortFree, portFromEnv, ServiceError } from './ports';
import { planTaskQueueFromEnv, startPlanWorkflows, type PlanStartResult } from './start-plans';

/** Where each running piece can be reached, for the banner `dondoc up` prints. */
export interface ServicesInfo {
  temporal: {
    address: string;
    namespace: string;
    uiUrl?: string;
    dbFile?: string;
    logFile?: string;
    external: boolean;
  };
  mailCapture?: { webUrl: string; smtp: string; dir: string };
  /** dondoc's web server: where it listens, and the address agencies' links use. */
  web?: { url: string; publicUrl: string };
  /** The listener for replies to dondoc's emails, and the form of the addresses it takes. */
  inbound?: { smtp: string; addresses: string };
  /** Where email goes: the capture, or `SMTP_URL` without its password. */
  smtp: string;
  /** The SQLite file, or `DATABASE_URL` without its password. */
  database: string;
  plansDir: string;
  /** What could not be checked at start, for the operator. */
  warnings: string[];
  /** The account the first `up` on embedded defaults created, with its one-time password (printed once). */
  firstAdmin?: { name: string; password: string };
}

/** Everything `dondoc up` runs; `stop()` ends it all in reverse order and is safe to call twice. */
export interface RunningServices {
  info: ServicesInfo;
  plans: PlanStartResult[];
  /** Settles when the worker stops: rejects on a fatal worker error, resolves after `stop()`. */
  worker: Promise<void>;
  stop(): Promise<void>;
}

/** Steps of `up` as they happen, so the command can say what it is waiting for. */
export type UpProgress = (step: 'plans' | 'temporal' | 'mail' | 'web' | 'worker' | 'workflows', detail: string) => void;

function hidePassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(DATABASE_URL không hợp lệ)';
  }
}

/**
 * Validates the plans (nothing starts when one is invalid), then starts the Temporal dev server (unless
 * `TEMPORAL_ADDRESS` is set), the local mail capture (unless `SMTP_URL` is set), an in-process worker, and the plan
 * workflows that are not running yet. A failure part-way stops what had started.
 */
export async function startServices(
  env: NodeJS.ProcessEnv = process.env,
  progress: UpProgress = () => {},
): Promise<RunningServices> {
  const home = dataHomeFromEnv(env);
  const plansDir = plansDirFromEnv(env);
  progress('plans', plansDir);
  const plans: LoadedPlan[] = await loadPlans(plansDir);
  // The worker reads the holiday tables too; a broken one is reported here, before any service starts.
  await loadWorkingCalendar(env.DONDOC_HOLIDAYS_DIR || join(plansDir, 'holidays'));

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw errors[0];
  };

  try {
    let workerEnv: NodeJS.ProcessEnv = envWithDataHome(env);
    let temporal: ServicesInfo['temporal'];
    if (env.TEMPORAL_ADDRESS) {
      const config = temporalConfigFromEnv(env);
      temporal = { address: config.address, namespace: config.namespace, external: true };
    } else {
      const port = portFromEnv(env, 'DONDOC_TEMPORAL_PORT', 7233);
      const uiPort = portFromEnv(env, 'DONDOC_TEMPORAL_UI_PORT', 8233);
      const hint =
        'Có thể dondoc đang chạy ở cửa sổ khác; đặt DONDOC_TEMPORAL_PORT / DONDOC_TEMPORAL_UI_PORT, hoặc TEMPORAL_ADDRESS để dùng máy chủ đang có.';
      if (port) await assertPortFree(port, 'Temporal', hint);
      if (uiPort) await assertPortFree(uiPort, 'Temporal UI', hint);
      progress('temporal', home.temporalDb);
      const server: DevServer = await startDevServer({
        dbFile: home.temporalDb,
        port: port || undefined,
        uiPort: uiPort || undefined,
        ui: true,
        logFile: home.temporalLog,
        readyTimeoutMs: 120_000,
      });
      stops.push(() => server.stop());
      temporal = {
        address: server.address,
        namespace: server.namespace,
        uiUrl: server.uiUrl,
        dbFile: home.temporalDb,
        logFile: home.temporalLog,
        external: false,
      };
      workerEnv = { ...workerEnv, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: server.namespace };
    }

    let mailCapture: ServicesInfo['mailCapture'];
    if (!env.SMTP_URL) {
      const smtpPort = portFromEnv(env, 'DONDOC_MAIL_CAPTURE_SMTP_PORT', 2525);
      const httpPort = portFromEnv(env, 'DONDOC_MAIL_CAPTURE_HTTP_PORT', 8025);
      progress('mail', home.mailDir);
      let capture: MailCapture;
      try {
        capture = await startMailCapture({ smtpPort, httpPort, dir: home.mailDir });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        throw new ServiceError(
          `cổng hộp thư thử nghiệm ${smtpPort}/${httpPort} đang bị chương trình khác dùng (port in use). ` +
            'Đặt DONDOC_MAIL_CAPTURE_SMTP_PORT / DONDOC_MAIL_CAPTURE_HTTP_PORT, hoặc SMTP_URL để gửi qua máy chủ thư thật.',
        );
      }
      stops.push(() => capture.stop());
      mailCapture = {
        webUrl: `http://127.0.0.1:${capture.httpPort}`,
        smtp: `127.0.0.1:${capture.smtpPort}`,
        dir: home.mailDir,
      };
      workerEnv = { ...workerEnv, DONDOC_MAIL_CAPTURE_SMTP_PORT: String(capture.smtpPort) };
    }

    // The web server before the worker: the links in the first reminders must point at a server that answers.
    let web: ServicesInfo['web'];
    if (env.DONDOC_WEB !== 'off') {
      const webPort = portFromEnv(env, 'DONDOC_WEB_PORT', 8080);
      if (webPort) {
        await assertPortFree(webPort, 'web dondoc', 'Đặt DONDOC_WEB_PORT để dùng cổng khác (hoặc DONDOC_WEB=off).');
      }
      progress('web', `${env.DONDOC_WEB_HOST || '127.0.0.1'}:${webPort}`);
      const running = await startWebServer(
        { ...workerEnv, DONDOC_WEB_PORT: String(webPort) },
        { mailDir: mailCapture?.dir, temporalUiUrl: temporal.uiUrl },
      );
      stops.push(() => running.stop());
      const publicUrl = env.DONDOC_PUBLIC_URL || running.url;
      web = { url: running.url, publicUrl };
      workerEnv = { ...workerEnv, DONDOC_PUBLIC_URL: publicUrl };
    }

    // --- replies by email (issue 11 §3): the listener the emails' reply addresses lead to; before the worker ---
    let inbound: ServicesInfo['inbound'];
    if (env.DONDOC_INBOUND !== 'off') {
      const inboundPort = portFromEnv(env, 'DONDOC_INBOUND_SMTP_PORT', 2526);
      if (inboundPort) {
        await assertPortFree(
          inboundPort,
          'nhận thư trả lời',
          'Đặt DONDOC_INBOUND_SMTP_PORT để dùng cổng khác (hoặc DONDOC_INBOUND=off).',
        );
      }
      const running = await startInboundFromEnv({ ...workerEnv, DONDOC_INBOUND_SMTP_PORT: String(inboundPort) });
      stops.push(() => running.stop());
      inbound = {
        smtp: `${running.listener.host}:${running.listener.port}`,
        addresses: `${running.reply.prefix}+<khóa>@${running.reply.domain}`,
      };
    }
    // --- end replies by email ---

    progress('worker', temporal.address);
    const deps = await activityDepsFromEnv(workerEnv);
    stops.push(async () => {
      deps.mailer.close();
      await deps.store.close();
    });
    const config = temporalConfigFromEnv(workerEnv);
    const connection = await NativeConnection.connect({
      address: config.address,
      tls: config.tls,
      apiKey: config.apiKey,
    });
    stops.push(() => connection.close());
    const warnings: string[] = [];
    // --- accounts (issue 12): the web server never opens without login, so the first run needs an account ---
    let firstAdmin: ServicesInfo['firstAdmin'];
    if (!env.DATABASE_URL) firstAdmin = await ensureFirstAdmin(deps.store);
    else if ((await deps.store.listUsers()).length === 0) {
      warnings.push('chưa có tài khoản đăng nhập trang web: tạo bằng "dondoc user add <tên> --role admin"');
    }
    // --- end accounts ---
    // The dev server registers them itself; an external one may lack them, and every workflow task would fail.
    if (temporal.external) {
      const { warning } = await assertSearchAttributes(connection, config.namespace, config.address);
      if (warning) warnings.push(warning);
    }
    // DONDOC_TASK_QUEUE, DONDOC_TASK_QUEUE_BY, DONDOC_MAX_*: the queues of the plans started below, and the tuning.
    const settings = workerSettingsFromEnv(workerEnv);
    const queues = workerTaskQueues(
      settings,
      plans.map((p) => ({ planId: p.plan.id, province: p.directory.province })),
    );
    const workers: Worker[] = await createWorkers(
      connection,
      config.namespace,
      createActivities(deps),
      queues,
      settings,
    );
    const running = runWorkers(workers);
    stops.push(async () => {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    });

    progress('workflows', `${plans.length}`);
    const client: DondocClient = await connectClient(workerEnv);
    stops.push(() => client.close());
    const started = await Promise.race([
      startPlanWorkflows(client.client, plans, planTaskQueueFromEnv(workerEnv)),
      running.then(() => {
        throw new ServiceError('worker dừng trước khi khởi động xong các kế hoạch (worker stopped)');
      }),
    ]);

    let stopping: Promise<void> | undefined;
    const stop = () => (stopping ??= stopAll());
    return {
      info: {
        temporal,
        mailCapture,
        web,
        inbound,
        smtp: mailCapture ? `hộp thư thử nghiệm ${mailCapture.smtp}` : describeSmtpUrl(env.SMTP_URL as string),
        database: env.DATABASE_URL ? hidePassword(env.DATABASE_URL) : (workerEnv.DONDOC_DB as string),
        plansDir,
        warnings,
        firstAdmin,
      },
      plans: started,
      worker: running,
      stop,
    };
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}
