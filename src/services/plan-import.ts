import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import type { WorkingCalendar } from '../deadlines/calendar';
import { formatDateVi, isIsoDate } from '../deadlines/dates';
import { expandRule } from '../deadlines/expand';
import { describeRule, parseExpression } from '../deadlines/expression';
import type { Rule } from '../deadlines/rule';
import { AgencyResolver, normalizeAgencyName } from '../plan/agencies';
import { readPlanDocument, type PlanDocument } from '../plan/documents';
import { loadWorkingCalendar } from '../plan/holidays';
import { detectFormat } from '../plan/documents/detect';
import { importPlanDocument } from '../plan/documents/import';
import { describeOrigin } from '../plan/documents/review';
import type { ReviewItem } from '../plan/importer';
import { slugify } from '../plan/importer/text';
import { loadDirectoryFile, loadPlanFile, loadPlanFolder } from '../plan/load';
import { formatPath } from '../plan/problems';
import { planSchema, type Directory, type PlanInput } from '../plan/schema';
import { validatePlan } from '../plan/validate';
import { planToYaml } from '../plan/write';
import type { PlanStartResult } from './start-plans';

// ---------------------------------------------------------------------------------------------------------------
// Shared with `dondoc plan import`: the draft as a file, so the page and the CLI write the same YAML.

/** Forward-slash path of `file` relative to `dir` (plan files name their source and directory this way). */
export function relativePath(dir: string, file: string): string {
  return relative(resolve(dir), resolve(file)).split('\\').join('/');
}

/**
 * The imported plan as it goes into a file: `source` after the header fields, and `directory` pointing at the
 * directory file used (when one was), both relative to the plan file.
 */
export function planForFile(plan: PlanInput, where: { source: string; directory?: string }): PlanInput {
  const { tasks, deadlines, duties, ...head } = plan;
  const placed = where.directory ? { ...head, directory: where.directory } : head;
  return { ...placed, source: where.source, tasks, deadlines, duties };
}

/** The YAML of an imported plan, with the comment that says where it came from and how much to review. */
export function importedPlanYaml(plan: PlanInput, reviewCount: number): string {
  const comment = [
    `Bản nháp do "dondoc plan import" tạo từ ${plan.source}.`,
    `Cần rà soát ${reviewCount} mục (in ra stderr) trước khi dùng: "dondoc plan validate".`,
  ].join('\n');
  return planToYaml(plan, comment);
}

// ---------------------------------------------------------------------------------------------------------------
// The import page: drafts kept on the server between requests.

/** Where the import page saves plans and keeps its drafts. */
export interface ImportSettings {
  /** `DONDOC_PLANS_DIR`: plans are saved as `<plansDir>/<id>.yaml`, directories read from `<plansDir>/agencies/`. */
  plansDir: string;
  /** `DONDOC_HOME/drafts`: one JSON file and the uploaded bytes per draft. */
  draftsDir: string;
  /** Task queue the plan workflows start on (tests run their own worker). */
  taskQueue?: string;
  /** The working calendar, for the due dates shown beside a time expression (default: the shipped holiday files). */
  calendar?: () => Promise<WorkingCalendar>;
}

/** A draft of the import page: the document read, what the importer made of it, and the officer's corrections. */
export interface Draft {
  version: 1;
  id: string;
  createdAt: string;
  createdBy: string;
  /** The uploaded file's name (gives the plan id, as the CLI's file name does). */
  fileName: string;
  /** Extension of the saved source, by content: txt, docx, doc, pdf. */
  format: string;
  /** File name under `<plansDir>/agencies/`, or '' when none was found. */
  directoryFile: string;
  directoryDetected: boolean;
  document: PlanDocument;
  review: ReviewItem[];
  /** The plan as corrected so far (starts as the importer's). */
  plan: PlanInput;
  /** Typed values that do not parse yet (time expressions, dates), by field path, with the reason. */
  pending: Record<string, { text: string; error: string }>;
  /** Set once saved. */
  saved?: { file: string; at: string; by: string };
  started?: { outcome: string; at: string; by: string };
}

/** No draft with that id (never made, removed, or an id that is no id). */
export class DraftNotFoundError extends Error {
  override readonly name = 'DraftNotFoundError';
}

