/**
 * `fanout`: reminders per second through dondoc's real path (task workflows on the dev server → sendNotifications →
 * rendering, .ics, the store's exactly-once sent-log, pooled SMTP) to a local SMTP sink, for N agency-task reminders
 * due at one instant: ⌈N / agencies⌉ task workflows of generated plans, each task with `agencies` lead agencies
 * (BENCH_FANOUT_AGENCIES, default 10) and one reminder at the same minute, single emails (`delivery: individual`).
 * Timed from that instant to the last message in the sink. Baseline, same run: raw nodemailer (pooled, 3 connections
 * like dondoc's mailer) sending the very messages the sink received from dondoc (same bytes, same envelopes) to the
 * same sink. Once per SQLite pragma set, each on its own dev server: the workflows of every set are started in the
 * lead time (BENCH_FANOUT_LEAD_S, default 150 s), their reminder minutes one apart so the fan-outs do not overlap.
 * `npx tsx bench/fanout.ts` (BENCH_N, default 2,000; BENCH_SQLITE_VARIANTS, default `sqlite-defaults,wal`). Today must
 * be a working day in Asia/Ho_Chi_Minh (the reminder goes out the working day before the due date).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import nodemailer from 'nodemailer';
import { startPlanWorkflows } from '../src/services/start-plans';
import { sqlitePragmasFromEnv } from '../src/temporal/dev-server';
import { startSmtpSink, type SmtpSink } from '../test/activities/support/smtp';
import type { Measure, Measures } from './measure';
import { writeBenchPlans } from './support/plans';
import {
  benchN,
  dondocEnv,
  pragmaSets,
  pragmaVariants,
  round,
  runAlone,
  startBenchServer,
  startDondocWorker,
  waitUntil,
  type BenchServer,
  type InProcessWorker,
  type PragmaSet,
} from './support/temporal';

const ZONE = 'Asia/Ho_Chi_Minh';

export interface FanoutOptions {
  n?: number;
  agencies?: number;
  leadSeconds?: number;
  /** Minutes between the reminder instants of two pragma sets. */
  gapMinutes?: number;
  variants?: PragmaSet[];
}

interface Setup {
  variant: PragmaSet;
  at: DateTime;
  sink: SmtpSink;
  bench?: BenchServer;
  worker?: InProcessWorker;
  workflows: number;
  reminders: number;
}

async function setUp(root: string, variant: PragmaSet, at: DateTime, n: number, agencies: number, s: Setup) {
  const dir = join(root, variant);
  const today = at.startOf('day');
  const plans = await writeBenchPlans({
    root: dir,
    tasks: Math.ceil(n / agencies),
    prefix: `fanout-${variant}`,
    shape: {
      type: 'fanout',
      due: today.plus({ days: 1 }).toISODate()!,
      daysBefore: 1,
      sendAt: at.toFormat('HH:mm'),
      leads: agencies,
    },
    now: at,
  });
  s.workflows = plans.tasks;
  s.reminders = plans.tasks * agencies;
  s.bench = await startBenchServer(dir, 'temporal', pragmaSets[variant]);
  const env = dondocEnv({ root: dir, plansDir: plans.plansDir, holidaysDir: plans.holidaysDir, smtpPort: s.sink.port });
  s.worker = await startDondocWorker(s.bench.server.address, env);
  const results = await startPlanWorkflows(s.bench.client, plans.plans);
  if (results.some((r) => r.outcome !== 'started')) throw new Error(`fanout ${variant}: plans not started`);
}

async function rawRate(sink: SmtpSink, count: number): Promise<{ rate: number; ms: number }> {
  const messages = sink.received.slice(0, count).map((m) => ({ envelope: m.envelope, raw: m.raw }));
  const before = sink.received.length;
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: sink.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 3,
  });
  try {
    const t0 = Date.now();
    await Promise.all(messages.map((m) => transport.sendMail(m)));
    await waitUntil(() => sink.received.length >= before + count, 60_000, 'raw sends kept by the sink');
    const ms = Date.now() - t0;
    return { rate: (count * 1000) / ms, ms };
  } finally {
    transport.close();
  }
}

