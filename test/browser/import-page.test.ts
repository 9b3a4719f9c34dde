import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { openStore } from '../../src/activities/storage';
import { createLinkSigner } from '../../src/access/links';
import { addUser } from '../../src/services/accounts';
import { loadPlanFolder } from '../../src/plan/load';
import { querySubject } from '../../src/services/subject-updates';
import { buildWebApp } from '../../src/web/app';
import { subjectWorkflowId } from '../../src/workflows/contract';
import { startOperatorRig, type OperatorRig } from '../cli/support/operator-rig';
import { planDocx } from '../plan/support/documents-make';
import { eventually } from '../support/temporal';
import { admin } from './support/dashboard-fixture';
import { importFolder, shippedText, type ImportFolder } from './support/import-plans';

const shots = join(__dirname, '..', '..', 'artifacts', 'screenshots', 'import-page');

describe('the import page in a browser', () => {
  let folder: ImportFolder;
  let rig: OperatorRig;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    folder = importFolder('import-browser');
    const sqlitePath = join(folder.root, 'dondoc.db');
    // A worker on the shared dev server reading the same (so far empty) plans folder the page saves into.
    rig = await startOperatorRig({
      name: 'import-browser',
      root: folder.root,
      plansDir: folder.plansDir,
      storeEnv: { DATABASE_URL: '', DATABASE_SCHEMA: '', DONDOC_DB: sqlitePath },
      openStore: () => openStore({ sqlitePath }),
    });
    await addUser(rig.store, { name: admin.name, role: 'admin', password: admin.password });
    const secret = new Uint8Array(Buffer.alloc(32, 5));
    app = await buildWebApp({
      temporal: rig.client,
      namespace: 'default',
      store: rig.store,
      plans: async () => (await loadPlanFolder(folder.plansDir)).plans,
      signer: createLinkSigner(secret),
      secret,
      publicUrl: 'http://127.0.0.1:8080',
      publicRateLimit: 1000,
      imports: { ...folder.settings, taskQueue: rig.taskQueue },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await app?.close();
    // Removes the folder too.
    await rig?.stop();
  });

  async function page(width = 1280): Promise<Page> {
    const c = await browser.newContext({
      viewport: { width, height: width < 500 ? 844 : 900 },
      locale: 'vi-VN',
      // The page must work without JavaScript.
      javaScriptEnabled: false,
    });
    contexts.push(c);
    return c.newPage();
  }

  async function login(p: Page, next: string): Promise<void> {
    await p.goto(`${base}${next}`);
    await p.fill('input[name="name"]', admin.name);
    await p.fill('input[name="password"]', admin.password);
    await Promise.all([
      p.waitForURL((url) => !url.pathname.startsWith('/dang-nhap')),
      p.click('button[type="submit"]'),
    ]);
  }

  const shoot = (p: Page, name: string) => p.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  /** What the screen shows (a full page of thirty fields is too tall to look at). */
  const shootScreen = (p: Page, name: string) => p.screenshot({ path: join(shots, `${name}.png`) });

  test('an admin uploads a .docx, fixes a lead and a timeframe, saves, starts, and the plan runs', async () => {
    const name = folder.unique('ninh-binh', 'docx');
    const planId = name.replace(/\.docx$/, '');
    const file = join(folder.root, name);
    writeFileSync(file, await planDocx(readFileSync(shippedText('ninh-binh-bien-gioi-bien-2022-2030'), 'utf8')));

    const p = await page();
    await login(p, '/nhap-ke-hoach');
    expect(await p.locator('h1').innerText()).toBe('Nhập kế hoạch');
    expect(await p.locator('header nav a[aria-current]').innerText()).toBe('Nhập kế hoạch');
    await shoot(p, 'upload-desktop');
    await p.setInputFiles('input[name="tep"]', file);
    await Promise.all([
      p.waitForURL(/\/nhap-ke-hoach\/[\w-]{22}$/),
      p.click('form.import-upload button[type="submit"]'),
    ]);
    const draftUrl = new URL(p.url()).pathname;
    expect(await p.locator('.import-source').innerText()).toContain('KẾ HOẠCH');
    expect(await p.locator('#f-danh-ba').inputValue()).toBe('ninh-binh.yaml');
    // Task 5 names no lead in the text: the check says so, with its field.
    const check = p.locator('#kiem-tra');
    expect(await check.innerText()).toContain(
      'Nhiệm vụ 5 — Chủ trì tasks[4].lead: nhiệm vụ cần ít nhất một cơ quan chủ trì',
    );
    expect(await p.locator('#luu button').count()).toBe(0);
    // A review item's link leads to its line of the source.
    const link = p.locator('ol.review .where a[href^="#dong-"]').first();
    const anchor = (await link.getAttribute('href'))!;
    await link.click();
    expect(new URL(p.url()).hash).toBe(anchor);
    expect(await p.locator(`${anchor}.flag`).count()).toBe(1);
    await shoot(p, 'draft-desktop');

    await p.selectOption('#f-nv-4-chu-tri', 'Sở Thông tin và Truyền thông');
    await p.fill('#f-nv-0-thoi-gian', 'Quý I/2027');
    await Promise.all([p.waitForURL(/xong=sua/), p.click('form.draft-form > button[type="submit"]')]);
    expect(await p.locator('.alert.good').first().innerText()).toContain('Đã áp dụng');
    expect(await p.locator('#x-nv-0').innerText()).toContain('Quý I/2027: hạn 31/03/2027');
    expect(await check.innerText()).toContain('Bản nháp hợp lệ');
    await shoot(p, 'corrected-desktop');
    await shootScreen(p, 'corrected-desktop-screen');

    await Promise.all([p.waitForURL(/xong=luu/), p.click('#luu button[type="submit"]')]);
    expect(await p.locator('#luu').innerText()).toContain(`${planId}.yaml`);
    const saved = readFileSync(join(folder.plansDir, `${planId}.yaml`), 'utf8');
    expect(saved).toContain('text: Quý I/2027');
    await Promise.all([p.waitForURL(/xong=bat-dau/), p.click('#luu button[type="submit"]')]);
    expect(await p.locator('#luu').innerText()).toContain('Kế hoạch đang được theo dõi (vừa bắt đầu)');
    await shoot(p, 'started-desktop');

    // Its workflows run on the worker: task 1 has its new due date, task 5 its lead.
    const wf = (taskId: string) => subjectWorkflowId(planId, { type: 'task', taskId });
    const task1 = await eventually(async () => {
      const view = await querySubject(rig.client, wf('1')).catch(() => undefined);
      return view?.upcoming.length ? view : undefined;
    }, 60_000);
    // The annual report is open now; the corrected timeframe is the quarter's occurrence, due 31/03/2027.
    expect(task1.upcoming.map((o) => o.leadDue)).toContain('2027-03-31');
    const task5 = await eventually(async () => querySubject(rig.client, wf('5')).catch(() => undefined), 60_000);
    expect(task5.lead).toEqual(['Sở Thông tin và Truyền thông']);

    // Tổng quan lists it.
    await p.click('header nav a:text("Tổng quan")');
    const card = p.locator('.plan-card', { hasText: 'Ninh Bình' }).first();
    expect(await card.innerText()).toContain('5 nhiệm vụ');
    await shoot(p, 'overview-desktop');
    await p.click(`.plan-card a[href="/ke-hoach/${planId}"] >> nth=0`);
    expect(new URL(p.url()).pathname).toBe(`/ke-hoach/${planId}`);

    // The draft page on a phone.
    const phone = await page(390);
    await login(phone, draftUrl);
    await shoot(phone, 'draft-phone');
    await shootScreen(phone, 'draft-phone-top');
    await phone.goto(`${base}${draftUrl}#nv-4`);
    await shootScreen(phone, 'draft-phone-task');
    await phone.goto(`${base}${draftUrl}#kiem-tra`);
    await shootScreen(phone, 'draft-phone-check');
    const width = await phone.evaluate(() => document.documentElement.scrollWidth).catch(() => undefined);
    if (width !== undefined) expect(width).toBeLessThanOrEqual(390);
  }, 180_000);
});