/** The uploaded document cannot be drafted: not readable, or no plan in it; the message is Vietnamese. */
export class ImportRefused extends Error {
  override readonly name = 'ImportRefused';
}

/** Saving would overwrite a plan file, or the draft does not validate, or the plans folder has the id elsewhere. */
export class SaveRefused extends Error {
  override readonly name = 'SaveRefused';
  constructor(
    message: string,
    readonly reason: 'exists' | 'invalid' | 'conflict',
  ) {
    super(message);
  }
}

const DRAFT_ID = /^[A-Za-z0-9_-]{22}$/;
/** Drafts older than this are removed when a new one is made. */
const DRAFT_MAX_AGE_MS = 14 * 86_400_000;
/** OCR is slow: a page waits for it, so a scan is refused past this many pages (the CLI reads up to 60). */
const WEB_MAX_OCR_PAGES = 20;

const draftFile = (settings: ImportSettings, id: string) => join(settings.draftsDir, `${id}.json`);
const sourceFile = (settings: ImportSettings, id: string) => join(settings.draftsDir, `${id}.source`);

async function writeAtomic(file: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}

/** The agency directories a plan may use: `<plansDir>/agencies/*.yaml`, each with its province (or why it fails). */
export async function directoryChoices(
  plansDir: string,
): Promise<{ file: string; province?: string; directory?: Directory; problem?: string }[]> {
  let names: string[];
  try {
    names = (await readdir(join(plansDir, 'agencies'))).filter((n) => /\.ya?ml$/i.test(n)).sort();
  } catch {
    return [];
  }
  return Promise.all(
    names.map(async (file) => {
      try {
        const { directory } = await loadDirectoryFile(join(plansDir, 'agencies', file));
        return { file, province: directory.province, directory };
      } catch (err) {
        return { file, problem: (err as Error).message };
      }
    }),
  );
}

async function loadChosenDirectory(settings: ImportSettings, file: string): Promise<Directory | undefined> {
  if (!file) return undefined;
  const choice = (await directoryChoices(settings.plansDir)).find((c) => c.file === file);
  return choice?.directory;
}

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase();

/** The directory the importer's province names (`agencies/<province>.yaml`), else one whose province the text names. */
function detectDirectory(
  choices: Awaited<ReturnType<typeof directoryChoices>>,
  guess: string,
  text: string,
): string | undefined {
  const usable = choices.filter((c) => c.directory);
  const byName = usable.find((c) => `agencies/${c.file}` === guess);
  if (byName) return byName.file;
  const folded = fold(text);
  const named = usable.filter((c) => c.province && folded.includes(fold(c.province)));
  return named.length === 1 ? named[0].file : undefined;
}

const IMPORT_MESSAGES: [RegExp, string][] = [
  [/^not a plan/, 'Không phải văn bản kế hoạch: không thấy tiêu đề “KẾ HOẠCH” hay các nhiệm vụ đánh số.'],
  [
    /^no tasks found/,
    'Không tìm thấy nhiệm vụ nào: cần một phần như “II. NỘI DUNG” hoặc “NHIỆM VỤ” có các mục đánh số hoặc chữ.',
  ],
  [/^empty file/, 'Tệp trống: không có chữ nào để nhập.'],
  [/^binary/, 'Tệp không phải văn bản (tệp nhị phân hoặc sai bảng mã): cần .txt (UTF-8), .docx hoặc .pdf.'],
];

/** The Vietnamese message the import page shows for an `ImportError` (its own message is English, for logs). */
export function importMessage(err: Error): string {
  return IMPORT_MESSAGES.find(([re]) => re.test(err.message))?.[1] ?? err.message;
}

function draftPlan(doc: PlanDocument, fileName: string, directory: Directory | undefined) {
  try {
    return importPlanDocument(doc, { fileName, directory });
  } catch (err) {
    if ((err as Error).name !== 'ImportError') throw err;
    throw new ImportRefused(importMessage(err as Error));
  }
}

/** Removes drafts older than `DRAFT_MAX_AGE_MS` (a draft left half-done should not stay forever). */
async function sweepDrafts(settings: ImportSettings, now: number): Promise<void> {
  let names: string[];
  try {
    names = await readdir(settings.draftsDir);
  } catch {
    return;
  }
  for (const name of names) {
    const file = join(settings.draftsDir, name);
    const info = await stat(file).catch(() => undefined);
    if (info && now - info.mtimeMs > DRAFT_MAX_AGE_MS) await rm(file, { force: true });
  }
}

