import { createHash, randomUUID } from 'node:crypto';
import { extname } from 'node:path';
import type { Client } from '@temporalio/client';
import type { SubmissionTarget } from '../access/links';
import { AttachmentRejectedError, checkAttachment, contentHash } from '../activities/storage/attachments';
import type { Store } from '../activities/storage/store';
import { periodLabelFromId } from '../activities/email/period-label';
import type { AttachmentRef, Receipt } from '../activities/types';
import type { DueDate, Party } from '../deadlines/occurrence';
import type { LoadedPlan } from '../plan/load';
import { attachmentRefProblem, defaultAttachmentLimits, reportTextProblem } from '../plan/report-limits';
import type { Plan } from '../plan/schema';
import {
  submitReportUpdate,
  subjectWorkflowId,
  type OpenOccurrenceView,
  type SubjectView,
} from '../workflows/contract';
import { findAgency } from '../workflows/subject-state';
import { executeSubjectUpdate, querySubject, SubjectNotRunningError, UpdateRejectedError } from './subject-updates';

/** What the submission page and its form need. */
export interface SubmissionDeps {
  temporal: Client;
  store: Store;
  plans: () => Promise<LoadedPlan[]>;
  /** How long a submission waits for Temporal before the agency is told to send the form again (default 15 s). */
  submitTimeoutMs?: number;
}

/** Why a link's page cannot be shown or its report taken: an HTTP status and a Vietnamese message. Nothing recorded. */
export class SubmissionRefused extends Error {
  override readonly name = 'SubmissionRefused';
  constructor(
    readonly status: number,
    message: string,
    readonly title?: string,
  ) {
    super(message);
  }
}

/** The workflow (its validator or the store behind it) refused the report: shown on the page with the form kept. */
export class SubmissionRejected extends Error {
  override readonly name = 'SubmissionRejected';
}

/** One report this agency already sent for the period. */
export interface SentReport {
  reportId: string;
  receivedAt: string;
  onTime: boolean;
  excerpt: string;
  files: { filename: string; size: number }[];
}

/** Everything the page shows about what one agency owes for one occurrence. */
export interface SubmissionPage {
  target: SubmissionTarget;
  plan: { id: string; number?: string; title: string; focalAgency: string; timezone: string };
  /** The task (id and title) or the deliverable (what is owed). */
  topic: { type: 'task'; id: string; title: string } | { type: 'deliverable'; what: string };
  period: { id: string; label: string };
  /** The agency as the workflow names it, and its part. */
  agency: string;
  role: Party;
  /** Whom the report goes to: the lead (for coordinators' input) or the focal agency. */
  sendTo: string;
  /** This agency's due date now (an extension included), and the plan's own date for it. */
  due: DueDate;
  /** The lead's due date (shown to coordinators, whose input feeds it). */
  leadDue: DueDate;
  extensions: OpenOccurrenceView['extensions'];
  overdue: boolean;
  sent: SentReport[];
}

/** An uploaded file as the form gives it. */
export interface UploadedFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

async function findPlan(deps: SubmissionDeps, planId: string): Promise<Plan> {
  const plan = (await deps.plans()).find((p) => p.plan.id === planId)?.plan;
  if (!plan) throw new SubmissionRefused(404, `Không có kế hoạch "${planId}". Đường dẫn có thể đã cũ.`);
  return plan;
}

function topicOf(plan: Plan, target: SubmissionTarget): SubmissionPage['topic'] {
  if (target.subject.type === 'task') {
    const { taskId } = target.subject;
    const task = plan.tasks.find((t) => t.id === taskId);
    if (!task) throw new SubmissionRefused(404, `Kế hoạch không có nhiệm vụ ${taskId}. Đường dẫn có thể đã cũ.`);
    return { type: 'task', id: task.id, title: task.title };
  }
  const { deadlineId } = target.subject;
  const deadline = plan.deadlines.find((d) => d.id === deadlineId);
  if (!deadline) throw new SubmissionRefused(404, 'Kế hoạch không có nội dung phải nộp này. Đường dẫn có thể đã cũ.');
  return { type: 'deliverable', what: deadline.subject };
}

