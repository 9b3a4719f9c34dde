import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { assertWholeToken, createAgencyLinks } from '../../access/agency-links';
import { LinkError, type SubmissionTarget } from '../../access/links';
import { weekdayName } from '../../activities/email/dates';
import type { DueDate } from '../../deadlines/occurrence';
import { defaultAttachmentLimits, formatMiB } from '../../plan/report-limits';
import type { Plan } from '../../plan/schema';
import {
  linkReceipt,
  submissionPage,
  SubmissionInProgress,
  SubmissionRefused,
  SubmissionRejected,
  submitFromLink,
  type SubmissionPage,
  type UploadedFile,
} from '../../services/submissions';
import { publicRoute } from '../public-route';
import { HttpError, wantsJson } from '../plugins/errors';
import { outageOf, retryAfterSeconds } from '../../services/unavailable';

const ZONE = 'Asia/Ho_Chi_Minh';

/** HTTP status of each way a token can fail to verify. */
const linkStatus: Record<LinkError['refusal'], number> = {
  malformed: 400,
  tampered: 403,
  expired: 410,
  'wrong-purpose': 400,
};

/** `dd/mm/yyyy` with the weekday: "Thứ Năm, 15/05/2025". */
function day(isoDate: string): string {
  const date = isoDate.slice(0, 10);
  return `${weekdayName(date)}, ${DateTime.fromISO(date).toFormat('dd/LL/yyyy')}`;
}

/** `dd/mm/yyyy HH:mm` in the plan's zone. */
function instant(iso: string, zone = ZONE): string {
  return DateTime.fromISO(iso, { zone }).toFormat('dd/LL/yyyy HH:mm');
}

function dueLine(due: DueDate): string {
  return due.nominal === due.effective
    ? day(due.effective)
    : `${day(due.effective)} (theo kế hoạch ${day(due.nominal)}, trùng ngày nghỉ)`;
}

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : formatMiB(bytes);
}

/** The page's data, formatted for people (Vietnamese, dd/mm/yyyy). */
function pageModel(page: SubmissionPage) {
  const zone = page.plan.timezone;
  return {
    title: `Gửi báo cáo – ${page.period.label}`,
    planLine: page.plan.number ? `${page.plan.number} – ${page.plan.title}` : page.plan.title,
    topicLabel: page.topic.type === 'task' ? 'Nhiệm vụ' : 'Nội dung phải nộp',
    topicLine: page.topic.type === 'task' ? `${page.topic.id} – ${page.topic.title}` : page.topic.what,
    period: page.period.label,
    agency: page.agency,
    roleLine:
      page.topic.type === 'deliverable'
        ? 'Cơ quan phải nộp'
        : page.role === 'lead'
          ? 'Chủ trì (gửi báo cáo kết quả thực hiện nhiệm vụ)'
          : 'Phối hợp (gửi ý kiến, số liệu cho cơ quan chủ trì)',
    sendTo: page.sendTo,
    due: dueLine(page.due),
    dueNominal: day(page.due.nominal),
    extended: page.extensions.length > 0,
    leadDue: page.role === 'coordinators' ? dueLine(page.leadDue) : undefined,
    extensions: page.extensions.map((e) => ({
      to: day(e.to.effective),
      from: day(e.from.effective),
      at: instant(e.at, zone),
      by: e.grantedBy,
      reason: e.reason,
    })),
    overdue: page.overdue,
    sent: page.sent.map((s) => ({
      reportId: s.reportId,
      at: instant(s.receivedAt, zone),
      onTime: s.onTime,
      excerpt: s.excerpt,
      files: s.files.map((f) => `${f.filename} (${size(f.size)})`),
    })),
    limits: `Tối đa ${formatMiB(defaultAttachmentLimits.maxBytes)} mỗi tệp; nhận các tệp ${[
      ...new Set(Object.values(defaultAttachmentLimits.types).flat()),
    ].join(', ')}.`,
    accept: [...new Set(Object.values(defaultAttachmentLimits.types).flat())].join(','),
  };
}