/**
 * Reads an uploaded plan document and keeps a draft of it: the document's text, the importer's plan and review list
 * (with the chosen directory, or the one detected, as `dondoc plan import -d` would), ready for corrections.
 */
export async function createDraft(
  settings: ImportSettings,
  upload: { buffer: Buffer; name: string },
  options: { directoryFile?: string; by: string; now?: Date },
): Promise<Draft> {
  const name = basename(upload.name.normalize('NFC')) || 'ke-hoach.txt';
  let format: string;
  let doc: PlanDocument;
  try {
    format = detectFormat(upload.buffer);
    doc = await readPlanDocument({ buffer: upload.buffer, name }, { maxOcrPages: WEB_MAX_OCR_PAGES });
  } catch (err) {
    if ((err as Error).name !== 'DocumentError') throw err;
    throw new ImportRefused(`Không đọc được tệp “${name}”: ${(err as Error).message}.`);
  }
  const choices = await directoryChoices(settings.plansDir);
  let directoryFile = options.directoryFile ?? '';
  if (directoryFile && !choices.some((c) => c.file === directoryFile && c.directory))
    throw new ImportRefused(`Không có danh bạ cơ quan “${directoryFile}” dùng được trong thư mục kế hoạch.`);
  const detected = !directoryFile;
  if (detected) {
    const first = draftPlan(doc, name, undefined);
    directoryFile = detectDirectory(choices, first.plan.directory, doc.text) ?? '';
  }
  const directory = choices.find((c) => c.file === directoryFile)?.directory;
  const { plan, review } = draftPlan(doc, name, directory);
  const now = options.now ?? new Date();
  const id = randomBytes(16).toString('base64url');
  const draft: Draft = {
    version: 1,
    id,
    createdAt: now.toISOString(),
    createdBy: options.by,
    fileName: name,
    format: format === 'text' ? 'txt' : format,
    directoryFile,
    directoryDetected: detected,
    document: doc,
    review,
    plan,
    pending: {},
  };
  await sweepDrafts(settings, now.getTime());
  await writeAtomic(sourceFile(settings, id), upload.buffer);
  await writeAtomic(draftFile(settings, id), JSON.stringify(draft));
  return draft;
}

/** The draft with `id`, or `DraftNotFoundError`. */
export async function loadDraft(settings: ImportSettings, id: string): Promise<Draft> {
  if (!DRAFT_ID.test(id)) throw new DraftNotFoundError('Không có bản nháp này (có thể đã quá hạn và bị xóa).');
  try {
    return JSON.parse(await readFile(draftFile(settings, id), 'utf8')) as Draft;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new DraftNotFoundError('Không có bản nháp này (có thể đã quá hạn và bị xóa).');
    throw err;
  }
}

async function storeDraft(settings: ImportSettings, draft: Draft): Promise<void> {
  await writeAtomic(draftFile(settings, draft.id), JSON.stringify(draft));
}

/** Imports the draft's document again with another directory (corrections so far are dropped, as the page says). */
export async function reimportDraft(settings: ImportSettings, id: string, directoryFile: string): Promise<Draft> {
  const draft = await loadDraft(settings, id);
  const directory = await loadChosenDirectory(settings, directoryFile);
  if (directoryFile && !directory)
    throw new ImportRefused(`Không có danh bạ cơ quan “${directoryFile}” dùng được trong thư mục kế hoạch.`);
  const { plan, review } = draftPlan(draft.document, draft.fileName, directory);
  const next: Draft = { ...draft, directoryFile, directoryDetected: false, plan, review, pending: {} };
  delete next.saved;
  delete next.started;
  await storeDraft(settings, next);
  return next;
}

/** What the correction form sends for one task, one deadline, and the plan's own fields (absent = unchanged). */
export interface DraftCorrections {
  id?: string;
  number?: string;
  title?: string;
  issuer?: string;
  periodFrom?: string;
  periodTo?: string;
  focalAgency?: { choice?: string; text?: string };
  tasks?: Record<
    number,
    {
      title?: string;
      lead?: { choice?: string; text?: string };
      coordinators?: string;
      timeframe?: string;
    }
  >;
  deadlines?: Record<number, { text?: string }>;
}

