import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Context } from '@temporalio/activity';
import type { WorkflowBundle } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { createActivities } from '../activities';
import { createPreviewMailer } from '../activities/email/transport';
import { createPlanCatalog } from '../activities/plan-catalog';
import { openStore, type StoreConfig } from '../activities/storage';
import type { Activities, BatchSendResult, NotificationRequest, Subject, SubjectSchedule } from '../activities/types';
import { loadWorkingCalendar } from '../plan/holidays';
import { loadPlanFile } from '../plan/load';
import { createTimeSkippingEnvAt } from '../temporal/time-skipping';
import { createWorker } from '../worker';
import { TASK_QUEUE, planWorkflowId, subjectWorkflowId } from '../workflows/contract';
import type { ScenarioReport } from '../workflows/scenario-workflow';
import { plannedReports, type ReportScenario } from './scenario';
import { eventKind, type TimelineEvent } from './timeline';

/** What to simulate. */
export interface SimulationOptions {
  planFile: string;
  /** Local date (YYYY-MM-DD) to run to, inclusive; default: the plan's last day plus 30 days. */
  until?: string;
  reports: ReportScenario;
  /** Folder of the holiday files; default `<plans>/holidays`. */
  holidaysDir?: string;
  /** Where reports and the send log go (tests pass PostgreSQL); default a scratch SQLite file, removed after. */
  store?: StoreConfig;
  /** A prebuilt workflow bundle (tests bundle once). */
  workflowBundle?: WorkflowBundle;
  /** Observe the environment before it is torn down (tests fetch histories). */
  inspect?: (ctx: {
    client: import('@temporalio/client').Client;
    planId: string;
    subjects: Subject[];
  }) => Promise<void>;
}

/** The result: the plan and a time-ordered timeline. */
export interface SimulationResult {
  planId: string;
  timezone: string;
  from: string;
  until: string;
  scenario: ReportScenario;
  events: TimelineEvent[];
}

/** Simulated time of the running activity: the server's (skipped) clock, not the machine's. */
function activityTime(): Date {
  return new Date(Context.current().info.currentAttemptScheduledTimestampMs);
}

function subjectFields(subject: Subject | undefined): Pick<TimelineEvent, 'taskId' | 'deliverableId'> {
  if (!subject) return {};
  return subject.type === 'task' ? { taskId: subject.taskId } : { deliverableId: subject.deadlineId };
}

