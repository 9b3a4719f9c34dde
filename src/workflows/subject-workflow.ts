import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  Activities,
  AuditEntry,
  NotificationKind,
  NotificationRequest,
  Receipt,
  Subject,
} from '../activities/types';
import type { ScheduledStep } from '../deadlines/occurrence';
import {
  cancelUpdate,
  closeOccurrenceUpdate,
  extendDueUpdate,
  pauseRemindersUpdate,
  resumeRemindersUpdate,
  setRecipientsUpdate,
  subjectStateQuery,
  submitReportSignal,
  submitReportUpdate,
  type OccurrenceState,
  type SubjectCarry,
  type SubjectStatus,
  type SubjectView,
  type SubjectWorkflowInput,
  type SubmitReportInput,
} from './contract';
import { agenciesKey, kindKey, nextDueKey, overdueAgenciesKey, planIdKey, statusKey } from './search-attributes';
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
} from './subject-state';

const schedule = proxyActivities<Pick<Activities, 'computeSchedule' | 'rescheduleOccurrence'>>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '5 seconds',
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['UnknownPlan', 'UnknownTask', 'UnknownDeadline', 'InvalidSchedule'],
  },
});

const records = proxyActivities<Pick<Activities, 'storeReport' | 'recordAudit'>>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['InvalidReport', 'AttachmentTooLarge', 'UnknownPlan'],
  },
});

// A message that cannot be delivered yet is retried with backoff for days, never dropped.
const mail = proxyActivities<Pick<Activities, 'sendNotification' | 'sendNotifications'>>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '30 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
    nonRetryableErrorTypes: [
      'UnknownPlan',
      'UnknownTask',
      'UnknownDeadline',
      'UnknownAgency',
      'NoRecipients',
      'InvalidRequest',
      'PermanentDeliveryFailure',
    ],
  },
});

/** A step more than this late (the workflow started after it, or was stopped long) is skipped, not sent late. */
const STALE_STEP_MS = 3 * 24 * 60 * 60 * 1000;
/** Occurrences whose lead due lies further back than this when a workflow first starts are not followed. */
const START_GRACE_MS = 30 * 24 * 60 * 60 * 1000;

/** Patch id of forwarding each coordinator's input to the lead (see `acceptReport`). */
export const FORWARD_INPUT_PATCH = 'forward-coordinator-input-to-lead';
/** Patch id of answering a report before its emails are sent (see `acceptReport`). */
export const RECEIPT_BEFORE_EMAIL_PATCH = 'receipt-before-email';

/** Continue-as-new when history passes this many events even if the server does not suggest it yet. */
const HISTORY_SOFT_LIMIT = 2_000;

function subjectPath(subject: Subject): string {
  return subject.type === 'task' ? `task/${subject.taskId}` : `deliverable/${subject.deadlineId}`;
}

const notificationKind: Record<ScheduledStep['kind'], Record<ScheduledStep['party'], NotificationKind>> = {
  reminder: { coordinators: 'reminder', lead: 'reminder' },
  overdue: { coordinators: 'overdue', lead: 'overdue' },
  escalation: { coordinators: 'escalation-lead', lead: 'escalation-focal' },
};

/**
 * Follows one plan task (or plan-wide deliverable) through its occurrences: reminds the agencies that still owe,
 * takes their reports, escalates late ones, and closes each occurrence when the lead's report is in.
 */
