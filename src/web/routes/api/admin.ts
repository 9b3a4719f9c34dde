import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminAction, type AdminRequest } from '../../../services/admin-actions';
import { LookupError } from '../../../services/plan-directory';
import { requireAccount } from '../../auth';
import { actionProblems, DueDate, IsoDate, PeriodId, PlanId, security, SubjectKey } from './schemas';

const reason = z.string().trim().min(1, 'cần lý do').max(2000).meta({ description: 'Lý do (ghi vào nhật ký)' });
const optionalReason = z.string().trim().max(2000).optional().meta({ description: 'Lý do (ghi vào nhật ký)' });
const period = PeriodId.optional().meta({ description: 'Kỳ báo cáo; mặc định kỳ đang mở' });

/** Each action's body; `by` is never in it: the audit trail records the token's (or session's) account. */
const bodies = {
  extend: z.strictObject({ to: IsoDate.meta({ description: 'Hạn mới của cơ quan chủ trì' }), period, reason }),
  pause: z.strictObject({ reason }),
  resume: z.strictObject({ reason: optionalReason }),
  close: z.strictObject({ period, reason }),
  recipients: z.strictObject({
    agency: z.string().min(1).max(300).meta({ description: 'Cơ quan (tên hoặc tên viết tắt)' }),
    emails: z.array(z.email().max(320)).min(1).max(20),
    reason: optionalReason,
  }),
  resend: z.strictObject({
    period,
    agency: z
      .string()
      .min(1)
      .max(300)
      .optional()
      .meta({ description: 'Chỉ nhắc cơ quan này; mặc định mọi cơ quan chưa báo cáo' }),
    reason,
  }),
  cancel: z.strictObject({ reason }),
} as const;

const summaries: Record<keyof typeof bodies, string> = {
  extend: 'Gia hạn: dời hạn của cơ quan chủ trì',
  pause: 'Tạm dừng nhắc hạn',
  resume: 'Tiếp tục nhắc hạn',
  close: 'Đóng kỳ báo cáo mà không chờ cơ quan chủ trì',
  recipients: 'Đổi địa chỉ nhận thư của một cơ quan cho nhiệm vụ này',
  resend: 'Nhắc lại ngay, một lần, các cơ quan chưa báo cáo kỳ này',
  cancel: 'Hủy nhiệm vụ: không nhắc hạn nữa',
};

const AdminResult = z
  .object({
    workflowId: z.string(),
    message: z.string(),
    due: DueDate.optional(),
    sentTo: z.array(z.string()).optional(),
  })
  .meta({ id: 'AdminResult' });

function target(key: string): { task?: string; deliverable?: string } {
  if (key.startsWith('nv-')) return { task: key.slice(3) };
  if (key.startsWith('sp-')) return { deliverable: key.slice(3) };
  throw new LookupError(`"${key}" không phải mã nhiệm vụ (nv-…) hay sản phẩm (sp-…)`);
}

/** `POST /api/plans/:planId/subjects/:key/<action>`: admin tokens only; the workflow validates and audits. */
export async function adminApiRoutes(base: FastifyInstance): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  for (const action of Object.keys(bodies) as (keyof typeof bodies)[]) {
    app.post(
      `/api/plans/:planId/subjects/:key/${action}`,
      {
        preHandler: requireAccount('admin'),
        schema: {
          tags: ['Điều hành'],
          security,
          summary: summaries[action],
          params: z.object({ planId: PlanId, key: SubjectKey }),
          body: bodies[action],
          response: { 200: AdminResult, ...actionProblems },
        },
      },
      async (request) => {
        const body = request.body as Record<string, unknown>;
        const { planId, key } = request.params;
        // The acting account, never a name the request carries.
        const by = request.account!.name;
        return adminAction(app.deps.temporal, await app.deps.plans(), {
          action,
          planId,
          ...target(key),
          by,
          ...body,
        } as AdminRequest);
      },
    );
  }
}