/** A date as officers write it (dd/mm/yyyy, d/m/yyyy) or ISO, as YYYY-MM-DD; undefined when it is neither. */
export function isoFromVi(text: string): string | undefined {
  const t = text.trim();
  const vi = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  const iso = vi ? `${vi[3]}-${vi[2].padStart(2, '0')}-${vi[1].padStart(2, '0')}` : t;
  return isIsoDate(iso) ? iso : undefined;
}

/** Names typed in a picker's text field, one per ";" or line, matched tolerantly: the directory's spelling where it knows them. */
function namesFrom(text: string, resolver: AgencyResolver | undefined): string[] {
  const names: string[] = [];
  for (const part of text.normalize('NFC').split(/[;\n]/)) {
    const written = part.replace(/\s+/g, ' ').trim();
    if (!written) continue;
    const name = resolver?.canonical(written) ?? normalizeAgencyName(written);
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** How a list of agencies shows in a picker: one name the directory knows in the select, anything else as text. */
export function pickerValue(
  names: readonly string[],
  resolver: AgencyResolver | undefined,
): { choice: string; text: string } {
  if (names.length === 1 && resolver?.canonical(names[0]) === names[0]) return { choice: names[0], text: '' };
  return { choice: '', text: names.join('; ') };
}

/** The names a picker sends: its text when filled (unchanged text keeps the names as they were), else its choice. */
function picked(
  value: { choice?: string; text?: string } | undefined,
  current: readonly string[],
  resolver: AgencyResolver | undefined,
): string[] | undefined {
  if (!value) return undefined;
  const typed = value.text?.normalize('NFC').trim() ?? '';
  if (typed) return typed === current.join('; ') ? [...current] : namesFrom(typed, resolver);
  const choice = value.choice?.normalize('NFC').trim() ?? '';
  return choice ? [resolver?.canonical(choice) ?? choice] : [];
}

/**
 * Applies the form's corrections to the draft: agency names matched to the directory, time expressions parsed with
 * `dondoc when`'s rules (a text that does not parse is kept as pending with its reason, and blocks saving), dates
 * as dd/mm/yyyy. An expression left as the importer wrote it keeps the importer's rule.
 */
export async function correctDraft(settings: ImportSettings, id: string, form: DraftCorrections): Promise<Draft> {
  const draft = await loadDraft(settings, id);
  const directory = await loadChosenDirectory(settings, draft.directoryFile);
  const resolver = directory ? new AgencyResolver(directory) : undefined;
  const plan = structuredClone(draft.plan);
  const pending = { ...draft.pending };
  const text = (value: string | undefined) => value?.normalize('NFC').replace(/\s+/g, ' ').trim();

  const expression = (path: string, typed: string | undefined, current: { text: string; rule: Rule }) => {
    const value = text(typed);
    if (value === undefined) return current;
    if (value === current.text && !pending[path]) return current;
    try {
      const rule = parseExpression(value);
      delete pending[path];
      return { text: value, rule };
    } catch (err) {
      if ((err as Error).name !== 'ExpressionError') throw err;
      pending[path] = { text: value, error: (err as Error).message };
      return current;
    }
  };

  if (form.id !== undefined) plan.id = text(form.id) ?? plan.id;
  if (form.number !== undefined) {
    const n = text(form.number);
    if (n) plan.number = n;
    else delete plan.number;
  }
  if (form.title !== undefined) plan.title = text(form.title) ?? '';
  if (form.issuer !== undefined) plan.issuer = text(form.issuer) ?? '';
  for (const [end, typed] of [
    ['from', form.periodFrom],
    ['to', form.periodTo],
  ] as const) {
    if (typed === undefined) continue;
    const path = `period.${end}`;
    const iso = isoFromVi(typed);
    if (iso) {
      plan.period = { ...plan.period, [end]: iso };
      delete pending[path];
    } else pending[path] = { text: typed.trim(), error: `“${typed.trim()}” không phải ngày dd/mm/yyyy` };
  }
  const focal = picked(form.focalAgency, [plan.focalAgency], resolver);
  if (focal) plan.focalAgency = focal[0] ?? '';
  for (const [key, t] of Object.entries(form.tasks ?? {})) {
    const i = Number(key);
    const task = plan.tasks[i];
    if (!task) continue;
    if (t.title !== undefined) task.title = text(t.title) ?? '';
    const lead = picked(t.lead, task.lead, resolver);
    if (lead) task.lead = lead;
    if (t.coordinators !== undefined && t.coordinators.normalize('NFC').trim() !== (task.coordinators ?? []).join('; '))
      task.coordinators = namesFrom(t.coordinators, resolver);
    task.timeframe = expression(`tasks[${i}].timeframe`, t.timeframe, task.timeframe);
  }
  for (const [key, d] of Object.entries(form.deadlines ?? {})) {
    const i = Number(key);
    const deadline = plan.deadlines?.[i];
    if (!deadline) continue;
    const next = expression(`deadlines[${i}].rule`, d.text, { text: deadline.text, rule: deadline.rule });
    deadline.text = next.text;
    deadline.rule = next.rule;
  }
  const next: Draft = { ...draft, plan, pending };
  delete next.saved;
  delete next.started;
  await storeDraft(settings, next);
  return next;
}

// ---------------------------------------------------------------------------------------------------------------
// Checking a draft: the schema, the plan checks against the directory, each problem in Vietnamese with its field.

/** One problem of a draft: its field path and what is wrong, in Vietnamese. */
export interface DraftProblem {
  path: string;
  /** The field for people: "Nhiệm vụ 2.1 — Chủ trì". */
  label: string;
  message: string;
  severity: 'error' | 'warning';
}

const FIELD_VI: Record<string, string> = {
  id: 'Mã kế hoạch',
  number: 'Số ký hiệu',
  title: 'Tên kế hoạch',
  issuer: 'Cơ quan ban hành',
  issuedOn: 'Ngày ban hành',
  period: 'Thời gian thực hiện',
  'period.from': 'Thời gian thực hiện — từ ngày',
  'period.to': 'Thời gian thực hiện — đến ngày',
  directory: 'Danh bạ cơ quan',
  focalAgency: 'Cơ quan đầu mối',
  reportsTo: 'Báo cáo về',
  lead: 'Chủ trì',
  coordinators: 'Phối hợp',
  timeframe: 'Thời gian',
  rule: 'Thời hạn',
  owedBy: 'Cơ quan phải nộp',
  owedTo: 'Nộp cho',
  agencies: 'Cơ quan',
  reportKind: 'Loại báo cáo',
  email: 'Thư điện tử',
  agency: 'Cơ quan',
};

/** "tasks[3].lead" → "Nhiệm vụ 2.1 — Chủ trì", for a draft's plan. */
export function fieldLabel(plan: PlanInput, path: string): string {
  const m = /^(tasks|deadlines|duties|reportingOfficers)\[(\d+)\](?:\.([A-Za-z]+))?/.exec(path);
  if (m) {
    const i = Number(m[2]);
    const what =
      m[1] === 'tasks'
        ? `Nhiệm vụ ${plan.tasks[i]?.id ?? i + 1}`
        : m[1] === 'deadlines'
          ? `Hạn chung “${plan.deadlines?.[i]?.text ?? i + 1}”`
          : m[1] === 'duties'
            ? `Việc không có hạn ${i + 1}`
            : `Người nhận tổng hợp ${i + 1}`;
    return m[3] ? `${what} — ${FIELD_VI[m[3]] ?? m[3]}` : what;
  }
  return FIELD_VI[path] ?? (path || 'Kế hoạch');
}

/** The plan checks' and the schema's messages in Vietnamese; an unknown message is kept as written. */
export function problemVi(message: string): string {
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [
      /^unknown agency "(.+)" \(did you mean (.+)\?\)$/,
      (m) => `không có cơ quan “${m[1]}” trong danh bạ; có phải ${m[2].replace(/"([^"]+)"/g, '“$1”')}?`,
    ],
    [/^unknown agency "(.+)" \(not in the agency directory\)$/, (m) => `không có cơ quan “${m[1]}” trong danh bạ`],
    [/^duplicate task id "(.+)" \(also tasks\[(\d+)\]\)$/, (m) => `mã nhiệm vụ “${m[1]}” bị trùng`],
    [/^duplicate deadline id "(.+)"$/, (m) => `mã hạn chung “${m[1]}” bị trùng`],
    [/^a task needs at least one lead agency/, () => 'nhiệm vụ cần ít nhất một cơ quan chủ trì'],
    [/^a plan needs at least one task/, () => 'kế hoạch cần ít nhất một nhiệm vụ'],
    [
      /^timeframe "(.+)" lies outside the plan period (.+)$/,
      (m) => `thời gian “${m[1]}” nằm ngoài thời gian thực hiện kế hoạch (${periodVi(m[2])})`,
    ],
    [
      /^deadline "(.+)" falls outside the plan period (.+)$/,
      (m) => `hạn “${m[1]}” nằm ngoài thời gian thực hiện kế hoạch (${periodVi(m[2])})`,
    ],
    [
      /^"(.+)" is both lead and coordinator of task (.+)$/,
      (m) => `“${m[1]}” vừa chủ trì vừa phối hợp nhiệm vụ ${m[2]}`,
    ],
    [
      /^group "(.+)" has no members in the agency directory/,
      (m) => `nhóm “${m[1]}” không có cơ quan nào trong danh bạ: không ai được nhắc việc`,
    ],
    [
      /^the focal agency must be one agency, not the group "(.+)"$/,
      (m) => `cơ quan đầu mối phải là một cơ quan, không phải nhóm “${m[1]}”`,
    ],
    [
      /^a periodic report should say which report it is/,
      () => 'báo cáo định kỳ nên ghi rõ loại báo cáo (6 tháng, năm …)',
    ],
    [/^period\.from must not be after period\.to$/, () => 'ngày bắt đầu không được sau ngày kết thúc'],
    [
      /^expected a slug of lowercase letters, digits and dashes$/,
      () => 'mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang (ví dụ “ke-hoach-2025”)',
    ],
    [/^Too small: expected string to have >=1 characters?$/, () => 'không được để trống'],
    [/^Invalid input: expected string, received undefined$/, () => 'còn thiếu'],
  ];
  for (const [re, say] of rules) {
    const m = re.exec(message);
    if (m) return say(m);
  }
  return message;
}

function periodVi(period: string): string {
  const [from, to] = period.split('..');
  return from && to && isIsoDate(from) && isIsoDate(to) ? `${formatDateVi(from)} – ${formatDateVi(to)}` : period;
}

/** Every problem of the draft: pending texts, the schema, and (with a directory) the plan checks. */
export async function checkDraft(settings: ImportSettings, draft: Draft): Promise<DraftProblem[]> {
  const problems: DraftProblem[] = [];
  const add = (path: string, message: string, severity: 'error' | 'warning' = 'error') =>
    problems.push({ path, label: fieldLabel(draft.plan, path), message, severity });
  for (const [path, p] of Object.entries(draft.pending)) add(path, p.error);
  const directory = await loadChosenDirectory(settings, draft.directoryFile);
  if (!directory) add('directory', 'chưa chọn danh bạ cơ quan của tỉnh (thư mục agencies/)');
  const parsed = planSchema.safeParse(planForFile(draft.plan, { source: 'x', directory: 'x' }));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) add(formatPath(issue.path), problemVi(issue.message));
    return problems;
  }
  if (directory)
    for (const f of validatePlan(parsed.data, directory)) {
      const list = f.path.length > 0 && typeof f.path[f.path.length - 1] === 'number';
      add(formatPath(list ? f.path.slice(0, -1) : f.path), problemVi(f.message), f.severity);
    }
  return problems;
}

