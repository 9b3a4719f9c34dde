import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { subjectAttachment, taskStatus } from '../../services/task-status';
import { requireAccount } from '../auth';
import { HttpError } from '../plugins/errors';
import { dashboardPage, field, notFound, readDeps } from './dashboard-common';

type Params = { planId: string; subjectKey: string };

/** What the task page shows after an admin action: done, or refused with the form as it was sent. */
export interface ActionOutcome {
  status: number;
  /** The done action's URL word (`gia-han` …). */
  done?: string;
  /** The refused action's URL word, its reason and the form's values. */
  action?: string;
  error?: string;
  values?: Record<string, string>;
}

/** What the page says once an action is done, by the action's URL word. */
export const DONE_VI: Record<string, string> = {
  'gia-han': 'Đã gia hạn.',
  'tam-dung': 'Đã tạm dừng nhắc hạn.',
  'tiep-tuc': 'Đã tiếp tục nhắc hạn.',
  'dong-ky': 'Đã đóng kỳ báo cáo.',
  'dia-chi': 'Đã đổi địa chỉ nhận thư.',
  'nhac-lai': 'Đã gửi thư nhắc lại tới các cơ quan chưa báo cáo.',
  huy: 'Đã hủy nhiệm vụ.',
};

const AUDIT_VI: Record<string, string> = {
  'extend-due': 'Gia hạn',
  pause: 'Tạm dừng nhắc',
  resume: 'Tiếp tục nhắc',
  close: 'Đóng kỳ',
  'set-recipients': 'Đổi địa chỉ nhận',
  cancel: 'Hủy nhiệm vụ',
  'report-received': 'Nhận báo cáo',
  'report-rejected': 'Từ chối báo cáo',
  'occurrence-closed': 'Kỳ đã đóng',
  'step-skipped': 'Bỏ qua bước nhắc',
  'delivery-failed': 'Gửi thư không được',
  'delivery-partial': 'Gửi thư thiếu người nhận',
  'escalation-redirected': 'Đôn đốc chuyển lên UBND tỉnh',
  'summary-failed': 'Tổng hợp không gửi được',
  'summary-compiled': 'Lập tổng hợp',
};

/** The Temporal UI's page of a workflow, when the UI's address is known. */
export function temporalUiLink(base: string | undefined, namespace: string, workflowId: string): string | undefined {
  if (!base) return undefined;
  return `${base.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** Renders the Nhiệm vụ page; `outcome` carries an admin action's result (its message, or the form kept on refusal). */
export async function renderTaskPage(
  request: FastifyRequest<{ Params: Params }>,
  reply: FastifyReply,
  outcome?: ActionOutcome,
): Promise<FastifyReply> {
  const app = request.server;
  const { planId, subjectKey } = request.params;
  const task = await taskStatus(readDeps(app), planId, subjectKey).catch(notFound);
  return dashboardPage(
    request,
    reply,
    'task',
    'plans',
    {
      title: task.title,
      task: { ...task, snapshot: undefined },
      temporalUrl: temporalUiLink(app.deps.temporalUiUrl, app.deps.namespace, task.workflowId),
      auditVi: AUDIT_VI,
      doneVi: DONE_VI,
      outcome,
      base: `/ke-hoach/${encodeURIComponent(planId)}/nhiem-vu/${encodeURIComponent(subjectKey)}`,
      today: new Date((app.deps.clock ?? (() => new Date()))()).toISOString().slice(0, 10),
    },
    outcome?.status ?? 200,
  );
}

/** Nhiệm vụ (`/ke-hoach/:planId/nhiem-vu/:subjectKey`): one task, its reports and files, and the admins' actions. */
export async function dashboardTaskRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: Params }>(
    '/ke-hoach/:planId/nhiem-vu/:subjectKey',
    { preHandler: requireAccount('officer') },
    async (request, reply) => {
      const done = field(request.query, 'xong');
      return renderTaskPage(request, reply, DONE_VI[done] ? { status: 200, done } : undefined);
    },
  );

  app.get<{ Params: Params & { sha256: string } }>(
    '/ke-hoach/:planId/nhiem-vu/:subjectKey/tep/:sha256',
    { preHandler: requireAccount('officer') },
    async (request, reply) => {
      const { planId, subjectKey, sha256 } = request.params;
      const file = await subjectAttachment(readDeps(app), planId, subjectKey, sha256);
      if (!file) throw new HttpError(404, 'Không có tệp này trong các báo cáo của nhiệm vụ.');
      const ascii = file.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
      return reply
        .type(file.contentType)
        .header(
          'content-disposition',
          `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        )
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(file.content);
    },
  );
}