function receiptTopic(plan: Plan | undefined, target: SubmissionTarget): { topicLabel?: string; topicLine?: string } {
  const { subject } = target;
  if (subject.type === 'task') {
    const task = plan?.tasks.find((t) => t.id === subject.taskId);
    return { topicLabel: 'Nhiệm vụ', topicLine: task ? `${task.id} – ${task.title}` : subject.taskId };
  }
  const deadline = plan?.deadlines.find((d) => d.id === subject.deadlineId);
  return { topicLabel: 'Nội dung phải nộp', topicLine: deadline?.subject ?? subject.deadlineId };
}

function refused(err: unknown): never {
  if (err instanceof LinkError || (err as Error).name === 'LinkError') {
    const e = err as LinkError;
    throw new HttpError(linkStatus[e.refusal] ?? 400, e.message, 'Đường dẫn không dùng được');
  }
  if (err instanceof SubmissionRefused || (err as Error).name === 'SubmissionRefused') {
    const e = err as SubmissionRefused;
    throw new HttpError(e.status, e.message, e.title);
  }
  throw err;
}

/** A form field's value, from a multipart body (`{ value }`) or an urlencoded one (a string). */
function fieldValue(body: Record<string, unknown>, name: string): string {
  const field = body[name];
  const one = Array.isArray(field) ? field[0] : field;
  if (typeof one === 'string') return one;
  if (one && typeof one === 'object' && 'value' in one) return String((one as { value: unknown }).value ?? '');
  return '';
}

interface MultipartFile {
  type: 'file';
  filename: string;
  mimetype: string;
  toBuffer(): Promise<Buffer>;
}

/** The chosen files; an empty file input (nothing chosen) sends a part without a name, which is no file. */
async function uploadedFiles(body: Record<string, unknown>): Promise<UploadedFile[]> {
  const files: UploadedFile[] = [];
  for (const value of Object.values(body)) {
    for (const part of Array.isArray(value) ? value : [value]) {
      if (!part || typeof part !== 'object' || (part as MultipartFile).type !== 'file') continue;
      const file = part as MultipartFile;
      const content = await file.toBuffer();
      if (!file.filename && content.length === 0) continue;
      files.push({ filename: file.filename, contentType: file.mimetype, content });
    }
  }
  return files;
}

/**
 * An agency's personal page: `GET /bao-cao/<token>` shows what it owes and a form, `POST` takes the report through
 * the workflow and redirects to `/bao-cao/<token>/bien-nhan/<reportId>` (so a reload does not send it twice). Every
 * refusal is a Vietnamese page with a 4xx and records nothing. The token is too long for a route parameter, so the
 * path is read as a wildcard.
 */
