import type { FastifyInstance } from 'fastify';
import { assertWholeToken } from '../../access/agency-links';
import { LinkError } from '../../access/links';
import { agencyCalendarIcs } from '../../services/agency-calendar';
import { publicRoute } from '../public-route';
import { HttpError } from '../plugins/errors';

/**
 * `GET /lich/<token>.ics`: an agency's calendar feed, for Outlook, Thunderbird and Google Calendar to subscribe to.
 * The token binds the agency only; a token that does not verify gets a refusal and nothing else. The token is too
 * long for a route parameter, so the path is read as a wildcard.
 */
export async function calendarRoutes(app: FastifyInstance): Promise<void> {
  const { deps } = app;
  app.get('/lich/*', { config: publicRoute(app) }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const match = /^([\w-]+\.[\w-]+\.[\w-]+)\.ics$/.exec((request.params as Record<string, string>)['*'] ?? '');
    if (!match) throw new HttpError(400, 'Đường dẫn lịch không đầy đủ hoặc đã bị cắt.', 'Đường dẫn không dùng được');
    let agency: string;
    try {
      assertWholeToken(match[1]);
      ({ agency } = await deps.signer.verifyCalendar(match[1]));
    } catch (err) {
      if (err instanceof LinkError || (err as Error).name === 'LinkError') {
        const refusal = (err as LinkError).refusal;
        throw new HttpError(refusal === 'tampered' ? 403 : 400, (err as Error).message, 'Đường dẫn không dùng được');
      }
      throw err;
    }
    const ics = await agencyCalendarIcs({ temporal: deps.temporal, plans: deps.plans }, agency, deps.clock?.());
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', 'inline; filename="lich-bao-cao.ics"')
      .send(ics);
  });
}