let shippedCalendar: Promise<WorkingCalendar> | undefined;
/** The shipped holiday files, read once (a failed read is tried again next time). */
function defaultCalendar(): Promise<WorkingCalendar> {
  shippedCalendar ??= loadWorkingCalendar().catch((err: unknown) => {
    shippedCalendar = undefined;
    throw err;
  });
  return shippedCalendar;
}

/** A time expression for the page: what it means and its due dates in the plan's period (as `dondoc when` shows). */
export interface ExpressionView {
  text: string;
  description?: string;
  /** The rule's type (`ongoing`, `date`, …). */
  kind?: string;
  /** dd/mm/yyyy, moved to the next working day when the nominal day is not one (the day written beside it). */
  dates: string[];
  more: number;
  error?: string;
}

/** The parsed form of each time expression of the draft, or its located error, keyed by field path. */
export async function expressionViews(settings: ImportSettings, draft: Draft): Promise<Record<string, ExpressionView>> {
  const calendar = await (settings.calendar ?? defaultCalendar)().catch(() => undefined);
  const period = draft.plan.period;
  const view = (path: string, current: { text: string; rule: Rule }): ExpressionView => {
    const pending = draft.pending[path];
    if (pending) return { text: pending.text, dates: [], more: 0, error: pending.error };
    let dates: string[] = [];
    try {
      dates = expandRule(current.rule, period);
    } catch {
      dates = [];
    }
    const shown = dates.slice(0, 6).map((d) => {
      const due = calendar?.shiftDue(d, 'next-working-day') ?? d;
      return due === d ? formatDateVi(d) : `${formatDateVi(due)} (thay ${formatDateVi(d)}, ngày nghỉ)`;
    });
    return {
      text: current.text,
      description: describeRule(current.rule),
      kind: current.rule.type,
      dates: shown,
      more: dates.length - shown.length,
    };
  };
  const views: Record<string, ExpressionView> = {};
  draft.plan.tasks.forEach((t, i) => (views[`tasks[${i}].timeframe`] = view(`tasks[${i}].timeframe`, t.timeframe)));
  (draft.plan.deadlines ?? []).forEach(
    (d, i) => (views[`deadlines[${i}].rule`] = view(`deadlines[${i}].rule`, { text: d.text, rule: d.rule })),
  );
  return views;
}

