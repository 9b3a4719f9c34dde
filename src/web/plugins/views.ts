import { join } from 'node:path';
import { Eta } from 'eta';
import fp from 'fastify-plugin';
import { formatDate, formatInstant } from '../../activities/email/dates';

/** The templates live beside the sources, so `dist/web` (the built CLI) finds them too: both are two levels below the root. */
export const viewsDir = join(__dirname, '..', '..', '..', 'src', 'web', 'views');

/** Formatting helpers every template gets as `it.f` (dd/mm/yyyy, Vietnamese). */
export const formatters = {
  /** `YYYY-MM-DD` → `dd/mm/yyyy`. */
  date: (isoDate: string | undefined): string => (isoDate ? formatDate(isoDate.slice(0, 10)) : ''),
  /** ISO instant → `HH:mm ngày dd/mm/yyyy` in the zone. */
  instant: (iso: string | undefined, zone = 'Asia/Ho_Chi_Minh'): string => (iso ? formatInstant(iso, zone) : ''),
};

declare module 'fastify' {
  interface FastifyReply {
    /** Renders `views/<name>.eta` inside the layout, as HTML with `status` (200). */
    page(name: string, data: Record<string, unknown>, status?: number): FastifyReply;
  }
}

/** Eta templates (auto-escaping on) as `reply.page(...)`. */
export const viewsPlugin = fp(async (app) => {
  const eta = new Eta({
    views: viewsDir,
    autoEscape: true,
    autoTrim: false,
    cache: process.env.NODE_ENV !== 'development',
  });
  app.decorateReply('page', function page(this: import('fastify').FastifyReply, name, data, status = 200) {
    const body = eta.render(name, { ...data, f: formatters });
    const html = eta.render('layout', { ...data, f: formatters, body });
    return this.code(status).type('text/html; charset=utf-8').send(html);
  });
});
