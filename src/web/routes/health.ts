import type { FastifyInstance } from 'fastify';

/** Resolves with `value`, or rejects after `ms`: a health check must answer even when a dependency hangs. */
function within<T>(ms: number, value: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([value, timeout]).finally(() => clearTimeout(timer));
}

async function check(probe: () => Promise<unknown>): Promise<'ok' | 'unavailable'> {
  try {
    await within(3_000, probe());
    return 'ok';
  } catch {
    return 'unavailable';
  }
}

/** `GET /healthz`: 200 when Temporal and the database answer, 503 (with which one does not) otherwise. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', async (_request, reply) => {
    const { temporal, store } = app.deps;
    const [temporalState, database] = await Promise.all([
      // A deadline on the call itself: the client's own retries must stop when the check gives up.
      check(() =>
        temporal.connection.withDeadline(Date.now() + 2_500, () => temporal.workflowService.getSystemInfo({})),
      ),
      check(() => store.ping()),
    ]);
    const ok = temporalState === 'ok' && database === 'ok';
    return reply
      .code(ok ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: ok ? 'ok' : 'unavailable', temporal: temporalState, database });
  });
}
