import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { createLinkSigner, LinkError } from '../../src/access/links';
import { loadServerSecret } from '../../src/access/secret';
import { maskTokens } from '../../src/web/app';
import { startWebRig, type WebRig } from './support';

const target = {
  planId: 'dak-nong-ttdn-2025',
  subject: { type: 'task' as const, taskId: '1' },
  occurrenceId: '2025-six-month',
  agency: 'Sở Nội vụ',
};

describe('the server secret', () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'dondoc-secret-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('is generated once into DONDOC_HOME with mode 0600 and read back the same', async () => {
    const first = await loadServerSecret({ DONDOC_HOME: home });
    const file = join(home, 'secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(await loadServerSecret({ DONDOC_HOME: home })).equals(Buffer.from(first))).toBe(true);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, 'utf8')).not.toContain(' ');
  });

  it('comes from DONDOC_SECRET when set, and a short one is refused', async () => {
    const key = await loadServerSecret({ DONDOC_HOME: home, DONDOC_SECRET: 'x'.repeat(40) });
    expect(Buffer.from(key).toString()).toBe('x'.repeat(40));
    await expect(loadServerSecret({ DONDOC_HOME: home, DONDOC_SECRET: 'short' })).rejects.toThrow(/quá ngắn/);
  });
});

describe('signed links', () => {
  const signer = createLinkSigner(new Uint8Array(Buffer.alloc(32, 1)));
  const other = createLinkSigner(new Uint8Array(Buffer.alloc(32, 2)));
  const future = new Date(Date.now() + 86_400_000);

  it('round-trip the target they bind', async () => {
    const token = await signer.submissionToken(target, future);
    await expect(signer.verifySubmission(token)).resolves.toMatchObject(target);
  });

  it.each([
    ['tampered', async (t: string) => t.slice(0, -3) + (t.endsWith('AAA') ? 'BBB' : 'AAA')],
    ['malformed', async (t: string) => t.slice(0, 40)],
    ['tampered', async () => other.submissionToken(target, future)],
    ['expired', async () => signer.submissionToken(target, new Date(Date.now() - 1000))],
    ['wrong-purpose', async () => signer.calendarToken(target.agency)],
  ])('refuse a %s token', async (refusal, make) => {
    const token = await make(await signer.submissionToken(target, future));
    await expect(signer.verifySubmission(token)).rejects.toEqual(new LinkError(refusal as never));
  });

  it('are masked in logged URLs', async () => {
    const token = await signer.submissionToken(target, future);
    expect(maskTokens(`/bao-cao/${token}?x=1`)).toBe('/bao-cao/***?x=1');
  });
});

describe('the web app', () => {
  let rig: WebRig;
  beforeAll(async () => (rig = await startWebRig()));
  afterAll(() => rig.close());

  it('answers /healthz 200 when Temporal and the database answer', async () => {
    const r = await rig.app.inject({ method: 'GET', url: '/healthz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok', temporal: 'ok', database: 'ok' });
  });

  it('answers an unknown page with a Vietnamese page for browsers and problem+json for machines', async () => {
    const page = await rig.app.inject({ method: 'GET', url: '/khong-co', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('Không tìm thấy');
    const api = await rig.app.inject({ method: 'GET', url: '/api/khong-co' });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(api.json()).toMatchObject({ status: 404, title: 'Không tìm thấy' });
  });

  it('refuses a form post without a CSRF token (403) before any handler runs', async () => {
    const r = await rig.app.inject({
      method: 'POST',
      url: '/khong-co',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'text=x',
    });
    expect(r.statusCode).toBe(403);
    expect(r.body).toContain('CSRF');
  });

  it('answers a malformed multipart body with 400, not a server error', async () => {
    const r = await rig.app.inject({
      method: 'POST',
      url: '/bao-cao/aaaaaaaaaaaa.bbbbbbbbbbbbb.cccccccccccc',
      headers: { accept: 'text/html', 'content-type': 'multipart/form-data' },
      payload: 'abc',
    });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('multipart/form-data');
  });

  it('sends security headers and serves the stylesheet', async () => {
    const r = await rig.app.inject({ method: 'GET', url: '/assets/site.css' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves an OpenAPI 3.1 document', async () => {
    const r = await rig.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(r.statusCode).toBe(200);
    expect(r.json().openapi).toBe('3.1.0');
  });
});

describe('/healthz when a dependency is down', () => {
  it('answers 503 and names it when the database does not answer', async () => {
    const rig = await startWebRig();
    try {
      await rig.store.close();
      const r = await rig.app.inject({ method: 'GET', url: '/healthz' });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toEqual({ status: 'unavailable', temporal: 'ok', database: 'unavailable' });
    } finally {
      await rig.close();
    }
  });

  it('answers 503 when Temporal does not answer', async () => {
    // A client whose every call fails as an unreachable server's does.
    const unreachable = {
      connection: { withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn() },
      workflowService: { getSystemInfo: () => Promise.reject(new Error('14 UNAVAILABLE: No connection established')) },
    } as unknown as Client;
    const rig = await startWebRig({ temporal: unreachable });
    try {
      const r = await rig.app.inject({ method: 'GET', url: '/healthz' });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({ temporal: 'unavailable', database: 'ok' });
    } finally {
      await rig.close();
    }
  });
});
