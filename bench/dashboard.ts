/**
 * Dashboard timings: `npx tsx bench/dashboard.ts`. The Kế hoạch page of the Đắk Nông plan (678/KH-UBND: 25 tasks and a
 * deliverable, each a workflow) through `app.inject` with a logged-in session, 100 requests, against one visibility
 * list call of the same plan's workflows (`client.workflow.list` with the `dondoc status --plan` query) in the same
 * run, the two interleaved so a busy moment of the machine weighs on both. The plan's dates are moved one year
 * forward, so its workflows follow live periods (an overdue annual report, notices sent) rather than nothing. A dev
 * server, a worker, a store and a mail capture of its own; everything is removed after. Figures, not assertions.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createLinkSigner } from '../src/access/links';
import { createActivities } from '../src/activities';
import { createMailer } from '../src/activities/email/transport';
import { createPlanCatalog } from '../src/activities/plan-catalog';
import { openStore } from '../src/activities/storage';
import { statusQuery } from '../src/cli/status';
import { startMailCapture } from '../src/mail-capture';
import { loadWorkingCalendar } from '../src/plan/holidays';
import { loadPlanFolder } from '../src/plan/load';
import { addUser } from '../src/services/accounts';
import { planSubjects } from '../src/services/plan-snapshot';
import { planStatus } from '../src/services/plan-status';
import { startPlanWorkflows } from '../src/services/start-plans';
import { querySubject } from '../src/services/subject-updates';
import { startDevServer } from '../src/temporal/dev-server';
import { cachedWorkflowBundle } from '../src/temporal/workflow-bundle';
import { buildWebApp } from '../src/web/app';
import { subjectWorkflowId } from '../src/workflows/contract';
import { duration, figure, type Figure } from './measure';

const repo = join(__dirname, '..');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

async function until<T>(check: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error('bench setup: condition not met in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The Đắk Nông plan with every date one year later (2024→2025, 2025→2026), its directory and the holidays. */
function livePlanFolder(root: string): { dir: string; planId: string } {
  const dir = join(root, 'plans');
  mkdirSync(join(dir, 'agencies'), { recursive: true });
  cpSync(join(repo, 'plans', 'agencies', 'dak-nong.yaml'), join(dir, 'agencies', 'dak-nong.yaml'));
  cpSync(join(repo, 'plans', 'holidays'), join(dir, 'holidays'), { recursive: true });
  const text = readFileSync(join(repo, 'plans', 'dak-nong-ttdn-2025.yaml'), 'utf8')
    .replace(/^source:.*$/m, '')
    .replace(/202[45]/g, (year) => (year === '2025' ? '2026' : '2025'));
  writeFileSync(join(dir, 'dak-nong-ttdn-2026.yaml'), text);
  return { dir, planId: 'dak-nong-ttdn-2026' };
}

