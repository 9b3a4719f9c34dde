/**
 * Email, storage and summary timings: `npx tsx bench/notifications.ts` (add DATABASE_URL for PostgreSQL too).
 * Sends real SMTP to an in-process server on loopback; figures are for the machine it runs on, not assertions.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
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

function report(label: string, n: number, ms: number): void {
  console.log(`${label.padEnd(62)} ${(ms / n).toFixed(2)} ms each (${n} in ${(ms / 1000).toFixed(2)} s)`);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function sendBench(name: string, config: StoreConfig, n: number): Promise<void> {
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
  report(
    `[${name}] sendNotification: render + .ics + log + SMTP, sequential`,
    n,
    await timed(async () => {
      for (const r of requests) await send(r);
    }),
  );
  report(
    `[${name}] sendNotification again (duplicate, nothing sent)`,
    n,
    await timed(async () => {
      for (const r of requests) await send(r);
    }),
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
  report(
    `[${name}] storeReport (1.7 kB text)`,
    n,
    await timed(async () => {
      for (const r of reports) await env.run(activities.storeReport, r);
    }),
  );
  if (sink.received.length !== n + 1) throw new Error(`expected ${n + 1} messages, SMTP got ${sink.received.length}`);
  mailer.close();
  await sink.stop();
  await store.close();
}

async function summaryBench(): Promise<void> {
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
  const runs = 5;
  let summary = buildSummary({ plan, directory: testDirectory, period, reports, now });
  report(
    'buildSummary (200 tasks, 171 reports)',
    runs,
    await timed(async () => {
      for (let i = 0; i < runs; i++) summary = buildSummary({ plan, directory: testDirectory, period, reports, now });
    }),
  );
  let docx: Buffer = Buffer.alloc(0);
  report(
    'renderSummaryDocx (200 tasks)',
    runs,
    await timed(async () => {
      for (let i = 0; i < runs; i++) docx = await renderSummaryDocx(summary);
    }),
  );
  let xlsx: Buffer = Buffer.alloc(0);
  report(
    'renderSummaryXlsx (200 tasks)',
    runs,
    await timed(async () => {
      for (let i = 0; i < runs; i++) xlsx = await renderSummaryXlsx(summary);
    }),
  );
  console.log(
    `${'sizes'.padEnd(62)} docx ${(docx.length / 1024).toFixed(0)} kB, xlsx ${(xlsx.length / 1024).toFixed(0)} kB`,
  );
}

async function main(): Promise<void> {
  const n = Number(process.env.BENCH_N ?? 200);
  const dir = mkdtempSync(join(tmpdir(), 'dondoc-bench-'));
  try {
    await sendBench('sqlite', { sqlitePath: join(dir, 'bench.db') }, n);
    const url = process.env.DATABASE_URL;
    if (url) {
      const schema = `dondoc_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      try {
        await sendBench('postgres', { databaseUrl: url, schema, sqlitePath: '' }, n);
      } finally {
        const client = new Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
    }
    await summaryBench();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
