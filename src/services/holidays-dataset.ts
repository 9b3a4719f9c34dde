import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import type { HolidayData, HolidayDay, HolidayStatus, HolidayYear } from '../deadlines/calendar';
import { addDays, formatDateVi, formatDateWithWeekdayVi, isIsoDate, weekday, weekdayName } from '../deadlines/dates';
import { DEFAULT_HOLIDAY_DIR, HOLIDAY_OVERRIDES_FILE, loadHolidayData } from '../plan/holidays';

const run = promisify(execFile);

const ROOT = path.resolve(__dirname, '../..');
/** The exporter of the pinned python-holidays and its pins. */
export const DATASET_SCRIPT = path.join(ROOT, 'scripts/holidays-from-dataset.py');
export const DATASET_REQUIREMENTS = path.join(ROOT, 'scripts/holidays-requirements.txt');

/** The dataset cannot be run (no Python venv, pip failed, the script failed); the message says what to do. */
export class HolidayDatasetError extends Error {
  override readonly name = 'HolidayDatasetError';
}

/** Where the pinned dataset is installed: `.venv-holidays` at the project root, or DONDOC_HOLIDAYS_VENV. */
export function holidayDatasetVenv(env: NodeJS.ProcessEnv = process.env): string {
  return env.DONDOC_HOLIDAYS_VENV ? path.resolve(env.DONDOC_HOLIDAYS_VENV) : path.join(ROOT, '.venv-holidays');
}

/** True when `python3 -m venv` can make a venv here (Debian needs python3-venv). */
export async function pythonVenvAvailable(python = process.env.PYTHON ?? 'python3'): Promise<boolean> {
  try {
    await run(python, ['-c', 'import venv, ensurepip']);
    return true;
  } catch {
    return false;
  }
}

/**
 * The venv's python with the pinned packages of scripts/holidays-requirements.txt, installed first when missing
 * or when the pins changed (a copy of the requirements inside the venv says what it holds).
 */
export async function ensureHolidayDataset(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const venv = holidayDatasetVenv(env);
  const python = path.join(venv, 'bin', 'python');
  const marker = path.join(venv, 'dondoc-requirements.txt');
  const wanted = await readFile(DATASET_REQUIREMENTS, 'utf8');
  if (existsSync(python) && existsSync(marker) && (await readFile(marker, 'utf8')) === wanted) return python;
  const system = env.PYTHON ?? 'python3';
  if (!(await pythonVenvAvailable(system))) {
    throw new HolidayDatasetError(
      `cần ${system} có mô-đun venv để cài bộ dữ liệu ngày nghỉ (Debian: apt-get install python3-venv)`,
    );
  }
  try {
    if (!existsSync(path.join(venv, 'bin', 'pip'))) {
      await mkdir(path.dirname(venv), { recursive: true });
      await run(system, ['-m', 'venv', venv]);
    }
    await run(
      path.join(venv, 'bin', 'pip'),
      ['install', '--disable-pip-version-check', '--no-input', '-q', '-r', DATASET_REQUIREMENTS],
      { timeout: 5 * 60_000, maxBuffer: 8 << 20 },
    );
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const tail = (e.stderr || e.message).trim().split('\n').slice(-3).join('\n');
    throw new HolidayDatasetError(`không cài được bộ dữ liệu ngày nghỉ vào ${venv} (pip):\n${tail}`);
  }
  await writeFile(marker, wanted);
  return python;
}

const datasetDay = z.object({
  date: z.string().refine(isIsoDate),
  name: z
    .string()
    .min(1)
    .transform((s) => s.normalize('NFC')),
  /** The dataset's own name of the holiday (without "(nghỉ bù)"): what overrides.yaml matches. */
  holiday: z
    .string()
    .min(1)
    .transform((s) => s.normalize('NFC')),
  kind: z.enum(['holiday', 'observed', 'swap']),
});
const datasetYear = z.object({
  year: z.number().int(),
  references: z.array(z.string()),
  daysOff: z.array(datasetDay),
  workingDays: z.array(datasetDay),
});
const datasetSchema = z.object({ dataset: z.string(), version: z.string(), years: z.array(datasetYear) });

/** One year as the dataset gives it, named as dondoc's files name days. */
export type DatasetYear = z.infer<typeof datasetYear>;
/** What scripts/holidays-from-dataset.py prints. */
export type HolidayDataset = z.infer<typeof datasetSchema>;

