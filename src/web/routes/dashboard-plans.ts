import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { OFFICER_STATUSES } from '../../services/plan-snapshot';
import { planStatus } from '../../services/plan-status';
import { renderResponsive } from '../charts/render';
import { timelineSpec } from '../charts/timeline';
import { requireAccount } from '../auth';
import { dashboardPage, field, notFound, readDeps, statusFromSlug } from './dashboard-common';

/** Kế hoạch (`/ke-hoach/:planId`): the plan's tasks with officers' statuses, a GET filter form, and its timeline. */
export async function dashboardPlanRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { planId: string } }>(
    '/ke-hoach/:planId',
    { preHandler: requireAccount('officer') },
    async (request, reply) => {
      const query = request.query;
      const filter = {
        status: statusFromSlug(field(query, 'trang-thai')),
        agency: field(query, 'co-quan') || undefined,
        period: field(query, 'ky') || undefined,
      };
      const status = await planStatus(readDeps(app), request.params.planId, filter).catch(notFound);
      const zone = status.snapshot.loaded.plan.timezone;
      const today = DateTime.fromJSDate(status.snapshot.now).setZone(zone).toISODate() ?? '';
      const rows = status.snapshot.subjects.map((s) => s.shortTitle);
      const items = status.timeline.map((t) => ({ row: t.shortTitle, occurrence: t.occurrence }));
      const chart = await renderResponsive(
        (width) => timelineSpec(items, today, rows, { width }),
        { wide: 760, narrow: 270 },
        `Dòng thời gian các hạn của kế hoạch ${status.plan.title}`,
      );
      return dashboardPage(request, reply, 'plan', 'plans', {
        title: status.plan.title,
        status: { ...status, snapshot: undefined },
        statuses: OFFICER_STATUSES,
        filter: { status: filter.status ?? '', agency: filter.agency ?? '', period: filter.period ?? '' },
        chart,
        timelineCount: status.timeline.filter((t) => t.occurrence.due).length,
      });
    },
  );
}
