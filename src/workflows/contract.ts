import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AuditEntry,
  AttachmentRef,
  DigestItem,
  MailboxAddress,
  PlanOutline,
  Receipt,
  Subject,
  SubjectRevisionResult,
} from '../activities/types';
import type { DueDate, Occurrence } from '../deadlines/occurrence';
import { stripDiacritics } from '../text/diacritics';

/** The task queue every dondoc worker polls. */
export const TASK_QUEUE = 'dondoc';

/** `plan/<planId>`: one plan workflow per plan. */
export function planWorkflowId(planId: string): string {
  return `plan/${planId}`;
}

/** `plan/<planId>/task/<taskId>` or `plan/<planId>/deliverable/<deadlineId>`. */
export function subjectWorkflowId(planId: string, subject: Subject): string {
  return subject.type === 'task'
    ? `plan/${planId}/task/${subject.taskId}`
    : `plan/${planId}/deliverable/${subject.deadlineId}`;
}

/** The inverse of `planWorkflowId` and `subjectWorkflowId`; undefined for ids dondoc did not make. */
export function parseWorkflowId(id: string): { planId: string; subject?: Subject } | undefined {
  const match = /^plan\/([a-z0-9][a-z0-9-]*)(?:\/(task|deliverable)\/([^/]+))?$/.exec(id);
  if (!match) return undefined;
  const [, planId, type, key] = match;
  if (!type) return { planId };
  return {
    planId,
    subject: type === 'task' ? { type: 'task', taskId: key } : { type: 'deliverable', deadlineId: key },
  };
}

/** A subject workflow's life. */
export type SubjectStatus =
  | 'active' /** waiting for reports, nobody late */
  | 'overdue' /** someone owes a report past its due date */
  | 'paused' /** an admin paused reminders */
  | 'completed' /** every occurrence closed with every report in */
  | 'ended-missing' /** every occurrence closed, some with reports missing */
  | 'not-followed' /** nothing was followed: the task started after its dates passed, or has no dates */
  | 'cancelled'; /** an admin cancelled the task */

/** How an occurrence ended for one agency. */
export type AgencyOutcome =
  | 'on-time' /** reported by its due date */
  | 'late' /** reported after its due date */
  | 'missing'; /** had not reported when the occurrence closed */

/** One occurrence as the workflow tracks it. */
export interface OccurrenceState {
  occurrence: Occurrence;
  /** Accepted reports by agency (the latest per agency). */
  receipts: Record<string, Receipt>;
  /** Keys of steps already carried out or skipped. */
  doneSteps: string[];
  /** Extensions granted (gia hạn). */
  extensions: { at: string; from: DueDate; to: DueDate; reason: string; grantedBy: string }[];
  closed?: { at: string; by: string; reason: string; outcomes: Record<string, AgencyOutcome> };
  /** Reminders an admin asked to send again now (nhắc lại); numbers each one's email keys. */
  resends?: number;
}

/** What a subject workflow carries across continue-as-new. */
export interface SubjectCarry {
  lead: string[];
  coordinators: string[];
  focalAgency: string;
  reportsTo: string;
  knownAgencies: string[];
  /** Open and future occurrences; closed ones move to `closed`. */
  occurrences: OccurrenceState[];
  /** Closed occurrences, newest last, without their steps. */
  closed: { id: string; label: string; closedAt: string; outcomes: Record<string, AgencyOutcome> }[];
  paused?: { at: string; by: string; reason: string };
  cancelled?: { at: string; by: string; reason: string };
  recipientOverrides: Record<string, string[]>;
  /** Submission ids already accepted (duplicates are rejected across runs). */
  submissionIds: string[];
  /** The occurrence each recent submission id went to, so a duplicate's rejection names its period. */
  submissionPeriods?: Record<string, string>;
  /** Occurrences already past when the workflow first started: never followed, shown as such. */
  notFollowed?: NotFollowedOccurrence[];
  /** The most recent audit entries; the store keeps them all. */
  audit: AuditEntry[];
  runs: number;
  /** The plan revision the schedule was last computed from. */
  revision?: string;
  /** Set when a plan revision removed this subject (it ends like a cancel, with its own audit action). */
  ended?: { at: string; by: string; reason: string; revision: string };
}

/** An occurrence whose lead due date had long passed when the task was first started. */
export interface NotFollowedOccurrence {
  id: string;
  label: string;
  /** Effective lead due date, YYYY-MM-DD. */
  leadDue: string;
}