/**
 * Runs the plan's real workflows and activities on the time-skipping server from the plan's first day to `until`,
 * rendering every email (delivering none) and with a throw-away SQLite store unless `store` is given; agencies report
 * as the scenario says.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const loaded = await loadPlanFile(options.planFile);
  const { plan } = loaded;
  const zone = plan.timezone;
  const start = DateTime.fromISO(plan.period.from, { zone }).startOf('day');
  const until = options.until
    ? DateTime.fromISO(options.until, { zone }).endOf('day')
    : DateTime.fromISO(plan.period.to, { zone }).plus({ days: 30 }).endOf('day');
  if (!until.isValid) throw new Error(`--until "${options.until}" is not a date YYYY-MM-DD`);
  if (until <= start) throw new Error(`--until ${options.until} is before the plan starts (${plan.period.from})`);

  const work = mkdtempSync(join(tmpdir(), 'dondoc-simulate-'));
  const plansDir = dirname(options.planFile);
  const store = await openStore(options.store ?? { sqlitePath: join(work, 'dondoc.db'), scratch: true });
  // Every message is rendered and addressed as for SMTP; a preview delivers none of them.
  const mailer = createPreviewMailer('"Hệ thống Đôn đốc" <dondoc@localhost>');
  const events: TimelineEvent[] = [];
  let timeSkipping: Awaited<ReturnType<typeof createTimeSkippingEnvAt>> | undefined;
  try {
    const calendar = await loadWorkingCalendar(options.holidaysDir ?? join(plansDir, 'holidays'));
    const base = createActivities({
      store,
      mailer,
      plans: createPlanCatalog(plansDir),
      calendar,
      clock: activityTime,
      // Mailboxes are signalled through the test server's client (created below, before any activity runs).
      temporal: () => {
        if (!timeSkipping) throw new Error('the time-skipping server is not running');
        return timeSkipping.env.client;
      },
    });
    const recordEmail = (request: NotificationRequest, result: BatchSendResult) => {
      if ('failed' in result || result.duplicate) return;
      // The receipt marks the report itself; a forward of the same report is only an email.
      if (request.receipt && request.kind === 'receipt') {
        const { receipt } = request;
        events.push({
          at: receipt.receivedAt,
          kind: 'report',
          to: [request.subject?.type === 'task' ? 'lead' : 'focal'],
          from: receipt.agency,
          ...subjectFields(request.subject),
          period: receipt.occurrenceId,
          onTime: receipt.onTime,
        });
      }
      events.push({
        at: activityTime().toISOString(),
        kind: eventKind(request.kind),
        to: request.to,
        addresses: result.recipients,
        ...subjectFields(request.subject),
        period: request.occurrenceId,
        messageId: result.messageId,
        ...(request.missing?.length && request.kind !== 'overdue' ? { missing: request.missing } : {}),
      });
    };
    const activities: Activities = {
      ...base,
      async recordAudit(input) {
        await base.recordAudit(input);
        const { entry } = input;
        if (
          entry.action === 'report-rejected' ||
          ['extend-due', 'pause', 'resume', 'close', 'cancel', 'set-recipients'].includes(entry.action)
        ) {
          events.push({
            at: entry.at,
            kind: entry.action === 'report-rejected' ? 'rejected' : 'admin',
            to: [],
            from: entry.by,
            ...subjectFields(input.subject),
            period: entry.occurrenceId,
            detail: entry.detail,
          });
        }
      },
      async sendNotification(request: NotificationRequest) {
        const result = await base.sendNotification(request);
        recordEmail(request, result);
        return result;
      },
      async sendNotifications(requests: NotificationRequest[]) {
        const results = await base.sendNotifications(requests);
        results.forEach((result, i) => recordEmail(requests[i], result));
        return results;
      },
      async sendDigest(input) {
        const result = await base.sendDigest(input);
        if (result.sent && !result.sent.duplicate) {
          const listed = input.items.filter((i) => result.listed.includes(i.key));
          events.push({
            at: activityTime().toISOString(),
            kind: 'digest',
            to: [input.address.agency],
            addresses: result.sent.recipients,
            messageId: result.sent.messageId,
            items: listed.map(({ request }) => ({
              kind: request.kind as 'reminder' | 'overdue',
              planId: request.planId,
              ...subjectFields(request.subject),
              period: request.occurrenceId,
              party: request.party,
              due: request.due?.effective,
            })),
          });
        }
        return result;
      },
      async sendSummary(input) {
        const result = await base.sendSummary(input);
        if (!result.duplicate) {
          events.push({
            at: activityTime().toISOString(),
            kind: 'summary',
            to: plan.reportingOfficers.map((o) => o.name),
            addresses: result.recipients,
            period: input.period.id,
            messageId: result.messageId,
          });
        }
        return result;
      },
    };

    const outline = await base.loadPlanOutline(plan.id);
    const schedules: { subject: Subject; schedule: SubjectSchedule }[] = [];
    for (const subject of outline.subjects)
      schedules.push({ subject, schedule: await base.computeSchedule({ planId: plan.id, subject }) });
    const reports = plannedReports(options.reports, schedules, until.toMillis());

    timeSkipping = await createTimeSkippingEnvAt(start.toJSDate());
    const { env } = timeSkipping;
    const worker = await createWorker(env.nativeConnection, 'default', activities, options.workflowBundle);
    const client = env.client;

    const drive = async () => {
      await client.workflow.start('planWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId: planWorkflowId(plan.id),
        args: [{ planId: plan.id, visibility: false }],
      });
      const scenario: ScenarioReport[] = reports.map((report) => ({
        at: report.at,
        workflowId: subjectWorkflowId(plan.id, report.subject),
        report: {
          agency: report.agency,
          occurrenceId: report.occurrenceId,
          // Unique in the plan (the store keeps one report per submission id): an agency reports to many subjects.
          submissionId: `${report.agency}/${report.subject.type}/${report.subject.type === 'task' ? report.subject.taskId : report.subject.deadlineId}/${report.occurrenceId}`,
          text: `Báo cáo của ${report.agency} về ${report.subject.type === 'task' ? `nhiệm vụ ${report.subject.taskId}` : report.subject.deadlineId}, kỳ ${report.occurrenceId}.`,
        },
      }));
      // Awaiting a workflow's result lets the server skip time, but never past a running activity.
      await client.workflow.execute('scenarioWorkflow', {
        taskQueue: TASK_QUEUE,
        workflowId: `simulation/${plan.id}`,
        args: [scenario, until.toMillis()],
      });
      if (options.inspect) await options.inspect({ client, planId: plan.id, subjects: outline.subjects });
    };
    await worker.runUntil(drive());
  } finally {
    await timeSkipping?.teardown();
    mailer.close();
    await store.close();
    rmSync(work, { recursive: true, force: true });
  }
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return {
    planId: plan.id,
    timezone: zone,
    from: start.toISO()!,
    until: until.toISO()!,
    scenario: options.reports,
    events,
  };
}