export async function subjectWorkflow(input: SubjectWorkflowInput): Promise<SubjectCarry['closed']> {
  const { planId, subject } = input;
  const visibility = input.visibility ?? true;
  let carry: SubjectCarry | undefined = input.carry;
  let changed = false;
  const pendingSubmissions = new Set<string>();
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
  const findOccurrence = (id: string) => carry?.occurrences.find((o) => o.occurrence.id === id);

  function status(): SubjectStatus {
    if (!carry) return 'active';
    if (carry.cancelled) return 'cancelled';
    const open = current();
    if (!open) return 'completed';
    if (carry.paused) return 'paused';
    return overdueAgencies(open, carry, now()).length > 0 ? 'overdue' : 'active';
  }

  function publish(): void {
    if (!visibility || !carry) return;
    const open = current();
    const overdue = open ? overdueAgencies(open, carry, now()) : [];
    const fingerprint = JSON.stringify([
      status(),
      overdue,
      open?.occurrence.due.lead.at,
      carry.lead,
      carry.coordinators,
    ]);
    if (fingerprint === published) return;
    published = fingerprint;
    upsertSearchAttributes([
      { key: planIdKey, value: planId },
      { key: kindKey, value: subject.type },
      { key: agenciesKey, value: [...carry.lead, ...carry.coordinators] },
      { key: statusKey, value: status() },
      { key: overdueAgenciesKey, value: overdue },
      ...(open ? [{ key: nextDueKey, value: new Date(open.occurrence.due.lead.at) }] : []),
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

  async function performStep(state: OccurrenceState, step: ScheduledStep): Promise<void> {
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
    if (step.kind === 'reminder' && Date.parse(due.at) < now()) return; // a reminder for a due date already past says nothing useful
    const kind = notificationKind[step.kind][step.party];
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
    // One activity per step, not per recipient: a plan of many agencies keeps small histories.
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

  function close(state: OccurrenceState, by: string, reason: string): void {
    if (!carry || state.closed) return;
    state.closed = { at: iso(), by, reason, outcomes: outcomes(state, carry) };
  }

  function view(): SubjectView {
    const open = current();
    const step = open ? nextStep(open) : undefined;
    return {
      planId,
      subject,
      status: status(),
      lead: carry?.lead ?? [],
      coordinators: carry?.coordinators ?? [],
      current:
        open && carry
          ? {
              id: open.occurrence.id,
              label: open.occurrence.label,
              due: open.occurrence.due,
              reported: open.receipts,
              owing: [...owing(open, carry, 'coordinators'), ...owing(open, carry, 'lead')],
              overdue: overdueAgencies(open, carry, now()),
              nextStep: step ? { at: step.at, kind: step.kind, party: step.party } : undefined,
              extensions: open.extensions,
            }
          : undefined,
      upcoming: (carry?.occurrences ?? [])
        .filter((o) => !o.closed && o !== open)
        .map((o) => ({ id: o.occurrence.id, label: o.occurrence.label, leadDue: o.occurrence.due.lead.effective })),
      closed: carry?.closed ?? [],
      paused: carry?.paused,
      audit: carry?.audit ?? [],
    };
  }

  // --- setup: handlers first, so no message is lost while the schedule loads ---
  setHandler(subjectStateQuery, view);

  async function acceptReport(report: SubmitReportInput): Promise<Receipt> {
    if (!carry) throw ApplicationFailure.nonRetryable('Nhiệm vụ chưa sẵn sàng', 'NotReady');
    const subjectState = carry;
    pendingSubmissions.add(report.submissionId);
    const state = findOccurrence(report.occurrenceId) as OccurrenceState;
    const agency = findAgency([...carry.lead, ...carry.coordinators], report.agency) as string;
    const role = carry.lead.includes(agency) ? 'lead' : 'coordinators';
    const receivedAt = iso();
    const onTime = now() <= Date.parse(dueOf(state.occurrence, role).at);
    const { reportId } = await records.storeReport({
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
    });
    const receipt: Receipt = {
      reportId,
      submissionId: report.submissionId,
      agency,
      occurrenceId: state.occurrence.id,
      receivedAt,
      onTime,
    };
    state.receipts[agency] = receipt;
    carry.submissionIds.push(report.submissionId);
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

  /** Throws the reason a report cannot be accepted. */
  function validateReport(report: SubmitReportInput): void {
    if (!carry) throw new Error('Nhiệm vụ chưa sẵn sàng nhận báo cáo, vui lòng thử lại sau giây lát');
    if (carry.cancelled) throw new Error('Nhiệm vụ đã bị hủy, không nhận báo cáo');
    if (!report || typeof report.text !== 'string' || report.text.trim() === '')
      throw new Error('Báo cáo trống: cần có nội dung báo cáo');
    if (!report.submissionId || typeof report.submissionId !== 'string')
      throw new Error('Thiếu mã lần gửi (submissionId)');
    if (carry.submissionIds.includes(report.submissionId) || pendingSubmissions.has(report.submissionId)) {
      throw new Error(`Trùng lặp: lần gửi "${report.submissionId}" đã được nhận`);
    }
    const agency = findAgency([...carry.lead, ...carry.coordinators], report.agency ?? '');
    if (!agency) {
      if (!findAgency(carry.knownAgencies, report.agency ?? ''))
        throw new Error(`Cơ quan không có trong danh bạ: "${report.agency}"`);
      throw new Error(`"${report.agency}" không chủ trì hay phối hợp nhiệm vụ này`);
    }
    if (carry.closed.some((c) => c.id === report.occurrenceId))
      throw new Error(`Kỳ báo cáo "${report.occurrenceId}" đã đóng`);
    const state = findOccurrence(report.occurrenceId);
    if (!state) {
      const known = carry.occurrences
        .filter((o) => !o.closed)
        .map((o) => o.occurrence.id)
        .join(', ');
      throw new Error(`Không có kỳ báo cáo "${report.occurrenceId}" (đang mở: ${known || 'không có'})`);
    }
    if (state.closed) throw new Error(`Kỳ báo cáo "${report.occurrenceId}" đã đóng`);
  }

  setHandler(submitReportUpdate, acceptReport, { validator: validateReport });

  setHandler(submitReportSignal, async (report: SubmitReportInput) => {
    await condition(() => carry !== undefined);
    try {
      validateReport(report);
    } catch (err) {
      await audit(
        'report-rejected',
        report?.agency ?? '?',
        `Báo cáo bị từ chối: ${(err as Error).message}`,
        report?.occurrenceId,
      );
      return;
    }
    await acceptReport(report);
  });

  const openOrThrow = (occurrenceId: string): OccurrenceState => {
    const state = findOccurrence(occurrenceId);
    if (!state || state.closed) throw new Error(`Không có kỳ báo cáo đang mở "${occurrenceId}"`);
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
      state.extensions.push({ at: iso(), from, to: moved.due.lead, reason, grantedBy: by });
      changed = true;
      publish();
      await audit('extend-due', by, `Gia hạn ${from.effective} → ${moved.due.lead.effective}: ${reason}`, occurrenceId);
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
      close(openOrThrow(occurrenceId), by, reason);
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

  // --- run ---
  if (!carry) {
    const fromDate = new Date(now() - START_GRACE_MS).toISOString().slice(0, 10);
    const plan = await schedule.computeSchedule({ planId, subject, fromDate });
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
    };
  }
  const state: SubjectCarry = carry;
  publish();

  async function continueAsNewNow(): Promise<never> {
    await condition(settled);
    const next: SubjectCarry = {
      ...state,
      occurrences: state.occurrences.filter((o) => !o.closed),
      // Recent submission ids are enough to catch a retried submission.
      submissionIds: state.submissionIds.slice(-200),
      runs: state.runs + 1,
    };
    return continueAsNew<typeof subjectWorkflow>({ planId, subject, carry: next, visibility });
  }

  while (!state.cancelled) {
    const index = state.occurrences.findIndex((o) => !o.closed);
    if (index < 0) break;
    const occ = state.occurrences[index];
    const until = followUntil(occ.occurrence, state.occurrences[index + 1]?.occurrence);

    while (!occ.closed && !state.cancelled) {
      if (leadsDone(occ, state)) {
        close(occ, 'hệ thống', 'Đã nhận báo cáo của cơ quan chủ trì');
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
        await performStep(occ, step);
        occ.doneSteps.push(stepKey(occ.occurrence, step));
        publish();
      } else {
        close(occ, 'hệ thống', 'Hết thời gian theo dõi kỳ báo cáo');
      }
      if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_SOFT_LIMIT)
        await continueAsNewNow();
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
  publish();
  await condition(settled);
  return state.closed;
}
