import { Client, Connection } from '@temporalio/client';
import { replyAddressConfigFromEnv, type ReplyAddressConfig } from '../activities/inbound/reply-address';
import { createMailer, mailerConfigFromEnv } from '../activities/email/transport';
import { createPlanCatalog } from '../activities/plan-catalog';
import { openStore, storeConfigFromEnv } from '../activities/storage';
import { envWithDataHome, plansDirFromEnv } from '../services/data-home';
import { receiveReply, type InboundDeps } from '../services/inbound-reply';
import { portFromEnv } from '../services/ports';
import { temporalConfigFromEnv } from '../temporal/connection';
import { defaultInboundSmtpPort, startSmtpListener, type SmtpListener } from './smtp-listener';

/** The inbound service's dependencies from the environment, and how to release them. */
export async function inboundDepsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ deps: InboundDeps; close(): Promise<void> }> {
  const withHome = envWithDataHome(env);
  const reply: ReplyAddressConfig = replyAddressConfigFromEnv(env);
  const config = temporalConfigFromEnv(env);
  // Lazy: a Temporal server that is down when mail arrives defers the message (451), it does not stop the listener.
  const connection = Connection.lazy({ address: config.address, tls: config.tls, apiKey: config.apiKey });
  const store = await openStore(storeConfigFromEnv(withHome));
  const mailer = createMailer(mailerConfigFromEnv(env));
  return {
    deps: {
      store,
      client: new Client({ connection, namespace: config.namespace }),
      plans: createPlanCatalog(plansDirFromEnv(env)),
      mailer,
      reply,
    },
    async close() {
      mailer.close();
      await connection.close();
      await store.close();
    },
  };
}

/** The listener and its dependencies, as `dondoc up` and `dondoc inbound` run them. */
export interface RunningInbound {
  listener: SmtpListener;
  reply: ReplyAddressConfig;
  stop(): Promise<void>;
}

/** Starts the SMTP listener on `DONDOC_INBOUND_SMTP_HOST`:`DONDOC_INBOUND_SMTP_PORT` (127.0.0.1:2526). */
export async function startInboundFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<RunningInbound> {
  const { deps, close } = await inboundDepsFromEnv(env);
  const host = env.DONDOC_INBOUND_SMTP_HOST || '127.0.0.1';
  if (!['127.0.0.1', '::1', 'localhost'].includes(host)) {
    // It authenticates nobody: only the organisation's mail server should be able to reach it.
    console.warn(
      `dondoc inbound: máy chủ nhận thư nghe trên ${host}, không xác thực người gửi; chỉ cho máy chủ thư của cơ quan kết nối tới (tường lửa).`,
    );
  }
  try {
    const listener = await startSmtpListener({
      host,
      port: portFromEnv(env, 'DONDOC_INBOUND_SMTP_PORT', defaultInboundSmtpPort),
      reply: deps.reply,
      receive: (raw, envelope) => receiveReply(deps, raw, envelope),
      warn: (line) => console.warn(`dondoc inbound: ${line}`),
    });
    return {
      listener,
      reply: deps.reply,
      async stop() {
        await listener.stop();
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
