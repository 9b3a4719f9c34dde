import { hkdfSync } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import secureSession from '@fastify/secure-session';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { defaultAttachmentLimits, maxReportTextLength } from '../plan/report-limits';
import { authPlugin } from './auth';
import { apiRoutes } from './routes/api';
import type { WebDeps } from './deps';
import { errorsPlugin } from './plugins/errors';
import { viewsPlugin } from './plugins/views';
export { publicRoute } from './public-route';
import { assetRoutes } from './routes/assets';
import { healthRoutes } from './routes/health';
import { loginRoutes } from './routes/login';
import { calendarRoutes } from './routes/calendar';
import { submissionRoutes } from './routes/submission';
import { dashboardAgencyRoutes } from './routes/dashboard-agencies';
import { dashboardImportRoutes } from './routes/dashboard-import';
import { dashboardMailRoutes } from './routes/dashboard-mail';
import { dashboardOverviewRoutes } from './routes/dashboard-overview';
import { dashboardPlanRoutes } from './routes/dashboard-plans';
import { dashboardSummaryRoutes } from './routes/dashboard-summaries';
import { adminActionRoutes } from './routes/dashboard-task-actions';
import { dashboardTaskRoutes } from './routes/dashboard-tasks';

declare module 'fastify' {
  interface FastifyInstance {
    /** What the app was built from, for route modules. */
    deps: WebDeps;
  }
}

/** Masks signed tokens (agencies' links, feeds) in logged URLs: a log reader must not be able to use them. */
export function maskTokens(url: string): string {
  return url.replace(/[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g, '***');
}

/** A 32-byte key for one use, derived from the server secret (so one secret serves signing and cookies). */
export function derivedKey(secret: Uint8Array, use: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'dondoc', use, 32));
}

function csrfToken(request: FastifyRequest): string | void {
  const body = request.body as Record<string, unknown> | undefined;
  const field = body?._csrf as string | { value?: unknown } | undefined;
  const value = typeof field === 'object' && field !== null ? field.value : field;
  if (typeof value === 'string') return value;
  const header = request.headers['x-csrf-token'];
  return typeof header === 'string' ? header : undefined;
}

/**
 * The one place the web server is put together from its dependencies (as `src/worker.ts` is for the worker): security
 * headers, rate limits, cookies and sessions, CSRF on every form, uploads with the store's limits, templates, the
 * OpenAPI document, errors without stack traces, and the route modules. Tests call it and use `app.inject`.
 */
export async function buildWebApp(deps: WebDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.log
      ? {
          level: 'info',
          serializers: {
            req: (req: FastifyRequest) => ({ method: req.method, url: maskTokens(req.url), remote: req.ip }),
          },
        }
      : false,
    trustProxy: deps.trustProxy ?? false,
    // Report text is bounded by the workflow's limits; this only stops absurd bodies early.
    bodyLimit: 2 * 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.decorate('deps', deps);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(errorsPlugin);
  await app.register(viewsPlugin);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // Pages with a token in their URL must not leak it to other sites.
    referrerPolicy: { policy: 'no-referrer' },
    hsts: deps.publicUrl.startsWith('https:'),
  });
  await app.register(rateLimit, { global: false });
  await app.register(cookie);
  await app.register(secureSession, {
    key: derivedKey(deps.secret, 'session'),
    cookieName: 'dondoc_session',
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.publicUrl.startsWith('https:') },
  });
  await app.register(csrf, { sessionPlugin: '@fastify/secure-session', getToken: csrfToken });
  await app.register(formbody);
  await app.register(multipart, {
    attachFieldsToBody: true,
    limits: {
      fileSize: defaultAttachmentLimits.maxBytes,
      files: 10,
      fields: 20,
      fieldSize: maxReportTextLength * 4,
    },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'dondoc API', version: '1.0.0', description: 'Theo dõi, đôn đốc và tổng hợp báo cáo kế hoạch.' },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'dondoc token create' } },
      },
    },
    transform: jsonSchemaTransform,
    // Schemas with a `meta({ id })` become components/schemas, so the document's $refs resolve.
    transformObject: jsonSchemaTransformObject,
    // Only the JSON API is documented; pages, feeds and health checks are not part of it.
    hideUntagged: true,
  });

  // Accounts: every route outside the allow-list of src/web/auth needs one (refused before CSRF, parsing or handlers).
  await app.register(authPlugin);

  // Every state-changing request outside the token-authenticated API carries the form's CSRF token.
  app.addHook('preHandler', (request, reply, done) => {
    const safe = request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS';
    if (safe || request.url.startsWith('/api/')) return done();
    app.csrfProtection(request, reply, done);
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes);
  await app.register(assetRoutes);
  await app.register(loginRoutes);
  await app.register(apiRoutes);
  await app.register(submissionRoutes);
  // Officers' and admins' dashboard pages (issue 12).
  await app.register(dashboardOverviewRoutes);
  await app.register(dashboardPlanRoutes);
  await app.register(dashboardTaskRoutes);
  await app.register(adminActionRoutes);
  await app.register(dashboardAgencyRoutes);
  await app.register(dashboardSummaryRoutes);
  await app.register(dashboardMailRoutes);
  // The import page: upload a plan document, review, correct, save and start it (issue 14).
  await app.register(dashboardImportRoutes);
  await app.register(calendarRoutes);
  return app;
}
