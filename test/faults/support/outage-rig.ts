/**
 * What the outage tests run against: a plan of four one-off tasks, the real worker (in this process, real activities)
 * on a Temporal server and a store the test chooses, the web app (`app.inject`), the inbound SMTP listener, and an SMTP
 * sink for what dondoc sends. Every task is reminded once, at `remindAt` (a whole minute a little ahead, in the plan's
 * zone), so a timer is waiting while the test takes a dependency away. A holiday folder of its own makes that day a
 * working day whatever day the test runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { DateTime } from 'luxon';
import { createTransport, type SendMailOptions } from 'nodemailer';
import { createLinkSigner } from '../../../src/access/links';
import { createActivities } from '../../../src/activities';
import { createMailer, type Mailer } from '../../../src/activities/email/transport';
import { createReplyAddresses } from '../../../src/activities/inbound/reply-address';
import { createPlanCatalog } from '../../../src/activities/plan-catalog';
import type { Store } from '../../../src/activities/storage/store';
import { startCommand } from '../../../src/cli/start';
import { startSmtpListener, type SmtpListener } from '../../../src/inbound/smtp-listener';
import { loadWorkingCalendar } from '../../../src/plan/holidays';
import { loadPlanFolder } from '../../../src/plan/load';
import { receiveReply, type InboundDeps } from '../../../src/services/inbound-reply';
import { querySubject } from '../../../src/services/subject-updates';
import { buildWebApp } from '../../../src/web/app';
import type { WebDeps } from '../../../src/web/deps';
import { subjectWorkflowId, type SubjectView } from '../../../src/workflows/contract';
import { multipartBody } from '../../browser/support/agency-rig';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../../activities/support/smtp';
import { writeTestPlans } from '../../support/plan-fixture';
import { bundleOnce, eventually } from '../../support/temporal';

const ZONE = 'Asia/Ho_Chi_Minh';
export const REPLY = { domain: 'dondoc.localhost', prefix: 'baocao' };

/** The plan's tasks: who leads each, and the address the directory lists for it. */
export const TASKS = {
  '1': { agency: 'Sở Tài chính', email: 'vanthu@sotc.thunghiem.example', title: 'Bố trí kinh phí' },
  '2': { agency: 'Sở Nội vụ', email: 'vanthu@sonv.thunghiem.example', title: 'Bồi dưỡng cán bộ' },
  '3': { agency: 'Sở Y tế', email: 'vanthu@soyt.thunghiem.example', title: 'Khám sức khỏe định kỳ' },
  '4': { agency: 'Ủy ban nhân dân tỉnh', email: 'vanthu@ubnd.thunghiem.example', title: 'Tổng kết năm' },
} as const;
export type TaskId = keyof typeof TASKS;

/** A form as a browser holds it: its session cookie and its CSRF token (the form's own id). */
export interface Form {
  path: string;
  cookie: string;
  csrf: string;
}

export interface OutageRig {
  planId: string;
  /** When every task's one reminder is due. */
  remindAt: Date;
  store: Store;
  client: Client;
  app: FastifyInstance;
  sink: SmtpSink;
  listener: SmtpListener;
  view(taskId: TaskId): Promise<SubjectView>;
  /** The agency's personal page for its task, opened as a browser does. */
  openForm(taskId: TaskId): Promise<Form>;
  /** Sends the form (multipart, as the page's form does) with `text`. */
  post(form: Form, text: string): Promise<LightMyRequestResponse>;
  /** The reply address of the task's current period, as its reminder carries it. */
  replyAddress(taskId: TaskId): Promise<string>;
  /** Delivers a reply to the inbound listener as a mail server would; resolves with its SMTP answer, or rejects. */
  sendReply(mail: SendMailOptions): Promise<string>;
  /** Messages the sink received whose subject starts with `tag`, sent to `to`. */
  mails(tag: string, to: string): ReceivedMail[];
  stop(): Promise<void>;
}

function isoDate(dt: DateTime): string {
  return dt.toISODate() as string;
}

/** A whole minute at least `leadMs` ahead, in the plan's zone. */
function nextMinute(leadMs: number): DateTime {
  return DateTime.fromMillis(Date.now() + leadMs, { zone: ZONE })
    .plus({ minutes: 1 })
    .startOf('minute');
}

/** Holiday files with no day off, and the reminder's day a working day even when it is a Saturday or Sunday. */
function writeHolidays(dir: string, remindDay: DateTime): void {
  mkdirSync(dir, { recursive: true });
  for (const year of [remindDay.year, remindDay.year + 1]) {
    const working = remindDay.year === year && remindDay.weekday >= 6 ? [isoDate(remindDay)] : [];
    writeFileSync(
      join(dir, `${year}.yaml`),
      `year: ${year}
status: official
source: Lịch của phép thử sự cố, không có ngày nghỉ lễ.
daysOff: []
workingDays: [${working.map((d) => `{ date: ${d}, name: "Ngày làm việc của phép thử" }`).join(', ')}]
`,
    );
  }
}