async function viewOf(deps: SubmissionDeps, target: SubmissionTarget): Promise<SubjectView> {
  try {
    return await querySubject(deps.temporal, subjectWorkflowId(target.planId, target.subject));
  } catch (err) {
    if (err instanceof SubjectNotRunningError || (err as Error).name === 'SubjectNotRunningError') {
      throw new SubmissionRefused(410, 'Nhiệm vụ này không còn được theo dõi, nên không nhận báo cáo qua đường dẫn.');
    }
    throw err;
  }
}

/** The occurrence the link is for, if it is taking reports from this agency now; a refusal otherwise. */
function owedNow(
  view: SubjectView,
  target: SubmissionTarget,
): { open: OpenOccurrenceView; agency: string; role: Party } {
  if (view.cancelled) throw new SubmissionRefused(410, 'Nhiệm vụ đã bị hủy, không nhận báo cáo.', 'Nhiệm vụ đã hủy');
  const agency = findAgency([...view.lead, ...view.coordinators], target.agency);
  if (!agency) {
    throw new SubmissionRefused(
      403,
      `${target.agency} không chủ trì hay phối hợp nhiệm vụ này (nữa), nên đường dẫn không dùng được.`,
      'Không phải nhiệm vụ của quý cơ quan',
    );
  }
  const closed = view.closed.find((c) => c.id === target.occurrenceId);
  if (closed) {
    throw new SubmissionRefused(
      410,
      `Kỳ báo cáo đã đóng: “${closed.label}” không nhận thêm báo cáo qua đường dẫn này. Nếu cần gửi bổ sung, hãy liên hệ cơ quan đầu mối.`,
      'Kỳ báo cáo đã đóng',
    );
  }
  const open = (view.open ?? (view.current ? [view.current] : [])).find((o) => o.id === target.occurrenceId);
  if (!open) {
    const upcoming = view.upcoming.find((u) => u.id === target.occurrenceId);
    throw new SubmissionRefused(
      upcoming ? 409 : 404,
      upcoming
        ? `Kỳ báo cáo ${upcoming.label} chưa mở nhận báo cáo.`
        : 'Nhiệm vụ không có kỳ báo cáo này. Đường dẫn có thể đã cũ.',
      upcoming ? 'Kỳ báo cáo chưa mở' : undefined,
    );
  }
  const role: Party = findAgency(view.lead, agency) ? 'lead' : 'coordinators';
  return { open, agency, role };
}

function excerpt(text: string, max = 280): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** What the agency's page shows: plan, task, period, its part and due dates, what it already sent. Refuses otherwise. */
export async function submissionPage(deps: SubmissionDeps, target: SubmissionTarget): Promise<SubmissionPage> {
  const plan = await findPlan(deps, target.planId);
  const topic = topicOf(plan, target);
  const view = await viewOf(deps, target);
  const { open, agency, role } = owedNow(view, target);
  const due = (role === 'coordinators' ? open.due.coordinators : undefined) ?? open.due.lead;
  const reports = await deps.store.listReports({
    planId: target.planId,
    occurrenceId: open.id,
    subject: target.subject,
  });
  const sent = reports
    .filter((r) => r.agency === agency)
    .map((r) => ({
      reportId: r.reportId,
      receivedAt: r.receivedAt,
      onTime: r.onTime,
      excerpt: excerpt(r.text),
      files: r.attachments.map((a) => ({ filename: a.filename, size: a.size })),
    }))
    .reverse();
  return {
    target,
    plan: {
      id: plan.id,
      number: plan.number,
      title: plan.title,
      focalAgency: view.focalAgency ?? plan.focalAgency,
      timezone: plan.timezone,
    },
    topic,
    period: { id: open.id, label: open.label },
    agency,
    role,
    sendTo:
      role === 'coordinators'
        ? `${view.lead.join('; ')} (cơ quan chủ trì)`
        : `${view.focalAgency ?? plan.focalAgency} (cơ quan đầu mối)`,
    due,
    leadDue: open.due.lead,
    extensions: open.extensions,
    overdue: open.overdue.includes(agency),
    sent,
  };
}

