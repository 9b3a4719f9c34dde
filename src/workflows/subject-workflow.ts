import {
  ActivityFailure,
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  TimeoutFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  rootCause,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type {
  Activities,
  AuditEntry,
  BatchSendResult,
  NotificationRequest,
  Receipt,
  Subject,
} from '../activities/types';
import type { Party, ScheduledStep } from '../deadlines/occurrence';
import {
  cancelUpdate,
  closeOccurrenceUpdate,
  endSubjectUpdate,
  extendDueUpdate,
  pauseRemindersUpdate,
  resendReminderUpdate,
  resumeRemindersUpdate,
  reviseSubjectUpdate,
  setRecipientsUpdate,
  subjectStateQuery,
  submitReportSignal,
  submitReportUpdate,
  type OccurrenceState,
  type OpenOccurrenceView,
  type SubjectCarry,
  type SubjectStatus,
  type SubjectView,
  type SubjectWorkflowInput,
  type SubmitReportInput,
} from './contract';
import { checkReport } from './report-validation';
import { agenciesKey, kindKey, nextDueKey, overdueAgenciesKey, planIdKey, statusKey } from './search-attributes';
import { kindOfStep, stepNotice } from './subject-notices';
import {
  appendAudit,
  dueOf,
  findAgency,
  followUntil,
  leadsDone,
  nextStep,
  openOccurrence,
  outcomes,
  overdueAgencies,
  owing,
  stepKey,
  subjectStatus,
  windowEnd,
} from './subject-state';

const schedule = proxyActivities<Pick<Activities, 'computeSchedule' | 'rescheduleOccurrence'>>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '5 seconds',
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['UnknownTask', 'UnknownDeadline', 'InvalidSchedule'],
  },
});

const records = proxyActivities<Pick<Activities, 'storeReport' | 'recordAudit' | 'recordExtension'>>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['InvalidReport', 'AttachmentTooLarge'],
  },
});

const mailRetry: RetryPolicy = {
  initialInterval: '30 seconds',
  backoffCoefficient: 2,
  nonRetryableErrorTypes: [
    'UnknownTask',
    'UnknownDeadline',
    'UnknownAgency',
    'NoRecipients',
    'InvalidRequest',
    'PermanentDeliveryFailure',
  ],
};

// A message that cannot be delivered yet is retried with backoff for days, never dropped.
const mail = proxyActivities<Pick<Activities, 'sendNotification' | 'sendNotifications'>>({
  startToCloseTimeout: '2 minutes',
  retry: { ...mailRetry, maximumInterval: '1 hour' },
});

// Overdue notices and escalations name who is late: one attempt window is bounded, then the list is computed again
// and the same emails (same keys, so nothing delivered is sent twice) are retried with who is late by then.
const NOTICE_WINDOW = '1 hour';
const notices = proxyActivities<Pick<Activities, 'sendNotifications'>>({
  startToCloseTimeout: '2 minutes',
  // The activity heartbeats while it sends: a worker that dies mid-fan-out is retried on another within this.
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: NOTICE_WINDOW,
  retry: { ...mailRetry, maximumInterval: '10 minutes' },
});

// The same, cancelled when an agency a notice names reports while it waits for the mail server: the step is sent
// again at once with who is late by then (same keys). A running attempt is let finish, so nothing goes out twice.
const currentNotices = proxyActivities<Pick<Activities, 'sendNotifications'>>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: NOTICE_WINDOW,
  retry: { ...mailRetry, maximumInterval: '10 minutes' },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

// Handing items to an agency's mailbox is a signal: quick, retried while Temporal or the plan file is unavailable.
const digests = proxyActivities<Pick<Activities, 'queueDigestItems'>>({
  startToCloseTimeout: '1 minute',
  retry: { ...mailRetry, maximumInterval: '10 minutes' },
});

/** A step more than this late (the workflow started after it, or was stopped long) is skipped, not sent late. */
const STALE_STEP_MS = 3 * 24 * 60 * 60 * 1000;
/** Occurrences whose lead due lies further back than this when a workflow first starts are not followed. */
const START_GRACE_MS = 30 * 24 * 60 * 60 * 1000;

/** Patch id of forwarding each coordinator's input to the lead (see `acceptReport`). */
export const FORWARD_INPUT_PATCH = 'forward-coordinator-input-to-lead';
/** Patch id of answering a report before its emails are sent (see `acceptReport`). */
export const RECEIPT_BEFORE_EMAIL_PATCH = 'receipt-before-email';
/**
 * Patch id of the December 2026 correctness fixes (issue 10): rejected signals audited, submission ids released on
 * failure, extensions that move the follow-up window, every closed occurrence finalised, closes that wait for reports
 * in flight, notices with current lists, no escalation to the late focal agency itself, statuses that do not claim
 * "completed" for what was never followed, extensions recorded for summaries, several open occurrences followed at
 * once. Decided once when a run starts, so a run keeps one behaviour from its first event to its last.
 */
export const CORRECTNESS_PATCH = 'subject-correctness-2026-12';

/**
 * Patch id of agency digests (issue 11 §4): reminders and overdue notices of plans with `delivery: digest` go to each
 * agency's mailbox workflow, which sends one email a morning. Decided once when a run starts, like the correctness
 * patch.
 */
export const DIGEST_PATCH = 'agency-digest-2026-12';

/**
 * Patch id of notices that name who is late when they go out (issue 15): a step's emails waiting for the mail server
 * are sent again with the list recomputed as soon as an agency they name reports, not only after a whole attempt
 * window. Decided per step, so steps taken before a deploy replay as they ran.
 */
export const NOTICE_LISTS_PATCH = 'notice-lists-current-2026-12';

/** Continue-as-new when history passes this many events even if the server does not suggest it yet. */
const HISTORY_SOFT_LIMIT = 2_000;

