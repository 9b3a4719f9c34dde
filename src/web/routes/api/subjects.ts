import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { subjectOfKey } from '../../../services/api-plans';
import { subjectStatus } from '../../../services/api-status';
import { findPlan } from '../../../services/plan-directory';
import { DueDate, OpenOccurrence, PlanId, readProblems, security, StatusEntry, SubjectKey } from './schemas';

const Occurrence = z
  .object({
    id: z.string(),
    label: z.string(),
    phase: z.enum(['open', 'upcoming', 'closed', 'not-followed']),
    leadDue: z.string().optional().meta({ description: 'Hạn của cơ quan chủ trì (YYYY-MM-DD)' }),
    due: z.object({ lead: DueDate, coordinators: DueDate.optional(), focal: DueDate.optional() }).optional(),
    owing: z.array(z.string()).optional(),
    overdue: z.array(z.string()).optional(),
    closedAt: z.string().optional(),
    outcomes: z.record(z.string(), z.enum(['on-time', 'late', 'missing'])).optional(),
    detail: OpenOccurrence.optional(),
  })
  .meta({ id: 'Occurrence' });

type StatusEntryType = import('../../../services/api-status').StatusEntry;

const params = z.object({ planId: PlanId, key: SubjectKey });

/** `GET /api/plans/:planId/subjects/:key` (its state) and `…/occurrences` (its periods). */
export async function subjectApiRoutes(base: FastifyInstance): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['Nhiệm vụ'];

  const entry = async (planId: string, key: string) => {
    const plans = await app.deps.plans();
    const status = await subjectStatus(app.deps.temporal, plans, planId, subjectOfKey(findPlan(plans, planId), key));
    // The workflow's view is declared loosely (extra fields pass); the serializer checks the declared ones.
    return status as unknown as z.infer<typeof StatusEntry>;
  };

  app.get(
    '/api/plans/:planId/subjects/:key',
    {
      schema: {
        tags,
        security,
        summary: 'Tình hình một nhiệm vụ hoặc sản phẩm phải nộp (như một mục của dondoc status --json)',
        params,
        response: { 200: StatusEntry, ...readProblems },
      },
    },
    async (request) => entry(request.params.planId, request.params.key),
  );

  app.get(
    '/api/plans/:planId/subjects/:key/occurrences',
    {
      schema: {
        tags,
        security,
        summary: 'Các kỳ báo cáo của một nhiệm vụ: đang mở, sắp tới, đã đóng, không theo dõi',
        params,
        response: { 200: z.array(Occurrence), ...readProblems },
      },
    },
    async (request) => {
      const { view } = (await entry(request.params.planId, request.params.key)) as unknown as StatusEntryType;
      if (!view) return [];
      const open = view.open ?? (view.current ? [view.current] : []);
      return [
        ...open.map((o) => ({
          id: o.id,
          label: o.label,
          phase: 'open' as const,
          leadDue: o.due.lead.effective,
          due: o.due,
          owing: o.owing,
          overdue: o.overdue,
          detail: o,
        })),
        ...view.upcoming.map((o) => ({ id: o.id, label: o.label, phase: 'upcoming' as const, leadDue: o.leadDue })),
        ...view.closed.map((o) => ({
          id: o.id,
          label: o.label,
          phase: 'closed' as const,
          closedAt: o.closedAt,
          outcomes: o.outcomes,
        })),
        ...(view.notFollowed ?? []).map((o) => ({
          id: o.id,
          label: o.label,
          phase: 'not-followed' as const,
          leadDue: o.leadDue,
        })),
      ];
    },
  );
}
