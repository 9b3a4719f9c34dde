import type { Client } from '@temporalio/client';
import { formatDateWithWeekdayVi, isIsoDate } from '../deadlines/dates';
import type { DueDate } from '../deadlines/occurrence';
import type { LoadedPlan } from '../plan/load';
import {
  cancelUpdate,
  closeOccurrenceUpdate,
  extendDueUpdate,
  pauseRemindersUpdate,
  resendReminderUpdate,
  resumeRemindersUpdate,
  setRecipientsUpdate,
  subjectWorkflowId,
} from '../workflows/contract';
import { findPlan, resolveAgency, subjectOf } from './plan-directory';
import { executeSubjectUpdate, periodOrCurrent } from './subject-updates';

/** An admin action's input the caller must fix (a malformed date, a missing reason); nothing was sent. */
export class AdminInputError extends Error {
  override readonly name = 'AdminInputError';
}

/**
 * Which task or deliverable, and who acts why (recorded in the audit trail). `by` is the acting account's name: the
 * web and the API pass the logged-in account, never a name from the request.
 */
export interface AdminTarget {
  planId: string;
  task?: string;
  deliverable?: string;
  by: string;
  reason?: string;
}

/** One admin action on a task or deliverable. */
export type AdminRequest =
  | ({ action: 'extend'; period?: string; to: string } & AdminTarget)
  | ({ action: 'pause' | 'resume' | 'cancel' } & AdminTarget)
  | ({ action: 'close'; period?: string } & AdminTarget)
  | ({ action: 'recipients'; agency: string; emails: string[] } & AdminTarget)
  | ({ action: 'resend'; period?: string; agency?: string } & AdminTarget);

export type AdminActionName = AdminRequest['action'];

/** Actions whose reason the audit trail must have (resume and recipients may go without one). */
export const reasonRequired: Readonly<Record<AdminActionName, boolean>> = {
  extend: true,
  pause: true,
  resume: false,
  close: true,
  recipients: false,
  cancel: true,
  resend: true,
};

/** What an admin action did, for people. */
export interface AdminResult {
  workflowId: string;
  message: string;
  /** The new lead due date after `extend`. */
  due?: DueDate;
  /** The agencies a `resend` emailed. */
  sentTo?: string[];
}

/**
 * Runs an admin action through its workflow update; the workflow validates it (its refusal is an
 * `UpdateRejectedError` with the workflow's reason) and records it in the audit trail with `by`.
 */