export async function submissionRoutes(app: FastifyInstance): Promise<void> {
  const { deps } = app;
  app.addHook('onRequest', async (_request, reply) => {
    // A page with a personal token and an agency's report: never kept by a browser or proxy cache.
    reply.header('cache-control', 'no-store');
  });

  /** A refused form whose link is fine (a file the store would not keep): the page says why and leads back to it. */
  function refusedForm(request: FastifyRequest, reply: FastifyReply, status: number, message: string, title?: string) {
    if (wantsJson(request)) throw new HttpError(status, message, title);
    const back = /^\/bao-cao\/[^/?#]+/.exec(request.url)?.[0];
    return reply.page(
      'submission-refused',
      { title: title ?? (status === 413 ? 'Tệp quá lớn' : 'Báo cáo chưa được nhận'), message, status, back },
      status,
    );
  }

  // An upload over the limit stops while the form is read, before any handler: said here with the limit, and a way
  // back. Everything else goes on to the app's own error handler.
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    if (request.method === 'POST' && (err.code === 'FST_REQ_FILE_TOO_LARGE' || err.code === 'FST_FILES_LIMIT')) {
      return refusedForm(
        request,
        reply,
        413,
        err.code === 'FST_FILES_LIMIT'
          ? 'Biểu mẫu có quá nhiều tệp đính kèm (tối đa 10 tệp). Tệp đính kèm hoặc biểu mẫu vượt quá giới hạn cho phép.'
          : `Mỗi tệp đính kèm tối đa ${formatMiB(defaultAttachmentLimits.maxBytes)}: tệp đính kèm vượt quá giới hạn cho phép. Hãy gửi tệp nhỏ hơn hoặc chia thành nhiều tệp.`,
      );
    }
    throw err;
  });

  function parsePath(request: FastifyRequest): { token: string; receipt?: string } {
    const rest = (request.params as Record<string, string>)['*'] ?? '';
    const match = /^([^/]+)(?:\/bien-nhan\/([\w-]+))?\/?$/.exec(rest);
    if (!match) throw new HttpError(404, 'Không có trang này.');
    return { token: match[1], receipt: match[2] };
  }

  async function verified(token: string): Promise<SubmissionTarget> {
    try {
      assertWholeToken(token);
      return await deps.signer.verifySubmission(token);
    } catch (err) {
      refused(err);
    }
  }

  async function showForm(
    reply: FastifyReply,
    token: string,
    page: SubmissionPage,
    extra: { error?: string; text?: string; status?: number } = {},
  ) {
    return reply.page(
      'submission',
      {
        ...pageModel(page),
        action: `/bao-cao/${token}`,
        csrf: await reply.generateCsrf(),
        calendarUrl: await createAgencyLinks(deps.signer, deps.publicUrl).calendarUrl(page.agency),
        error: extra.error,
        text: extra.text ?? '',
      },
      extra.status ?? 200,
    );
  }

  app.get('/bao-cao/*', { config: publicRoute(app) }, async (request, reply) => {
    const { token, receipt } = parsePath(request);
    const target = await verified(token);
    if (receipt) {
      const found = await linkReceipt(deps, target, receipt);
      if (!found) throw new HttpError(404, 'Không có biên nhận này cho đường dẫn của quý cơ quan.');
      const plan = (await deps.plans()).find((p) => p.plan.id === target.planId)?.plan;
      return reply.page('submission-receipt', {
        title: 'Đã nhận báo cáo',
        planLine: plan ? (plan.number ? `${plan.number} – ${plan.title}` : plan.title) : target.planId,
        period: found.label,
        agency: found.agency,
        reportId: found.reportId,
        at: instant(found.receivedAt, plan?.timezone ?? ZONE),
        onTime: found.onTime,
        again: (request.query as Record<string, unknown> | undefined)?.['lan-truoc'] === '1',
        back: `/bao-cao/${token}`,
        ...receiptTopic(plan, target),
      });
    }
    let page: SubmissionPage;
    try {
      page = await submissionPage(deps, target);
    } catch (err) {
      refused(err);
    }
    return showForm(reply, token, page);
  });

  app.post('/bao-cao/*', { config: publicRoute(app) }, async (request, reply) => {
    const { token, receipt } = parsePath(request);
    if (receipt) throw new HttpError(405, 'Trang biên nhận chỉ để xem.');
    const target = await verified(token);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const text = fieldValue(body, 'text');
    try {
      const files = await uploadedFiles(body);
      const done = await submitFromLink(deps, target, { text, files, formId: fieldValue(body, '_csrf') || undefined });
      const again = done.duplicate ? '?lan-truoc=1' : '';
      return reply.redirect(`/bao-cao/${token}/bien-nhan/${done.reportId}${again}`, 303);
    } catch (err) {
      const outage = outageOf(err);
      if (outage || err instanceof SubmissionInProgress || (err as Error).name === 'SubmissionInProgress') {
        // Temporal or the database did not answer (or the report is still being written): the same form, with its
        // own token, is offered again, so sending it twice is one report.
        request.log.warn({ outage, message: (err as Error).message }, 'report not taken for now');
        reply.header('retry-after', String(retryAfterSeconds));
        const message = outage
          ? 'Hệ thống tạm thời không nhận được báo cáo, xin gửi lại sau ít phút.'
          : (err as Error).message;
        if (wantsJson(request)) throw new HttpError(503, message, 'Chưa nhận được báo cáo');
        return reply.page(
          'submission-retry',
          {
            title: 'Chưa nhận được báo cáo',
            message,
            action: `/bao-cao/${token}`,
            csrf: fieldValue(body, '_csrf'),
            text,
            status: 503,
          },
          503,
        );
      }
      if (err instanceof SubmissionRejected || (err as Error).name === 'SubmissionRejected') {
        let page: SubmissionPage;
        try {
          page = await submissionPage(deps, target);
        } catch (again) {
          refused(again);
        }
        return showForm(reply, token, page, { error: (err as Error).message, text, status: 422 });
      }
      if (err instanceof SubmissionRefused && [413, 415, 422].includes(err.status)) {
        return refusedForm(request, reply, err.status, err.message, err.title);
      }
      refused(err);
    }
  });
}