// ---------------------------------------------------------------------------------------------------------------
// The source text beside the draft.

/** One line of the document's text as the page shows it, with the anchor review items link to. */
export interface SourceLine {
  /** The number shown: the file's line for a text file, the text's line for other documents. */
  number: number;
  /** Where it is in the document, for a .docx or a PDF: "đoạn 7", "trang 2, dòng 4". */
  origin?: string;
  text: string;
  flagged: boolean;
}

/** The draft's text line by line, and the anchor (`dong-N`) of a review item's line. */
export function sourceView(draft: Draft): { lines: SourceLine[]; anchor: (line: number) => string } {
  const doc = draft.document;
  // A text file's review lines are the file's lines (`fileLines`); other documents' are lines of the text.
  const numberOf = (i: number) => (doc.kind === 'text' ? (doc.origins[i]?.line ?? i + 1) : i + 1);
  // Blank lines are not shown (a .docx has one between paragraphs); an item on one links the line before it.
  const texts = doc.text.split('\n');
  const shown = texts.map((t, i) => ({ t, i })).filter(({ t }) => t.trim() !== '');
  const numbers = shown.map(({ i }) => numberOf(i));
  const anchor = (line: number) => {
    let best = numbers[0] ?? 1;
    for (const n of numbers) if (n <= line) best = n;
    return `dong-${best}`;
  };
  const flagged = new Set(draft.review.filter((r) => r.field !== 'source').map((r) => anchor(r.line)));
  const lines = shown.map(({ t, i }, k) => ({
    number: numbers[k],
    origin: doc.kind === 'text' ? undefined : describeOrigin(doc, i + 1),
    text: t,
    flagged: flagged.has(`dong-${numbers[k]}`),
  }));
  return { lines, anchor };
}

