import type { LightMyRequestResponse } from 'fastify';
import { startDashboardRig, admin, officer, type DashboardRig } from '../browser/support/dashboard-fixture';
import { planStatus } from '../../src/services/plan-status';

/** A browser's cookie jar for `app.inject`. */
class Session {
  private cookie = '';
  constructor(private readonly rig: DashboardRig) {}

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
    const set = ([] as string[])
      .concat(r.headers['set-cookie'] ?? [])
      .map((h) => h.split(';')[0])
      .find((pair) => pair.startsWith('dondoc_session='));
    if (set !== undefined) this.cookie = set === 'dondoc_session=' ? '' : set;
    return r;
  }

  async csrf(url: string): Promise<string> {
    const page = await this.request('GET', url);
    const match = /name="_csrf" value="([^"]+)"/.exec(page.body);
    if (!match) throw new Error(`no CSRF token on ${url}: ${page.statusCode}`);
    return match[1];
  }

  async login(name: string, password: string): Promise<void> {
    const _csrf = await this.csrf('/dang-nhap');
    const r = await this.request('POST', '/dang-nhap', { _csrf, name, password, next: '/' });
    if (r.statusCode !== 303) throw new Error(`login failed: ${r.statusCode}`);
  }
}

describe('the dashboard pages', () => {
  let rig: DashboardRig;
  let officerSession: Session;
  let adminSession: Session;
  beforeAll(async () => {
    rig = await startDashboardRig('dashboard');
    officerSession = new Session(rig);
    adminSession = new Session(rig);
    await officerSession.login(officer.name, officer.password);
    await adminSession.login(admin.name, admin.password);
  }, 180_000);
  afterAll(() => rig?.stop());

  it('shows every plan with counts by status on Tổng quan', async () => {
    const r = await officerSession.request('GET', '/');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('Kế hoạch thử nghiệm bảng điều khiển');
    expect(r.body).toContain('Hạn trong 14 ngày tới');
    expect(r.body).toContain(officer.name);
    expect(r.body).toContain('Đăng xuất');
  });

  it('classifies the plan’s tasks with the statuses officers use', async () => {
    const status = await planStatus(rig.deps, rig.plans.planId);
    const byTask = Object.fromEntries(status.rows.map((r) => [r.key, r.status]));
    expect(byTask).toEqual({
      'nv-1': 'overdue',
      'nv-2': 'on-time',
      'nv-3': 'due-soon',
      'nv-4': 'late',
      'nv-5': 'not-followed',
    });
  });
});
