import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { oneReport, planReports, reportAttachment } from '../../../services/api-reports';
import { contentDisposition } from './download';
import { binary, PeriodId, PlanId, readProblems, Report, security, SubjectKey } from './schemas';

/** `GET /api/plans/:planId/reports`, `/api/reports/:reportId` and its attachments. */
export async function reportApiRoutes(base: FastifyInstance): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['Báo cáo'];

  app.get(
    '/api/plans/:planId/reports',
    {
      schema: {
        tags,
        security,
        summary: 'Báo cáo đã nhận của kế hoạch, lọc theo kỳ và nhiệm vụ, cũ trước',
        params: z.object({ planId: PlanId }),
        querystring: z.object({ period: PeriodId.optional(), subject: SubjectKey.optional() }),
        response: { 200: z.array(Report), ...readProblems },
      },
    },
    async (request) =>
      planReports(app.deps.store, await app.deps.plans(), {
        planId: request.params.planId,
        period: request.query.period,
        subjectKey: request.query.subject,
      }),
  );

  app.get(
    '/api/reports/:reportId',
    {
      schema: {
        tags,
        security,
        summary: 'Một báo cáo',
        params: z.object({ reportId: z.string().max(100) }),
        response: { 200: Report, ...readProblems },
      },
    },
    async (request) => oneReport(app.deps.store, request.params.reportId),
  );

  app.get(
    '/api/reports/:reportId/attachments/:sha256',
    {
      schema: {
        tags,
        security,
        summary: 'Tải tệp đính kèm của một báo cáo',
        params: z.object({
          reportId: z.string().max(100),
          sha256: z.string().regex(/^[0-9a-f]{64}$/, 'cần mã SHA-256 (64 ký tự hex)'),
        }),
        response: { 200: binary('Nội dung tệp', ['application/octet-stream']), ...readProblems },
      },
    },
    async (request, reply) => {
      const file = await reportAttachment(app.deps.store, request.params.reportId, request.params.sha256);
      return reply
        .type(file.contentType)
        .header('content-disposition', contentDisposition(file.filename))
        .header('x-content-type-options', 'nosniff')
        .send(file.content as never);
    },
  );
}