/** The content type a file is kept as: the browser's, or the one its extension stands for when the browser had none. */
function contentTypeOf(file: UploadedFile): string {
  const given = file.contentType.split(';')[0].trim().toLowerCase();
  if (defaultAttachmentLimits.types[given]) return given;
  const extension = extname(file.filename).toLowerCase();
  const byExtension = Object.entries(defaultAttachmentLimits.types).filter(([, exts]) => exts.includes(extension));
  return byExtension.length === 1 ? byExtension[0][0] : given;
}

/** Checks every file against the store's rules without keeping any: a refused form records nothing. */
function checkFiles(files: UploadedFile[]): UploadedFile[] {
  return files.map((file) => {
    const filename = file.filename.normalize('NFC');
    const contentType = contentTypeOf(file);
    try {
      checkAttachment({ filename, contentType, content: file.content });
    } catch (err) {
      if (!(err instanceof AttachmentRejectedError)) throw err;
      const status = err.code === 'AttachmentTooLarge' ? 413 : err.code === 'AttachmentEmpty' ? 422 : 415;
      throw new SubmissionRefused(status, err.message, status === 415 ? 'Loại tệp không được chấp nhận' : undefined);
    }
    const ref = { sha256: contentHash(file.content), filename, contentType, size: file.content.length };
    const problem = attachmentRefProblem(ref);
    if (problem) throw new SubmissionRefused(422, problem);
    return { filename, contentType, content: file.content };
  });
}

/** A report the workflow has taken but not yet stored (an outage in between): its receipt comes once it is. */
export class SubmissionInProgress extends Error {
  override readonly name = 'SubmissionInProgress';
}

const SUBMIT_DEADLINE_MS = 15_000;
/** Clocks of the web server and of Temporal may differ a little: a receipt this much older came from an earlier send. */
const EARLIER_MARGIN_MS = 2_000;

/**
 * Takes a report from the agency's link: the page's checks again (the period may have closed since), the text and
 * every file checked against the same rules as the workflow and the store, and only then the files kept and the
 * report sent through the workflow's report update with a fresh submission id. The workflow decides; its rejection
 * comes back as `SubmissionRejected` with its reason. `formId` (the rendered form's own token) makes the id one per
 * form: the same form sent twice (a double click, a resubmitted POST, a retry after an outage cut the answer off) is
 * one report, answered with its receipt (`duplicate`). The submission id is also the update's id, so a form sent
 * again while the first update is still running waits for that one. Temporal not answering within `submitTimeoutMs`
 * throws its own failure (see `outageOf`): the agency is told to send the same form again.
 */
export function submitFromLink(
  deps: SubmissionDeps,
  target: SubmissionTarget,
  input: { text: string; files: UploadedFile[]; formId?: string },
): Promise<Receipt & { duplicate?: boolean }> {
  // Every Temporal call of the submission (the page's query, the update and its polls) shares one deadline.
  return deps.temporal.withDeadline(Date.now() + (deps.submitTimeoutMs ?? SUBMIT_DEADLINE_MS), () =>
    submit(deps, target, input),
  );
}

