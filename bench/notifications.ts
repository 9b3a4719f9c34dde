/**
 * Email, storage and summary timings: `npx tsx bench/notifications.ts` (add DATABASE_URL for PostgreSQL too).
 * Sends real SMTP to an in-process server on loopback. Each operation is compared with a baseline measured in the same
 * run (a bare SMTP send, a send-log lookup, one audit insert, serialising and deflating the summary), so the ratio stays
 * meaningful on a slower machine. Figures for the machine it runs on, not assertions.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { Client } from 'pg';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createMailer } from '../src/activities/email/transport';
import { createNotificationActivities } from '../src/activities/notifications';
import { buildSummary } from '../src/activities/render/summary';
import { renderSummaryDocx } from '../src/activities/render/summary-docx';
import { renderSummaryXlsx } from '../src/activities/render/summary-xlsx';
import { openStore, type StoreConfig } from '../src/activities/storage/open-store';
import type { NotificationRequest } from '../src/activities/types';
import { planSchema } from '../src/plan/schema';
import { catalogOf, testDirectory, testPlan } from '../test/activities/support/plan';
import { startSmtpSink } from '../test/activities/support/smtp';
import { figure, timed, type Figure } from './measure';

async function sendBench(name: string, config: StoreConfig, n: number): Promise<Figure[]> {
  const sink = await startSmtpSink();
  const store = await openStore(config);
  const mailer = createMailer({
    smtpUrl: `smtp://127.0.0.1:${sink.port}`,
    from: 'dondoc@daknong.example',
    local: true,
  });
  const activities = createNotificationActivities({
    store,
    mailer,
    plans: catalogOf({ plan: testPlan, directory: testDirectory }),
  });
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
  const requests: NotificationRequest[] = Array.from({ length: n }, (_, i) => ({
    key: `bench|${randomUUID()}|${i}`,
    kind: 'reminder',
    planId: testPlan.id,
    subject: { type: 'task', taskId: '2.4.1' },
    occurrenceId: '2025-six-month',
    to: ['Sở Văn hóa, Thể thao và Du lịch'],
    party: 'lead',
    due: { nominal: '2025-05-15', effective: '2025-05-15', at: '2025-05-15T23:59:59.999+07:00' },
    step: 1,
  }));
  const send = (r: NotificationRequest) => env.run(activities.sendNotification, r);
  await send({ ...requests[0], key: `warm-${randomUUID()}` });
  const rows: Figure[] = [];
  const sendMs = await timed(async () => {
    for (const r of requests) await send(r);
  });
  const bareMs = await timed(async () => {
    for (let i = 0; i < n; i++) {
      await mailer.send({
        to: ['bench@daknong.example'],
        subject: `Bench ${i}`,
        text: 'Nhắc hạn',
        html: '<p>Nhắc hạn</p>',
        messageId: `<${randomUUID()}@bench>`,
      });
    }
  });
  rows.push(
    figure(
      `[${name}] sendNotification: render + .ics + log + SMTP`,
      n,
      sendMs / n,
      'bare SMTP send (pooled)',
      bareMs / n,
    ),
  );
  const duplicateMs = await timed(async () => {
    for (const r of requests) await send(r);
  });
  const lookupMs = await timed(async () => {
    for (const r of requests) await store.getSend(r.key);
  });
  rows.push(
    figure(
      `[${name}] sendNotification again (duplicate, nothing sent)`,
      n,
      duplicateMs / n,
      'send-log lookup',
      lookupMs / n,
    ),
  );
  const reports = Array.from({ length: n }, (_, i) => ({
    planId: 'bench',
    subject: { type: 'task' as const, taskId: String(i % 50) },
    occurrenceId: '2025-six-month',
    agency: `Cơ quan ${i}`,
    role: 'lead' as const,
    submissionId: randomUUID(),
    text: 'Nội dung báo cáo '.repeat(100),
    receivedAt: new Date().toISOString(),
    onTime: true,
  }));
  const storeMs = await timed(async () => {
    for (const r of reports) await env.run(activities.storeReport, r);
  });
  const auditMs = await timed(async () => {
    for (const r of reports) {
      await store.appendAudit({
        planId: r.planId,
        subject: r.subject,
        entry: { at: r.receivedAt, action: 'bench', by: r.agency, detail: r.submissionId },
      });
    }
  });
  rows.push(figure(`[${name}] storeReport (1.7 kB text)`, n, storeMs / n, 'one audit insert', auditMs / n));
  if (sink.received.length !== 2 * n + 1) {
    throw new Error(`expected ${2 * n + 1} messages, SMTP got ${sink.received.length}`);
  }
  mailer.close();
  await sink.stop();
  await store.close();
  return rows;
}

async function summaryBench(runs: number): Promise<{ rows: Figure[]; docxKb: number; xlsxKb: number }> {
  const agencies = testDirectory.agencies.map((a) => a.name);
  const tasks = Array.from({ length: 200 }, (_, i) => ({
    id: `${Math.floor(i / 10) + 1}.${(i % 10) + 1}`,
    title: `Nhiệm vụ thông tin đối ngoại số ${i + 1} về quảng bá hình ảnh địa phương`,
    lead: [agencies[i % agencies.length]],
    coordinators: [agencies[(i + 1) % agencies.length], agencies[(i + 2) % agencies.length]],
    timeframe: { text: 'Thường xuyên', rule: { type: 'ongoing' as const } },
  }));
  const plan = planSchema.parse({ ...testPlan, tasks });
  const period = { id: '2025-six-month', label: 'Báo cáo 6 tháng năm 2025', at: '2025-05-16T01:00:00.000Z' };
  const reports = tasks.flatMap((t, i) =>
    i % 7 === 0
      ? []
      : [
          {
            reportId: `r-${i}`,
            planId: plan.id,
            subject: { type: 'task' as const, taskId: t.id },
            occurrenceId: period.id,
            agency: t.lead[0],
            role: 'lead' as const,
            submissionId: `s-${i}`,
            text: 'Kết quả thực hiện: đã tổ chức hội nghị, phát hành ấn phẩm.\n'.repeat(20),
            receivedAt: '2025-05-14T02:30:00.000Z',
            onTime: i % 5 !== 0,
            attachments: [],
            storedAt: '2025-05-14T02:30:00.000Z',
          },
        ],
  );
  const now = new Date();
  const rows: Figure[] = [];
  let summary = buildSummary({ plan, directory: testDirectory, period, reports, now });
  const buildMs = await timed(async () => {
    for (let i = 0; i < runs; i++) summary = buildSummary({ plan, directory: testDirectory, period, reports, now });
  });
  const groupMs = await timed(async () => {
    for (let i = 0; i < runs; i++) {
      const byTask = new Map<string, typeof reports>();
      for (const r of reports) byTask.set(r.subject.taskId, [...(byTask.get(r.subject.taskId) ?? []), r]);
    }
  });
  rows.push(
    figure('buildSummary (200 tasks, 171 reports)', runs, buildMs / runs, 'group the reports by task', groupMs / runs),
  );
  const serialise = async () => {
    for (let i = 0; i < runs; i++) deflateRawSync(JSON.stringify(summary));
  };
  const zipMs = await timed(serialise);
  let docx: Buffer = Buffer.alloc(0);
  const docxMs = await timed(async () => {
    for (let i = 0; i < runs; i++) docx = await renderSummaryDocx(summary);
  });
  rows.push(
    figure('renderSummaryDocx (200 tasks)', runs, docxMs / runs, 'JSON + deflate of the summary', zipMs / runs),
  );
  let xlsx: Buffer = Buffer.alloc(0);
  const xlsxMs = await timed(async () => {
    for (let i = 0; i < runs; i++) xlsx = await renderSummaryXlsx(summary);
  });
  rows.push(
    figure('renderSummaryXlsx (200 tasks)', runs, xlsxMs / runs, 'JSON + deflate of the summary', zipMs / runs),
  );
  return { rows, docxKb: docx.length / 1024, xlsxKb: xlsx.length / 1024 };
}

/**
 * Runs the email, storage and summary benchmarks: `n` sends per store (SQLite always, PostgreSQL when `databaseUrl`
 * is given) and `summaryRuns` summaries.
 */
