import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const assetsDir = join(__dirname, '..', '..', '..', 'src', 'web', 'assets');

/** The one stylesheet (no build step, no JavaScript needed), cached by browsers for a day. */
export async function assetRoutes(app: FastifyInstance): Promise<void> {
  const css = readFileSync(join(assetsDir, 'site.css'), 'utf8');
  app.get('/assets/site.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(css),
  );
}
