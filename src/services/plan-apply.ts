import type { Client } from '@temporalio/client';
import { loadPlanFile, PlanError, type LoadedPlan } from '../plan/load';
import { formatProblem } from '../plan/problems';
import { planFacts, planRevision, type PlanFacts } from '../plan/revision';
import {
  applyRevisionUpdate,
  planStateQuery,
  planWorkflowId,
  type ApplyRevisionResult,
  type PlanView,
} from '../workflows/contract';
import { workerPlanProblems } from './start-plans';
import { executeSubjectUpdate, UpdateRejectedError } from './subject-updates';

/** A plan file that cannot be applied (does not validate, is not the file the worker reads, or no plan runs). */
export class PlanApplyError extends Error {
  override readonly name = 'PlanApplyError';
}

/** The difference between the revision a plan runs and a plan file, item by item, in Vietnamese. */
export interface PlanRevisionDiff {
  planId: string;
  /** The revision running; undefined for a plan started before revisions (then its items are not known). */
  running?: string;
  next: string;
  /** One Vietnamese line per change; empty when the file is the revision running. */
  lines: string[];
  /** True when the file is the revision running (or one already applied): applying it changes nothing. */
  same: boolean;
}

type Fields = Record<string, unknown>;

const FIELD_NAMES: Record<string, string> = {
  title: 'tên',
  lead: 'chủ trì',
  coordinators: 'phối hợp',
  timeframe: 'thời hạn',
  text: 'nội dung',
  rule: 'quy tắc',
  owedBy: 'cơ quan phải nộp',
  owedTo: 'nộp cho',
  subject: 'sản phẩm',
  kind: 'loại',
  reportKind: 'loại báo cáo',
  period: 'thời gian thực hiện',
  timezone: 'múi giờ',
  focalAgency: 'cơ quan đầu mối',
  reportsTo: 'báo cáo lên',
  directory: 'danh bạ',
};

function shownValue(value: unknown): string {
  if (Array.isArray(value))
    return value.every((v) => typeof v === 'string' || typeof v === 'number') ? value.join(', ') || '(không)' : JSON.stringify(value);
  if (value && typeof value === 'object') {
    const text = (value as { text?: unknown }).text;
    return typeof text === 'string' ? `"${text}"` : JSON.stringify(value);
  }
  return value === undefined ? '(không)' : String(value);
}

/** "chủ trì: A → B; thời hạn: "x" → "y"" for the fields of two JSON objects that differ. */
function fieldChanges(before: Fields, after: Fields): string {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${FIELD_NAMES[k] ?? k}: ${shownValue(before[k])} → ${shownValue(after[k])}`)
    .join('; ');
}

function describeItem(key: string, fields: Fields): string {
  if (key.startsWith('task:')) return `nhiệm vụ ${key.slice(5)} "${fields.title as string}"`;
  if (key.startsWith('deadline:')) return `hạn ${key.slice(9)} "${fields.text as string}"`;
  return key === 'policy' ? 'chính sách nhắc' : 'khung kế hoạch';
}

/** The lines of what changes from `before` to `after` (both `planFacts`). */
export function describeRevision(before: PlanFacts, after: PlanFacts): string[] {
  const order = (k: string) => (k === 'plan' ? 0 : k === 'policy' ? 1 : k.startsWith('task:') ? 2 : 3);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(
    (a, b) => order(a) - order(b) || a.localeCompare(b, 'vi', { numeric: true }),
  );
  const lines: string[] = [];
  for (const key of keys) {
    const was = before[key] === undefined ? undefined : (JSON.parse(before[key]) as Fields);
    const now = after[key] === undefined ? undefined : (JSON.parse(after[key]) as Fields);
    if (was && !now) lines.push(`− Bỏ ${describeItem(key, was)}`);
    else if (!was && now) {
      const who = now.lead ? ` (chủ trì: ${shownValue(now.lead)}; thời hạn: ${shownValue(now.timeframe)})` : '';
      lines.push(`+ Thêm ${describeItem(key, now)}${who}`);
    } else if (was && now && before[key] !== after[key]) {
      lines.push(`~ Đổi ${describeItem(key, now)}: ${fieldChanges(was, now)}`);
    }
  }
  return lines;
}

/** Reads and validates the file; every problem, located, in the error. */
async function loadForApply(file: string): Promise<LoadedPlan> {
  try {
    return await loadPlanFile(file);
  } catch (err) {
    if ((err as Error).name !== 'PlanError') throw err;
    const problems = (err as PlanError).problems.filter((p) => p.severity === 'error');
    throw new PlanApplyError(
      `tệp kế hoạch không hợp lệ, không áp dụng (invalid plan, nothing changed):\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    );
  }
}