export async function adminAction(
  client: Client,
  plans: readonly LoadedPlan[],
  request: AdminRequest,
): Promise<AdminResult> {
  const loaded = findPlan(plans, request.planId);
  const subject = subjectOf(loaded, request);
  const workflowId = subjectWorkflowId(loaded.plan.id, subject);
  const by = request.by.normalize('NFC').trim();
  const reason = (request.reason ?? '').normalize('NFC').trim();
  if (!by) throw new AdminInputError('thiếu người thực hiện (by)');
  if (reasonRequired[request.action] && !reason) throw new AdminInputError('cần lý do (reason) cho việc này');
  const admin = { by, reason };
  switch (request.action) {
    case 'extend': {
      if (!isIsoDate(request.to)) throw new AdminInputError(`--to "${request.to}": cần ngày dạng YYYY-MM-DD`);
      const occurrenceId = await periodOrCurrent(client, workflowId, request.period);
      const due = await executeSubjectUpdate(client, workflowId, extendDueUpdate, {
        ...admin,
        occurrenceId,
        leadDue: request.to,
      });
      return {
        workflowId,
        due,
        message: `Đã gia hạn kỳ ${occurrenceId} đến ${formatDateWithWeekdayVi(due.effective)} (extended)`,
      };
    }
    case 'pause':
      await executeSubjectUpdate(client, workflowId, pauseRemindersUpdate, admin);
      return { workflowId, message: 'Đã tạm dừng nhắc hạn (reminders paused)' };
    case 'resume':
      await executeSubjectUpdate(client, workflowId, resumeRemindersUpdate, admin);
      return { workflowId, message: 'Đã tiếp tục nhắc hạn (reminders resumed)' };
    case 'cancel':
      await executeSubjectUpdate(client, workflowId, cancelUpdate, admin);
      return { workflowId, message: 'Đã hủy nhiệm vụ: không nhắc hạn nữa (task cancelled)' };
    case 'close': {
      const occurrenceId = await periodOrCurrent(client, workflowId, request.period);
      await executeSubjectUpdate(client, workflowId, closeOccurrenceUpdate, { ...admin, occurrenceId });
      return { workflowId, message: `Đã đóng kỳ báo cáo ${occurrenceId} (period closed)` };
    }
    case 'resend': {
      const occurrenceId = await periodOrCurrent(client, workflowId, request.period);
      const agency = request.agency?.trim() ? resolveAgency(loaded, request.agency)[0] : undefined;
      const { sentTo } = await executeSubjectUpdate(client, workflowId, resendReminderUpdate, {
        ...admin,
        occurrenceId,
        ...(agency ? { agency } : {}),
      });
      return {
        workflowId,
        sentTo,
        message: sentTo.length
          ? `Đã nhắc lại kỳ ${occurrenceId} tới ${sentTo.join(', ')} (reminder sent again)`
          : `Không gửi được lời nhắc lại kỳ ${occurrenceId}: xem nhật ký thư (dondoc mail log)`,
      };
    }
    case 'recipients': {
      const [agency] = resolveAgency(loaded, request.agency);
      const emails = request.emails.map((e) => e.trim()).filter(Boolean);
      if (emails.length === 0) throw new AdminInputError('cần ít nhất một địa chỉ email');
      await executeSubjectUpdate(client, workflowId, setRecipientsUpdate, { ...admin, agency, emails });
      return { workflowId, message: `Đã đặt địa chỉ nhận thư của ${agency}: ${emails.join(', ')} (recipients set)` };
    }
  }
}

/** Gia hạn: moves the lead due date of `period` (default: the open one) to `to`. */
export const extendDue = (
  client: Client,
  plans: readonly LoadedPlan[],
  r: AdminTarget & { period?: string; to: string },
) => adminAction(client, plans, { action: 'extend', ...r });
/** Tạm dừng: no reminders until resumed. */
export const pauseReminders = (client: Client, plans: readonly LoadedPlan[], r: AdminTarget) =>
  adminAction(client, plans, { action: 'pause', ...r });
/** Tiếp tục. */
export const resumeReminders = (client: Client, plans: readonly LoadedPlan[], r: AdminTarget) =>
  adminAction(client, plans, { action: 'resume', ...r });
/** Đóng kỳ: closes `period` (default: the open one) without waiting for the lead. */
export const closePeriod = (client: Client, plans: readonly LoadedPlan[], r: AdminTarget & { period?: string }) =>
  adminAction(client, plans, { action: 'close', ...r });
/** Đổi địa chỉ nhận: an agency's addresses for this task. */
export const setRecipients = (
  client: Client,
  plans: readonly LoadedPlan[],
  r: AdminTarget & { agency: string; emails: string[] },
) => adminAction(client, plans, { action: 'recipients', ...r });
/** Hủy: no more reminders; the workflow completes. */
export const cancelSubject = (client: Client, plans: readonly LoadedPlan[], r: AdminTarget) =>
  adminAction(client, plans, { action: 'cancel', ...r });

/** Nhắc lại: emails now, once, the agencies that still owe in `period` (default: the open one), or only `agency`. */
export const resendReminder = (
  client: Client,
  plans: readonly LoadedPlan[],
  r: AdminTarget & { period?: string; agency?: string },
) => adminAction(client, plans, { action: 'resend', ...r });
