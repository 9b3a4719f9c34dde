import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createAgencyLinks, emailLinks } from '../../../src/access/agency-links';
import { createLinkSigner, type LinkSigner } from '../../../src/access/links';
import { createActivities } from '../../../src/activities';
import { createMailer } from '../../../src/activities/email/transport';
import { createPlanCatalog } from '../../../src/activities/plan-catalog';
import { openStore } from '../../../src/activities/storage';
import type { Store } from '../../../src/activities/storage/store';
import { startCommand } from '../../../src/cli/start';
import { startMailCapture, type MailCapture } from '../../../src/mail-capture';
import { Mailbox } from '../../../src/mail-capture/mailbox';
import { loadWorkingCalendar } from '../../../src/plan/holidays';
import { loadPlanFolder } from '../../../src/plan/load';
import { buildWebApp } from '../../../src/web/app';
import type { WebDeps } from '../../../src/web/deps';
import { writeTestPlans } from '../../support/plan-fixture';
import { runWorkerOnSharedServer, sharedDevServerAddress } from '../../support/temporal';

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A plan whose reminders are already going out when it starts: a reminder every day for two weeks before each due
 * date, so the most recent one (at most a day or two old, well inside the three days a late step is still sent) goes
 * out at once. Task 1 has a lead and a coordinator; task 2 is another agency's (links for it are not Sở Tài chính's).
 */
export function writeAgencyPlan(dir: string, planId: string): string {
  const days = Array.from({ length: 14 }, (_, i) => i + 1).join(', ');
  const task = (id: string, title: string, lead: string, coordinators: string[], due: string) => `  - id: "${id}"
    title: ${title}
    lead: ["${lead}"]
    coordinators: [${coordinators.map((c) => `"${c}"`).join(', ')}]
    timeframe:
      text: Trước ngày ${due}
      rule: { type: date, date: "${due}" }
`;
  const plan = `id: ${planId}
number: 99/KH-UBND
title: Kế hoạch thử nghiệm đường dẫn báo cáo
issuer: Ủy ban nhân dân tỉnh Thử Nghiệm
period: { from: "${isoDay(-10)}", to: "${isoDay(90)}" }
directory: agencies/thu-nghiem.yaml
focalAgency: Sở Thông tin và Truyền thông
reportsTo: Ủy ban nhân dân tỉnh
reportingOfficers:
  - name: Lãnh đạo Sở Thông tin và Truyền thông
    email: lanhdao@sotttt.thunghiem.example
policy:
  remindDaysBefore: [${days}]
  # One email per reminder (not the morning digest), so the test reads the reminder itself.
  delivery: individual
tasks:
${task('1', 'Tuyên truyền thông tin đối ngoại', 'Sở Tài chính', ['Sở Nội vụ'], isoDay(12))}${task('2', 'Bồi dưỡng cán bộ làm công tác đối ngoại', 'Sở Y tế', [], isoDay(14))}`;
  const file = join(dir, `${planId}.yaml`);
  writeFileSync(file, plan);
  return file;
}

/** A worker with real activities whose emails carry signed links, a web server that takes them, and a mail capture. */
export interface AgencyRig {
  planId: string;
  planFile: string;
  plansDir: string;
  taskQueue: string;
  /** What a CLI command run in-process is given. */
  env: NodeJS.ProcessEnv;
  store: Store;
  client: Client;
  app: FastifyInstance;
  /** Where the web server listens (and the address the emails' links point at). */
  url: string;
  signer: LinkSigner;
  mailbox: Mailbox;
  stop(): Promise<void>;
}

/** Starts it all on the shared dev server and starts the plan's workflows. */
export async function startAgencyRig(name: string): Promise<AgencyRig> {
  const root = mkdtempSync(join(tmpdir(), `dondoc-${name}-`));
  const { dir: plansDir } = writeTestPlans(root);
  const planId = `agency-${randomBytes(4).toString('hex')}`;
  const planFile = writeAgencyPlan(plansDir, planId);
  const taskQueue = `dondoc-${name}-${randomBytes(4).toString('hex')}`;
  const dbFile = join(root, 'dondoc.db');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: sharedDevServerAddress(),
    TEMPORAL_NAMESPACE: 'default',
    DONDOC_PLANS_DIR: plansDir,
    DONDOC_HOME: join(root, 'home'),
    DONDOC_DB: dbFile,
    DATABASE_URL: '',
  };
  const store = await openStore({ sqlitePath: dbFile });
  const mailDir = join(root, 'mail');
  const capture: MailCapture = await startMailCapture({ smtpPort: 0, httpPort: 0, dir: mailDir });
  const connection = await Connection.connect({ address: sharedDevServerAddress() });
  const client = new Client({ connection, namespace: 'default' });
  const secret = new Uint8Array(randomBytes(32));
  const signer = createLinkSigner(secret);
  const deps: WebDeps = {
    temporal: client,
    namespace: 'default',
    store,
    plans: async () => (await loadPlanFolder(plansDir)).plans,
    signer,
    secret,
    publicUrl: 'http://127.0.0.1',
    // The browser test makes more requests than an agency would in a minute.
    publicRateLimit: 1000,
  };
  const app = await buildWebApp(deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  deps.publicUrl = url;
  const mailer = createMailer({
    smtpUrl: `smtp://127.0.0.1:${capture.smtpPort}`,
    from: 'x <x@localhost>',
    local: true,
  });
  const plans = createPlanCatalog(plansDir);
  const calendar = await loadWorkingCalendar('plans/holidays');
  const activities = createActivities({
    store,
    mailer,
    plans,
    calendar,
    ...emailLinks(createAgencyLinks(signer, url), plans, calendar),
  });
  const worker = await runWorkerOnSharedServer(taskQueue, activities);
  await startCommand([planFile], { env, taskQueue });
  return {
    planId,
    planFile,
    plansDir,
    taskQueue,
    env,
    store,
    client,
    app,
    url,
    signer,
    mailbox: new Mailbox(mailDir),
    async stop() {
      await worker.stop();
      await app.close();
      await connection.close();
      mailer.close();
      await capture.stop();
      await store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A multipart/form-data body as a browser sends it: text fields, then files. */
export function multipartBody(
  fields: Record<string, string>,
  files: { field: string; filename: string; contentType: string; content: Buffer }[] = [],
): { payload: Buffer; contentType: string } {
  const boundary = `----dondoc${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`, 'utf8'),
    );
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
        'utf8',
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
