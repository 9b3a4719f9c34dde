import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  checkDraft,
  correctDraft,
  createDraft,
  directoryChoices,
  draftResolver,
  expressionViews,
  fieldLabel,
  loadDraft,
  pickerValue,
  planFileExists,
  reimportDraft,
  saveDraft,
  savedPaths,
  sourceView,
  startSavedPlan,
  type Draft,
  type DraftCorrections,
  type ImportSettings,
} from '../../services/plan-import';
import { requireAccount } from '../auth';
import { HttpError } from '../plugins/errors';
import { dashboardPage, field, forgetPlans } from './dashboard-common';

export const IMPORT_PATH = '/nhap-ke-hoach';

type Params = { draftId: string };

function settingsOf(app: FastifyInstance): ImportSettings {
  const settings = app.deps.imports;
  if (!settings) throw new HttpError(404, 'Trang nhập kế hoạch chưa được bật trên máy chủ này.');
  return settings;
}

/** The services' refusals as pages: a draft that is gone is 404, anything else goes to the app's error handler. */
function gone(err: unknown): never {
  if ((err as Error).name === 'DraftNotFoundError') throw new HttpError(404, (err as Error).message);
  throw err;
}

interface MultipartFile {
  type: 'file';
  filename: string;
  toBuffer(): Promise<Buffer>;
}

/** The one chosen file of the upload form (an empty file input sends a part without a name). */
async function uploadedFile(body: unknown): Promise<{ name: string; buffer: Buffer } | undefined> {
  const part = (body as Record<string, unknown> | undefined)?.tep;
  const file = (Array.isArray(part) ? part[0] : part) as MultipartFile | undefined;
  if (!file || typeof file !== 'object' || file.type !== 'file') return undefined;
  const buffer = await file.toBuffer();
  if (!file.filename && buffer.length === 0) return undefined;
  return { name: file.filename || 'ke-hoach', buffer };
}

/** The correction form's fields as the service's corrections (a field the form did not send is left as it was). */
function corrections(body: unknown, draft: Draft): DraftCorrections {
  const form = (body ?? {}) as Record<string, unknown>;
  const has = (name: string) => typeof form[name] === 'string';
  const value = (name: string) => (has(name) ? field(form, name) : undefined);
  const out: DraftCorrections = {
    id: value('ma'),
    number: value('so'),
    title: value('ten'),
    issuer: value('ban-hanh'),
    periodFrom: value('tu-ngay'),
    periodTo: value('den-ngay'),
    focalAgency: has('dau-moi') ? { choice: value('dau-moi'), text: value('dau-moi-khac') } : undefined,
    tasks: {},
    deadlines: {},
  };
  draft.plan.tasks.forEach((_, i) => {
    const p = `nv-${i}-`;
    out.tasks![i] = {
      title: value(`${p}ten`),
      lead: has(`${p}chu-tri`) ? { choice: value(`${p}chu-tri`), text: value(`${p}chu-tri-khac`) } : undefined,
      coordinators: value(`${p}phoi-hop`),
      timeframe: value(`${p}thoi-gian`),
    };
  });
  (draft.plan.deadlines ?? []).forEach((_, i) => (out.deadlines![i] = { text: value(`han-${i}-thoi-gian`) }));
  return out;
}

/** Where the form holds a review item's field: the task's or deadline's fields, else the plan's own. */
function fieldAnchor(path: string): string | undefined {
  const m = /^(tasks|deadlines)\[(\d+)\]/.exec(path);
  if (m) return `${m[1] === 'tasks' ? 'nv' : 'han'}-${m[2]}`;
  return ['id', 'number', 'title', 'issuer', 'period', 'focalAgency'].includes(path) ? 'h-draft' : undefined;
}

const DONE: Record<string, string> = {
  sua: 'Đã áp dụng các sửa đổi và kiểm tra lại bản nháp.',
  'danh-ba': 'Đã nhập lại tài liệu với danh bạ đã chọn.',
  luu: 'Đã lưu tệp kế hoạch.',
  'bat-dau': 'Đã bắt đầu theo dõi kế hoạch.',
};

/** The review page of a draft: the source text beside the draft, the review list, the form, the checks. */
async function renderDraft(
  request: FastifyRequest,
  reply: FastifyReply,
  settings: ImportSettings,
  draft: Draft,
  extra: { status?: number; error?: string; done?: string } = {},
): Promise<FastifyReply> {
  const [choices, problems, expressions, resolver, exists] = await Promise.all([
    directoryChoices(settings.plansDir),
    checkDraft(settings, draft),
    expressionViews(settings, draft),
    draftResolver(settings, draft),
    planFileExists(settings, draft),
  ]);
  const source = sourceView(draft);
  const review = [...draft.review]
    .sort((a, b) => a.line - b.line)
    .map((item) => ({
      ...item,
      anchor: item.field === 'source' ? undefined : source.anchor(item.line),
      label: fieldLabel(draft.plan, item.field),
      fix: fieldAnchor(item.field),
    }));
  const directory = resolver?.directory;
  const paths = savedPaths(settings, draft);
  return dashboardPage(
    request,
    reply,
    'import-draft',
    'import',
    {
      title: `Nhập kế hoạch: ${draft.plan.title}`,
      draft,
      lines: source.lines,
      taskAnchors: draft.plan.tasks.map((t) => (t.line ? source.anchor(t.line) : undefined)),
      deadlineAnchors: (draft.plan.deadlines ?? []).map((d) => (d.line ? source.anchor(d.line) : undefined)),
      review,
      problems,
      errors: problems.filter((p) => p.severity === 'error').length,
      expressions,
      choices,
      agencies: directory?.agencies.map((a) => a.name) ?? [],
      groups: directory?.groups.map((g) => g.name) ?? [],
      focal: pickerValue([draft.plan.focalAgency], resolver),
      leads: draft.plan.tasks.map((t) => pickerValue(t.lead, resolver)),
      exists,
      planFile: `${draft.plan.id}.yaml`,
      savedSource: paths.source,
      action: `${IMPORT_PATH}/${draft.id}`,
      error: extra.error,
      done: extra.done ? DONE[extra.done] : undefined,
    },
    extra.status ?? 200,
  );
}

