import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { subjectStateQuery, type SubjectView } from '../workflows/contract';

/** A workflow refused a request (its validator or handler said why); `reason` is the workflow's own message. */
export class UpdateRejectedError extends Error {
  override readonly name = 'UpdateRejectedError';
  constructor(readonly reason: string) {
    super(`bị từ chối (rejected): ${reason}`);
  }
}

/** The subject workflow is not there: the plan was never started, or the id is wrong. */
export class SubjectNotRunningError extends Error {
  override readonly name = 'SubjectNotRunningError';
}

function notRunning(workflowId: string): SubjectNotRunningError {
  return new SubjectNotRunningError(
    `chưa có quy trình theo dõi ${workflowId} (not running): kế hoạch đã được khởi động chưa ("dondoc start" hoặc "npm start")?`,
  );
}

/**
 * The innermost non-empty message of a failure's cause chain: a workflow that let an activity failure through answers
 * "Workflow Update failed" ← "Activity task failed" ← the store's own reason, and only the last one helps people.
 */
export function failureReason(err: Error): string {
  let reason = err.message;
  for (let cause: unknown = err.cause; cause instanceof Error; cause = cause.cause) {
    if (cause.message) reason = cause.message;
  }
  return reason;
}

/**
 * Executes an update on a subject workflow; a rejection becomes `UpdateRejectedError` with the workflow's reason.
 * `updateId` makes a call sent again (after an outage cut the answer off) wait for the same update, not run another.
 */
export async function executeSubjectUpdate<Ret, Arg>(
  client: Client,
  workflowId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
  options: { updateId?: string } = {},
): Promise<Ret> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    return await handle.executeUpdate(update, {
      args: [arg],
      ...(options.updateId ? { updateId: options.updateId } : {}),
    });
  } catch (err) {
    const e = err as Error;
    if (e.name === 'WorkflowUpdateFailedError') throw new UpdateRejectedError(failureReason(e));
    if (e.name === 'WorkflowNotFoundError') {
      // A task that followed all its periods has ended: say so, rather than suggest it was never started.
      const status = await handle.describe().then(
        (d) => d.status.name,
        () => undefined,
      );
      if (status && status !== 'RUNNING') throw new UpdateRejectedError(ended(status));
      throw notRunning(workflowId);
    }
    throw err;
  }
}

function ended(status: string): string {
  const how: Record<string, string> = {
    COMPLETED: 'mọi kỳ báo cáo đã đóng',
    CANCELLED: 'đã bị hủy',
    TERMINATED: 'đã bị dừng',
    FAILED: 'đã lỗi',
    TIMED_OUT: 'đã quá thời hạn chạy',
  };
  return `nhiệm vụ đã kết thúc (${status.toLowerCase()}${how[status] ? `: ${how[status]}` : ''}), không nhận thêm yêu cầu`;
}

/** The subject's current view. */
export async function querySubject(client: Client, workflowId: string): Promise<SubjectView> {
  try {
    return await client.workflow.getHandle(workflowId).query(subjectStateQuery);
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') throw notRunning(workflowId);
    throw err;
  }
}

/** The subject's open occurrence (the one due first); a subject with none open cannot take a request without one. */
export async function currentOccurrence(client: Client, workflowId: string): Promise<{ id: string; label: string }> {
  const view = await querySubject(client, workflowId);
  if (!view.current) throw new UpdateRejectedError('không có kỳ báo cáo đang mở; cần --period');
  return view.current;
}

/** `--period` as given, else the subject's open occurrence. */
export async function periodOrCurrent(client: Client, workflowId: string, period: string | undefined): Promise<string> {
  return period || (await currentOccurrence(client, workflowId)).id;
}
