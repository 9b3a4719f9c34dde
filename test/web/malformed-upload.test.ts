import multipart from '@fastify/multipart';
import Fastify from 'fastify';
import { errorsPlugin } from '../../src/web/plugins/errors';

/** Bodies schemathesis sent to the agency's form (scripts/fuzz-api.sh, public routes) that the parser cannot read. */
const malformed: [string, string, string][] = [
  ['a part without headers', 'multipart/form-data; boundary=abc', '--abc\r\n[]--abc--\r\n'],
  [
    'a body cut before its closing boundary',
    'multipart/form-data; boundary=abc',
    '--abc\r\nContent-Disposition: form-data; name="text"\r\n\r\nx',
  ],
  ['a body without its boundary', 'multipart/form-data; boundary=abc', 'text=x'],
];

describe('an upload the multipart parser cannot read', () => {
  const app = Fastify();
  beforeAll(async () => {
    await app.register(errorsPlugin);
    await app.register(multipart, { attachFieldsToBody: true });
    app.post('/form', async () => ({ ok: true }));
    await app.ready();
  });
  afterAll(() => app.close());

  it.each(malformed)('answers %s with 400 and a Vietnamese message, not a server error', async (_, type, payload) => {
    const res = await app.inject({
      method: 'POST',
      url: '/form',
      headers: { 'content-type': type, accept: 'application/json' },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('không đúng định dạng');
  });
});