// ---------------------------------------------------------------------------------------------------------------
// Saving and starting.

/** The plan file and the saved source a draft goes to. */
export function savedPaths(settings: ImportSettings, draft: Draft): { plan: string; source: string } {
  const id = draft.plan.id;
  return {
    plan: join(settings.plansDir, `${id}.yaml`),
    source: join(settings.plansDir, 'sources', `${id}.${draft.format}`),
  };
}

/** Whether saving would replace an existing plan file. */
export async function planFileExists(settings: ImportSettings, draft: Draft): Promise<boolean> {
  // An id that is no slug is refused by the checks; it must not name a path to look at either.
  if (!planSchema.shape.id.safeParse(draft.plan.id).success) return false;
  return stat(savedPaths(settings, draft).plan).then(
    () => true,
    () => false,
  );
}

/**
 * Saves a draft that validates as `<plansDir>/<id>.yaml`, with its document as `<plansDir>/sources/<id>.<ext>`: the
 * YAML `dondoc plan import sources/<id>.<ext> -d agencies/<directory> -o <id>.yaml` writes, with the corrections.
 * Refuses to replace an existing plan file unless `overwrite`, and an id another file of the folder declares.
 */
export async function saveDraft(
  settings: ImportSettings,
  id: string,
  options: { overwrite: boolean; by: string; now?: Date },
): Promise<{ draft: Draft; file: string }> {
  const draft = await loadDraft(settings, id);
  const errors = (await checkDraft(settings, draft)).filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new SaveRefused(`Bản nháp còn ${errors.length} lỗi, sửa xong mới lưu được.`, 'invalid');
  const paths = savedPaths(settings, draft);
  if (!options.overwrite && (await planFileExists(settings, draft)))
    throw new SaveRefused(
      `Đã có tệp kế hoạch ${basename(paths.plan)}: đánh dấu “Ghi đè” để thay bằng bản nháp này.`,
      'exists',
    );
  const folder = await loadPlanFolder(settings.plansDir).catch(() => ({ plans: [], broken: [] }));
  const others = [
    ...folder.plans.filter((p) => p.plan.id === draft.plan.id).map((p) => p.file),
    ...folder.broken.filter((b) => b.planIds.includes(draft.plan.id)).map((b) => b.file),
  ].filter((file) => resolve(file) !== resolve(paths.plan));
  if (others.length > 0)
    throw new SaveRefused(
      `Tệp ${others.map((f) => basename(f)).join(', ')} trong thư mục kế hoạch đã dùng mã “${draft.plan.id}”: đổi mã kế hoạch.`,
      'conflict',
    );
  const plan = planForFile(draft.plan, {
    source: relativePath(settings.plansDir, paths.source),
    directory: `agencies/${draft.directoryFile}`,
  });
  await writeAtomic(paths.source, await readFile(sourceFile(settings, id)));
  await writeAtomic(paths.plan, importedPlanYaml(plan, draft.review.length));
  const next: Draft = {
    ...draft,
    saved: { file: paths.plan, at: (options.now ?? new Date()).toISOString(), by: options.by },
  };
  await storeDraft(settings, next);
  return { draft: next, file: paths.plan };
}

