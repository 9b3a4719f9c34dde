import type { FastifyInstance } from 'fastify';
import { agencyRanking, agencyStatus } from '../../services/agency-status';
import { rankingSpec } from '../charts/ranking';
import { renderResponsive } from '../charts/render';
import { requireAccount } from '../auth';
import { HttpError } from '../plugins/errors';
import { dashboardPage, field, readDeps } from './dashboard-common';

/** How many agencies the ranking picture shows (the table below lists them all). */
const CHART_TOP = 40;

/** Cơ quan (`/co-quan`, `/co-quan/:agency`): the ranking by on-time rate, and what one agency owes across plans. */
export async function dashboardAgencyRoutes(app: FastifyInstance): Promise<void> {
  app.get('/co-quan', { preHandler: requireAccount('officer') }, async (request, reply) => {
    const planId = field(request.query, 'ke-hoach') || undefined;
    const data = await agencyRanking(readDeps(app), { planId });
    const chart = data.ranking.length
      ? await renderResponsive(
          (width) => rankingSpec(data.ranking.slice(0, CHART_TOP), undefined, { width }),
          { wide: 360, narrow: 300 },
          'Xếp hạng cơ quan theo tỷ lệ báo cáo đúng hạn',
        )
      : undefined;
    return dashboardPage(request, reply, 'agencies', 'agencies', {
      title: 'Cơ quan',
      data,
      planId: planId ?? '',
      chart,
      chartTop: CHART_TOP,
    });
  });

  app.get<{ Params: { agency: string } }>(
    '/co-quan/:agency',
    { preHandler: requireAccount('officer') },
    async (request, reply) => {
      const data = await agencyStatus(readDeps(app), request.params.agency);
      if (!data) throw new HttpError(404, `Không có cơ quan "${request.params.agency}" trong các kế hoạch.`);
      const chart = data.ranking.length
        ? await renderResponsive(
            (width) => rankingSpec(data.ranking.slice(0, CHART_TOP), data.agency, { width }),
            { wide: 360, narrow: 300 },
            `Xếp hạng cơ quan theo tỷ lệ báo cáo đúng hạn; ${data.agency} tô đậm`,
          )
        : undefined;
      return dashboardPage(request, reply, 'agency', 'agencies', {
        title: data.agency,
        data,
        chart,
        chartTop: CHART_TOP,
      });
    },
  );
}
