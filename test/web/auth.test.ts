import type { LightMyRequestResponse } from 'fastify';
import { addUser, createToken, revokeToken } from '../../src/services/accounts';
import { startWebRig, type WebRig } from './support';

/** A browser's cookie jar for `app.inject`: keeps `dondoc_session` across requests. */
class Browser {
  private cookie = '';
  constructor(private readonly rig: WebRig) {}

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<LightMyRequestResponse> {
    const r = await this.rig.app.inject({
      method,
      url,
      headers: {
        accept: 'text/html',
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      payload: form ? new URLSearchParams(form).toString() : undefined,
    });
    // The raw header: the session value is URL-encoded there, as the browser sends it back.
    const headers = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
    const set = headers.map((h) => h.split(';')[0]).find((pair) => pair.startsWith('dondoc_session='));
    if (set !== undefined) this.cookie = set === 'dondoc_session=' ? '' : set;
    return r;
  }

  /** The CSRF token of the form on `url`. */
  async csrf(url: string): Promise<string> {
    const page = await this.request('GET', url);
    const match = /name="_csrf" value="([^"]+)"/.exec(page.body);
    if (!match) throw new Error(`no CSRF token on ${url}: ${page.statusCode}`);
    return match[1];
  }

  async login(name: string, password: string, next = '/'): Promise<LightMyRequestResponse> {
    const _csrf = await this.csrf(`/dang-nhap?next=${encodeURIComponent(next)}`);
    return this.request('POST', '/dang-nhap', { _csrf, name, password, next });
  }
}

const officerPassword = 'mật-khẩu-cán-bộ-1';
const adminPassword = 'mật-khẩu-quản-trị-1';

