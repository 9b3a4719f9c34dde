import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { compileSummaryNow, summariesView, summaryDocument } from '../../../services/summaries-view';
import { HttpError } from '../../plugins/errors';
import { requireAccount } from '../../auth';
import { contentDisposition } from './download';
import { actionProblems, binary, PeriodId, PlanId, readProblems, security } from './schemas';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const SummaryPeriod = z
  .object({
    id: z.string(),
    label: z.string(),
    at: z.string().meta({ description: 'Thời điểm gửi bản tổng hợp (ISO)' }),
    sent: z.boolean(),
    failed: z.string().optional(),
    formats: z.array(z.enum(['docx', 'xlsx', 'html', 'text'])).meta({ description: 'Định dạng đã có để tải' }),
  })
  .meta({ id: 'SummaryPeriod' });

const Compiled = z
  .object({
    period: z.object({ id: z.string(), label: z.string(), at: z.string() }),
    documents: z.array(z.object({ format: z.enum(['docx', 'xlsx', 'html', 'text']), filename: z.string() })),
  })
  .meta({ id: 'CompiledSummary' });

/** Summaries of a plan: its periods, the .docx/.xlsx downloads, and compiling one now (admin). */
export async function summaryApiRoutes(base: FastifyInstance): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['Tổng hợp'];

  app.get(
    '/api/plans/:planId/summaries',
    {
      schema: {
        tags,
        security,
        summary: 'Các kỳ tổng hợp của kế hoạch và bản đã có',
        params: z.object({ planId: PlanId }),
        response: { 200: z.array(SummaryPeriod), ...readProblems },
      },
    },
    async (request) => {
      const view = await summariesView(app.deps, request.params.planId, { withHtml: () => false });
      return view.periods.map(({ id, label, at, sent, failed, formats }) => ({
        id,
        label,
        at,
        sent,
        ...(failed ? { failed } : {}),
        formats,
      }));
    },
  );

  app.get(
    '/api/plans/:planId/summaries/:periodId/:format',
    {
      schema: {
        tags,
        security,
        summary: 'Tải bản tổng hợp của một kỳ (.docx hoặc .xlsx)',
        params: z.object({ planId: PlanId, periodId: PeriodId, format: z.enum(['docx', 'xlsx']) }),
        response: { 200: binary('Tệp tổng hợp', [DOCX, XLSX]), ...readProblems },
      },
    },
    async (request, reply) => {
      const { planId, periodId, format } = request.params;
      const document = await summaryDocument(app.deps, planId, periodId, format);
      if (!document)
        throw new HttpError(404, `Chưa có bản tổng hợp ${format} của kỳ "${periodId}" (kế hoạch ${planId}).`);
      return reply
        .type(document.contentType)
        .header('content-disposition', contentDisposition(document.filename))
        .send(document.content as never);
    },
  );

  app.post(
    '/api/plans/:planId/summaries/:periodId/compile',
    {
      preHandler: requireAccount('admin'),
      schema: {
        tags,
        security,
        summary: 'Tổng hợp ngay một kỳ (lưu .docx, .xlsx; không gửi thư)',
        params: z.object({ planId: PlanId, periodId: PeriodId }),
        response: { 200: Compiled, ...actionProblems },
      },
    },
    async (request) =>
      compileSummaryNow(app.deps, {
        planId: request.params.planId,
        periodId: request.params.periodId,
        by: request.account!.name,
      }),
  );
}
