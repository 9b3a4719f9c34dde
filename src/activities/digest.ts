// The activities of agency digests. They are Temporal clients of the mailbox workflow (signal-with-start) and of the
// subject workflows (their state query), so they use the workflows' contract for its names, as services do.
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Plan } from '../plan/schema';
import {
  addDigestItemsSignal,
  agencyMailboxWorkflowId,
  subjectStateQuery,
  type AgencyMailboxInput,
  type SubjectView,
} from '../workflows/contract';
import { localDate } from './email/dates';
import { alreadySent, deliverOnce } from './email/deliver';
import { renderDigest, type DigestEntry } from './email/digest-template';
import { automatedHeaders } from './email/headers';
import { periodLabelFromId } from './email/period-label';
import type { Topic } from './email/templates';
import type { MailAttachment } from './email/transport';
import type { ReplyAddressFor } from './inbound/reply-address';
import type { NotificationDeps } from './notifications';
import { findSubject, lookupPlan } from './plan-lookup';
import { dutyOf, focalAddresses, recipientAddresses, successionNotice, withSuccessionNotice } from './recipients';
import { icsUid, renderIcs, type IcsEvent } from './render/ics';
import type { Activities, DigestItem, DigestResult, MailboxAddress, NotificationRequest } from './types';

/** What the digest activities need besides what notifications need. */
export interface DigestDeps extends Pick<
  NotificationDeps,
  'store' | 'mailer' | 'plans' | 'clock' | 'submitLink' | 'calendarLink' | 'hooks' | 'sendLeaseMs'
> {
  /** The client that signals mailboxes and reads subjects; default: the worker's own (from the activity context). */
  temporal?: () => Client;
  replyAddress?: ReplyAddressFor;
}

