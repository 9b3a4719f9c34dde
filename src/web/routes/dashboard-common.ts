import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { formatDateVi } from '../../deadlines/dates';
import { OFFICER_STATUS_VI, WORKFLOW_STATUS_VI, type OfficerStatus, type ReadDeps } from '../../services/plan-snapshot';
import { STATUS_COLORS } from '../charts/colors';
import { HttpError } from '../plugins/errors';

/** How long the pages reuse the plans they read (the worker's catalog re-reads its folder as often). */
export const PLANS_TTL_MS = 5_000;

const memos = new WeakMap<FastifyInstance, ReadDeps>();

/**
 * The read services' dependencies from the app's, with the plans folder read at most every `PLANS_TTL_MS`: parsing
 * every plan file on each page would cost more than querying its thirty workflows; an edited file shows within seconds.
 */
export function readDeps(app: FastifyInstance): ReadDeps {
  const known = memos.get(app);
  if (known) return known;
  const { temporal, store, plans, clock } = app.deps;
  let cached: { at: number; generation: number; plans: ReturnType<typeof plans> } | undefined;
  const memo: ReadDeps = {
    temporal,
    store,
    clock,
    plans: () => {
      const now = Date.now();
      if (!cached || now - cached.at > PLANS_TTL_MS || cached.generation !== plansGeneration) {
        const reading = plans();
        cached = { at: now, generation: plansGeneration, plans: reading };
        // A failed read is not kept: the next page reads again.
        reading.catch(() => {
          if (cached?.plans === reading) cached = undefined;
        });
      }
      return cached.plans;
    },
  };
  memos.set(app, memo);
  return memo;
}

/** Bumped when a page saved a plan file: every page's plans are read again on their next use. */
let plansGeneration = 0;

/** Drops the plans the pages reuse, so a plan just saved (the import page) shows on the next page. */
export function forgetPlans(): void {
  plansGeneration++;
}

/** Escapes text for HTML (helpers below build small fragments; templates escape on their own). */
export function esc(text: unknown): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The status words in URLs (`?trang-thai=qua-han`), one per officers' status. */
export const STATUS_SLUGS: Record<OfficerStatus, string> = {
  overdue: 'qua-han',
  'due-soon': 'sap-den-han',
  'in-progress': 'trong-han',
  late: 'hoan-thanh-qua-han',
  'on-time': 'hoan-thanh-dung-han',
  'not-followed': 'khong-theo-doi',
};

/** The status a URL's `trang-thai` names (its slug or its key), or undefined. */
export function statusFromSlug(value: unknown): OfficerStatus | undefined {
  if (typeof value !== 'string') return undefined;
  const entry = Object.entries(STATUS_SLUGS).find(([key, slug]) => slug === value || key === value);
  return entry?.[0] as OfficerStatus | undefined;
}

const ZONE = 'Asia/Ho_Chi_Minh';

const BADGE_CLASS: Record<OfficerStatus, string> = {
  overdue: 'bad',
  'due-soon': 'warn',
  'in-progress': 'info',
  late: 'late',
  'on-time': 'good',
  'not-followed': 'muted',
};

const STEP_VI: Record<string, string> = {
  reminder: 'nhắc hạn',
  overdue: 'báo quá hạn',
  escalation: 'báo cáo cấp trên',
};
const PARTY_VI: Record<string, string> = { lead: 'chủ trì', coordinators: 'phối hợp' };

