import type { FastifyInstance } from 'fastify';
import { overview } from '../../services/overview';
import { OFFICER_STATUSES } from '../../services/plan-snapshot';
import { requireAccount } from '../auth';
import { dashboardPage, readDeps } from './dashboard-common';

/** Tổng quan (`/`): every plan with its counts by status, and the deadlines of the next 14 days. */
export async function dashboardOverviewRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { preHandler: requireAccount('officer') }, async (request, reply) => {
    const data = await overview(readDeps(app));
    return dashboardPage(request, reply, 'overview', 'overview', {
      title: 'Tổng quan',
      overview: { ...data, snapshots: undefined },
      statuses: OFFICER_STATUSES,
    });
  });
}