/** The digest's send-log key: per mailbox and local day; a later batch of the same day is numbered. */
export function digestKey(address: MailboxAddress, day: string, batch = 1): string {
  const mailbox = agencyMailboxWorkflowId(address).replace(/^agency-mailbox\//, '');
  return `digest/${mailbox}/${day}${batch > 1 ? `/${batch}` : ''}`;
}

function topicOf(plan: Plan, request: NotificationRequest): Topic | undefined {
  if (!request.subject) return undefined;
  const found = findSubject(plan, request.subject);
  if (found.type === 'task') {
    const { task } = found;
    return { type: 'task', id: task.id, title: task.title, lead: task.lead, coordinators: task.coordinators };
  }
  return { type: 'deliverable', id: found.deadline.id, what: found.deadline.subject };
}

/**
 * Whether the subject still asks this of the agency: the occurrence open, the agency owing, the due date the same,
 * reminders on, a reminder's date not yet past. Anything else means the item would tell the agency something false.
 */
export function stillOwed(item: DigestItem, view: SubjectView, now: number): boolean {
  const { request } = item;
  if (view.cancelled || view.paused) return false;
  const open = view.open ?? (view.current ? [view.current] : []);
  const occurrence = open.find((o) => o.id === request.occurrenceId);
  if (!occurrence || !occurrence.owing.includes(request.to[0])) return false;
  const due =
    request.party === 'coordinators' ? (occurrence.due.coordinators ?? occurrence.due.lead) : occurrence.due.lead;
  if (request.due && due.at !== request.due.at) return false;
  return !(request.kind === 'reminder' && Date.parse(due.at) < now);
}

/** `queueDigestItems` and `sendDigest`. */
export function createDigestActivities(deps: DigestDeps): Pick<Activities, 'queueDigestItems' | 'sendDigest'> {
  const clock = deps.clock ?? (() => new Date());
  const client = deps.temporal ?? (() => Context.current().client);
  const delivery = { store: deps.store, mailer: deps.mailer, hooks: deps.hooks, leaseMs: deps.sendLeaseMs, clock };

  async function queueDigestItems(requests: NotificationRequest[]): Promise<{ queued: boolean }> {
    if (requests.length === 0) return { queued: true };
    const planIds = [...new Set(requests.map((r) => r.planId))];
    if (planIds.length !== 1)
      throw ApplicationFailure.nonRetryable('Một bước chỉ thuộc một kế hoạch', 'InvalidRequest');
    const { plan, directory } = await lookupPlan(deps.plans, planIds[0]);
    if (plan.policy.delivery !== 'digest') return { queued: false };
    const info = Context.current().info;
    const workflowId = info.workflowExecution?.workflowId;
    if (!workflowId) throw ApplicationFailure.nonRetryable('Chỉ một quy trình nhiệm vụ gửi được mục', 'InvalidRequest');
    const day = localDate(clock(), plan.timezone);
    const byAgency = new Map<string, DigestItem[]>();
    for (const request of requests) {
      if (request.kind !== 'reminder' && request.kind !== 'overdue') {
        throw ApplicationFailure.nonRetryable(`Thư ${request.kind} không gộp vào thư tổng hợp`, 'InvalidRequest');
      }
      if (request.to.length !== 1) {
        throw ApplicationFailure.nonRetryable(`Mỗi mục gửi một cơ quan (key "${request.key}")`, 'InvalidRequest');
      }
      // An agency without addresses fails now, in the task that owes it, rather than in the mailbox later.
      recipientAddresses(directory, request.to, request.recipientOverrides);
      const item: DigestItem = { key: request.key, day, workflowId, request };
      byAgency.set(request.to[0], [...(byAgency.get(request.to[0]) ?? []), item]);
    }
    for (const [agency, items] of byAgency) {
      const address = { province: directory.province, agency };
      const input: AgencyMailboxInput = address;
      // Starts the mailbox if it is not running; either way the items arrive as one signal.
      await client().workflow.signalWithStart('agencyMailboxWorkflow', {
        workflowId: agencyMailboxWorkflowId(address, info.taskQueue),
        taskQueue: info.taskQueue,
        args: [input],
        signal: addDigestItemsSignal,
        signalArgs: [items],
      });
    }
    return { queued: true };
  }

  /** Each subject's state, read once per workflow; undefined when it could not be read (the item stays listed). */
  async function subjectViews(items: DigestItem[]): Promise<Map<string, SubjectView | 'gone'>> {
    const views = new Map<string, SubjectView | 'gone'>();
    for (const workflowId of new Set(items.map((i) => i.workflowId))) {
      try {
        const view = await client().withDeadline(Date.now() + 10_000, () =>
          client().workflow.getHandle(workflowId).query(subjectStateQuery),
        );
        views.set(workflowId, view);
      } catch (err) {
        if ((err as Error).name === 'WorkflowNotFoundError') views.set(workflowId, 'gone');
        // Better a reminder too many than one lost: an unreadable subject keeps its items.
        else log.warn('subject state not readable; its items stay in the digest', { workflowId, error: String(err) });
      }
    }
    return views;
  }

  /** Heartbeats while `work` runs, so a worker that dies mid-digest is noticed in the heartbeat timeout, not minutes. */
  async function alive<T>(work: () => Promise<T>): Promise<T> {
    const context = Context.current();
    const timer = setInterval(() => context.heartbeat(), 5_000);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  async function sendDigest(input: {
    address: MailboxAddress;
    day: string;
    batch: number;
    items: DigestItem[];
  }): Promise<DigestResult> {
    return alive(() => digestOnce(input));
  }

  async function digestOnce(input: {
    address: MailboxAddress;
    day: string;
    batch: number;
    items: DigestItem[];
  }): Promise<DigestResult> {
    const { address, day, items } = input;
    const key = digestKey(address, day, input.batch);
    const logged = await deps.store.getSend(key);
    if (logged?.status === 'sent') return { sent: alreadySent(logged), listed: items.map((i) => i.key) };
    const now = clock();
    const views = await subjectViews(items);
    const owed = items.filter((item) => {
      const view = views.get(item.workflowId);
      return view !== 'gone' && (view === undefined || stillOwed(item, view, now.getTime()));
    });
    if (owed.length === 0) {
      log.info('digest has nothing left to ask; not sent', { key, items: items.length });
      return { listed: [], reason: 'nothing-owed' };
    }

    const entries: DigestEntry[] = [];
    const addresses: string[] = [];
    const replyTo: string[] = [];
    const focal: string[] = [];
    const notices: string[] = [];
    const events: IcsEvent[] = [];
    let zone = 'Asia/Ho_Chi_Minh';
    for (const { request } of owed) {
      const { plan, directory } = await lookupPlan(deps.plans, request.planId);
      zone = plan.timezone;
      // Each item's own addresses (a task's override, else the directory's): whoever its single email would reach.
      // Resolved on the send day: a reorganised agency's digest reaches its successor, and says so.
      const sendOn = { on: localDate(now, plan.timezone), duty: dutyOf(plan, request.subject) };
      for (const a of recipientAddresses(directory, request.to, request.recipientOverrides, sendOn))
        if (!addresses.includes(a)) addresses.push(a);
      for (const a of focalAddresses(plan, directory, { on: sendOn.on })) if (!replyTo.includes(a)) replyTo.push(a);
      const notice = request.recipientOverrides?.[request.to[0]]?.length
        ? ''
        : successionNotice(directory, request.to, sendOn);
      if (notice && !notices.includes(notice)) notices.push(notice);
      focal.push(plan.focalAgency);
      const topic = topicOf(plan, request);
      const periodLabel =
        request.occurrenceLabel ?? (request.occurrenceId ? periodLabelFromId(request.occurrenceId) : undefined);
      const target =
        request.subject && request.occurrenceId
          ? { planId: plan.id, subject: request.subject, occurrenceId: request.occurrenceId, agency: address.agency }
          : undefined;
      entries.push({
        kind: request.kind as DigestEntry['kind'],
        plan,
        topic,
        periodLabel,
        party: request.party,
        due: request.due,
        step: request.step,
        submitUrl: target ? await deps.submitLink?.({ ...target, party: request.party, due: request.due }) : undefined,
        replyAddress: target && deps.replyAddress ? await deps.replyAddress(target) : undefined,
      });
      if (request.kind === 'reminder' && request.due) {
        const what = [periodLabel, topic?.type === 'task' ? `Nhiệm vụ ${topic.id}` : topic?.what].filter(Boolean);
        events.push({
          // The UID of the individual reminder's file: a calendar that imported either updates the same event.
          uid: icsUid(
            plan.id,
            JSON.stringify(request.subject ?? {}),
            request.occurrenceId ?? '',
            request.party ?? '',
            request.to.join(','),
          ),
          summary: `Hạn gửi: ${what.join(' – ')} (${plan.number ?? plan.title})`.normalize('NFC'),
          description: `Kế hoạch ${plan.number ?? plan.title} – ${plan.title}. Cơ quan: ${address.agency}.`.normalize(
            'NFC',
          ),
          date: request.due.effective,
          alarms: [{ before: 1, description: `Ngày mai hết hạn: ${what.join(' – ')}` }],
        });
      }
    }
    const calendarUrl = await deps.calendarLink?.(address.agency);
    const attachments: MailAttachment[] = events.length
      ? [
          {
            filename: 'han-gui-bao-cao.ics',
            content: renderIcs(events, {
              name: `Đôn đốc – ${address.agency}`,
              timezone: zone,
              stamp: now.toISOString(),
            }),
            contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
          },
        ]
      : [];
    const rendered = withSuccessionNotice(
      renderDigest({
        agency: address.agency,
        day,
        entries,
        calendarUrl,
        withCalendar: attachments.length > 0,
        focalAgencies: focal,
      }),
      notices.join(' '),
    );
    const first = owed[0].request;
    try {
      const sent = await deliverOnce(delivery, {
        key,
        kind: 'digest',
        // The send log files a digest under its first item's plan; the items say which plans it covers.
        planId: first.planId,
        mail: {
          to: addresses,
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          attachments,
          replyTo,
          headers: automatedHeaders('digest', first.planId),
        },
      });
      return { sent, listed: owed.map((i) => i.key) };
    } catch (err) {
      if (!(err instanceof ApplicationFailure && err.nonRetryable)) throw err;
      // Refused for good: each task that owed an item keeps the reason in its audit trail, as for a single email.
      for (const { request } of owed) {
        await deps.store.appendAudit({
          planId: request.planId,
          subject: request.subject,
          entry: {
            at: now.toISOString(),
            action: 'delivery-failed',
            by: 'hệ thống',
            detail: `Không gửi được thư tổng hợp tới ${address.agency}: ${err.message}`,
            ...(request.occurrenceId ? { occurrenceId: request.occurrenceId } : {}),
          },
        });
      }
      return { listed: [], failed: err.message };
    }
  }

  return { queueDigestItems, sendDigest };
}