function subjectPath(subject: Subject): string {
  return subject.type === 'task' ? `task/${subject.taskId}` : `deliverable/${subject.deadlineId}`;
}

/** The attempt window passed: timed out, or retries stopped because the schedule-to-close time ran out. */
function isTimeout(err: unknown): boolean {
  return err instanceof ActivityFailure && (err.cause instanceof TimeoutFailure || err.retryState === 'TIMEOUT');
}

/**
 * Follows one plan task (or plan-wide deliverable) through its occurrences: reminds the agencies that still owe,
 * takes their reports, escalates late ones, and closes each occurrence when the lead's report is in.
 */
export async function subjectWorkflow(input: SubjectWorkflowInput): Promise<SubjectCarry['closed']> {
  const v2 = patched(CORRECTNESS_PATCH);
  const digest = patched(DIGEST_PATCH);
  const { planId, subject } = input;
  const visibility = input.visibility ?? true;
  let carry: SubjectCarry | undefined = input.carry;
  let changed = false;
  /** Submission id → occurrence id, while its report is being stored. */
  const pendingSubmissions = new Map<string, string>();
  /** Occurrences whose close waits for the reports in flight. */
  const closing = new Set<string>();
  // Emails started by handlers that have already answered; they finish before continue-as-new or completion.
  const outbox = new Set<Promise<void>>();
  const inBackground = (work: Promise<void>): void => {
    outbox.add(work);
    void work.finally(() => outbox.delete(work));
  };
  const settled = (): boolean => allHandlersFinished() && outbox.size === 0;
  let published = '';

  const now = () => Date.now();
  const iso = () => new Date(now()).toISOString();
  const current = (): OccurrenceState | undefined => carry?.occurrences.find((o) => !o.closed);
  const openOccurrences = (): OccurrenceState[] => carry?.occurrences.filter((o) => !o.closed) ?? [];
  const findOccurrence = (id: string) => carry?.occurrences.find((o) => o.occurrence.id === id);

  function status(): SubjectStatus {
    if (v2) return subjectStatus(carry, now());
    if (!carry) return 'active';
    if (carry.cancelled) return 'cancelled';
    const open = current();
    if (!open) return 'completed';
    if (carry.paused) return 'paused';
    return overdueAgencies(open, carry, now()).length > 0 ? 'overdue' : 'active';
  }

  function publish(): void {
    if (!visibility || !carry) return;
    const state = carry;
    const open = current();
    const overdue = v2
      ? [...new Set(openOccurrences().flatMap((o) => overdueAgencies(o, state, now())))]
      : open
        ? overdueAgencies(open, carry, now())
        : [];
    const fingerprint = JSON.stringify([
      status(),
      overdue,
      open?.occurrence.due.lead.at,
      carry.lead,
      carry.coordinators,
    ]);
    if (fingerprint === published) return;
    published = fingerprint;
    // Nothing open: no next due date (an empty value removes the attribute rather than leaving the last one).
    const nextDue = open
      ? [{ key: nextDueKey, value: new Date(open.occurrence.due.lead.at) }]
      : v2
        ? [{ key: nextDueKey, value: null }]
        : [];
    upsertSearchAttributes([
      { key: planIdKey, value: planId },
      { key: kindKey, value: subject.type },
      { key: agenciesKey, value: [...carry.lead, ...carry.coordinators] },
      { key: statusKey, value: status() },
      { key: overdueAgenciesKey, value: overdue },
      ...nextDue,
    ]);
  }

  async function audit(action: string, by: string, detail: string, occurrenceId?: string): Promise<void> {
    const entry: AuditEntry = { at: iso(), action, by, detail, ...(occurrenceId ? { occurrenceId } : {}) };
    if (carry) carry.audit = appendAudit(carry.audit, entry);
    await records.recordAudit({ planId, subject, entry });
  }

  async function send(request: Omit<NotificationRequest, 'planId' | 'subject' | 'recipientOverrides'>): Promise<void> {
    try {
      await mail.sendNotification({ ...request, planId, subject, recipientOverrides: carry?.recipientOverrides });
    } catch (err) {
      // Only non-retryable failures get here (bad address, unknown agency): record them, keep following up.
      const cause = (err as { cause?: Error }).cause ?? (err as Error);
      log.warn('notification not delivered', { key: request.key, error: cause.message });
      await audit(
        'delivery-failed',
        'hệ thống',
        `Không gửi được ${request.kind} tới ${request.to.join(', ')}: ${cause.message}`,
        request.occurrenceId,
      );
    }
  }

  /** A step as it ran before the correctness patch (kept literally: running workflows replay it). */
  async function performStepLegacy(state: OccurrenceState, step: ScheduledStep): Promise<void> {
    if (!carry) return;
    const subjectState = carry;
    const occurrence = state.occurrence;
    const due = dueOf(occurrence, step.party);
    const late = owing(state, carry, step.party);
    const key = stepKey(occurrence, step);
    const base = {
      occurrenceId: occurrence.id,
      occurrenceLabel: occurrence.label,
      party: step.party,
      due,
      step: step.n,
    };
    const keyFor = (recipient: string) => `${planId}/${subjectPath(subject)}/${occurrence.id}/${key}/${recipient}`;
    if (late.length === 0) return;
    if (carry.paused) {
      await audit(
        'step-skipped',
        'hệ thống',
        `Tạm dừng nhắc: bỏ qua ${step.kind} (${step.party}) lần ${step.n}`,
        occurrence.id,
      );
      return;
    }
    if (now() - Date.parse(step.at) > STALE_STEP_MS) return;
    if (step.kind === 'reminder' && Date.parse(due.at) < now()) return;
    const kind = kindOfStep(step);
    let recipients: string[];
    if (step.kind === 'escalation') {
      recipients = step.party === 'coordinators' ? carry.lead : [step.n === 1 ? carry.focalAgency : carry.reportsTo];
    } else {
      recipients = late;
    }
    const requests: NotificationRequest[] = recipients.map((to) => ({
      ...base,
      planId,
      subject,
      recipientOverrides: subjectState.recipientOverrides,
      key: keyFor(to),
      kind,
      to: [to],
      ...(step.kind === 'reminder' ? {} : { missing: late }),
    }));
    const results = await mail.sendNotifications(requests);
    for (const [i, result] of results.entries()) {
      if ('failed' in result) {
        await audit(
          'delivery-failed',
          'hệ thống',
          `Không gửi được ${kind} tới ${requests[i].to.join(', ')}: ${result.failed}`,
          occurrence.id,
        );
      }
    }
  }

  /** The requests of a step for the agencies late now, one per recipient (one activity per step, not per email). */
  function stepRequests(state: OccurrenceState, step: ScheduledStep, late: string[]) {
    const occurrence = state.occurrence;
    const key = stepKey(occurrence, step);
    const notice = stepNotice(step, late, state0(), true);
    const requests: NotificationRequest[] = notice.recipients.map((to) => ({
      occurrenceId: occurrence.id,
      occurrenceLabel: occurrence.label,
      party: step.party,
      due: dueOf(occurrence, step.party),
      step: step.n,
      planId,
      subject,
      recipientOverrides: carry?.recipientOverrides,
      key: `${planId}/${subjectPath(subject)}/${occurrence.id}/${key}/${to}`,
      kind: notice.kind,
      to: [to],
      ...(notice.missing ? { missing: notice.missing } : {}),
      ...(notice.redirected ? { redirectedFrom: notice.redirected.from } : {}),
    }));
    return { notice, requests };
  }

  /** Hands a step's reminders or overdue notices to the agencies' mailboxes; false when the plan wants single emails. */
  async function queueForDigest(requests: NotificationRequest[], occurrenceId: string): Promise<boolean> {
    try {
      return (await digests.queueDigestItems(requests)).queued;
    } catch (err) {
      // Only non-retryable failures get here (an agency without addresses): recorded, and the task goes on.
      await audit('delivery-failed', 'hệ thống', `Không đưa được vào thư tổng hợp: ${rootCause(err)}`, occurrenceId);
      return true;
    }
  }

  /**
   * Sends a step's emails to whoever owes at the time. An attempt window that passes without delivery (the mail server
   * down for long) starts a new attempt with the list recomputed: a notice names who is late when it goes out.
   */
  async function performStep(state: OccurrenceState, step: ScheduledStep): Promise<void> {
    const subjectState = state0();
    const occurrence = state.occurrence;
    const due = dueOf(occurrence, step.party);
    const late = owing(state, subjectState, step.party);
    if (late.length === 0) return;
    if (subjectState.paused) {
      await audit(
        'step-skipped',
        'hệ thống',
        `Tạm dừng nhắc: bỏ qua ${step.kind} (${step.party}) lần ${step.n}`,
        occurrence.id,
      );
      return;
    }
    if (now() - Date.parse(step.at) > STALE_STEP_MS) return;
    if (step.kind === 'reminder' && Date.parse(due.at) < now()) return; // a reminder for a due date already past says nothing useful
    let { notice, requests } = stepRequests(state, step, late);
    // The step is done once its items are queued: the mailbox reads the task again before its digest goes out.
    if (digest && step.kind !== 'escalation' && (await queueForDigest(requests, occurrence.id))) return;
    if (notice.redirected) {
      await audit(
        'escalation-redirected',
        'hệ thống',
        `${notice.redirected.from} là cơ quan đầu mối nhưng cũng là cơ quan chủ trì chưa báo cáo: báo cáo lên ${notice.redirected.to}`,
        occurrence.id,
      );
    }
    const listsFollowReports = patched(NOTICE_LISTS_PATCH);
    let named = late;
    for (;;) {
      try {
        const results = listsFollowReports
          ? await sendUnlessReported(state, requests, named)
          : await notices.sendNotifications(requests);
        if (!results) {
          log.info('an agency a waiting notice names reported; sending it with who is late now', {
            occurrenceId: occurrence.id,
            kind: notice.kind,
          });
          const stillLate = owing(state, subjectState, step.party);
          if (stillLate.length === 0 || subjectState.cancelled || subjectState.paused || state.closed) return;
          if (state.occurrence !== occurrence) return;
          if (step.kind === 'reminder' && Date.parse(due.at) < now()) return;
          ({ notice, requests } = stepRequests(state, step, stillLate));
          named = stillLate;
          continue;
        }
        for (const [i, result] of results.entries()) {
          if ('failed' in result) {
            await audit(
              'delivery-failed',
              'hệ thống',
              `Không gửi được ${requests[i].kind} tới ${requests[i].to.join(', ')}: ${result.failed}`,
              occurrence.id,
            );
          }
        }
        return;
      } catch (err) {
        if (!isTimeout(err)) {
          await audit('delivery-failed', 'hệ thống', `Không gửi được ${notice.kind}: ${rootCause(err)}`, occurrence.id);
          return;
        }
      }
      // The mail server has been down for a whole window: whoever reported meanwhile is no longer late.
      log.warn('notice not delivered within its window; sending again with who is late now', {
        occurrenceId: occurrence.id,
        kind: notice.kind,
      });
      const stillLate = owing(state, subjectState, step.party);
      if (stillLate.length === 0 || subjectState.cancelled || subjectState.paused || state.closed) return;
      if (state.occurrence !== occurrence) return; // extended meanwhile: its new schedule has steps of its own
      if (step.kind === 'reminder' && Date.parse(due.at) < now()) return;
      ({ notice, requests } = stepRequests(state, step, stillLate));
      named = stillLate;
    }
  }

  /**
   * A step's emails, or undefined when an agency in `named` reported before they were delivered (the activity is
   * cancelled: the caller recomputes the list). An attempt running when the report comes is let finish.
   */
  async function sendUnlessReported(
    state: OccurrenceState,
    requests: NotificationRequest[],
    named: string[],
  ): Promise<BatchSendResult[] | undefined> {
    const scope = new CancellationScope();
    let done = false;
    const sending = scope.run(() => currentNotices.sendNotifications(requests));
    void sending.then(
      () => (done = true),
      () => (done = true),
    );
    const reported = () => named.some((agency) => !!state.receipts[agency]);
    await condition(() => done || reported());
    if (done) return sending;
    scope.cancel();
    try {
      // Delivered after all (the attempt under way when the report came): what was sent is sent.
      return await sending;
    } catch {
      return undefined;
    }
  }

  /** Closes an occurrence at once, with each agency's outcome. */
  function closeNow(state: OccurrenceState, by: string, reason: string): void {
    if (!carry || state.closed) return;
    state.closed = { at: iso(), by, reason, outcomes: outcomes(state, carry) };
  }

  /** Closes an occurrence once no report for it is still being stored, so outcomes and the store agree. */
  async function closeWhenStored(state: OccurrenceState, by: string, reason: string): Promise<void> {
    if (!carry || state.closed) return;
    const id = state.occurrence.id;
    if (closing.has(id)) {
      await condition(() => !!state.closed);
      return;
    }
    closing.add(id);
    await condition(() => ![...pendingSubmissions.values()].includes(id));
    closeNow(state, by, reason);
    closing.delete(id);
    changed = true;
  }

  const state0 = (): SubjectCarry => carry as SubjectCarry;
  /** The first open occurrence, and any later one whose follow-up has begun (an extended one overlaps the next). */
  const takingReports = (o: OccurrenceState): boolean =>
    o === current() || o.occurrence.steps.some((s) => Date.parse(s.at) <= now());

  function openView(open: OccurrenceState): OpenOccurrenceView {
    const state = carry as SubjectCarry;
    const step = nextStep(open);
    return {
      id: open.occurrence.id,
      label: open.occurrence.label,
      due: open.occurrence.due,
      reported: open.receipts,
      owing: [...owing(open, state, 'coordinators'), ...owing(open, state, 'lead')],
      overdue: overdueAgencies(open, state, now()),
      nextStep: step ? { at: step.at, kind: step.kind, party: step.party } : undefined,
      extensions: open.extensions,
    };
  }

  function view(): SubjectView {
    const open = current();
    return {
      planId,
      subject,
      status: status(),
      lead: carry?.lead ?? [],
      coordinators: carry?.coordinators ?? [],
      focalAgency: carry?.focalAgency,
      reportsTo: carry?.reportsTo,
      current: open && carry ? openView(open) : undefined,
      open: carry ? openOccurrences().filter(takingReports).map(openView) : [],
      upcoming: (carry?.occurrences ?? [])
        .filter((o) => !o.closed && o !== open)
        .map((o) => ({ id: o.occurrence.id, label: o.occurrence.label, leadDue: o.occurrence.due.lead.effective })),
      closed: carry?.closed ?? [],
      notFollowed: carry?.notFollowed ?? [],
      paused: carry?.paused,
      cancelled: carry?.cancelled,
      audit: carry?.audit ?? [],
      ...(carry?.revision ? { revision: carry.revision } : {}),
      ...(carry?.ended ? { ended: carry.ended } : {}),
    };
  }

  // --- setup: handlers first, so no message is lost while the schedule loads ---
  setHandler(subjectStateQuery, view);

  async function acceptReport(report: SubmitReportInput): Promise<Receipt> {
    if (!carry) throw ApplicationFailure.nonRetryable('Nhiệm vụ chưa sẵn sàng', 'NotReady');
    const subjectState = carry;
    const state = findOccurrence(report.occurrenceId) as OccurrenceState;
    pendingSubmissions.set(report.submissionId, state.occurrence.id);
    const agency = findAgency([...carry.lead, ...carry.coordinators], report.agency) as string;
    const role = carry.lead.includes(agency) ? 'lead' : 'coordinators';
    const receivedAt = iso();
    const onTime = now() <= Date.parse(dueOf(state.occurrence, role).at);
    const stored = {
      planId,
      subject,
      occurrenceId: state.occurrence.id,
      agency,
      role,
      submissionId: report.submissionId,
      text: report.text.normalize('NFC'),
      receivedAt,
      onTime,
      attachments: report.attachments,
    } as const;
    let reportId: string;
    if (!v2) ({ reportId } = await records.storeReport(stored));
    else {
      try {
        ({ reportId } = await records.storeReport(stored));
      } catch (err) {
        // Released, so the same submission can be sent again; and answered with the store's own reason
        // ("tệp đính kèm chưa được lưu"), not "activity task failed".
        pendingSubmissions.delete(report.submissionId);
        const type =
          err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause.type : undefined;
        throw ApplicationFailure.create({
          message: rootCause(err) || 'Không lưu được báo cáo',
          type: type ?? 'ReportNotStored',
          nonRetryable: true,
        });
      }
    }
    const receipt: Receipt = {
      reportId,
      submissionId: report.submissionId,
      agency,
      occurrenceId: state.occurrence.id,
      receivedAt,
      onTime,
      ...(v2 ? { occurrenceLabel: state.occurrence.label } : {}),
    };
    state.receipts[agency] = receipt;
    carry.submissionIds.push(report.submissionId);
    if (v2) carry.submissionPeriods = { ...carry.submissionPeriods, [report.submissionId]: state.occurrence.id };
    pendingSubmissions.delete(report.submissionId);
    changed = true;
    publish();
    await audit(
      'report-received',
      agency,
      `${role === 'lead' ? 'Báo cáo nhiệm vụ' : 'Ý kiến phối hợp'} ${onTime ? 'đúng hạn' : 'trễ hạn'} (${reportId})`,
      state.occurrence.id,
    );
    const occurrence = state.occurrence;
    const lead = carry.lead;
    const notify = async (): Promise<void> => {
      await send({
        key: `${planId}/${subjectPath(subject)}/${occurrence.id}/receipt/${report.submissionId}`,
        kind: 'receipt',
        to: [agency],
        occurrenceId: occurrence.id,
        occurrenceLabel: occurrence.label,
        party: role,
        due: dueOf(occurrence, role),
        receipt,
      });
      // The lead compiles the task report from the coordinators' input, so each input goes on to the lead with its
      // text. Patched: workflows that accepted input before this change replay without the forward.
      if (role === 'coordinators' && patched(FORWARD_INPUT_PATCH)) {
        const stillOwing = owing(state, subjectState, 'coordinators');
        for (const to of lead) {
          await send({
            key: `${planId}/${subjectPath(subject)}/${occurrence.id}/forward/${report.submissionId}/${to}`,
            kind: 'input-forwarded',
            to: [to],
            occurrenceId: occurrence.id,
            occurrenceLabel: occurrence.label,
            party: 'lead',
            due: dueOf(occurrence, 'lead'),
            receipt,
            missing: stillOwing,
          });
        }
      }
    };
    // The receipt answers the agency once the report is stored; the emails follow, so a mail server that is down
    // delays them (retried) but not the answer. Patched: earlier workflows answered after the emails.
    if (patched(RECEIPT_BEFORE_EMAIL_PATCH)) inBackground(notify());
    else await notify();
    return receipt;
  }

  const validateReport = (report: SubmitReportInput): void =>
    checkReport(report, { carry, pending: pendingSubmissions, closing, strict: v2 });

  setHandler(submitReportUpdate, acceptReport, { validator: validateReport });

  setHandler(submitReportSignal, async (report: SubmitReportInput) => {
    await condition(() => carry !== undefined);
    const rejected = (err: unknown) =>
      audit(
        'report-rejected',
        report?.agency ?? '?',
        `Báo cáo bị từ chối: ${v2 ? rootCause(err) : (err as Error).message}`,
        report?.occurrenceId,
      );
    try {
      validateReport(report);
    } catch (err) {
      await rejected(err);
      return;
    }
    if (!v2) {
      await acceptReport(report);
      return;
    }
    // A signal has nobody to answer: a report the store refuses is audited as rejected and the task goes on.
    try {
      await acceptReport(report);
    } catch (err) {
      await rejected(err);
    }
  });

  const openOrThrow = (occurrenceId: string): OccurrenceState => {
    const state = findOccurrence(occurrenceId);
    if (!state || state.closed || (v2 && closing.has(occurrenceId)))
      throw new Error(`Không có kỳ báo cáo đang mở "${occurrenceId}"`);
    return state;
  };
  const requireAdmin = (action: { by?: string; reason?: string }, needReason = true) => {
    if (!carry) throw new Error('Nhiệm vụ chưa sẵn sàng');
    if (!action?.by?.trim()) throw new Error('Cần ghi người thực hiện (by)');
    if (needReason && !action.reason?.trim()) throw new Error('Cần ghi lý do (reason)');
  };

  setHandler(
    extendDueUpdate,
    async ({ occurrenceId, leadDue, reason, by }) => {
      const state = openOrThrow(occurrenceId);
      const from = state.occurrence.due.lead;
      const moved = await schedule.rescheduleOccurrence({ planId, subject, occurrence: state.occurrence, leadDue });
      state.occurrence = moved;
      // Steps of the new schedule that are already past are not sent late.
      for (const step of moved.steps) {
        const key = stepKey(moved, step);
        if (Date.parse(step.at) <= now() && !state.doneSteps.includes(key)) state.doneSteps.push(key);
      }
      const extension = { at: iso(), from, to: moved.due.lead, reason, grantedBy: by };
      state.extensions.push(extension);
      changed = true;
      publish();
      await audit('extend-due', by, `Gia hạn ${from.effective} → ${moved.due.lead.effective}: ${reason}`, occurrenceId);
      // Summaries read extensions from the store: a task not yet due at its new date is not "missing".
      if (v2) await records.recordExtension({ planId, subject, occurrenceId, ...extension });
      return moved.due.lead;
    },
    {
      validator: (action) => {
        requireAdmin(action);
        const state = openOrThrow(action.occurrenceId);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(action.leadDue ?? ''))
          throw new Error(`Hạn mới "${action.leadDue}" phải có dạng YYYY-MM-DD`);
        if (action.leadDue <= state.occurrence.due.lead.nominal) {
          throw new Error(`Hạn mới ${action.leadDue} phải sau hạn hiện tại ${state.occurrence.due.lead.nominal}`);
        }
      },
    },
  );

  setHandler(
    pauseRemindersUpdate,
    async ({ by, reason }) => {
      if (!carry || carry.paused) return;
      carry.paused = { at: iso(), by, reason };
      changed = true;
      publish();
      await audit('pause', by, `Tạm dừng nhắc: ${reason}`);
    },
    { validator: (action) => requireAdmin(action) },
  );

  setHandler(
    resumeRemindersUpdate,
    async ({ by, reason }) => {
      if (!carry?.paused) return;
      carry.paused = undefined;
      changed = true;
      publish();
      await audit('resume', by, `Tiếp tục nhắc: ${reason}`);
    },
    { validator: (action) => requireAdmin(action, false) },
  );

  setHandler(
    closeOccurrenceUpdate,
    async ({ occurrenceId, by, reason }) => {
      if (v2) await closeWhenStored(openOrThrow(occurrenceId), by, reason);
      else closeNow(openOrThrow(occurrenceId), by, reason);
      changed = true;
      await audit('close', by, `Đóng kỳ: ${reason}`, occurrenceId);
    },
    {
      validator: (action) => {
        requireAdmin(action);
        openOrThrow(action.occurrenceId);
      },
    },
  );

  setHandler(
    setRecipientsUpdate,
    async ({ agency, emails, by, reason }) => {
      if (!carry) return;
      const name = findAgency(
        [...carry.lead, ...carry.coordinators, carry.focalAgency, carry.reportsTo],
        agency,
      ) as string;
      carry.recipientOverrides = { ...carry.recipientOverrides, [name]: emails };
      await audit(
        'set-recipients',
        by,
        `Địa chỉ nhận của ${name}: ${emails.join(', ')}${reason ? ` (${reason})` : ''}`,
      );
    },
    {
      validator: (action) => {
        requireAdmin(action, false);
        if (!carry) return;
        const names = [...carry.lead, ...carry.coordinators, carry.focalAgency, carry.reportsTo];
        if (!findAgency(names, action.agency ?? ''))
          throw new Error(`"${action.agency}" không liên quan đến nhiệm vụ này`);
        if (!Array.isArray(action.emails) || action.emails.length === 0)
          throw new Error('Cần ít nhất một địa chỉ email');
        const bad = action.emails.find((e: string) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e));
        if (bad) throw new Error(`Địa chỉ email không hợp lệ: "${bad}"`);
      },
    },
  );

  /** Who a resend goes to: the open occurrence's agencies that still owe (each with its party), or just `agency`. */
  function resendTargets(state: OccurrenceState, agency?: string): { to: string; party: Party }[] {
    const subjectState = state0();
    const parties: Party[] = state.occurrence.due.coordinators ? ['coordinators', 'lead'] : ['lead'];
    const all = parties.flatMap((party) => owing(state, subjectState, party).map((to) => ({ to, party })));
    if (agency === undefined || agency === '') return all;
    const name = findAgency(
      all.map((t) => t.to),
      agency,
    );
    return all.filter((t) => t.to === name);
  }

  setHandler(
    resendReminderUpdate,
    async ({ occurrenceId, agency, by, reason }) => {
      const state = openOrThrow(occurrenceId);
      const targets = resendTargets(state, agency);
      const n = (state.resends ?? 0) + 1;
      state.resends = n;
      const occurrence = state.occurrence;
      const requests: NotificationRequest[] = targets.map(({ to, party }) => {
        const due = dueOf(occurrence, party);
        return {
          planId,
          subject,
          recipientOverrides: carry?.recipientOverrides,
          occurrenceId: occurrence.id,
          occurrenceLabel: occurrence.label,
          party,
          due,
          // The key numbers the resend: a retried activity finds it sent; the next "nhắc lại" is a new email.
          key: `${planId}/${subjectPath(subject)}/${occurrence.id}/resend-${n}/${to}`,
          kind: Date.parse(due.at) < now() ? 'overdue' : 'reminder',
          to: [to],
        };
      });
      await audit(
        'resend-reminder',
        by,
        `Nhắc lại (lần ${n}) tới ${targets.map((t) => t.to).join(', ')}: ${reason}`,
        occurrenceId,
      );
      const results = await mail.sendNotifications(requests);
      const sentTo: string[] = [];
      for (const [i, result] of results.entries()) {
        if ('failed' in result) {
          await audit(
            'delivery-failed',
            'hệ thống',
            `Không gửi được lời nhắc lại tới ${requests[i].to.join(', ')}: ${result.failed}`,
            occurrenceId,
          );
        } else sentTo.push(...requests[i].to);
      }
      return { sentTo };
    },
    {
      validator: (action) => {
        requireAdmin(action);
        const state = openOrThrow(action.occurrenceId);
        if (carry?.cancelled) throw new Error('Nhiệm vụ đã bị hủy');
        if (carry?.paused) throw new Error('Nhiệm vụ đang tạm dừng nhắc; hãy tiếp tục trước khi nhắc lại');
        if (resendTargets(state).length === 0) throw new Error('Mọi cơ quan đã báo cáo kỳ này: không còn ai để nhắc');
        if (action.agency && resendTargets(state, action.agency).length === 0)
          throw new Error(`"${action.agency}" không còn nợ báo cáo kỳ này (hoặc không thuộc nhiệm vụ)`);
      },
    },
  );

  setHandler(
    cancelUpdate,
    async ({ by, reason }) => {
      if (!carry || carry.cancelled) return;
      carry.cancelled = { at: iso(), by, reason };
      changed = true;
      publish();
      await audit('cancel', by, `Hủy nhiệm vụ: ${reason}`);
    },
    { validator: (action) => requireAdmin(action) },
  );

  /** "2026-06-15" → "15/06/2026". */
  const shown = (date: string) => date.split('-').reverse().join('/');
  const sameAgencies = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

  /** Steps of a new schedule that are already past are not sent late (as after an extension). */
  function skipPastSteps(state: OccurrenceState): void {
    for (const step of state.occurrence.steps) {
      const key = stepKey(state.occurrence, step);
      if (Date.parse(step.at) <= now() && !state.doneSteps.includes(key)) state.doneSteps.push(key);
    }
  }

  // Revisions (issue 13): these handlers run only when their update is in a history, so replaying a history from
  // before them is unchanged; the plan workflow, whose main line changes, carries the patch.
  setHandler(
    reviseSubjectUpdate,
    async ({ revision, reloadHolidays, by, reason }) => {
      const subjectState = carry as SubjectCarry;
      const next = await schedule.computeSchedule({ planId, subject, revision, reloadHolidays });
      const changes: string[] = [];
      if (!reloadHolidays) {
        const agencies = [
          ['Cơ quan chủ trì', subjectState.lead, next.lead, (v: string[]) => (subjectState.lead = v)],
          [
            'Cơ quan phối hợp',
            subjectState.coordinators,
            next.coordinators,
            (v: string[]) => (subjectState.coordinators = v),
          ],
        ] as const;
        for (const [label, before, after, set] of agencies) {
          if (sameAgencies(before, after)) continue;
          changes.push(`${label}: ${before.join(', ') || '(không)'} → ${after.join(', ') || '(không)'}`);
          set(after);
        }
        if (subjectState.focalAgency !== next.focalAgency) {
          changes.push(`Cơ quan đầu mối: ${subjectState.focalAgency} → ${next.focalAgency}`);
          subjectState.focalAgency = next.focalAgency;
        }
        if (subjectState.reportsTo !== next.reportsTo) {
          changes.push(`Báo cáo lên: ${subjectState.reportsTo} → ${next.reportsTo}`);
          subjectState.reportsTo = next.reportsTo;
        }
        subjectState.knownAgencies = next.knownAgencies;
      }
      const fresh = new Map(next.occurrences.map((o) => [o.id, o]));
      const kept: OccurrenceState[] = [];
      for (const occ of subjectState.occurrences) {
        const id = occ.occurrence.id;
        const replacement = fresh.get(id);
        // Closed occurrences, closes in progress and extensions an admin granted stay as they are.
        const fixed = !!occ.closed || closing.has(id) || occ.extensions.length > 0;
        const due = Date.parse(occ.occurrence.due.lead.at) <= now();
        if (fixed || (reloadHolidays && due)) {
          kept.push(occ);
          continue;
        }
        if (!replacement) {
          // A period the revision no longer asks for goes, unless reports already came in for it.
          if (reloadHolidays || Object.keys(occ.receipts).length > 0) kept.push(occ);
          else changes.push(`Bỏ kỳ ${occ.occurrence.label} (hạn ${shown(occ.occurrence.due.lead.effective)})`);
          continue;
        }
        if (JSON.stringify(replacement) !== JSON.stringify(occ.occurrence)) {
          const from = occ.occurrence.due.lead.effective;
          const to = replacement.due.lead.effective;
          changes.push(
            from === to
              ? `${replacement.label}: lịch nhắc thay đổi (hạn vẫn là ${shown(to)})`
              : `${replacement.label}: hạn ${shown(from)} → ${shown(to)}`,
          );
          occ.occurrence = replacement;
          skipPastSteps(occ);
        }
        kept.push(occ);
      }
      if (!reloadHolidays) {
        const known = new Set([
          ...kept.map((o) => o.occurrence.id),
          ...subjectState.closed.map((c) => c.id),
          ...(subjectState.notFollowed ?? []).map((n) => n.id),
        ]);
        for (const occurrence of next.occurrences) {
          if (known.has(occurrence.id) || Date.parse(occurrence.due.lead.at) <= now()) continue;
          const added = openOccurrence(occurrence);
          skipPastSteps(added);
          kept.push(added);
          changes.push(`Thêm kỳ ${occurrence.label} (hạn ${shown(occurrence.due.lead.effective)})`);
        }
      }
      kept.sort((a, b) => Date.parse(a.occurrence.due.lead.at) - Date.parse(b.occurrence.due.lead.at));
      subjectState.occurrences = kept;
      if (revision) subjectState.revision = revision;
      if (changes.length === 0) return { changed: false, changes };
      changed = true;
      publish();
      const what = reloadHolidays ? 'Áp dụng lịch nghỉ mới' : `Điều chỉnh kế hoạch (bản ${revision})`;
      await audit(
        reloadHolidays ? 'holidays-applied' : 'plan-revised',
        by,
        `${what}: ${changes.join('; ')}. Lý do: ${reason}`,
      );
      return { changed: true, changes };
    },
    {
      validator: (action) => {
        requireAdmin(action);
        if (carry?.cancelled) throw new Error('Nhiệm vụ đã kết thúc hoặc bị hủy: không điều chỉnh được');
        if (!action.revision && !action.reloadHolidays)
          throw new Error('Cần bản kế hoạch (revision) hoặc reloadHolidays');
        if (action.revision !== undefined && !/^[0-9a-f]{16}$/.test(action.revision))
          throw new Error(`Bản kế hoạch "${action.revision}" không hợp lệ`);
      },
    },
  );

  setHandler(
    endSubjectUpdate,
    async ({ revision, by, reason }) => {
      if (!carry || carry.cancelled) return;
      const at = iso();
      carry.ended = { at, by, reason, revision };
      carry.cancelled = { at, by, reason };
      changed = true;
      publish();
      await audit(
        'ended-by-revision',
        by,
        `Kết thúc vì bản điều chỉnh kế hoạch ${revision} bỏ nhiệm vụ này: ${reason}`,
      );
    },
    { validator: (action) => requireAdmin(action) },
  );

  // --- run ---
  if (!carry) {
    const fromDate = new Date(now() - START_GRACE_MS).toISOString().slice(0, 10);
    const plan = await schedule.computeSchedule({
      planId,
      subject,
      fromDate,
      ...(input.revision ? { revision: input.revision } : {}),
    });
    carry = {
      lead: plan.lead,
      coordinators: plan.coordinators,
      focalAgency: plan.focalAgency,
      reportsTo: plan.reportsTo,
      knownAgencies: plan.knownAgencies,
      occurrences: plan.occurrences.map(openOccurrence),
      closed: [],
      recipientOverrides: {},
      submissionIds: [],
      audit: [],
      runs: 0,
      ...(v2 ? { submissionPeriods: {}, notFollowed: plan.skipped ?? [] } : {}),
      ...(plan.revision ? { revision: plan.revision } : {}),
    };
  }
  const state: SubjectCarry = carry;
  publish();

  /** Moves every occurrence closed so far (by the loop, an admin or the last report) to `closed`, audited once. */
  async function finalizeClosed(): Promise<number> {
    let count = 0;
    for (const occ of state.occurrences) {
      if (!occ.closed || state.closed.some((c) => c.id === occ.occurrence.id)) continue;
      state.closed.push({
        id: occ.occurrence.id,
        label: occ.occurrence.label,
        closedAt: occ.closed.at,
        outcomes: occ.closed.outcomes,
      });
      count++;
      const missing = Object.entries(occ.closed.outcomes)
        .filter(([, o]) => o === 'missing')
        .map(([a]) => a);
      await audit(
        'occurrence-closed',
        occ.closed.by,
        `${occ.occurrence.label}: ${occ.closed.reason}${missing.length ? `; chưa báo cáo: ${missing.join(', ')}` : ''}`,
        occ.occurrence.id,
      );
      publish();
    }
    return count;
  }

  async function continueAsNewNow(): Promise<never> {
    await condition(settled);
    // Closes that arrived while waiting are finalised here, or they would be lost with this run.
    if (v2) while ((await finalizeClosed()) > 0 || !settled()) await condition(settled);
    const recent = state.submissionIds.slice(-200);
    const next: SubjectCarry = {
      ...state,
      occurrences: state.occurrences.filter((o) => !o.closed),
      // Recent submission ids are enough to catch a retried submission.
      submissionIds: recent,
      ...(v2
        ? {
            submissionPeriods: Object.fromEntries(
              recent.filter((id) => state.submissionPeriods?.[id]).map((id) => [id, state.submissionPeriods![id]]),
            ),
          }
        : {}),
      runs: state.runs + 1,
    };
    return continueAsNew<typeof subjectWorkflow>({ planId, subject, carry: next, visibility });
  }

  const historyLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_SOFT_LIMIT;

  /** Before the correctness patch: one occurrence at a time, its window fixed when it became current. */
  async function followOneAtATime(): Promise<void> {
    while (!state.cancelled) {
      const index = state.occurrences.findIndex((o) => !o.closed);
      if (index < 0) break;
      const occ = state.occurrences[index];
      const until = followUntil(occ.occurrence, state.occurrences[index + 1]?.occurrence);

      while (!occ.closed && !state.cancelled) {
        if (leadsDone(occ, state)) {
          closeNow(occ, 'hệ thống', 'Đã nhận báo cáo của cơ quan chủ trì');
          break;
        }
        const step = nextStep(occ);
        const stepAt = step ? Date.parse(step.at) : Infinity;
        const wakeAt = Math.min(stepAt, until);
        if (wakeAt > now()) {
          changed = false;
          await condition(() => changed || !!occ.closed || !!state.cancelled, wakeAt - now());
          publish();
          continue;
        }
        if (step && stepAt <= until) {
          await performStepLegacy(occ, step);
          occ.doneSteps.push(stepKey(occ.occurrence, step));
          publish();
        } else {
          closeNow(occ, 'hệ thống', 'Hết thời gian theo dõi kỳ báo cáo');
        }
        if (historyLong()) await continueAsNewNow();
      }

      if (occ.closed) {
        state.closed.push({
          id: occ.occurrence.id,
          label: occ.occurrence.label,
          closedAt: occ.closed.at,
          outcomes: occ.closed.outcomes,
        });
        const missing = Object.entries(occ.closed.outcomes)
          .filter(([, o]) => o === 'missing')
          .map(([a]) => a);
        await audit(
          'occurrence-closed',
          occ.closed.by,
          `${occ.occurrence.label}: ${occ.closed.reason}${missing.length ? `; chưa báo cáo: ${missing.join(', ')}` : ''}`,
          occ.occurrence.id,
        );
        publish();
        // One run per occurrence keeps each history small over a plan of many years.
        if (state.occurrences.some((o) => !o.closed) && !state.cancelled) await continueAsNewNow();
      }
    }
  }

  /** The next thing due across every open occurrence: a step, or the end of an occurrence's window. */
  function nextEvent(open: OccurrenceState[]): { at: number; occ: OccurrenceState; step?: ScheduledStep } {
    let best: { at: number; occ: OccurrenceState; step?: ScheduledStep } | undefined;
    for (const [i, occ] of open.entries()) {
      const until = windowEnd(occ, open[i + 1]?.occurrence);
      const step = nextStep(occ);
      const stepAt = step ? Date.parse(step.at) : Infinity;
      const event = step && stepAt <= until ? { at: stepAt, occ, step } : { at: until, occ };
      if (!best || event.at < best.at) best = event;
    }
    return best as { at: number; occ: OccurrenceState; step?: ScheduledStep };
  }

  /** Every open occurrence followed at once, windows recomputed after every change (an extension moves them). */
  async function followAll(): Promise<void> {
    for (;;) {
      const finalized = await finalizeClosed();
      if (state.cancelled) break;
      const open = openOccurrences();
      if (open.length === 0) break;
      // One run per closed occurrence keeps each history small over a plan of many years.
      if (finalized > 0) await continueAsNewNow();
      const done = open.find((o) => leadsDone(o, state));
      if (done) {
        await closeWhenStored(done, 'hệ thống', 'Đã nhận báo cáo của cơ quan chủ trì');
        continue;
      }
      const event = nextEvent(open);
      if (event.at > now()) {
        changed = false;
        await condition(() => changed || !!state.cancelled, event.at - now());
        publish();
        continue;
      }
      if (event.step) {
        const key = stepKey(event.occ.occurrence, event.step);
        await performStep(event.occ, event.step);
        if (!event.occ.doneSteps.includes(key)) event.occ.doneSteps.push(key);
        publish();
      } else {
        await closeWhenStored(event.occ, 'hệ thống', 'Hết thời gian theo dõi kỳ báo cáo');
      }
      if (historyLong()) await continueAsNewNow();
    }
  }

  if (v2) await followAll();
  else await followOneAtATime();
  publish();
  await condition(settled);
  return state.closed;
}