describe('accounts on the web', () => {
  let rig: WebRig;
  beforeAll(async () => {
    rig = await startWebRig({ publicRateLimit: 1000 });
    // Routes added by this test: one an officer may read, one admin action, one nobody put on the allow-list.
    rig.app.get('/thu-nghiem/trang', async (request) => ({ account: request.account }));
    rig.app.post('/thu-nghiem/trang', async (request) => ({ account: request.account }));
    rig.app.get('/api/thu-nghiem', async (request) => ({ account: request.account }));
    const { requireAccount } = await import('../../src/web/auth');
    rig.app.post('/api/thu-nghiem/hanh-dong', { preHandler: requireAccount('admin') }, async (request) => ({
      done: request.account?.name,
    }));
    await addUser(rig.store, { name: 'Nguyễn Văn A', role: 'officer', password: officerPassword });
    await addUser(rig.store, { name: 'quantri', role: 'admin', password: adminPassword });
  }, 60_000);
  afterAll(() => rig?.close());

  it('sends a page without a session to the login page, keeping where it was going', async () => {
    const r = await new Browser(rig).request('GET', '/thu-nghiem/trang?x=1');
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/dang-nhap?next=%2Fthu-nghiem%2Ftrang%3Fx%3D1');
  });

  it('fails closed: a route nobody guarded and nobody listed as public is refused without an account', async () => {
    const page = await new Browser(rig).request('POST', '/thu-nghiem/trang', { a: '1' });
    expect(page.statusCode).toBe(401);
    expect(page.body).toContain('đăng nhập');
    const get = await new Browser(rig).request('GET', '/thu-nghiem/trang');
    expect(get.statusCode).toBe(303);
    const api = await rig.app.inject({ method: 'GET', url: '/api/thu-nghiem' });
    expect(api.statusCode).toBe(401);
  });

  it('logs in with the right password, rotates the session and records the login; logs out', async () => {
    const browser = new Browser(rig);
    const before = await browser.csrf('/dang-nhap');
    const anonymousCookie = (browser as unknown as { cookie: string }).cookie;
    const r = await browser.request('POST', '/dang-nhap', {
      _csrf: before,
      name: 'Nguyễn Văn A',
      password: officerPassword,
      next: '/thu-nghiem/trang',
    });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/thu-nghiem/trang');
    const setCookie = String(r.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect((browser as unknown as { cookie: string }).cookie).not.toBe(anonymousCookie);
    const page = await browser.request('GET', '/thu-nghiem/trang');
    expect(page.statusCode).toBe(200);
    expect(page.json()).toEqual({ account: { name: 'Nguyễn Văn A', role: 'officer', via: 'session' } });
    expect((await rig.store.getUser('Nguyễn Văn A'))?.lastLoginAt).toBeDefined();
    // The anonymous session's CSRF token does not carry over into the logged-in session.
    const stale = await browser.request('POST', '/dang-xuat', { _csrf: before });
    expect(stale.statusCode).toBe(403);

    const out = await browser.request('POST', '/dang-xuat', { _csrf: await browser.csrf('/doi-mat-khau') });
    expect(out.statusCode).toBe(303);
    expect((await browser.request('GET', '/thu-nghiem/trang')).statusCode).toBe(303);
  });

  it('answers a wrong password and an unknown name with the same generic message, and records nothing', async () => {
    for (const [name, password] of [
      ['quantri', 'không-phải-mật-khẩu'],
      ['không-có-ai', 'không-phải-mật-khẩu'],
      ['quantri', ''],
    ]) {
      const browser = new Browser(rig);
      const r = await browser.login(name, password);
      expect(r.statusCode).toBe(401);
      expect(r.body).toContain('Sai tên hoặc mật khẩu.');
      expect(r.body).toContain(`value="${name}"`);
      expect((await browser.request('GET', '/thu-nghiem/trang')).statusCode).toBe(303);
    }
    expect((await rig.store.getUser('quantri'))?.lastLoginAt).toBeUndefined();
  });

  it('refuses a login without the form’s CSRF token', async () => {
    const browser = new Browser(rig);
    await browser.csrf('/dang-nhap');
    const r = await browser.request('POST', '/dang-nhap', { name: 'quantri', password: adminPassword });
    expect(r.statusCode).toBe(403);
    expect(r.body).toContain('CSRF');
    expect((await rig.store.getUser('quantri'))?.lastLoginAt).toBeUndefined();
  });

  it('refuses a login posted as anything but a form (415), e.g. multipart without its boundary', async () => {
    for (const contentType of ['multipart/form-data', 'application/json', 'text/plain']) {
      const r = await rig.app.inject({
        method: 'POST',
        url: '/dang-nhap',
        headers: { accept: 'text/html', 'content-type': contentType },
        payload: 'name=quantri',
      });
      expect([contentType, r.statusCode]).toEqual([contentType, 415]);
    }
  });

  it('never sends a login to another site', async () => {
    const r = await new Browser(rig).login('Nguyễn Văn A', officerPassword, '//evil.example/x');
    expect(r.headers.location).toBe('/');
  });

  it('ends the sessions of an account whose password changed or that was removed', async () => {
    const browser = new Browser(rig);
    await addUser(rig.store, { name: 'tạm thời', role: 'officer', password: 'mật-khẩu-tạm-thời' });
    expect((await browser.login('tạm thời', 'mật-khẩu-tạm-thời')).statusCode).toBe(303);
    expect((await browser.request('GET', '/thu-nghiem/trang')).statusCode).toBe(200);
    await rig.store.deleteUser('tạm thời');
    expect((await browser.request('GET', '/thu-nghiem/trang')).statusCode).toBe(303);
  });

  it('makes an account with a one-time password choose its own before any page', async () => {
    const { password } = await addUser(rig.store, { name: 'mới', role: 'admin' });
    const browser = new Browser(rig);
    const r = await browser.login('mới', password as string, '/thu-nghiem/trang');
    expect(r.headers.location).toBe('/doi-mat-khau');
    expect((await browser.request('GET', '/thu-nghiem/trang')).headers.location).toBe('/doi-mat-khau');
    const _csrf = await browser.csrf('/doi-mat-khau');
    const short = await browser.request('POST', '/doi-mat-khau', {
      _csrf,
      current: password as string,
      password: 'ngắn',
      confirm: 'ngắn',
    });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('quá ngắn');
    const done = await browser.request('POST', '/doi-mat-khau', {
      _csrf: await browser.csrf('/doi-mat-khau'),
      current: password as string,
      password: 'mật-khẩu-của-riêng-tôi',
      confirm: 'mật-khẩu-của-riêng-tôi',
    });
    expect(done.statusCode).toBe(303);
    expect((await browser.request('GET', '/thu-nghiem/trang')).statusCode).toBe(200);
    expect((await rig.store.getUser('mới'))?.mustChangePassword).toBe(false);
  });

  describe('API tokens', () => {
    it('answers 401 problem+json without a token, with a malformed one and with an unknown one', async () => {
      for (const authorization of [undefined, 'Bearer', 'Basic abc', 'Bearer dondoc_khong-co-that']) {
        const r = await rig.app.inject({
          method: 'GET',
          url: '/api/thu-nghiem',
          headers: authorization ? { authorization } : {},
        });
        expect(r.statusCode).toBe(401);
        expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(r.json()).toMatchObject({ status: 401, title: 'Cần đăng nhập' });
        expect(r.body).not.toMatch(/at .*\.ts/);
      }
    });

    it('does not accept a session cookie on the API (it has no CSRF check)', async () => {
      const browser = new Browser(rig);
      await browser.login('quantri', adminPassword);
      const cookie = (browser as unknown as { cookie: string }).cookie;
      const r = await rig.app.inject({ method: 'POST', url: '/api/thu-nghiem/hanh-dong', headers: { cookie } });
      expect(r.statusCode).toBe(401);
    });

    it('lets an officer token read, refuses it an admin action (403), lets an admin token act', async () => {
      const officer = await createToken(rig.store, { name: 'bảng tin', role: 'officer', createdBy: 'quantri' });
      const admin = await createToken(rig.store, { name: 'máy quản trị', role: 'admin', createdBy: 'quantri' });
      const read = await rig.app.inject({
        method: 'GET',
        url: '/api/thu-nghiem',
        headers: { authorization: `Bearer ${officer.token}` },
      });
      expect(read.json()).toEqual({ account: { name: 'bảng tin', role: 'officer', via: 'token' } });
      const refused = await rig.app.inject({
        method: 'POST',
        url: '/api/thu-nghiem/hanh-dong',
        headers: { authorization: `Bearer ${officer.token}` },
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.json().detail).toMatch(/quản trị/);
      const done = await rig.app.inject({
        method: 'POST',
        url: '/api/thu-nghiem/hanh-dong',
        headers: { authorization: `Bearer ${admin.token}` },
      });
      expect(done.json()).toEqual({ done: 'máy quản trị' });
      const [record] = (await rig.store.listApiTokens()).filter((t) => t.id === officer.record.id);
      expect(record.lastUsedAt).toBeDefined();
    });

    it('refuses a revoked token (401)', async () => {
      const { token, record } = await createToken(rig.store, { name: 'cũ', role: 'admin', createdBy: 'quantri' });
      const headers = { authorization: `Bearer ${token}` };
      expect((await rig.app.inject({ method: 'GET', url: '/api/thu-nghiem', headers })).statusCode).toBe(200);
      await revokeToken(rig.store, record.id);
      expect((await rig.app.inject({ method: 'GET', url: '/api/thu-nghiem', headers })).statusCode).toBe(401);
    });

    it('keeps only the token’s hash', async () => {
      const { token } = await createToken(rig.store, { name: 'băm', role: 'officer', createdBy: 'quantri' });
      const rows = JSON.stringify(await rig.store.listApiTokens());
      expect(rows).not.toContain(token);
      expect(rows).not.toContain(token.slice(7, 30));
    });
  });
});

describe('the session cookie behind https', () => {
  it('is Secure when DONDOC_PUBLIC_URL is https', async () => {
    const rig = await startWebRig({ publicUrl: 'https://dondoc.example.gov.vn' });
    try {
      await addUser(rig.store, { name: 'quantri', role: 'admin', password: adminPassword });
      const r = await new Browser(rig).login('quantri', adminPassword);
      expect(r.statusCode).toBe(303);
      expect(String(r.headers['set-cookie'])).toMatch(/dondoc_session=[^;]+;.*Secure/i);
    } finally {
      await rig.close();
    }
  }, 60_000);
});

describe('the login page under attack', () => {
  it('is rate-limited per client address (429), and the refused attempts record nothing', async () => {
    const rig = await startWebRig({ publicRateLimit: 3 });
    try {
      await addUser(rig.store, { name: 'quantri', role: 'admin', password: adminPassword });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await rig.app.inject({
          method: 'POST',
          url: '/dang-nhap',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ name: 'quantri', password: adminPassword }).toString(),
        });
        statuses.push(r.statusCode);
      }
      expect(statuses.slice(0, 3)).toEqual([403, 403, 403]);
      expect(statuses.slice(3)).toEqual([429, 429]);
      expect((await rig.store.getUser('quantri'))?.lastLoginAt).toBeUndefined();
    } finally {
      await rig.close();
    }
  }, 60_000);
});