async function planView(client: Client, planId: string): Promise<PlanView> {
  const handle = client.workflow.getHandle(planWorkflowId(planId));
  try {
    const status = (await handle.describe()).status.name;
    if (status !== 'RUNNING')
      throw new PlanApplyError(`kế hoạch "${planId}" đã kết thúc (${status.toLowerCase()}): không áp dụng được`);
    return await handle.query(planStateQuery);
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') {
      throw new PlanApplyError(`kế hoạch "${planId}" chưa chạy: dùng "dondoc start ${planId}" thay vì plan apply`);
    }
    throw err;
  }
}

/** The difference between a running plan and the revision `plan` of its file. */
export function revisionDiff(view: PlanView, plan: LoadedPlan['plan']): PlanRevisionDiff {
  const next = planRevision(plan);
  const same = view.revision === next || (view.revisions ?? []).some((r) => r.revision === next);
  const lines = same
    ? []
    : view.facts
      ? describeRevision(view.facts, planFacts(plan))
      : [
          '(Kế hoạch chạy từ trước khi có điều chỉnh: không biết bản đang chạy; mọi nhiệm vụ được tính lại, chỉ thay đổi thật được ghi.)',
        ];
  return { planId: plan.id, running: view.revision, next, lines, same };
}

/**
 * Validates `file`, checks that the worker reads it, and compares it with what the plan runs. Nothing is changed.
 */
export async function planRevisionPreview(
  client: Client,
  file: string,
  plansDir: string,
): Promise<{ loaded: LoadedPlan; diff: PlanRevisionDiff }> {
  const loaded = await loadForApply(file);
  const unread = await workerPlanProblems([loaded], plansDir);
  if (unread.length > 0)
    throw new PlanApplyError(
      `worker không đọc được tệp này, không áp dụng:\n${unread.map((l) => `  ${l}`).join('\n')}`,
    );
  const view = await planView(client, loaded.plan.id);
  return { loaded, diff: revisionDiff(view, loaded.plan) };
}

/**
 * Applies the revision of `file` to its running plan (validated first: a file that does not validate changes nothing).
 * Applying the revision the plan already runs answers `applied: false`.
 */
export async function applyPlanRevision(
  client: Client,
  file: string,
  options: { plansDir: string; by: string; reason: string },
): Promise<{ diff: PlanRevisionDiff; result: ApplyRevisionResult }> {
  const { loaded, diff } = await planRevisionPreview(client, file, options.plansDir);
  if (diff.same) {
    return { diff, result: { applied: false, revision: diff.next, added: [], removed: [], revised: [], failed: [] } };
  }
  try {
    const result = await executeSubjectUpdate(client, planWorkflowId(loaded.plan.id), applyRevisionUpdate, {
      revision: diff.next,
      by: options.by,
      reason: options.reason,
    });
    return { diff, result };
  } catch (err) {
    if ((err as Error).name === 'UpdateRejectedError') throw new PlanApplyError((err as UpdateRejectedError).message);
    throw err;
  }
}

/** What applying did, in Vietnamese. */
export function formatApplyResult(result: ApplyRevisionResult): string {
  if (!result.applied) return `Bản ${result.revision} đã được áp dụng trước đây: không có gì thay đổi.`;
  const lines = [`Đã áp dụng bản ${result.revision}.`];
  if (result.added.length) lines.push(`  Bắt đầu theo dõi: ${result.added.join(', ')}`);
  if (result.removed.length) lines.push(`  Kết thúc: ${result.removed.join(', ')}`);
  if (result.revised.length) lines.push(`  Điều chỉnh lịch/cơ quan: ${result.revised.join(', ')}`);
  for (const f of result.failed) lines.push(`  Không áp dụng được cho ${f.workflowId}: ${f.reason}`);
  return lines.join('\n');
}
