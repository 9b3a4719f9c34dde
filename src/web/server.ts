import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openStore, storeConfigFromEnv } from '../activities/storage';
import type { Store } from '../activities/storage/store';
import { publicUrlFromEnv, webPortFromEnv } from '../access/addresses';
import { createLinkSigner } from '../access/links';
import { loadServerSecret } from '../access/secret';
import { loadPlanFolder } from '../plan/load';
import { dataHomeFromEnv, envWithDataHome, plansDirFromEnv } from '../services/data-home';
import { connectClient, type DondocClient } from '../temporal/client';
import { buildWebApp } from './app';
import type { WebDeps } from './deps';

/** A listening web server; `stop()` closes it and what it opened. */
export interface RunningWeb {
  app: FastifyInstance;
  /** Where it listens, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The address agencies are given (`DONDOC_PUBLIC_URL`). */
  publicUrl: string;
  stop(): Promise<void>;
}

/**
 * The web server's dependencies from the environment: Temporal (`TEMPORAL_ADDRESS`), the database, the plans folder,
 * the server secret. `shared` lets `dondoc up` hand over the store and client it already has.
 */
export async function webDepsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  shared: { store?: Store; client?: DondocClient; mailDir?: string; temporalUiUrl?: string } = {},
): Promise<{ deps: WebDeps; close(): Promise<void> }> {
  const withHome = envWithDataHome(env);
  const secret = await loadServerSecret(withHome);
  const store = shared.store ?? (await openStore(storeConfigFromEnv(withHome)));
  let client: DondocClient;
  try {
    client = shared.client ?? (await connectClient(withHome));
  } catch (err) {
    if (!shared.store) await store.close();
    throw err;
  }
  const plansDir = plansDirFromEnv(withHome);
  const deps: WebDeps = {
    temporal: client.client,
    namespace: client.namespace,
    store,
    plans: async () => (await loadPlanFolder(plansDir)).plans,
    signer: createLinkSigner(secret),
    secret,
    publicUrl: publicUrlFromEnv(withHome),
    mailDir: shared.mailDir,
    temporalUiUrl: shared.temporalUiUrl ?? withHome.DONDOC_TEMPORAL_UI_URL,
    log: withHome.DONDOC_WEB_LOG === '1',
    trustProxy: withHome.DONDOC_TRUST_PROXY || undefined,
    publicRateLimit: withHome.DONDOC_PUBLIC_RATE_LIMIT ? Number(withHome.DONDOC_PUBLIC_RATE_LIMIT) : undefined,
    // The import page saves into the plans folder and keeps its drafts in DONDOC_HOME/drafts.
    imports: { plansDir, draftsDir: join(dataHomeFromEnv(withHome).dir, 'drafts') },
  };
  return {
    deps,
    close: async () => {
      if (!shared.client) await client.close();
      if (!shared.store) await store.close();
    },
  };
}

/** Builds the app and listens on `DONDOC_WEB_HOST` (default 127.0.0.1) : `DONDOC_WEB_PORT` (default 8080; 0 = any). */
export async function startWebServer(
  env: NodeJS.ProcessEnv = process.env,
  shared: Parameters<typeof webDepsFromEnv>[1] = {},
): Promise<RunningWeb> {
  const { deps, close } = await webDepsFromEnv(env, shared);
  let app: FastifyInstance;
  try {
    app = await buildWebApp(deps);
    const host = env.DONDOC_WEB_HOST || '127.0.0.1';
    await app.listen({ host, port: webPortFromEnv(env) });
  } catch (err) {
    await close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : webPortFromEnv(env);
  const host = env.DONDOC_WEB_HOST && env.DONDOC_WEB_HOST !== '0.0.0.0' ? env.DONDOC_WEB_HOST : '127.0.0.1';
  let stopping: Promise<void> | undefined;
  return {
    app,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    publicUrl: deps.publicUrl,
    stop: () =>
      (stopping ??= (async () => {
        await app.close();
        await close();
      })()),
  };
}
