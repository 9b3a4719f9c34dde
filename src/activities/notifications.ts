import { ApplicationFailure, Context } from '@temporalio/activity';
import type { DueDate, Party } from '../deadlines/occurrence';
import type { Plan } from '../plan/schema';
import { localDate } from './email/dates';
import { alreadySent, deliverOnce, type SendHooks } from './email/deliver';
import { automatedHeaders } from './email/headers';
import { periodLabelFromId } from './email/period-label';
import { renderNotification, topicRef, planRef, type NotificationContext, type Topic } from './email/templates';
import type { MailAttachment, Mailer } from './email/transport';
import { findSubject, lookupPlan } from './plan-lookup';
import { dutyOf, focalAddresses, recipientAddresses, successionNotice, withSuccessionNotice } from './recipients';
import { icsUid, renderIcs } from './render/ics';
import { createReportActivities } from './reports';
import type { Store } from './storage/store';
import type { ReplyAddressFor } from './inbound/reply-address';
import { createSummaryActivities } from './summaries';
import type { Activities, BatchSendResult, NotificationRequest, PlanCatalog, SendResult, Subject } from './types';

/** Builds the personal (signed) submission link for one agency and occurrence; undefined when there is none. */
export type SubmitLink = (target: {
  planId: string;
  subject?: Subject;
  occurrenceId?: string;
  agency: string;
  party?: Party;
  /** The due date the email names (an extended one included), so the link outlives it. */
  due?: DueDate;
}) => Promise<string | undefined>;

/** Builds an agency's calendar feed address. */
export type CalendarLink = (agency: string) => Promise<string>;

/** What the notification activities need; `src/worker.ts` builds these from configuration. */
export interface NotificationDeps {
  store: Store;
  mailer: Mailer;
  plans: PlanCatalog;
  clock?: () => Date;
  submitLink?: SubmitLink;
  calendarLink?: CalendarLink;
  /** The reply address of one agency's obligation (a reply to it becomes the report), when replies are received. */
  replyAddress?: ReplyAddressFor;
  /** Fault injection for tests (e.g. block after the send log recorded a delivery). */
  hooks?: SendHooks;
  /** How long a running send is protected from a parallel attempt (ms). */
  sendLeaseMs?: number;
}

/** The running activity's context; undefined when called outside an activity (a direct call in a script). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** The activities of this module. */
export type NotificationActivities = Pick<
  Activities,
  'sendNotification' | 'sendNotifications' | 'storeReport' | 'recordAudit' | 'recordExtension' | 'sendSummary'
>;

function topicOf(plan: Plan, subject: Subject | undefined): Topic | undefined {
  if (!subject) return undefined;
  const found = findSubject(plan, subject);
  if (found.type === 'task') {
    const { task } = found;
    return { type: 'task', id: task.id, title: task.title, lead: task.lead, coordinators: task.coordinators };
  }
  return { type: 'deliverable', id: found.deadline.id, what: found.deadline.subject };
}

