import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { openStore } from '../../src/activities/storage';
import type { Store } from '../../src/activities/storage/store';
import { createLinkSigner } from '../../src/access/links';
import { loadPlanFolder } from '../../src/plan/load';
import { buildWebApp } from '../../src/web/app';
import type { WebDeps } from '../../src/web/deps';
import { sharedDevServerAddress } from '../support/temporal';

/** A web app on a fresh SQLite store and the shared dev server, for `app.inject` tests; `close()` removes it all. */
export interface WebRig {
  app: FastifyInstance;
  deps: WebDeps;
  store: Store;
  client: Client;
  close(): Promise<void>;
}

export async function startWebRig(overrides: Partial<WebDeps> = {}, plansDir = 'plans'): Promise<WebRig> {
  const root = mkdtempSync(join(tmpdir(), 'dondoc-web-'));
  const store = await openStore({ sqlitePath: join(root, 'dondoc.db') });
  const connection = await Connection.connect({ address: sharedDevServerAddress() });
  const client = new Client({ connection, namespace: 'default' });
  const secret = new Uint8Array(Buffer.alloc(32, 7));
  const deps: WebDeps = {
    temporal: client,
    namespace: 'default',
    store,
    plans: async () => (await loadPlanFolder(plansDir)).plans,
    signer: createLinkSigner(secret),
    secret,
    publicUrl: 'http://127.0.0.1:8080',
    ...overrides,
  };
  const app = await buildWebApp(deps);
  return {
    app,
    deps,
    store,
    client,
    async close() {
      await app.close();
      await connection.close();
      await store.close().catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
