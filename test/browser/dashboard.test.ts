import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { formatStatus, statusCommand } from '../../src/cli/status';
import { querySubject } from '../../src/services/subject-updates';
import { subjectWorkflowId } from '../../src/workflows/contract';
import { eventually } from '../support/temporal';
import { admin, isoDay, officer, startDashboardRig, type DashboardRig } from './support/dashboard-fixture';

const shots = join(__dirname, '..', '..', 'artifacts', 'screenshots', 'dashboard');

/** Headless Debian chromium, as every browser test here. */
function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

describe('the dashboard in a browser', () => {
  let rig: DashboardRig;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    rig = await startDashboardRig('dashboard-browser');
    await rig.app.listen({ host: '127.0.0.1', port: 0 });
    const address = rig.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launch();
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await rig?.stop();
  });

  async function context(width = 1280): Promise<BrowserContext> {
    const c = await browser.newContext({
      viewport: { width, height: width < 500 ? 844 : 900 },
      locale: 'vi-VN',
      // Pages must work without JavaScript.
      javaScriptEnabled: false,
    });
    contexts.push(c);
    return c;
  }

  async function login(page: Page, account: { name: string; password: string }, next = '/'): Promise<void> {
    await page.goto(`${base}${next}`);
    await page.waitForURL(/\/dang-nhap/);
    await page.fill('input[name="name"]', account.name);
    await page.fill('input[name="password"]', account.password);
    await Promise.all([
      page.waitForURL((url) => !url.pathname.startsWith('/dang-nhap')),
      page.click('button[type="submit"]'),
    ]);
  }

  async function shoot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  }

  const planUrl = () => `/ke-hoach/${rig.plans.planId}`;
  const taskUrl = (id: string) => `${planUrl()}/nhiem-vu/nv-${id}`;

  test('pages without a session go to the login page', async () => {
    const page = await (await context()).newPage();
    for (const url of ['/', planUrl(), taskUrl('1'), '/co-quan', '/thu']) {
      await page.goto(`${base}${url}`);
      expect(new URL(page.url()).pathname).toBe('/dang-nhap');
      expect(new URL(page.url()).searchParams.get('next')).toBe(url);
    }
    expect(await page.locator('h1').innerText()).toMatch(/Đăng nhập/);
    await shoot(page, 'login-desktop');
  });

  test('an officer logs in and finds the overdue tasks of a plan', async () => {
    const page = await (await context()).newPage();
    await login(page, officer);
    expect(await page.locator('h1').innerText()).toBe('Tổng quan');
    expect(await page.locator('header nav').innerText()).toContain(officer.name);
    await page.click(`a:text("Kế hoạch thử nghiệm bảng điều khiển")`);
    await page.selectOption('select[name="trang-thai"]', 'qua-han');
    await page.click('form.filters button[type="submit"]');
    expect(new URL(page.url()).searchParams.get('trang-thai')).toBe('qua-han');
    const rows = page.locator('table.tasks tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('Tuyên truyền trên báo chí');
    expect(await rows.first().innerText()).toContain('quá hạn chưa hoàn thành');
    await shoot(page, 'plan-overdue-desktop');
    // No admin forms for an officer.
    await page.click('table.tasks a');
    expect(await page.locator('form.action').count()).toBe(0);
    await shoot(page, 'task-officer-desktop');
  });

  test('a non-admin cannot act: a forged POST with a valid CSRF token gets 403 and changes nothing', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await login(page, officer, taskUrl('1'));
    const csrf = await page.locator('form.logout input[name="_csrf"]').getAttribute('value');
    expect(csrf).toBeTruthy();
    const wf = subjectWorkflowId(rig.plans.planId, { type: 'task', taskId: '1' });
    const before = await querySubject(rig.rig.client, wf);
    const r = await ctx.request.post(`${base}${taskUrl('1')}/huy`, {
      form: { _csrf: csrf!, 'ly-do': 'giả mạo' },
      headers: { accept: 'text/html' },
      maxRedirects: 0,
    });
    expect(r.status()).toBe(403);
    expect(await r.text()).toContain('quản trị');
    const after = await querySubject(rig.rig.client, wf);
    expect(after.cancelled).toBeUndefined();
    expect(after.audit).toEqual(before.audit);
  });

  test('an admin extends a due date: the task page, dondoc status and the next reminder all move', async () => {
    const page = await (await context()).newPage();
    await login(page, admin, taskUrl('1'));
    const wf = subjectWorkflowId(rig.plans.planId, { type: 'task', taskId: '1' });
    const before = await querySubject(rig.rig.client, wf);
    const beforeNext = await page.locator('.occurrence .next-step').first().innerText();
    await shoot(page, 'task-admin-desktop');
    const to = isoDay(12);
    const [y, m, d] = to.split('-');
    const dd = `${d}/${m}/${y}`;
    // Officers write dates as dd/mm/yyyy.
    await page.fill('#ext-to', dd);
    await page.fill('#ext-reason', 'Chờ số liệu của các huyện');
    await Promise.all([page.waitForURL(/xong=gia-han/), page.click('form[action$="/gia-han"] button[type="submit"]')]);
    expect(await page.locator('.alert.good').innerText()).toBe('Đã gia hạn.');
    const dues = page.locator('table.dues');
    expect(await dues.innerText()).toContain(dd);
    expect(await page.locator('.occurrence').first().innerText()).toContain(`${admin.name} cho gia hạn`);
    const afterNext = await page.locator('.occurrence .next-step').first().innerText();
    expect(afterNext).not.toBe(beforeNext);
    expect(afterNext).toContain('nhắc hạn');

    const after = await querySubject(rig.rig.client, wf);
    expect(after.current!.due.lead.nominal).toBe(to);
    expect(Date.parse(after.current!.nextStep!.at)).toBeGreaterThan(Date.now());
    expect(after.current!.nextStep!.at).not.toBe(before.current!.nextStep?.at);

    // dondoc status (in-process, the CLI's environment) shows the extension and the new reminder.
    const lines = await eventually(async () => {
      const entries = await statusCommand({ planId: rig.plans.planId }, rig.rig.env);
      const out = formatStatus(entries.filter((e) => e.workflowId === wf));
      return out.some((l) => l.includes('Gia hạn:')) && out;
    });
    const text = lines.join('\n');
    expect(text).toContain(`Gia hạn:`);
    expect(text).toContain(`(${admin.name}: Chờ số liệu của các huyện)`);
    expect(text).toContain(dd);
    expect(text).toMatch(/Nhắc tiếp theo: .*nhắc hạn/);
    await shoot(page, 'task-extended-desktop');
  });

  test('screenshots of every page, on a desktop and a 390-px phone', async () => {
    for (const [width, suffix] of [
      [1280, 'desktop'],
      [390, 'phone'],
    ] as const) {
      const page = await (await context(width)).newPage();
      await login(page, admin);
      const visit = async (url: string, name: string) => {
        const response = await page.goto(`${base}${url}`);
        expect([url, response?.status()]).toEqual([url, 200]);
        await shoot(page, `${name}-${suffix}`);
      };
      await visit('/', 'overview');
      await visit(planUrl(), 'plan');
      await visit(taskUrl('1'), 'task');
      await visit(taskUrl('2'), 'task-reported');
      await visit('/co-quan', 'agencies');
      await visit(`/co-quan/${encodeURIComponent('Sở Tài chính')}`, 'agency');
      await visit(`/tong-hop/${rig.plans.reportingPlanId}`, 'summaries-empty');
      await page.click('form[action$="/lap"] button');
      await page.waitForURL(/xong=/);
      await shoot(page, `summaries-${suffix}`);
      await visit('/thu', 'mail');
      await page.click('table a >> nth=0');
      await shoot(page, `mail-message-${suffix}`);
      // Nothing wider than the screen on a phone, but for tables and charts that scroll in their own box.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(1);
    }
  });
});