function calendarAttachment(
  plan: Plan,
  request: NotificationRequest,
  context: NotificationContext,
  now: Date,
): MailAttachment | undefined {
  if (request.kind !== 'reminder' || !request.due) return undefined;
  const what = [context.periodLabel, topicRef(context.topic)].filter(Boolean).join(' – ');
  const ics = renderIcs(
    [
      {
        // Same UID for every reminder of this obligation: a calendar that imports the next one updates the event.
        uid: icsUid(
          plan.id,
          JSON.stringify(request.subject ?? {}),
          request.occurrenceId ?? '',
          request.party ?? '',
          request.to.join(','),
        ),
        summary: `Hạn gửi: ${what} (${planRef(plan)})`.normalize('NFC'),
        description: `Kế hoạch ${planRef(plan)} – ${plan.title}. Cơ quan: ${request.to.join('; ')}.`.normalize('NFC'),
        date: request.due.effective,
        alarms: [{ before: 1, description: `Ngày mai hết hạn: ${what}` }],
      },
    ],
    { name: `Đôn đốc – ${planRef(plan)}`, timezone: plan.timezone, stamp: now.toISOString() },
  );
  return { filename: 'han-gui-bao-cao.ics', content: ics, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' };
}

/**
 * `sendNotification`, `storeReport`, `recordAudit` and `sendSummary`: emails go out exactly once per request key
 * (see `deliverOnce`), reports and audit entries are stored once, summaries are compiled from the store.
 */
export function createNotificationActivities(deps: NotificationDeps): NotificationActivities {
  const clock = deps.clock ?? (() => new Date());
  const delivery = { store: deps.store, mailer: deps.mailer, hooks: deps.hooks, leaseMs: deps.sendLeaseMs, clock };

  async function sendNotification(request: NotificationRequest): Promise<SendResult> {
    if (request.kind === 'summary') {
      throw ApplicationFailure.nonRetryable(
        'Tổng hợp được gửi bằng sendSummary, không qua sendNotification',
        'InvalidRequest',
      );
    }
    if (request.kind === 'digest') {
      throw ApplicationFailure.nonRetryable('Thư tổng hợp việc được gửi bằng sendDigest', 'InvalidRequest');
    }
    if (!request.key || request.to.length === 0) {
      throw ApplicationFailure.nonRetryable(
        `Yêu cầu gửi thư thiếu khóa hoặc người nhận (key "${request.key}")`,
        'InvalidRequest',
      );
    }
    // A retry of a delivered message needs neither the plan nor rendering.
    const sent = await deps.store.getSend(request.key);
    if (sent?.status === 'sent') return alreadySent(sent);
    const { plan, directory } = await lookupPlan(deps.plans, request.planId);
    const topic = topicOf(plan, request.subject);
    const now = clock();
    // Resolved at send time: an agency reorganised since the workflow started is mailed at its successor.
    const sendOn = { on: localDate(now, plan.timezone), duty: dutyOf(plan, request.subject) };
    const to = recipientAddresses(directory, request.to, request.recipientOverrides, sendOn);
    const context: NotificationContext = {
      kind: request.kind,
      plan,
      topic,
      periodLabel:
        request.occurrenceLabel ?? (request.occurrenceId ? periodLabelFromId(request.occurrenceId) : undefined),
      to: request.to,
      party: request.party,
      due: request.due,
      missing: request.missing,
      redirectedFrom: request.redirectedFrom,
      step: request.step,
      receipt: request.receipt,
      today: localDate(now, plan.timezone),
      timezone: plan.timezone,
    };
    // Links for the agency this email asks for a report (the lead of an escalation-lead only while it owes its own).
    const asked = await askedForReport(request);
    if (asked) {
      context.submitUrl = await deps.submitLink?.({ planId: plan.id, ...asked, due: request.due });
      if (context.submitUrl) context.calendarUrl = await deps.calendarLink?.(asked.agency);
    }
    // Replies to an email that asks for a report go to its reply key's address and become the report; other emails
    // (and every email when replies are not received) answer to the focal agency's people.
    const replyTo = asked && deps.replyAddress ? [await deps.replyAddress({ planId: plan.id, ...asked })] : undefined;
    context.replyByEmail = replyTo !== undefined;
    const calendar = calendarAttachment(plan, request, context, now);
    context.withCalendar = calendar !== undefined;
    const forwarded = request.kind === 'input-forwarded' ? await forwardedReport(request) : undefined;
    if (forwarded) context.report = forwarded.report;
    const rendered = withSuccessionNotice(
      renderNotification(context),
      request.recipientOverrides?.[request.to[0]]?.length ? '' : successionNotice(directory, request.to, sendOn),
    );
    return deliverOnce(delivery, {
      key: request.key,
      kind: request.kind,
      planId: plan.id,
      subject: request.subject,
      occurrenceId: request.occurrenceId,
      mail: {
        to,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        attachments: calendar ? [calendar] : (forwarded?.files ?? []),
        replyTo: replyTo ?? focalAddresses(plan, directory, { on: sendOn.on }),
        headers: automatedHeaders(request.kind, plan.id),
      },
    });
  }

  /**
   * Whose report an email asks for: reminders and overdue notices ask the addressed agency; an escalation to the lead
   * about its coordinators also asks the lead while its own report is not in; escalations about late leads go to the
   * focal agency or the committee, which owe nothing here.
   */
  async function askedForReport(
    request: NotificationRequest,
  ): Promise<{ subject: Subject; occurrenceId: string; agency: string; party?: Party } | undefined> {
    const { subject, occurrenceId } = request;
    const agency = request.to[0];
    if (!subject || !occurrenceId || !agency || request.to.length !== 1) return undefined;
    if (request.kind === 'reminder' || request.kind === 'overdue') {
      return { subject, occurrenceId, agency, party: request.party };
    }
    if (request.kind !== 'escalation-lead') return undefined;
    const reports = await deps.store.listReports({ planId: request.planId, occurrenceId, subject });
    if (reports.some((r) => r.agency === agency && r.role === 'lead')) return undefined;
    return { subject, occurrenceId, agency, party: 'lead' };
  }

  /** The stored input a forward refers to: its text for the body, its files as attachments. */
  async function forwardedReport(
    request: NotificationRequest,
  ): Promise<{ report: { text: string; attachments: string[] }; files: MailAttachment[] }> {
    const reportId = request.receipt?.reportId;
    const stored = reportId ? await deps.store.getReport(reportId) : undefined;
    if (!stored) {
      throw ApplicationFailure.nonRetryable(`Không có báo cáo "${reportId ?? ''}" để chuyển tiếp`, 'UnknownReport');
    }
    const files: MailAttachment[] = [];
    for (const ref of stored.attachments) {
      const file = await deps.store.getAttachment(ref.sha256);
      if (file) files.push({ filename: ref.filename, content: file.content, contentType: file.contentType });
    }
    return { report: { text: stored.text, attachments: stored.attachments.map((a) => a.filename) }, files };
  }

  async function sendNotifications(requests: NotificationRequest[]): Promise<BatchSendResult[]> {
    // Heartbeats while the batch goes out: a worker that dies mid-fan-out is retried on another within the workflow's
    // heartbeat timeout, not its start-to-close timeout.
    const context = activityContext();
    const timer = context ? setInterval(() => context.heartbeat(), 5_000) : undefined;
    let settled: PromiseSettledResult<SendResult>[];
    try {
      settled = await Promise.allSettled(requests.map((request) => sendNotification(request)));
    } finally {
      clearInterval(timer);
    }
    // A transient failure fails the batch so Temporal retries it; what was delivered is in the send log and is not sent again.
    const transient = settled.find(
      (s): s is PromiseRejectedResult =>
        s.status === 'rejected' && !(s.reason instanceof ApplicationFailure && s.reason.nonRetryable),
    );
    if (transient) throw transient.reason;
    return settled.map((s) =>
      s.status === 'fulfilled'
        ? s.value
        : { failed: (s.reason as Error).message, type: (s.reason as ApplicationFailure).type ?? 'Error' },
    );
  }

  return {
    sendNotification,
    sendNotifications,
    ...createReportActivities({ store: deps.store }),
    ...createSummaryActivities({ store: deps.store, plans: deps.plans, clock, delivery }),
  };
}