async function submit(
  deps: SubmissionDeps,
  target: SubmissionTarget,
  input: { text: string; files: UploadedFile[]; formId?: string },
): Promise<Receipt & { duplicate?: boolean }> {
  const submissionId = input.formId
    ? `web-${createHash('sha256').update(input.formId).digest('hex').slice(0, 32)}`
    : `web-${randomUUID()}`;
  if (input.formId) {
    // Before the page's checks: the report this form sent may have closed the period since.
    const earlier = await storedSubmission(deps, target, target.agency, submissionId);
    if (earlier) return { ...earlier, duplicate: true };
  }
  let page: SubmissionPage;
  try {
    page = await submissionPage(deps, target);
  } catch (err) {
    // Stored and closed between the check above and the workflow's answer: still this form's report.
    const earlier =
      input.formId && err instanceof SubmissionRefused
        ? await storedSubmission(deps, target, target.agency, submissionId)
        : undefined;
    if (earlier) return { ...earlier, duplicate: true };
    throw err;
  }
  const text = input.text.normalize('NFC');
  const files = checkFiles(input.files);
  if (files.length > 0) {
    // The workflow's own rules, checked before any file is kept (the workflow would refuse the report anyway).
    if (text.trim() === '') throw new SubmissionRejected('Báo cáo trống: cần có nội dung báo cáo');
    const tooLong = reportTextProblem(text);
    if (tooLong) throw new SubmissionRejected(tooLong);
  }
  const attachments: AttachmentRef[] = [];
  for (const file of files) attachments.push(await deps.store.putAttachment(file));
  const sentAt = Date.now();
  try {
    const receipt = await executeSubjectUpdate(
      deps.temporal,
      subjectWorkflowId(target.planId, target.subject),
      submitReportUpdate,
      {
        agency: page.agency,
        occurrenceId: page.period.id,
        submissionId,
        text,
        ...(attachments.length ? { attachments } : {}),
      },
      { updateId: submissionId },
    );
    // The same update taken before this sending (an earlier one whose answer an outage cut off): said so.
    return Date.parse(receipt.receivedAt) < sentAt - EARLIER_MARGIN_MS ? { ...receipt, duplicate: true } : receipt;
  } catch (err) {
    if (err instanceof UpdateRejectedError || (err as Error).name === 'UpdateRejectedError') {
      const reason = (err as UpdateRejectedError).reason;
      const earlier = input.formId ? await storedSubmission(deps, target, page.agency, submissionId) : undefined;
      if (earlier) return { ...earlier, duplicate: true };
      if (input.formId && reason.startsWith('Trùng lặp') && reason.includes(submissionId)) {
        throw new SubmissionInProgress(
          'Báo cáo này đã được hệ thống tiếp nhận và đang được ghi. Xin gửi lại biểu mẫu sau ít phút để nhận biên nhận; báo cáo không bị ghi hai lần.',
        );
      }
      throw new SubmissionRejected(reason);
    }
    throw err;
  }
}

/** The receipt of a report this form already sent (kept under the same submission id), if any. */
async function storedSubmission(
  deps: SubmissionDeps,
  target: SubmissionTarget,
  agency: string,
  submissionId: string,
): Promise<Receipt | undefined> {
  const reports = await deps.store.listReports({
    planId: target.planId,
    occurrenceId: target.occurrenceId,
    subject: target.subject,
  });
  const report = reports.find((r) => r.submissionId === submissionId && findAgency([r.agency], agency));
  if (!report) return undefined;
  return {
    reportId: report.reportId,
    submissionId,
    agency: report.agency,
    occurrenceId: report.occurrenceId,
    receivedAt: report.receivedAt,
    onTime: report.onTime,
  };
}

/** A report sent through this link, for its receipt page; undefined when the id is not this target's. */
export async function linkReceipt(
  deps: SubmissionDeps,
  target: SubmissionTarget,
  reportId: string,
): Promise<
  | { reportId: string; receivedAt: string; onTime: boolean; occurrenceId: string; label: string; agency: string }
  | undefined
> {
  const report = await deps.store.getReport(reportId);
  if (!report || report.planId !== target.planId || report.occurrenceId !== target.occurrenceId) return undefined;
  const sameSubject =
    report.subject.type === target.subject.type &&
    (report.subject.type === 'task'
      ? target.subject.type === 'task' && report.subject.taskId === target.subject.taskId
      : target.subject.type === 'deliverable' && report.subject.deadlineId === target.subject.deadlineId);
  if (!sameSubject || !findAgency([report.agency], target.agency)) return undefined;
  // The period's label as the workflow has it; the id's own reading when the workflow is gone.
  const view = await querySubject(deps.temporal, subjectWorkflowId(target.planId, target.subject)).catch(
    () => undefined,
  );
  const label =
    [...(view?.open ?? []), ...(view?.closed ?? []), ...(view?.upcoming ?? [])].find(
      (o) => o.id === report.occurrenceId,
    )?.label ?? periodLabelFromId(report.occurrenceId);
  return {
    label,
    reportId: report.reportId,
    receivedAt: report.receivedAt,
    onTime: report.onTime,
    occurrenceId: report.occurrenceId,
    agency: report.agency,
  };
}