/** Input of a subject (task or deliverable) workflow. */
export interface SubjectWorkflowInput {
  planId: string;
  subject: Subject;
  /** Set by continue-as-new; absent on first start. */
  carry?: SubjectCarry;
  /** Upsert search attributes (off on servers without them registered). */
  visibility?: boolean;
  /** The plan revision that added this subject: its first schedule is computed from that revision only. */
  revision?: string;
}

/** Input of the plan workflow. */
export interface PlanWorkflowInput {
  planId: string;
  visibility?: boolean;
  carry?: {
    childrenStarted: boolean;
    summariesSent: string[];
    runs: number;
    /** Summaries that could not be delivered, with the reason (recorded, alerted, and the plan goes on). */
    summariesFailed?: { id: string; at: string; reason: string }[];
    /** The outline the plan runs by (kept across runs under the revision patch, so an unapplied file changes nothing). */
    outline?: PlanOutline;
    /** Workflow ids of subjects started (or found running) and of subjects a revision ended. */
    started?: string[];
    ended?: string[];
    /** Revisions applied, oldest first, with who applied them and why. */
    revisions?: AppliedRevision[];
  };
}

/** One applied revision, as the plan workflow records it. */
export interface AppliedRevision {
  revision: string;
  at: string;
  by: string;
  reason: string;
  added: string[];
  removed: string[];
  revised: string[];
}

/** Apply a revision of the plan file: `revision` is the `planRevision` of the file the worker's catalog serves. */
export interface ApplyRevisionInput extends AdminAction {
  revision: string;
}

/** What applying a revision did; `applied: false` when the plan already runs that revision (nothing changed). */
export interface ApplyRevisionResult {
  applied: boolean;
  revision: string;
  added: string[];
  removed: string[];
  revised: string[];
  /** Subjects a change could not reach, with the reason (the rest of the revision still applies). */
  failed: { workflowId: string; reason: string }[];
}

/** A report sent by an agency. */
export interface SubmitReportInput {
  agency: string;
  occurrenceId: string;
  /** Unique per submission: a second submission with the same id is a duplicate. */
  submissionId: string;
  text: string;
  attachments?: AttachmentRef[];
}

/** An admin's identity and reason, recorded in the audit trail. */
export interface AdminAction {
  by: string;
  reason: string;
}

/** Submit a report (coordinator input or the lead's task report); returns the receipt. */
export const submitReportUpdate = defineUpdate<Receipt, [SubmitReportInput]>('submitReport');
/**
 * The same report through a channel that cannot wait for an answer (an email gateway, a batch import, the simulator):
 * an accepted report gets its receipt by email; a rejected one is recorded in the audit trail with the reason.
 */
export const submitReportSignal = defineSignal<[SubmitReportInput]>('submitReportSignal');
/** Extend (gia hạn) an occurrence's lead due date to `leadDue` (YYYY-MM-DD); timers move at once. */
export const extendDueUpdate = defineUpdate<DueDate, [AdminAction & { occurrenceId: string; leadDue: string }]>(
  'extendDue',
);
/** Pause reminders; due steps are skipped until resumed. */
export const pauseRemindersUpdate = defineUpdate<void, [AdminAction]>('pauseReminders');
export const resumeRemindersUpdate = defineUpdate<void, [AdminAction]>('resumeReminders');
/** Close an occurrence without waiting for the lead's report. */
export const closeOccurrenceUpdate = defineUpdate<void, [AdminAction & { occurrenceId: string }]>('closeOccurrence');
/** Replace an agency's email addresses for this task. */
export const setRecipientsUpdate = defineUpdate<void, [AdminAction & { agency: string; emails: string[] }]>(
  'setRecipients',
);
/**
 * Nhắc lại: email now, once, the agencies that still owe in an open occurrence (or only `agency`): a reminder before
 * their due date, an overdue notice after it. Each call is one more email per agency, never repeated by a retry.
 */
export const resendReminderUpdate = defineUpdate<
  { sentTo: string[] },
  [AdminAction & { occurrenceId: string; agency?: string }]
>('resendReminder');
/** Cancel the task: no more reminders; the workflow completes. */
export const cancelUpdate = defineUpdate<void, [AdminAction]>('cancel');

/**
 * Take a plan revision (`revision`), or the holiday files read again (`reloadHolidays`, with the plan's current
 * revision when it has one): lead, coordinators and dates of occurrences not yet closed are recomputed (with
 * `reloadHolidays`, only dates of occurrences not yet due); closed ones stay as they were; audited once per change.
 */
export const reviseSubjectUpdate = defineUpdate<
  SubjectRevisionResult,
  [AdminAction & { revision?: string; reloadHolidays?: boolean }]
