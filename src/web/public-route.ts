import type { FastifyInstance } from 'fastify';

/** Route config for public routes (agencies' links, feeds, login): rate-limited per client address. */
export function publicRoute(app: FastifyInstance): { rateLimit: { max: number; timeWindow: number } } {
  return { rateLimit: { max: app.deps.publicRateLimit ?? 60, timeWindow: 60_000 } };
}