/** The figures: the plan page's median and p95 over `runs` requests, each against the list call's median. */
export async function benchDashboard(runs = 100): Promise<Figure[]> {
  const root = mkdtempSync(join(tmpdir(), 'dondoc-bench-dashboard-'));
  const server = await startDevServer({ dbFile: join(root, 'temporal.db'), logFile: join(root, 'temporal.log') });
  const capture = await startMailCapture({ smtpPort: 0, httpPort: 0, dir: join(root, 'mail') });
  const store = await openStore({ sqlitePath: join(root, 'dondoc.db') });
  const mailer = createMailer({
    smtpUrl: `smtp://127.0.0.1:${capture.smtpPort}`,
    from: 'x <x@localhost>',
    local: true,
  });
  const native = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: 'default' });
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  try {
    const { dir, planId } = livePlanFolder(root);
    const taskQueue = 'dondoc-bench';
    worker = await Worker.create({
      connection: native,
      namespace: 'default',
      taskQueue,
      workflowBundle: await cachedWorkflowBundle(require.resolve('../src/workflows')),
      activities: createActivities({
        store,
        mailer,
        plans: createPlanCatalog(dir),
        calendar: await loadWorkingCalendar(join(dir, 'holidays')),
      }),
    });
    running = worker.run();
    const plans = (await loadPlanFolder(dir)).plans;
    await startPlanWorkflows(client, plans, taskQueue);
    const subjects = planSubjects(plans[0]);
    // Every subject has loaded its schedule, and visibility lists them all (it is eventually consistent).
    for (const subject of subjects) {
      await until(async () => (await querySubject(client, subjectWorkflowId(planId, subject))).lead.length > 0);
    }
    const query = statusQuery({ planId });
    const list = async () => {
      let n = 0;
      for await (const info of client.workflow.list({ query })) n += info ? 1 : 0;
      return n;
    };
    await until(async () => (await list()) >= subjects.length);

    const secret = new Uint8Array(Buffer.alloc(32, 3));
    const app = await buildWebApp({
      temporal: client,
      namespace: 'default',
      store,
      plans: async () => (await loadPlanFolder(dir)).plans,
      signer: createLinkSigner(secret),
      secret,
      publicUrl: 'http://127.0.0.1:8080',
      publicRateLimit: 100_000,
    });
    try {
      await addUser(store, { name: 'bench', role: 'officer', password: 'mật-khẩu-đo-đạc' });
      let cookie = '';
      const keep = (r: { headers: Record<string, unknown> }) => {
        const set = ([] as string[]).concat((r.headers['set-cookie'] as string[] | string | undefined) ?? []);
        const pair = set.map((h) => h.split(';')[0]).find((p) => p.startsWith('dondoc_session='));
        if (pair) cookie = pair;
      };
      const form = await app.inject({ method: 'GET', url: '/dang-nhap' });
      keep(form);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
      const login = await app.inject({
        method: 'POST',
        url: '/dang-nhap',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrf, name: 'bench', password: 'mật-khẩu-đo-đạc', next: '/' }).toString(),
      });
      keep(login);
      const url = `/ke-hoach/${planId}`;
      const page = async () => {
        const r = await app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });
        if (r.statusCode !== 200) throw new Error(`plan page answered ${r.statusCode}`);
        return r.body.length;
      };
      // First page: charts not cached yet, plan read cold.
      const t0 = performance.now();
      await page();
      const coldMs = performance.now() - t0;
      for (let i = 0; i < 5; i++) await Promise.all([page(), list()]);
      const pageMs: number[] = [];
      const listMs: number[] = [];
      const serviceMs: number[] = [];
      const readDeps = { temporal: client, store, plans: async () => plans };
      for (let i = 0; i < runs; i++) {
        let t = performance.now();
        await page();
        pageMs.push(performance.now() - t);
        t = performance.now();
        await list();
        listMs.push(performance.now() - t);
        t = performance.now();
        await planStatus(readDeps, planId);
        serviceMs.push(performance.now() - t);
      }
      const baseline = `one visibility list call (${subjects.length} workflows), median`;
      const listMedian = percentile(listMs, 50);
      const name = `Kế hoạch page, Đắk Nông (${subjects.length} workflows)`;
      return [
        figure(`${name}, median of ${runs}`, runs, percentile(pageMs, 50), baseline, listMedian),
        figure(`${name}, p95 of ${runs}`, runs, percentile(pageMs, 95), baseline, listMedian),
        figure(`${name}, first request (charts not cached)`, 1, coldMs, baseline, listMedian),
        figure(
          `planStatus service alone (queries, schedule, store), median`,
          runs,
          percentile(serviceMs, 50),
          baseline,
          listMedian,
        ),
        figure(`visibility list call, p95 of ${runs}`, runs, percentile(listMs, 95), baseline, listMedian),
      ];
    } finally {
      await app.close();
    }
  } finally {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running?.catch(() => undefined);
    await native.close();
    await connection.close();
    mailer.close();
    await store.close();
    await capture.stop();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  benchDashboard()
    .then((rows) => {
      for (const r of rows) {
        console.log(
          `${r.operation.padEnd(72)} ${duration(r.ms).padStart(10)}   baseline ${duration(r.baselineMs).padStart(10)} (${r.baseline})   ×${r.ratio.toFixed(2)}`,
        );
      }
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
