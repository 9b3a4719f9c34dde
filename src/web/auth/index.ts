import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import {
  hasControlCharacters,
  sessionAccount,
  tokenAccount,
  type Account,
  type AccountRole,
  type SessionLogin,
} from '../../services/accounts';
import { sendProblem } from '../plugins/errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking: set from the session (pages) or the bearer token (`/api/` only); undefined for nobody. */
    account?: Account;
  }
}

declare module '@fastify/secure-session' {
  interface SessionData {
    /** The logged-in account (name and password stamp); its role is read from the store on each request. */
    login: SessionLogin;
  }
}

export type { Account, AccountRole } from '../../services/accounts';

/** The login page. */
export const loginPath = '/dang-nhap';
/** Where an account with a one-time password chooses its own. */
export const changePasswordPath = '/doi-mat-khau';

/**
 * The only routes that answer without an account: health checks, the stylesheet, the login page, the agencies'
 * signed-link routes (the link is their credential) and the API's document. Matched against the route's pattern, not
 * the raw URL, so no spelling of a path reaches another route; every other route, present or future, needs an
 * account (a forgotten guard fails closed).
 */
export const publicRoutes: { exact: readonly string[]; prefixes: readonly string[] } = {
  exact: ['/healthz', loginPath, '/api/openapi.json'],
  prefixes: ['/assets/', '/bao-cao/', '/lich/'],
};

/** True when the route pattern `url` is on the allow-list. */
export function isPublicRoute(url: string | undefined): boolean {
  if (url === undefined) return false;
  return publicRoutes.exact.includes(url) || publicRoutes.prefixes.some((p) => url.startsWith(p));
}

function isApi(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

/** A path of this site to come back to after login: only a local absolute path (no `//host`, no `/\host`). */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (hasControlCharacters(next) || next.includes('\\') || next.length > 2000) return '/';
  return next;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Refuses a request without an account: 401 problem+json for the API, otherwise back to the login page. */
function refuseAnonymous(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isApi(request)) {
    return sendProblem(
      request,
      reply,
      401,
      'Cần mã truy cập hợp lệ: gửi "Authorization: Bearer <mã>" (dondoc token create).',
    ).header('www-authenticate', 'Bearer realm="dondoc"');
  }
  if (request.method === 'GET' || request.method === 'HEAD') {
    return reply
      .code(303)
      .header('cache-control', 'no-store')
      .redirect(`${loginPath}?next=${encodeURIComponent(safeNext(request.url))}`, 303);
  }
  return sendProblem(request, reply, 401, 'Phiên đăng nhập đã hết hoặc chưa đăng nhập. Hãy đăng nhập rồi thử lại.');
}

function refuseRole(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(request, reply, 403, 'Tài khoản này chỉ được xem; việc này cần tài khoản quản trị (admin).');
}

/**
 * Decorates `request.account` and refuses, before any handler, every request without one outside the allow-list.
 * Pages read the secure session; the API reads only `Authorization: Bearer` (a cookie must not act on the API, which
 * has no CSRF check). An account with a one-time password is sent to choose its own before any other page.
 */
export const authPlugin = fp(async (app) => {
  app.decorateRequest('account', undefined);
  app.addHook('onRequest', async (request, reply) => {
    if (isApi(request)) {
      const token = bearer(request);
      if (token) request.account = await tokenAccount(app.deps.store, token);
    } else {
      const login = request.session?.get('login');
      if (login && typeof login.name === 'string' && typeof login.stamp === 'string') {
        const account = await sessionAccount(app.deps.store, login);
        if (account) {
          request.account = { name: account.name, role: account.role, via: 'session' };
          const route = request.routeOptions.url;
          if (
            account.mustChangePassword &&
            route !== changePasswordPath &&
            route !== '/dang-xuat' &&
            !isPublicRoute(route) &&
            !request.is404
          ) {
            return reply.code(303).redirect(changePasswordPath, 303);
          }
        } else {
          request.session.delete();
        }
      }
    }
    // An address no route answers is a 404 for everybody: it shows nothing, and says nothing about what exists.
    if (request.account || request.is404 || isPublicRoute(request.routeOptions.url)) return;
    return refuseAnonymous(request, reply);
  });
});

/**
 * A preHandler that lets through an account (of `role` when given: `admin` for actions; an admin may do whatever an
 * officer may): no account → login page or 401, an officer on an admin action → 403.
 */
export function requireAccount(role?: AccountRole): preHandlerAsyncHookHandler {
  return async function guard(request, reply) {
    const account = request.account;
    if (!account) return refuseAnonymous(request, reply);
    if (role === 'admin' && account.role !== 'admin') return refuseRole(request, reply);
  };
}