/** The `fanout` measures: as shipped, and per pragma set (`fanout-wal`, `fanout-sqlite-defaults`). */
export async function fanoutMeasures(options: FanoutOptions = {}): Promise<Measures> {
  const n = options.n ?? benchN();
  const agencies = options.agencies ?? Number(process.env.BENCH_FANOUT_AGENCIES ?? 10);
  const leadSeconds = options.leadSeconds ?? Number(process.env.BENCH_FANOUT_LEAD_S ?? 150);
  const gap = options.gapMinutes ?? 1;
  const variants = options.variants ?? pragmaVariants();
  const root = mkdtempSync(join(tmpdir(), 'dondoc-bench-fanout-'));
  const first = DateTime.now().setZone(ZONE).plus({ seconds: leadSeconds }).plus({ minutes: 1 }).startOf('minute');
  if (!first.hasSame(first.plus({ minutes: gap * variants.length }), 'day')) {
    throw new Error('fanout: the reminder minutes would cross midnight (Asia/Ho_Chi_Minh); run it a few minutes later');
  }
  const setups: Setup[] = [];
  try {
    for (const [i, variant] of variants.entries()) {
      setups.push({
        variant,
        at: first.plus({ minutes: i * gap }),
        sink: await startSmtpSink(),
        workflows: 0,
        reminders: 0,
      });
    }
    // Set up sequentially (each start phase alone), all before the first reminder minute.
    for (const s of setups) await setUp(root, s.variant, s.at, n, agencies, s);
    for (const s of setups) {
      const worker = s.worker!;
      await waitUntil(
        () => worker.counts.schedules >= s.workflows,
        Math.max(0, first.toMillis() - Date.now() - 2_000),
        `fanout ${s.variant}: task workflows scheduled before the reminder minute (raise BENCH_FANOUT_LEAD_S)`,
        () => `(${worker.counts.schedules}/${s.workflows})`,
      );
    }
    if (Date.now() > first.toMillis())
      throw new Error('fanout: set-up passed the reminder minute (raise BENCH_FANOUT_LEAD_S)');
    const runs: Array<{ s: Setup; ms: number; firstMs: number; overlapped: boolean }> = [];
    for (const [i, s] of setups.entries()) {
      const at = s.at.toMillis();
      let firstMs = NaN;
      await waitUntil(
        () => {
          if (Number.isNaN(firstMs) && s.sink.received.length > 0) firstMs = Date.now() - at;
          return s.sink.received.length >= s.reminders;
        },
        Math.max(0, at - Date.now()) + 10 * 60_000,
        `fanout ${s.variant}: reminders in the sink (is today a working day in Asia/Ho_Chi_Minh?)`,
        () => `(${s.sink.received.length}/${s.reminders})`,
      );
      const ms = Date.now() - at;
      const next = setups[i + 1];
      runs.push({ s, ms, firstMs, overlapped: next !== undefined && Date.now() > next.at.toMillis() });
    }
    await new Promise((r) => setTimeout(r, 2_000));
    const shipped = sqlitePragmasFromEnv().join(',');
    const measures: Measures = {};
    for (const { s, ms, firstMs, overlapped } of runs) {
      const received = s.sink.received.length;
      const unique = new Set(s.sink.received.map((m) => m.parsed.messageId)).size;
      const raw = await rawRate(s.sink, s.reminders);
      const rate = (s.reminders * 1000) / ms;
      const m: Measure = {
        value: round(rate, 1),
        unit: 'emails/s',
        baseline: round(raw.rate, 1),
        ratio: round(rate / raw.rate, 3),
        what: `${s.reminders} reminders due at one minute (${s.workflows} task workflows × ${agencies} lead agencies, single emails) through dondoc's workflows, sent-log and mailer to a local SMTP sink`,
        baselineWhat: `raw nodemailer (pooled, 3 connections) sending the same ${s.reminders} messages to the same sink`,
        details: {
          pragmas: pragmaSets[s.variant].join(',') || 'none (SQLite defaults)',
          seconds: round(ms / 1000),
          firstEmailAfterSeconds: round(firstMs / 1000),
          // From the first email on: the sending path alone, without the timers' and workflow tasks' start-up.
          emailsPerSecondAfterFirst: round((s.reminders * 1000) / (ms - firstMs), 1),
          rawSeconds: round(raw.ms / 1000),
          duplicates: received - unique,
          ...(overlapped ? { note: 'the next pragma set fired before this one finished' } : {}),
        },
      };
      if (received - unique > 0 || unique !== s.reminders) {
        throw new Error(`fanout ${s.variant}: ${unique} distinct messages of ${s.reminders}, ${received} received`);
      }
      measures[`fanout-${s.variant}`] = m;
      if (pragmaSets[s.variant].join(',') === shipped) {
        measures.fanout = { ...m, details: { ...m.details, sameRunAs: `fanout-${s.variant}` } };
      }
    }
    return measures;
  } finally {
    for (const s of setups) {
      await s.worker?.stop().catch(() => undefined);
      await s.bench?.stop().catch(() => undefined);
      await s.sink.stop().catch(() => undefined);
    }
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) runAlone(() => fanoutMeasures());