/** Formatting and small HTML fragments every dashboard template gets as `it.h`. */
export const helpers = {
  /** `YYYY-MM-DD` → `dd/mm/yyyy`. */
  date: (iso: string | undefined): string => (iso ? formatDateVi(iso.slice(0, 10)) : ''),
  /** ISO instant → `HH:mm dd/mm/yyyy` in Asia/Ho_Chi_Minh. */
  instant: (iso: string | undefined): string =>
    iso ? DateTime.fromISO(iso).setZone(ZONE).toFormat('HH:mm dd/MM/yyyy') : '',
  /** "còn 3 ngày 4 giờ" / "đã quá 2 ngày 1 giờ". */
  left: (ms: number | undefined): string => {
    if (ms === undefined) return '';
    const past = ms < 0;
    const hours = Math.floor(Math.abs(ms) / 3_600_000);
    const days = Math.floor(hours / 24);
    const text = days > 0 ? `${days} ngày ${hours % 24} giờ` : hours > 0 ? `${hours} giờ` : 'dưới 1 giờ';
    return past ? `đã quá ${text}` : `còn ${text}`;
  },
  status: (s: OfficerStatus): string => OFFICER_STATUS_VI[s],
  /** A coloured badge with the status's words (colour is never the only cue). */
  badge: (s: OfficerStatus): string => `<span class="badge ${BADGE_CLASS[s]}">${esc(OFFICER_STATUS_VI[s])}</span>`,
  color: (s: OfficerStatus): string => STATUS_COLORS[s],
  slug: (s: OfficerStatus): string => STATUS_SLUGS[s],
  workflowStatus: (s: string | undefined): string =>
    s && s in WORKFLOW_STATUS_VI ? WORKFLOW_STATUS_VI[s as keyof typeof WORKFLOW_STATUS_VI] : '',
  step: (kind: string, party: string): string => `${STEP_VI[kind] ?? kind} (${PARTY_VI[party] ?? party})`,
  role: (party: string): string => PARTY_VI[party] ?? party,
  enc: (value: string): string => encodeURIComponent(value),
  percent: (rate: number | undefined): string =>
    rate === undefined ? '–' : `${String(Math.round(rate * 1000) / 10).replace('.', ',')}%`,
  size: (bytes: number): string =>
    bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`,
};

type Section = 'overview' | 'plans' | 'agencies' | 'mail' | 'import';

/** The shared navigation: sections, the account's name and a logout button (a CSRF-protected form). */
export function navHtml(request: FastifyRequest, csrf: string, current: Section): string {
  const links: [Section, string, string][] = [
    ['overview', '/', 'Tổng quan'],
    ['agencies', '/co-quan', 'Cơ quan'],
  ];
  if (request.server.deps.mailDir) links.push(['mail', '/thu', 'Thư']);
  // The import page (issue 14): admins only, where the server has a plans folder to save into.
  if (request.server.deps.imports && request.account?.role === 'admin')
    links.push(['import', '/nhap-ke-hoach', 'Nhập kế hoạch']);
  const items = links
    .map(([key, href, label]) => `<a href="${href}"${key === current ? ' aria-current="page"' : ''}>${esc(label)}</a>`)
    .join('');
  const account = request.account;
  const who = account
    ? `<span class="who">${esc(account.name)} · ${account.role === 'admin' ? 'quản trị' : 'cán bộ'}</span>` +
      `<form method="post" action="/dang-xuat" class="logout"><input type="hidden" name="_csrf" value="${esc(csrf)}">` +
      `<button type="submit" class="link">Đăng xuất</button></form>`
    : '';
  return `${items}${who}`;
}

/** Renders a dashboard page with the navigation, the helpers and a CSRF token for its forms. */
export async function dashboardPage(
  request: FastifyRequest,
  reply: FastifyReply,
  view: string,
  current: Section,
  data: Record<string, unknown>,
  status = 200,
): Promise<FastifyReply> {
  const csrf = await reply.generateCsrf();
  reply.header('cache-control', 'no-store');
  return reply.page(
    `dashboard/${view}`,
    {
      ...data,
      h: helpers,
      csrf,
      user: request.account,
      isAdmin: request.account?.role === 'admin',
      nav: navHtml(request, csrf, current),
    },
    status,
  );
}

/** The services' "not found" errors as 404 pages; anything else goes to the app's error handler. */
export function notFound(err: unknown): never {
  const name = (err as Error).name;
  if (name === 'PlanNotFoundError' || name === 'SubjectNotFoundError' || name === 'PeriodNotFoundError') {
    throw new HttpError(404, (err as Error).message);
  }
  throw err;
}

/** A string field of a form or query, trimmed; '' when absent. */
export function field(source: unknown, name: string): string {
  const value = (source as Record<string, unknown> | undefined)?.[name];
  const text = typeof value === 'object' && value !== null ? (value as { value?: unknown }).value : value;
  return typeof text === 'string' ? text.trim() : '';
}