function writePlan(plansDir: string, planId: string, remindAt: DateTime): string {
  const due = isoDate(remindAt.plus({ days: 7 }));
  const task = (id: TaskId) => `  - id: "${id}"
    title: ${TASKS[id].title}
    lead: ["${TASKS[id].agency}"]
    coordinators: []
    timeframe:
      text: Trước ngày ${due}
      rule: { type: date, date: "${due}" }
`;
  const file = join(plansDir, `${planId}.yaml`);
  writeFileSync(
    file,
    `id: ${planId}
number: 15/KH-UBND
title: Kế hoạch thử nghiệm sự cố
issuer: Ủy ban nhân dân tỉnh Thử Nghiệm
period: { from: "${isoDate(remindAt.minus({ days: 10 }))}", to: "${isoDate(remindAt.plus({ days: 60 }))}" }
directory: agencies/thu-nghiem.yaml
focalAgency: Sở Thông tin và Truyền thông
reportsTo: Ủy ban nhân dân tỉnh
policy: { remindDaysBefore: [7], sendAt: "${remindAt.toFormat('HH:mm')}", dueDateShift: none, delivery: individual }
tasks:
${task('1')}${task('2')}${task('3')}${task('4')}`,
  );
  return file;
}

/**
 * Starts it all in `root` against the Temporal server at `address` (on `taskQueue`) with `store`, and starts the
 * plan. `submitTimeoutMs` and `inboundTimeoutMs` bound how long the page and the listener wait for Temporal.
 */
export async function startOutageRig(options: {
  root: string;
  address: string;
  store: Store;
  /** What `dondoc start` needs to reach the same store (DONDOC_DB or DATABASE_URL). */
  storeEnv: Record<string, string>;
  remindLeadMs: number;
  submitTimeoutMs: number;
  inboundTimeoutMs: number;
}): Promise<OutageRig> {
  const { root, address, store } = options;
  const { dir: plansDir } = writeTestPlans(root);
  const planId = `outage-${randomBytes(4).toString('hex')}`;
  const remindAt = nextMinute(options.remindLeadMs);
  const holidaysDir = join(root, 'holidays');
  writeHolidays(holidaysDir, remindAt);
  const planFile = writePlan(plansDir, planId, remindAt);
  const taskQueue = `dondoc-outage-${randomBytes(4).toString('hex')}`;

  const sink = await startSmtpSink();
  const mailer: Mailer = createMailer({
    smtpUrl: `smtp://127.0.0.1:${sink.port}`,
    from: 'dondoc <dondoc@localhost>',
    local: true,
  });
  const catalog = createPlanCatalog(plansDir);
  const calendar = await loadWorkingCalendar(holidaysDir);
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: await bundleOnce(require.resolve('../../../src/workflows')),
    activities: createActivities({
      store,
      mailer,
      plans: catalog,
      calendar,
      replyAddress: createReplyAddresses(store, REPLY),
    }),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
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
    publicUrl: 'http://127.0.0.1:8080',
    publicRateLimit: 1000,
    submitTimeoutMs: options.submitTimeoutMs,
  };
  const app = await buildWebApp(deps);
  const inbound: InboundDeps = {
    store,
    client,
    plans: catalog,
    mailer,
    reply: REPLY,
    temporalTimeoutMs: options.inboundTimeoutMs,
  };
  const listener = await startSmtpListener({
    port: 0,
    host: '127.0.0.1',
    reply: REPLY,
    receive: (raw, envelope) => receiveReply(inbound, raw, envelope),
  });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: 'default',
    DONDOC_PLANS_DIR: plansDir,
    DONDOC_HOLIDAYS_DIR: holidaysDir,
    DONDOC_HOME: join(root, 'home'),
    SMTP_URL: '',
    DATABASE_URL: '',
    ...options.storeEnv,
  };
  await startCommand([planFile], { env, taskQueue });
  const subject = (taskId: TaskId) => ({ type: 'task' as const, taskId });
  const view = (taskId: TaskId) => querySubject(client, subjectWorkflowId(planId, subject(taskId)));
  for (const id of Object.keys(TASKS) as TaskId[]) await eventually(async () => (await view(id)).current, 60_000);

  const occurrenceOf = async (taskId: TaskId) => (await view(taskId)).current?.id as string;
  return {
    planId,
    remindAt: remindAt.toJSDate(),
    store,
    client,
    app,
    sink,
    listener,
    view,
    async openForm(taskId) {
      const token = await signer.submissionToken(
        { planId, subject: subject(taskId), occurrenceId: await occurrenceOf(taskId), agency: TASKS[taskId].agency },
        new Date(Date.now() + 30 * 86_400_000),
      );
      const path = `/bao-cao/${token}`;
      const page = await app.inject({ method: 'GET', url: path, headers: { accept: 'text/html' } });
      if (page.statusCode !== 200) throw new Error(`the form answered ${page.statusCode}: ${page.body.slice(0, 300)}`);
      const cookie = String(page.headers['set-cookie'] ?? '').split(';')[0];
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      return { path, cookie, csrf };
    },
    post(form, text) {
      const { payload, contentType } = multipartBody({ _csrf: form.csrf, text });
      return app.inject({
        method: 'POST',
        url: form.path,
        headers: { accept: 'text/html', cookie: form.cookie, 'content-type': contentType },
        payload,
      });
    },
    async replyAddress(taskId) {
      return createReplyAddresses(
        store,
        REPLY,
      )({ planId, subject: subject(taskId), occurrenceId: await occurrenceOf(taskId), agency: TASKS[taskId].agency });
    },
    async sendReply(mail) {
      const transport = createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
      try {
        return (await transport.sendMail(mail)).response;
      } finally {
        transport.close();
      }
    },
    mails: (tag, to) =>
      sink.received.filter((m) => (m.parsed.subject ?? '').startsWith(tag) && m.envelope.to.includes(to)),
    async stop() {
      await listener.stop().catch(() => undefined);
      await app.close().catch(() => undefined);
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await nativeConnection.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
      mailer.close();
      await sink.stop();
    },
  };
}