export async function benchNotifications(
  n = 200,
  summaryRuns = 5,
  databaseUrl = process.env.DATABASE_URL,
): Promise<{ rows: Figure[]; docxKb: number; xlsxKb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'dondoc-bench-'));
  const rows: Figure[] = [];
  try {
    rows.push(...(await sendBench('sqlite', { sqlitePath: join(dir, 'bench.db') }, n)));
    if (databaseUrl) {
      const schema = `dondoc_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      try {
        rows.push(...(await sendBench('postgres', { databaseUrl, schema, sqlitePath: '' }, n)));
      } finally {
        const client = new Client({ connectionString: databaseUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
    }
    const summary = await summaryBench(summaryRuns);
    return { ...summary, rows: [...rows, ...summary.rows] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchNotifications(Number(process.env.BENCH_N ?? 200)).then(
    ({ rows, docxKb, xlsxKb }) => {
      for (const r of rows) {
        console.log(
          `${r.operation.padEnd(62)} ${r.ms.toFixed(2).padStart(8)} ms each (${r.runs})   ` +
            `baseline ${r.baselineMs.toFixed(3)} ms (${r.baseline})   ×${r.ratio.toFixed(1)}`,
        );
      }
      console.log(`${'sizes'.padEnd(62)} docx ${docxKb.toFixed(0)} kB, xlsx ${xlsxKb.toFixed(0)} kB`);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
