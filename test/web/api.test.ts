import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { openStore } from '../../src/activities/storage';
import { reportSubmitCommand } from '../../src/cli/report';
import { startCommand } from '../../src/cli/start';
import { createToken } from '../../src/services/accounts';
import { querySubject } from '../../src/services/subject-updates';
import { subjectWorkflowId } from '../../src/workflows/contract';
import { startOperatorRig, type OperatorRig } from '../cli/support/operator-rig';
import { writeTestPlans, type TestPlans } from '../support/plan-fixture';
import { eventually } from '../support/temporal';
import { startWebRig, type WebRig } from './support';

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

describe('the JSON API against running task workflows', () => {
  let operator: OperatorRig;
  let web: WebRig;
  let plans: TestPlans;
  let admin: string;
  let officer: string;
  let root: string;

  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const task = (id: string) => subjectWorkflowId(plans.planId, { type: 'task', taskId: id });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dondoc-api-'));
    plans = writeTestPlans(root);
    const dbFile = join(root, 'dondoc.db');
    operator = await startOperatorRig({
      name: 'api',
      root,
      plansDir: plans.dir,
      storeEnv: { DATABASE_URL: '', DATABASE_SCHEMA: '', DONDOC_DB: dbFile },
      openStore: () => openStore({ sqlitePath: dbFile }),
    });
    await startCommand([], { env: operator.env, taskQueue: operator.taskQueue });
    for (const id of ['1', '2', '3']) {
      await eventually(async () => (await querySubject(operator.client, task(id))).current);
    }
    web = await startWebRig({ store: operator.store }, plans.dir);
    admin = (await createToken(operator.store, { name: 'Nguyễn Văn Quản', role: 'admin', createdBy: 'test' })).token;
    officer = (await createToken(operator.store, { name: 'Cán bộ Xem', role: 'officer', createdBy: 'test' })).token;
  }, 180_000);

  afterAll(async () => {
    await web?.close();
    await operator?.stop();
  });

  it('lists plans and one plan with its tasks', async () => {
    const list = await web.app.inject({ method: 'GET', url: '/api/plans', headers: as(officer) });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([expect.objectContaining({ id: plans.planId, tasks: 3, deliverables: 0 })]);
    const one = await web.app.inject({ method: 'GET', url: `/api/plans/${plans.planId}`, headers: as(officer) });
    expect(one.json().subjects.map((s: { key: string }) => s.key)).toEqual(['nv-1', 'nv-2', 'nv-3']);
  });

  it('answers one subject with the shape of dondoc status --json', async () => {
    const r = await web.app.inject({
      method: 'GET',
      url: `/api/plans/${plans.planId}/subjects/nv-2`,
      headers: as(officer),
    });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({
      workflowId: task('2'),
      planId: plans.planId,
      subject: { type: 'task', taskId: '2' },
      title: 'Nhiệm vụ 2: Bố trí kinh phí',
      execution: 'RUNNING',
      status: 'active',
    });
    expect(body.view.current.owing).toEqual(['Sở Tài chính']);
  });

  it('refuses malformed bodies and parameters with 400 problem+json, and the workflow records nothing', async () => {
    const before = await querySubject(operator.client, task('1'));
    const cases: { url: string; payload?: unknown; contentType?: string }[] = [
      { url: `/api/plans/${plans.planId}/subjects/nv-1/extend`, payload: { to: '30/05/2025', reason: 'x' } },
      { url: `/api/plans/${plans.planId}/subjects/nv-1/extend`, payload: { to: isoDay(50) } },
      { url: `/api/plans/${plans.planId}/subjects/nv-1/extend`, payload: { to: isoDay(50), reason: 'x', by: 'Ai đó' } },
      { url: `/api/plans/${plans.planId}/subjects/nv-1/recipients`, payload: { agency: 'Sở Tài chính', emails: [] } },
      { url: `/api/plans/${plans.planId}/subjects/nv-1/pause`, payload: '{"reason":', contentType: 'application/json' },
      { url: `/api/plans/${plans.planId}/subjects/khong-phai-ma/pause`, payload: { reason: 'x' } },
      { url: `/api/plans/KHÔNG HỢP LỆ/subjects/nv-1/pause`, payload: { reason: 'x' } },
    ];
    for (const c of cases) {
      const r = await web.app.inject({
        method: 'POST',
        url: encodeURI(c.url),
        headers: { ...as(admin), 'content-type': c.contentType ?? 'application/json' },
        payload: typeof c.payload === 'string' ? c.payload : JSON.stringify(c.payload),
      });
      expect([c.url, r.statusCode]).toEqual([c.url, 400]);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.json()).toMatchObject({ status: 400, title: 'Yêu cầu không hợp lệ', detail: expect.any(String) });
      expect(r.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
    // Found by schemathesis: a multipart body without its boundary was a 500.
    for (const contentType of ['multipart/form-data', 'application/x-www-form-urlencoded', 'text/plain']) {
      const r = await web.app.inject({
        method: 'POST',
        url: `/api/plans/${plans.planId}/subjects/nv-1/pause`,
        headers: { ...as(admin), 'content-type': contentType },
        payload: '{"reason": "0"}',
      });
      expect([contentType, r.statusCode]).toEqual([contentType, 415]);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const after = await querySubject(operator.client, task('1'));
    expect(after.current?.extensions).toEqual(before.current?.extensions);
    expect(after.audit).toEqual(before.audit);
  });

  it('answers 404 for an unknown plan or task and 422 with the workflow’s reason when it refuses', async () => {
    const unknown = await web.app.inject({
      method: 'GET',
      url: '/api/plans/khong-co/subjects/nv-1',
      headers: as(officer),
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail).toContain('Không có kế hoạch "khong-co"');
    const noTask = await web.app.inject({
      method: 'GET',
      url: `/api/plans/${plans.planId}/subjects/nv-9`,
      headers: as(officer),
    });
    expect(noTask.statusCode).toBe(404);
    const refused = await web.app.inject({
      method: 'POST',
      url: `/api/plans/${plans.planId}/subjects/nv-3/extend`,
      headers: as(admin),
      payload: { to: isoDay(1), reason: 'Sớm hơn' },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json().detail).toContain('phải sau hạn hiện tại');
  });

  it('refuses an officer’s token on an admin action (403) and changes nothing', async () => {
    const before = await querySubject(operator.client, task('2'));
    const r = await web.app.inject({
      method: 'POST',
      url: `/api/plans/${plans.planId}/subjects/nv-2/extend`,
      headers: as(officer),
      payload: { to: isoDay(45), reason: 'Không được phép' },
    });
    expect(r.statusCode).toBe(403);
    expect((await querySubject(operator.client, task('2'))).current?.extensions).toEqual(before.current?.extensions);
  });

  it('lets an admin extend through the API; the workflow shows it granted by the token’s account', async () => {
    const before = await querySubject(operator.client, task('2'));
    const r = await web.app.inject({
      method: 'POST',
      url: `/api/plans/${plans.planId}/subjects/nv-2/extend`,
      headers: as(admin),
      payload: { to: isoDay(40), reason: 'Chờ số liệu quyết toán' },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ workflowId: task('2'), due: { nominal: isoDay(40) } });
    const after = await querySubject(operator.client, task('2'));
    expect(after.current?.due.lead.nominal).toBe(isoDay(40));
    expect(after.current?.extensions).toEqual([
      expect.objectContaining({
        grantedBy: 'Nguyễn Văn Quản',
        reason: 'Chờ số liệu quyết toán',
        from: before.current?.due.lead,
      }),
    ]);
    const status = await web.app.inject({
      method: 'GET',
      url: `/api/plans/${plans.planId}/status`,
      headers: as(officer),
    });
    const entry = status.json().find((e: { workflowId: string }) => e.workflowId === task('2'));
    expect(entry?.view.current.extensions[0].grantedBy).toBe('Nguyễn Văn Quản');
  });

  it('lists what an agency owes across plans and the periods of a task', async () => {
    const owes = await eventually(async () => {
      const r = await web.app.inject({
        method: 'GET',
        url: `/api/agencies/${encodeURIComponent('Sở Nội vụ')}`,
        headers: as(officer),
      });
      const body = r.json();
      return body.debts?.some((d: { planId: string }) => d.planId === plans.planId) ? body : undefined;
    });
    expect(owes.agencies).toEqual(['Sở Nội vụ']);
    expect(owes.debts.find((d: { planId: string }) => d.planId === plans.planId)).toMatchObject({
      subject: { type: 'task', taskId: '3' },
      role: 'lead',
      overdue: false,
    });
    const occurrences = await web.app.inject({
      method: 'GET',
      url: `/api/plans/${plans.planId}/subjects/nv-1/occurrences`,
      headers: as(officer),
    });
    expect(occurrences.statusCode).toBe(200);
    expect(occurrences.json()[0]).toMatchObject({ phase: 'open', owing: expect.any(Array) });
  });

  it('lists a plan’s reports, answers one, and serves its attachment (only through its report)', async () => {
    const file = join(root, 'Bảng số liệu.txt');
    writeFileSync(file, 'Số liệu quý\n');
    const receipt = await reportSubmitCommand(
      { plan: plans.planId, task: '1', agency: 'Sở Tài chính', text: 'Ý kiến phối hợp', attach: [file] },
      operator.env,
    );
    const list = await web.app.inject({
      method: 'GET',
      url: `/api/plans/${plans.planId}/reports?subject=nv-1`,
      headers: as(officer),
    });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([
      expect.objectContaining({ reportId: receipt.reportId, agency: 'Sở Tài chính', text: 'Ý kiến phối hợp' }),
    ]);
    const one = await web.app.inject({ method: 'GET', url: `/api/reports/${receipt.reportId}`, headers: as(officer) });
    const [attachment] = one.json().attachments;
    expect(attachment.filename).toBe('Bảng số liệu.txt');
    const download = await web.app.inject({
      method: 'GET',
      url: `/api/reports/${receipt.reportId}/attachments/${attachment.sha256}`,
      headers: as(officer),
    });
    expect(download.statusCode).toBe(200);
    expect(download.body).toBe('Số liệu quý\n');
    expect(download.headers['content-disposition']).toContain("filename*=UTF-8''B%E1%BA%A3ng");
    const elsewhere = await web.app.inject({
      method: 'GET',
      url: `/api/reports/r-0/attachments/${attachment.sha256}`,
      headers: as(officer),
    });
    expect(elsewhere.statusCode).toBe(404);
  });

  it('lists summary periods; compiling one is for admins', async () => {
    const list = await web.app.inject({
      method: 'GET',
      url: `/api/plans/${plans.planId}/summaries`,
      headers: as(officer),
    });
    expect(list.statusCode).toBe(200);
    expect(Array.isArray(list.json())).toBe(true);
    const url = `/api/plans/${plans.planId}/summaries/khong-co/compile`;
    expect((await web.app.inject({ method: 'POST', url, headers: as(officer) })).statusCode).toBe(403);
    const unknown = await web.app.inject({ method: 'POST', url, headers: as(admin) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail).toContain('khong-co');
  });

  it('serves an OpenAPI 3.1 document that validates, with bearerAuth on every route', async () => {
    const r = await web.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(r.statusCode).toBe(200);
    const document = r.json();
    expect(document.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
    // The validator does check 3.1 documents: a dangling $ref or a wrong type is refused.
    const broken = structuredClone(document);
    broken.paths['/api/plans'].get.responses['200'].content['application/json'].schema = {
      $ref: '#/components/schemas/Nope',
    };
    await expect(SwaggerParser.validate(broken)).rejects.toThrow();
    await expect(SwaggerParser.validate({ ...structuredClone(document), info: { title: 5 } })).rejects.toThrow();
    const operations = Object.entries(document.paths as Record<string, Record<string, { security?: unknown }>>);
    expect(operations.length).toBeGreaterThanOrEqual(15);
    for (const [path, methods] of operations) {
      expect(path.startsWith('/api/')).toBe(true);
      for (const operation of Object.values(methods)) expect(operation.security).toEqual([{ bearerAuth: [] }]);
    }
  });

  it('answers every documented GET route with a documented status (and 401 without a token)', async () => {
    const document = (await web.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const values: Record<string, string> = {
      planId: plans.planId,
      key: 'nv-1',
      name: 'Sở Tài chính',
      reportId: 'r-0',
      sha256: '0'.repeat(64),
      periodId: 'khong-co',
      format: 'docx',
    };
    for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name]));
      for (const [method, operation] of Object.entries(methods as Record<string, { responses: object }>)) {
        const anonymous = await web.app.inject({ method: method.toUpperCase() as 'GET', url });
        expect([path, anonymous.statusCode]).toEqual([path, 401]);
        if (method !== 'get') continue;
        const r = await web.app.inject({ method: 'GET', url, headers: as(officer) });
        expect([path, Object.keys(operation.responses)]).toEqual([
          path,
          expect.arrayContaining([String(r.statusCode)]),
        ]);
        expect(r.statusCode).toBeLessThan(500);
      }
    }
  });
});
