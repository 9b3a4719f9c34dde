import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listPlans, planDetail } from '../../../services/api-plans';
import { listStatus } from '../../../services/api-status';
import { findPlan } from '../../../services/plan-directory';
import { PlanId, readProblems, security, StatusEntry, Subject } from './schemas';

const PlanSummary = z
  .object({
    id: z.string(),
    number: z.string().optional(),
    title: z.string(),
    issuer: z.string(),
    issuedOn: z.string().optional(),
    period: z.object({ from: z.string(), to: z.string() }),
    focalAgency: z.string(),
    reportsTo: z.string(),
    tasks: z.number().int(),
    deliverables: z.number().int(),
  })
  .meta({ id: 'PlanSummary' });

const PlanDetail = PlanSummary.extend({
  subjects: z.array(
    z.object({
      key: z.string(),
      subject: Subject,
      workflowId: z.string(),
      title: z.string(),
      lead: z.array(z.string()),
      coordinators: z.array(z.string()),
    }),
  ),
}).meta({ id: 'PlanDetail' });

/** `GET /api/plans`, `/api/plans/:planId`, `/api/plans/:planId/status`. */
export async function planApiRoutes(base: FastifyInstance): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['Kế hoạch'];

  app.get(
    '/api/plans',
    {
      schema: {
        tags,
        security,
        summary: 'Các kế hoạch đang theo dõi',
        response: { 200: z.array(PlanSummary), ...readProblems },
      },
    },
    async () => listPlans(await app.deps.plans()),
  );

  app.get(
    '/api/plans/:planId',
    {
      schema: {
        tags,
        security,
        summary: 'Một kế hoạch với các nhiệm vụ và sản phẩm phải nộp',
        params: z.object({ planId: PlanId }),
        response: { 200: PlanDetail, ...readProblems },
      },
    },
    async (request) => planDetail(await app.deps.plans(), request.params.planId),
  );

  app.get(
    '/api/plans/:planId/status',
    {
      schema: {
        tags,
        security,
        summary: 'Tình hình từng nhiệm vụ của kế hoạch (như dondoc status --json)',
        params: z.object({ planId: PlanId }),
        querystring: z.object({
          agency: z.string().min(1).max(300).optional().meta({ description: 'Cơ quan hoặc nhóm (tên, tên viết tắt)' }),
          overdue: z.enum(['true', 'false']).optional().meta({ description: 'true: chỉ nhiệm vụ đang quá hạn' }),
        }),
        response: { 200: z.array(StatusEntry), ...readProblems },
      },
    },
    async (request) => {
      const plans = await app.deps.plans();
      findPlan(plans, request.params.planId);
      const entries = await listStatus(app.deps.temporal, plans, {
        planId: request.params.planId,
        agency: request.query.agency,
        overdue: request.query.overdue === 'true',
      });
      // The workflow's view is declared loosely (extra fields pass); the serializer checks the declared ones.
      return entries as unknown as z.infer<typeof StatusEntry>[];
    },
  );
}
