import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { agencyDebts } from '../../../services/api-agencies';
import { DueDate, readProblems, security, Subject } from './schemas';

const AgencyDebts = z
  .object({
    agencies: z.array(z.string()).meta({ description: 'Tên chuẩn mà tên hỏi chỉ tới (một nhóm: mọi thành viên)' }),
    debts: z.array(
      z.object({
        planId: z.string(),
        subject: Subject,
        title: z.string(),
        agency: z.string(),
        role: z.enum(['lead', 'coordinators']),
        occurrenceId: z.string(),
        label: z.string(),
        due: DueDate,
        overdue: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'AgencyDebts' });

/** `GET /api/agencies/:name`: what one agency (or group) owes across plans, overdue first. */
export async function agencyApiRoutes(base: FastifyInstance): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/agencies/:name',
    {
      schema: {
        tags: ['Cơ quan'],
        security,
        summary: 'Những gì một cơ quan (hoặc nhóm) còn nợ ở mọi kế hoạch, quá hạn trước',
        params: z.object({
          name: z
            .string()
            .min(1)
            .max(300)
            .meta({ description: 'Tên, tên viết tắt hoặc tên nhóm, ví dụ Sở Tài chính', examples: ['Sở Tài chính'] }),
        }),
        response: { 200: AgencyDebts, ...readProblems },
      },
    },
    async (request) => agencyDebts(app.deps.temporal, await app.deps.plans(), request.params.name),
  );
}