>('reviseSubject');
/** End the subject because a revision removed it from the plan; its history and audit trail stay. */
export const endSubjectUpdate = defineUpdate<void, [AdminAction & { revision: string }]>('endSubject');
/** Apply a revision of the plan file to the running plan (start, end and revise its subjects). */
export const applyRevisionUpdate = defineUpdate<ApplyRevisionResult, [ApplyRevisionInput]>('applyRevision');

/** One open occurrence as people see it. */
export interface OpenOccurrenceView {
  id: string;
  label: string;
  due: Occurrence['due'];
  reported: Record<string, Receipt>;
  owing: string[];
  overdue: string[];
  nextStep?: { at: string; kind: string; party: string };
  extensions: OccurrenceState['extensions'];
}

/** The view of one subject for people and tools. */
export interface SubjectView {
  planId: string;
  subject: Subject;
  status: SubjectStatus;
  lead: string[];
  coordinators: string[];
  focalAgency?: string;
  reportsTo?: string;
  /** The open occurrence due first. */
  current?: OpenOccurrenceView;
  /** Every occurrence taking reports now, due first (more than one while an extended one overlaps the next). */
  open?: OpenOccurrenceView[];
  upcoming: { id: string; label: string; leadDue: string }[];
  closed: SubjectCarry['closed'];
  notFollowed?: NotFollowedOccurrence[];
  paused?: SubjectCarry['paused'];
  cancelled?: SubjectCarry['cancelled'];
  audit: AuditEntry[];
  /** The plan revision the schedule comes from, and the revision that ended the subject. */
  revision?: string;
  ended?: SubjectCarry['ended'];
}

/** Current state of a task or deliverable workflow. */
export const subjectStateQuery = defineQuery<SubjectView>('subjectState');

/** The view of a plan workflow. */
export interface PlanView {
  planId: string;
  subjects: { subject: { type: string; taskId?: string; deadlineId?: string }; workflowId: string }[];
  periods: { id: string; label: string; at: string; sent: boolean; failed?: string }[];
  status: 'starting' | 'running' | 'completed';
  /** The revision running, and what it is compared by (absent for runs started before revisions). */
  revision?: string;
  facts?: Record<string, string>;
  revisions?: AppliedRevision[];
  /** Workflow ids of subjects a revision ended. */
  ended?: string[];
}

/** Current state of a plan workflow; query each subject for details. */
export const planStateQuery = defineQuery<PlanView>('planState');

// --- Agency mailboxes (one digest a day per agency) ---

/** "Sở Tài chính" → "so-tai-chinh". */
function slug(text: string): string {
  return stripDiacritics(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A short FNV-1a hash of the NFC name, so two names that fold to one slug keep separate mailboxes. */
function nameHash(text: string): string {
  let hash = 0x811c9dc5;
  for (const ch of text.normalize('NFC')) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * `agency-mailbox/<province>/<agency>-<hash>`. On a task queue other than dondoc's (tests sharing one server) the
 * queue is appended (`~<queue>`): a mailbox is run by the workers of one queue, and another queue's would never send.
 */
export function agencyMailboxWorkflowId(address: MailboxAddress, taskQueue: string = TASK_QUEUE): string {
  const id = `agency-mailbox/${slug(address.province)}/${slug(address.agency)}-${nameHash(address.agency)}`;
  return taskQueue === TASK_QUEUE ? id : `${id}~${taskQueue}`;
}

/** What a mailbox carries across continue-as-new. */
export interface MailboxCarry {
  /** Items waiting for their digest, with the workflow time they arrived. */
  pending: { item: DigestItem; arrivedAt: number }[];
  /** Keys of items already handled, with their day: an item queued again (an activity retry) is not listed twice. */
  handled: [key: string, day: string][];
  /** Digests sent per local day (a second one the same day gets its own key). */
  batches: Record<string, number>;
  runs: number;
}

/** Input of an agency mailbox workflow. */
export interface AgencyMailboxInput extends MailboxAddress {
  /** How long the mailbox gathers after the first item of a morning before sending (ms); default 10 minutes. */
  gatherMs?: number;
  /** Continue-as-new after this many digests (default 50), so the history stays small. */
  digestsPerRun?: number;
  carry?: MailboxCarry;
}

/** Items for an agency's digest, from the activity that signals-with-start its mailbox. */
export const addDigestItemsSignal = defineSignal<[DigestItem[]]>('addDigestItems');

/** What a mailbox holds: items waiting and digests sent. */
export interface MailboxView extends MailboxAddress {
  pending: DigestItem[];
  batches: Record<string, number>;
  runs: number;
}

/** Current state of an agency mailbox. */
export const mailboxStateQuery = defineQuery<MailboxView>('mailboxState');