/**
 * The import page (issue 14), for admins: upload a plan document, review the draft beside its text, correct it,
 * validate, save as `<plansDir>/<id>.yaml` and start it. Every form is CSRF-checked by the app; the draft stays on
 * the server (`services/plan-import`), so nothing the browser sends reaches the YAML without being parsed and checked.
 */
export async function dashboardImportRoutes(app: FastifyInstance): Promise<void> {
  const admin = { preHandler: requireAccount('admin') };

  const uploadPage = async (request: FastifyRequest, reply: FastifyReply, status = 200, error?: string) => {
    const settings = settingsOf(app);
    return dashboardPage(
      request,
      reply,
      'import-upload',
      'import',
      { title: 'Nhập kế hoạch', choices: await directoryChoices(settings.plansDir), error },
      status,
    );
  };

  app.get(IMPORT_PATH, admin, (request, reply) => uploadPage(request, reply));

  app.post(IMPORT_PATH, admin, async (request, reply) => {
    const settings = settingsOf(app);
    const file = await uploadedFile(request.body);
    if (!file) return uploadPage(request, reply, 422, 'Cần chọn tệp kế hoạch (.txt, .docx, .pdf).');
    try {
      const draft = await createDraft(settings, file, {
        directoryFile: field(request.body, 'danh-ba') || undefined,
        by: request.account!.name,
      });
      return reply.redirect(`${IMPORT_PATH}/${draft.id}`, 303);
    } catch (err) {
      if ((err as Error).name !== 'ImportRefused') throw err;
      return uploadPage(request, reply, 422, (err as Error).message);
    }
  });

  app.get<{ Params: Params; Querystring: { xong?: string } }>(
    `${IMPORT_PATH}/:draftId`,
    admin,
    async (request, reply) => {
      const settings = settingsOf(app);
      const draft = await loadDraft(settings, request.params.draftId).catch(gone);
      return renderDraft(request, reply, settings, draft, { done: request.query.xong });
    },
  );

  app.post<{ Params: Params }>(`${IMPORT_PATH}/:draftId`, admin, async (request, reply) => {
    const settings = settingsOf(app);
    const draft = await loadDraft(settings, request.params.draftId).catch(gone);
    await correctDraft(settings, draft.id, corrections(request.body, draft));
    return reply.redirect(`${IMPORT_PATH}/${draft.id}?xong=sua#kiem-tra`, 303);
  });

  app.post<{ Params: Params }>(`${IMPORT_PATH}/:draftId/danh-ba`, admin, async (request, reply) => {
    const settings = settingsOf(app);
    const draft = await loadDraft(settings, request.params.draftId).catch(gone);
    try {
      await reimportDraft(settings, draft.id, field(request.body, 'danh-ba'));
    } catch (err) {
      if ((err as Error).name !== 'ImportRefused') throw err;
      return renderDraft(request, reply, settings, draft, { status: 422, error: (err as Error).message });
    }
    return reply.redirect(`${IMPORT_PATH}/${draft.id}?xong=danh-ba`, 303);
  });

  app.post<{ Params: Params }>(`${IMPORT_PATH}/:draftId/luu`, admin, async (request, reply) => {
    const settings = settingsOf(app);
    const draft = await loadDraft(settings, request.params.draftId).catch(gone);
    try {
      await saveDraft(settings, draft.id, {
        overwrite: field(request.body, 'ghi-de') === '1',
        by: request.account!.name,
      });
    } catch (err) {
      if ((err as Error).name !== 'SaveRefused') throw err;
      const status = (err as { reason?: string }).reason === 'invalid' ? 422 : 409;
      return renderDraft(request, reply, settings, draft, { status, error: (err as Error).message });
    }
    forgetPlans();
    return reply.redirect(`${IMPORT_PATH}/${draft.id}?xong=luu#luu`, 303);
  });

  app.post<{ Params: Params }>(`${IMPORT_PATH}/:draftId/bat-dau`, admin, async (request, reply) => {
    const settings = settingsOf(app);
    const draft = await loadDraft(settings, request.params.draftId).catch(gone);
    try {
      await startSavedPlan(app.deps.temporal, settings, draft.id, { by: request.account!.name });
    } catch (err) {
      if ((err as Error).name !== 'SaveRefused') throw err;
      return renderDraft(request, reply, settings, draft, { status: 409, error: (err as Error).message });
    }
    forgetPlans();
    return reply.redirect(`${IMPORT_PATH}/${draft.id}?xong=bat-dau#luu`, 303);
  });
}
