import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AccountError,
  authenticate,
  changePassword,
  minPasswordLength,
  sessionStamp,
  verifyPassword,
} from '../../services/accounts';
import { publicRoute } from '../public-route';
import { changePasswordPath, loginPath, requireAccount, safeNext } from '../auth';
import { HttpError } from '../plugins/errors';

const wrongLogin = 'Sai tên hoặc mật khẩu.';

/**
 * These forms post `application/x-www-form-urlencoded`; any other body is refused (415) before a parser reads it (a
 * multipart body without its boundary would otherwise fail inside the parser as a 500).
 */
async function formOnly(request: FastifyRequest): Promise<void> {
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
    throw new HttpError(
      415,
      'Biểu mẫu này chỉ nhận dữ liệu gửi từ trang đăng nhập (application/x-www-form-urlencoded).',
    );
  }
}

function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

async function loginPage(
  reply: FastifyReply,
  data: { next: string; name?: string; error?: string },
  status = 200,
): Promise<FastifyReply> {
  const csrf = await reply.generateCsrf();
  reply.header('cache-control', 'no-store');
  return reply.page(
    'login',
    { title: 'Đăng nhập', csrf, name: data.name ?? '', next: data.next, error: data.error },
    status,
  );
}

async function passwordPage(
  request: FastifyRequest,
  reply: FastifyReply,
  error?: string,
  status = 200,
): Promise<FastifyReply> {
  const account = request.account?.name ?? '';
  const user = await request.server.deps.store.getUser(account);
  const csrf = await reply.generateCsrf();
  reply.header('cache-control', 'no-store');
  return reply.page(
    'login-password',
    {
      title: 'Đổi mật khẩu',
      user: request.account,
      account,
      mustChange: user?.mustChangePassword ?? false,
      minLength: minPasswordLength,
      csrf,
      error,
    },
    status,
  );
}

/**
 * The login page (`/dang-nhap`, rate-limited per client address like the other public routes), logout
 * (`/dang-xuat`) and choosing one's own password (`/doi-mat-khau`, forced after a one-time password).
 */
export async function loginRoutes(app: FastifyInstance): Promise<void> {
  app.get(loginPath, { config: publicRoute(app) }, async (request, reply) => {
    const next = safeNext((request.query as Record<string, unknown>)?.next);
    if (request.account) return reply.code(303).redirect(next, 303);
    return loginPage(reply, { next });
  });

  app.post(loginPath, { config: publicRoute(app), onRequest: formOnly }, async (request, reply) => {
    const next = safeNext(field(request.body, 'next'));
    const name = field(request.body, 'name').slice(0, 200);
    const account = await authenticate(app.deps.store, name, field(request.body, 'password'));
    if (!account) return loginPage(reply, { next, name, error: wrongLogin }, 401);
    // A new session (nothing of the anonymous one is kept, not even its CSRF secret).
    request.session.regenerate();
    request.session.set('login', { name: account.name, stamp: account.stamp });
    request.log.info({ account: account.name }, 'login');
    return reply.code(303).redirect(account.mustChangePassword ? changePasswordPath : next, 303);
  });

  app.post('/dang-xuat', { onRequest: formOnly }, async (request, reply) => {
    request.session.delete();
    return reply.code(303).redirect(loginPath, 303);
  });

  app.get(changePasswordPath, { preHandler: requireAccount() }, async (request, reply) => passwordPage(request, reply));

  app.post(
    changePasswordPath,
    { onRequest: formOnly, preHandler: requireAccount(), config: publicRoute(app) },
    async (request, reply) => {
      const account = request.account!;
      if (account.via !== 'session') return passwordPage(request, reply, 'Chỉ đổi được mật khẩu khi đăng nhập.', 403);
      const user = await app.deps.store.getUser(account.name);
      if (!user || !(await verifyPassword(field(request.body, 'current'), user.passwordHash))) {
        return passwordPage(request, reply, 'Mật khẩu hiện tại không đúng.', 400);
      }
      const password = field(request.body, 'password');
      if (password !== field(request.body, 'confirm')) {
        return passwordPage(request, reply, 'Hai lần nhập mật khẩu mới không giống nhau.', 400);
      }
      if (password === field(request.body, 'current')) {
        return passwordPage(request, reply, 'Mật khẩu mới phải khác mật khẩu hiện tại.', 400);
      }
      try {
        await changePassword(app.deps.store, account.name, password);
      } catch (err) {
        if (err instanceof AccountError) return passwordPage(request, reply, `${capitalize(err.message)}.`, 400);
        throw err;
      }
      // The password's stamp changed: this session goes on under the new one, every other one has ended.
      const changed = await app.deps.store.getUser(account.name);
      request.session.regenerate();
      if (changed) request.session.set('login', { name: changed.name, stamp: sessionStamp(changed.passwordHash) });
      return reply.code(303).redirect('/', 303);
    },
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