/** Runs the pinned dataset for `from`..`to` (installing it when missing). */
export async function readHolidayDataset(
  from: number,
  to: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<HolidayDataset> {
  const python = await ensureHolidayDataset(env);
  let stdout: string;
  try {
    ({ stdout } = await run(python, [DATASET_SCRIPT, '--from', String(from), '--to', String(to)], {
      maxBuffer: 16 << 20,
      timeout: 60_000,
    }));
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new HolidayDatasetError(`bộ dữ liệu ngày nghỉ không chạy được: ${(e.stderr || e.message).trim()}`);
  }
  const parsed = datasetSchema.safeParse(JSON.parse(stdout));
  if (!parsed.success) throw new HolidayDatasetError(`bộ dữ liệu ngày nghỉ trả về dữ liệu lạ: ${parsed.error.message}`);
  return parsed.data;
}

const date = z.string().refine(isIsoDate, 'expected a real date YYYY-MM-DD');
const text = z.string().trim().min(1);
const overridesSchema = z.strictObject({
  /** Dataset days dondoc does not count as days off. */
  excluded: z
    .array(
      z.strictObject({
        holiday: text,
        fromYear: z.number().int().optional(),
        toYear: z.number().int().optional(),
        reason: text,
        source: text,
      }),
    )
    .default([]),
  /** Days off dondoc has a decision for that the dataset lacks. */
  daysOff: z.array(z.strictObject({ date, name: text, source: text })).default([]),
  /** Make-up working days dondoc has a decision for that the dataset lacks. */
  workingDays: z.array(z.strictObject({ date, name: text, source: text })).default([]),
});
/** plans/holidays/overrides.yaml: every difference from the dataset that dondoc keeps, each with its source. */
export type HolidayOverrides = z.infer<typeof overridesSchema>;

/** Reads the overrides next to the holiday files (none when the file is absent). */
export async function loadHolidayOverrides(dir: string = DEFAULT_HOLIDAY_DIR): Promise<HolidayOverrides> {
  const file = path.join(dir, HOLIDAY_OVERRIDES_FILE);
  if (!existsSync(file)) return overridesSchema.parse({});
  const parsed = overridesSchema.safeParse(parseYaml(await readFile(file, 'utf8')) ?? {});
  if (!parsed.success) {
    throw new HolidayDatasetError(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

function excludedBy(overrides: HolidayOverrides, holiday: string, year: number) {
  return overrides.excluded.find(
    (e) => e.holiday === holiday && (e.fromYear ?? -Infinity) <= year && year <= (e.toYear ?? Infinity),
  );
}

/** A dataset year with the overrides applied: what the shipped file of that year must say. */
export function applyOverrides(year: DatasetYear, overrides: HolidayOverrides): DatasetYear {
  const inYear = (d: string) => Number(d.slice(0, 4)) === year.year;
  const added = (days: HolidayOverrides['daysOff']) =>
    days
      .filter((d) => inYear(d.date))
      .map((d) => ({ date: d.date, name: d.name, holiday: d.name, kind: 'holiday' as const }));
  const keep = (d: DatasetYear['daysOff'][number]) => !excludedBy(overrides, d.holiday, year.year);
  const merge = (a: DatasetYear['daysOff'], b: DatasetYear['daysOff']) => {
    const byDate = new Map(a.map((d) => [d.date, d]));
    for (const d of b) byDate.set(d.date, d);
    return [...byDate.values()].sort((x, y) => (x.date < y.date ? -1 : 1));
  };
  return {
    ...year,
    daysOff: merge(year.daysOff.filter(keep), added(overrides.daysOff)),
    workingDays: merge(year.workingDays.filter(keep), added(overrides.workingDays)),
  };
}

type DayState = 'off' | 'work';

interface Effect {
  off: Map<string, string>;
  work: Map<string, string>;
}

function effectOf(days: { daysOff: { date: string; name: string }[]; workingDays: { date: string; name: string }[] }) {
  return {
    off: new Map(days.daysOff.map((d) => [d.date, d.name])),
    work: new Map(days.workingDays.map((d) => [d.date, d.name])),
  };
}

function stateOf(e: Effect, d: string): { state: DayState; name?: string } {
  if (e.work.has(d)) return { state: 'work', name: e.work.get(d) };
  if (e.off.has(d)) return { state: 'off', name: e.off.get(d) };
  return weekday(d) >= 6 ? { state: 'off', name: weekdayName(d) } : { state: 'work' };
}

/** One date on which a shipped file and the dataset (with the overrides) disagree. */
export interface HolidayDifference {
  year: number;
  date: string;
  shipped: DayState;
  dataset: DayState;
  shippedName?: string;
  datasetName?: string;
}

/** Dates whose working/off state differs between a shipped year and the dataset's year (names do not count). */
export function compareYear(shipped: HolidayYear, dataset: DatasetYear): HolidayDifference[] {
  const a = effectOf(shipped);
  const b = effectOf(dataset);
  const dates = [...new Set([...a.off.keys(), ...a.work.keys(), ...b.off.keys(), ...b.work.keys()])].sort();
  const out: HolidayDifference[] = [];
  for (const d of dates) {
    const s = stateOf(a, d);
    const t = stateOf(b, d);
    if (s.state === t.state) continue;
    out.push({
      year: shipped.year,
      date: d,
      shipped: s.state,
      dataset: t.state,
      shippedName: s.name,
      datasetName: t.name,
    });
  }
  return out;
}

/** What `dondoc holidays check` found. */
export interface HolidayCheck {
  version: string;
  /** Years whose files are official (the Prime Minister's schedule): their differences fail the check. */
  officialYears: number[];
  differences: HolidayDifference[];
  /** Years computed from the Labour Code: told, not failed (neither side has a decision for them). */
  derivedYears: number[];
  derivedDifferences: HolidayDifference[];
  /** Overrides that removed or added a day in the years checked. */
  overridesUsed: string[];
}

/** Compares every shipped year with the pinned dataset, minus the listed overrides. */
export async function checkHolidays(
  dir: string = DEFAULT_HOLIDAY_DIR,
  env: NodeJS.ProcessEnv = process.env,
): Promise<HolidayCheck> {
  const shipped = await loadHolidayData(dir);
  const overrides = await loadHolidayOverrides(dir);
  const years = shipped.years.map((y) => y.year);
  const dataset = await readHolidayDataset(Math.min(...years), Math.max(...years), env);
  const byYear = new Map(dataset.years.map((y) => [y.year, y]));
  const result: HolidayCheck = {
    version: dataset.version,
    officialYears: [],
    differences: [],
    derivedYears: [],
    derivedDifferences: [],
    overridesUsed: [],
  };
  const excludedDates = new Map<HolidayOverrides['excluded'][number], string[]>();
  for (const year of shipped.years) {
    const raw = byYear.get(year.year) as DatasetYear;
    const diffs = compareYear(year, applyOverrides(raw, overrides));
    if (year.status === 'official') {
      result.officialYears.push(year.year);
      result.differences.push(...diffs);
    } else {
      result.derivedYears.push(year.year);
      result.derivedDifferences.push(...diffs);
    }
    for (const d of raw.daysOff) {
      const ex = excludedBy(overrides, d.holiday, year.year);
      if (ex) excludedDates.set(ex, [...(excludedDates.get(ex) ?? []), d.date]);
    }
    for (const d of [...overrides.daysOff, ...overrides.workingDays]) {
      if (Number(d.date.slice(0, 4)) === year.year)
        result.overridesUsed.push(`thêm "${d.name}" (${formatDateWithWeekdayVi(d.date)}): ${d.source}`);
    }
  }
  for (const [ex, dates] of excludedDates) {
    result.overridesUsed.push(`bỏ "${ex.holiday}" (${dates.map(formatDateVi).join(', ')}): ${ex.reason}`);
  }
  return result;
}

function stateVi(state: DayState, name?: string): string {
  const what = state === 'off' ? 'ngày nghỉ' : 'ngày làm việc';
  return name ? `${what} (${name})` : what;
}

function yearsVi(years: number[]): string {
  if (!years.length) return 'không có';
  const sorted = [...years].sort((a, b) => a - b);
  const contiguous = sorted.every((y, i) => i === 0 || y === sorted[i - 1] + 1);
  return contiguous && sorted.length > 2 ? `${sorted[0]}–${sorted.at(-1)}` : sorted.join(', ');
}

function differenceLine(d: HolidayDifference): string {
  return `  - ${formatDateWithWeekdayVi(d.date)}: tệp ghi ${stateVi(d.shipped, d.shippedName)}, bộ dữ liệu ghi ${stateVi(d.dataset, d.datasetName)}`;
}

/** The Vietnamese report of a check, one line per difference. */
export function formatHolidayCheck(check: HolidayCheck, options: { derived?: boolean } = {}): string {
  const lines = [
    `Đối chiếu plans/holidays với bộ dữ liệu python-holidays ${check.version} (các năm có lịch chính thức: ${yearsVi(check.officialYears)}).`,
  ];
  const byYear = new Map<number, HolidayDifference[]>();
  for (const d of check.differences) byYear.set(d.year, [...(byYear.get(d.year) ?? []), d]);
  for (const [year, diffs] of byYear) {
    lines.push(`Năm ${year} (plans/holidays/${year}.yaml):`, ...diffs.map(differenceLine));
  }
  if (check.overridesUsed.length) {
    lines.push(`Khác biệt đã ghi nhận trong plans/holidays/${HOLIDAY_OVERRIDES_FILE} (không tính là lỗi):`);
    lines.push(...check.overridesUsed.map((o) => `  - ${o}`));
  }
  if (check.derivedYears.length) {
    const n = check.derivedDifferences.length;
    lines.push(
      `Năm chưa có lịch chính thức (status: derived, dự kiến): ${yearsVi(check.derivedYears)} — ` +
        (n ? `${n} ngày khác quy tắc dự kiến của bộ dữ liệu, không kiểm tra.` : 'trùng với bộ dữ liệu.'),
    );
    if (options.derived) lines.push(...check.derivedDifferences.map(differenceLine));
  }
  lines.push(
    check.differences.length
      ? `${check.differences.length} ngày khác bộ dữ liệu. Sửa tệp bằng: dondoc holidays generate ` +
          '(hoặc ghi khác biệt có căn cứ vào overrides.yaml), rồi dondoc holidays apply cho các kế hoạch đang chạy.'
      : 'Không có khác biệt.',
  );
  return lines.join('\n');
}

const HEADER = [
  '# Ngày nghỉ lễ, Tết của cán bộ, công chức, viên chức (làm việc thứ Hai – thứ Sáu).',
  '# daysOff: ngày nghỉ ngoài thứ Bảy, Chủ Nhật thông thường (một ngày "date" hoặc khoảng "from"/"to", hai đầu tính cả).',
  '# workingDays: thứ Bảy/Chủ Nhật phải đi làm (làm bù khi hoán đổi ngày).',
  '# status: official = theo lịch nghỉ Thủ tướng đã quyết định; derived = tính theo Bộ luật Lao động 2019 (Điều 111–112).',
  '# Một mục có thể ghi status riêng khi năm có cả phần chính thức lẫn phần tính theo luật.',
];

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

interface Entry {
  from: string;
  to: string;
  name: string;
  status?: HolidayStatus;
}

/** Days in date order as file entries: consecutive days with the same name and status become one range. */
function entries(days: HolidayDay[]): Entry[] {
  const out: Entry[] = [];
  for (const d of [...days].sort((a, b) => (a.date < b.date ? -1 : 1))) {
    const last = out.at(-1);
    if (last && addDays(last.to, 1) === d.date && last.name === d.name && last.status === d.status) last.to = d.date;
    else out.push({ from: d.date, to: d.date, name: d.name, ...(d.status ? { status: d.status } : {}) });
  }
  return out;
}

function entryYaml(e: Entry): string {
  const when = e.from === e.to ? `date: ${e.from}` : `from: ${e.from}, to: ${e.to}`;
  return `  - { ${when}, name: ${JSON.stringify(e.name.normalize('NFC'))}${e.status ? `, status: ${e.status}` : ''} }`;
}

/**
 * The text of one holiday file from the dataset's year (overrides applied): the dataset decides which days are off
 * or worked; the existing file keeps its status, source, and the name and status it gave a day it already lists.
 */
export function renderHolidayFile(
  dataset: DatasetYear,
  existing: Pick<HolidayYear, 'status' | 'source' | 'daysOff' | 'workingDays'> | undefined,
  version: string,
  /** The source as the file wraps it, kept when it still reads as `existing.source` (no rewrapping churn). */
  sourceLines?: string[],
): string {
  const keep = (days: DatasetYear['daysOff'], known: HolidayDay[] = []): HolidayDay[] => {
    const byDate = new Map(known.map((d) => [d.date, d]));
    return days.map((d) => {
      const k = byDate.get(d.date);
      return k
        ? { date: d.date, name: k.name, ...(k.status ? { status: k.status } : {}) }
        : { date: d.date, name: d.name };
    });
  };
  const status = existing?.status ?? 'official';
  const source =
    existing?.source ??
    `Theo bộ dữ liệu python-holidays ${version}, dẫn: ${dataset.references.join('; ') || 'Bộ luật Lao động 2019, Điều 112'}.`;
  const daysOff = entries(keep(dataset.daysOff, existing?.daysOff));
  const workingDays = entries(keep(dataset.workingDays, existing?.workingDays));
  return [
    ...HEADER,
    `# Sinh bởi dondoc holidays generate từ python-holidays ${version}; khác biệt giữ lại ghi ở ${HOLIDAY_OVERRIDES_FILE}.`,
    `year: ${dataset.year}`,
    `status: ${status}`,
    'source: >-',
    ...(sourceLines && sourceLines.map((l) => l.trim()).join(' ') === source
      ? sourceLines
      : wrap(source, 110).map((l) => `  ${l}`)),
    daysOff.length ? 'daysOff:' : 'daysOff: []',
    ...daysOff.map(entryYaml),
    workingDays.length ? 'workingDays:' : 'workingDays: []',
    ...workingDays.map(entryYaml),
    '',
  ].join('\n');
}

/** The source of a year without a decision written from the dataset's rule. */
function derivedSource(version: string): string {
  return (
    `Dự kiến theo quy tắc của python-holidays ${version}, chưa có lịch nghỉ của Thủ tướng: Tết nghỉ ngày cuối năm ` +
    'âm lịch và mùng 1–4, ngày Tết trùng thứ Bảy được nghỉ bù vào ngày làm việc trước Tết, trùng Chủ Nhật vào ngày ' +
    'làm việc sau Tết (như các lịch chính thức 2019–2026); các ngày lễ khác theo Bộ luật Lao động 2019 (Điều 111–112). ' +
    'Thay bằng lịch của Thủ tướng khi được công bố.'
  );
}

/** What `dondoc holidays generate` wrote. */
export interface HolidayGeneration {
  version: string;
  written: string[];
  unchanged: string[];
}

/**
 * Rewrites the official years' files (and, with `derived`, the derived years' too; with `years`, those years, new
 * files being official) from the pinned dataset with the overrides applied.
 */
export async function generateHolidays(
  options: { dir?: string; derived?: boolean; years?: number[]; env?: NodeJS.ProcessEnv } = {},
): Promise<HolidayGeneration> {
  const dir = options.dir ?? DEFAULT_HOLIDAY_DIR;
  const shipped: HolidayData = await loadHolidayData(dir);
  const overrides = await loadHolidayOverrides(dir);
  const existing = new Map(shipped.years.map((y) => [y.year, y]));
  const targets = new Set(shipped.years.filter((y) => y.status === 'official' || options.derived).map((y) => y.year));
  for (const y of options.years ?? []) targets.add(y);
  const sorted = [...targets].sort((a, b) => a - b);
  const result: HolidayGeneration = { version: '', written: [], unchanged: [] };
  if (!sorted.length) return result;
  const dataset = await readHolidayDataset(sorted[0], sorted.at(-1) as number, options.env);
  result.version = dataset.version;
  for (const year of dataset.years) {
    if (!targets.has(year.year)) continue;
    const file = path.join(dir, `${year.year}.yaml`);
    const before = existsSync(file) ? await readFile(file, 'utf8') : undefined;
    const sourceLines = /^source: >-\n((?: {2}.*\n)+)/m
      .exec(before ?? '')?.[1]
      .trimEnd()
      .split('\n');
    const known = existing.get(year.year);
    // A derived year rewritten from the dataset takes the dataset's rule, not the Labour Code names and source.
    const base =
      known?.status === 'derived'
        ? { ...known, source: derivedSource(dataset.version), daysOff: [], workingDays: [] }
        : known;
    const textOut = renderHolidayFile(applyOverrides(year, overrides), base, dataset.version, sourceLines);
    if (before === textOut) result.unchanged.push(file);
    else {
      await writeFile(file, textOut);
      result.written.push(file);
    }
  }
  return result;
}
