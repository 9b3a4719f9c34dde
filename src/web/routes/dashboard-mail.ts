import type { FastifyInstance } from 'fastify';
import { Mailbox } from '../../mail-capture/mailbox';
import { requireAccount } from '../auth';
import { HttpError } from '../plugins/errors';
import { dashboardPage } from './dashboard-common';

/** How many captured messages the list shows, newest first. */
const LIST_LIMIT = 200;

/** Thư (`/thu`): on embedded defaults, the mail dondoc sent into the local capture (absent with a real SMTP server). */
export async function dashboardMailRoutes(app: FastifyInstance): Promise<void> {
  const dir = app.deps.mailDir;
  if (!dir) return;
  const mailbox = new Mailbox(dir);

  app.get('/thu', { preHandler: requireAccount('officer') }, async (request, reply) => {
    const all = await mailbox.list();
    return dashboardPage(request, reply, 'mail', 'mail', {
      title: 'Thư đã gửi',
      messages: all.slice(0, LIST_LIMIT),
      total: all.length,
    });
  });

  app.get<{ Params: { id: string } }>('/thu/:id', { preHandler: requireAccount('officer') }, async (request, reply) => {
    const mail = Mailbox.isId(request.params.id) ? await mailbox.read(request.params.id) : undefined;
    if (!mail) throw new HttpError(404, 'Không có thư này.');
    const to = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).map((a) => a.text).join(', ');
    return dashboardPage(request, reply, 'mail-message', 'mail', {
      title: mail.subject ?? 'Thư',
      message: {
        id: request.params.id,
        subject: mail.subject ?? '',
        from: mail.from?.text ?? '',
        to,
        receivedAt: String(mail.headers.get('x-dondoc-received-at') ?? mail.date?.toISOString() ?? ''),
        text: mail.text ?? '',
        attachments: mail.attachments.map((a) => ({ filename: a.filename ?? 'tep', size: a.size })),
      },
    });
  });
}