/** Starts the saved plan's workflows (`startPlanWorkflows`), after the checks the worker would make of its file. */
export async function startSavedPlan(
  client: Client,
  settings: ImportSettings,
  id: string,
  options: { by: string; now?: Date },
): Promise<{ draft: Draft; result: PlanStartResult }> {
  const draft = await loadDraft(settings, id);
  if (!draft.saved) throw new SaveRefused('Bản nháp chưa được lưu thành tệp kế hoạch.', 'invalid');
  let loaded;
  try {
    loaded = await loadPlanFile(draft.saved.file);
  } catch (err) {
    if ((err as Error).name !== 'PlanError') throw err;
    throw new SaveRefused(`Tệp kế hoạch đã lưu không còn hợp lệ: ${(err as Error).message}`, 'invalid');
  }
  // Loaded here, not at the top: `dondoc plan import` shares this module and needs no Temporal.
  const { startPlanWorkflows, workerPlanProblems } = await import('./start-plans');
  const problems = await workerPlanProblems([loaded], settings.plansDir);
  if (problems.length > 0) throw new SaveRefused(problems.join(' '), 'conflict');
  const [result] = await startPlanWorkflows(client, [loaded], settings.taskQueue);
  const next: Draft = {
    ...draft,
    started: { outcome: result.outcome, at: (options.now ?? new Date()).toISOString(), by: options.by },
  };
  await storeDraft(settings, next);
  return { draft: next, result };
}

/** A plan id from a file name, as the importer makes it (for forms that suggest one). */
export const planIdFrom = (fileName: string) => slugify(fileName.replace(/\.[^.]+$/, ''));

/** The resolver of the draft's directory, for pickers; undefined without one. */
export async function draftResolver(settings: ImportSettings, draft: Draft): Promise<AgencyResolver | undefined> {
  const directory = await loadChosenDirectory(settings, draft.directoryFile);
  return directory ? new AgencyResolver(directory) : undefined;
}
