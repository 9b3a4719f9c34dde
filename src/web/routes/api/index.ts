import type { FastifyError, FastifyInstance } from 'fastify';
import { HttpError } from '../../plugins/errors';
import { adminApiRoutes } from './admin';
import { agencyApiRoutes } from './agencies';
import { planApiRoutes } from './plans';
import { reportApiRoutes } from './reports';
import { subjectApiRoutes } from './subjects';
import { summaryApiRoutes } from './summaries';

/** What the services' errors mean to an API client: the status, with the service's own Vietnamese message. */
const statusByName: Record<string, number> = {
  LookupError: 404,
  PlanNotFoundError: 404,
  SubjectNotFoundError: 404,
  PeriodNotFoundError: 404,
  AdminInputError: 400,
  SubjectNotRunningError: 409,
  UpdateRejectedError: 422,
  NotAvailableError: 501,
  TemporalUnavailableError: 503,
};

/** A Temporal call that could not reach the server or ran out of time (gRPC UNAVAILABLE, DEADLINE_EXCEEDED). */
function temporalDown(err: Error & { code?: unknown }): boolean {
  return err.name === 'ServiceError' || /\b(UNAVAILABLE|DEADLINE_EXCEEDED)\b/.test(err.message) || err.code === 14;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The JSON API under `/api/`: one module per resource, each route with its zod schemas (validated requests,
 * serialized answers, the OpenAPI document) and bearer tokens only (src/web/auth).
 */
export async function apiRoutes(app: FastifyInstance): Promise<void> {
  // Services' errors become refusals with their status; the app's error handler (the parent) answers problem+json.
  app.setErrorHandler((err: FastifyError) => {
    const status = statusByName[err.name];
    if (status) throw new HttpError(status, capitalize(err.message));
    if (temporalDown(err)) throw new HttpError(503, 'Máy chủ Temporal không trả lời. Hãy thử lại sau.');
    throw err;
  });
  // The API takes JSON bodies only: any other declared type (a multipart body without its boundary, a form…) is
  // refused before a body parser sees it.
  app.addHook('onRequest', async (request) => {
    const type = request.headers['content-type'];
    if (request.method === 'GET' || request.method === 'HEAD' || type === undefined) return;
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      throw new HttpError(415, 'API chỉ nhận nội dung application/json.');
    }
  });
  await app.register(planApiRoutes);
  await app.register(subjectApiRoutes);
  await app.register(agencyApiRoutes);
  await app.register(reportApiRoutes);
  await app.register(adminApiRoutes);
  await app.register(summaryApiRoutes);
}
