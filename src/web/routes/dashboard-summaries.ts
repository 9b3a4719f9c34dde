import type { FastifyInstance } from 'fastify';
import type { SummaryFormat } from '../../activities/storage/store';
import { compileSummaryNow, summariesView, summaryDocument } from '../../services/summaries-view';
import { requireAccount } from '../auth';
import { HttpError } from '../plugins/errors';
import { dashboardPage, field, notFound, readDeps } from './dashboard-common';

const DOWNLOADS: SummaryFormat[] = ['docx', 'xlsx'];

/**
 * Tổng hợp (`/tong-hop/:planId`): every reporting period, its compiled summary shown in the page (`?ky=` picks one,
 * else the latest compiled) and downloads; an admin compiles one now (`POST /tong-hop/:planId/lap`, no email).
 */
export async function dashboardSummaryRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { planId: string } }>(
    '/tong-hop/:planId',
    { preHandler: requireAccount('officer') },
    async (request, reply) => {
      const chosen = field(request.query, 'ky');
      const all = await summariesView(readDeps(app), request.params.planId, { withHtml: () => false }).catch(notFound);
      const shown = chosen || [...all.periods].reverse().find((p) => p.formats.includes('html'))?.id || '';
      const view = shown
        ? await summariesView(readDeps(app), request.params.planId, { withHtml: (id) => id === shown })
        : all;
      const done = field(request.query, 'xong');
      return dashboardPage(request, reply, 'summaries', 'plans', {
        title: `Tổng hợp – ${view.planTitle}`,
        view,
        shown,
        done: done && view.periods.some((p) => p.id === done) ? done : '',
      });
    },
  );

  app.get<{ Params: { planId: string; periodId: string; format: string } }>(
    '/tong-hop/:planId/:periodId/tai/:format',
    { preHandler: requireAccount('officer') },
    async (request, reply) => {
      const { planId, periodId, format } = request.params;
      if (!DOWNLOADS.includes(format as SummaryFormat)) throw new HttpError(404, 'Không có định dạng này.');
      const doc = await summaryDocument(readDeps(app), planId, periodId, format as SummaryFormat);
      if (!doc) throw new HttpError(404, 'Kỳ này chưa có bản tổng hợp.');
      return reply
        .type(doc.contentType)
        .header('content-disposition', `attachment; filename="${doc.filename.replace(/[^\w.-]/g, '_')}"`)
        .header('cache-control', 'private, no-store')
        .send(doc.content);
    },
  );

  app.post<{ Params: { planId: string } }>(
    '/tong-hop/:planId/lap',
    { preHandler: requireAccount('admin') },
    async (request, reply) => {
      const periodId = field(request.body, 'ky');
      const { planId } = request.params;
      await compileSummaryNow(readDeps(app), { planId, periodId, by: request.account!.name }).catch(notFound);
      const back = `/tong-hop/${encodeURIComponent(planId)}?ky=${encodeURIComponent(periodId)}&xong=${encodeURIComponent(periodId)}`;
      return reply.code(303).redirect(back, 303);
    },
  );
}
