import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import * as z from 'zod';
import type { HolidayData, HolidayDay, HolidayYear } from '../deadlines/calendar';
import type { WorkingCalendar } from '../deadlines/calendar';
import { addDays, isIsoDate, weekday } from '../deadlines/dates';
import { createWorkingCalendar } from '../deadlines/statutory-holidays';

/** Where the shipped schedules live; an admin adds a year by dropping `YYYY.yaml` there. */
export const DEFAULT_HOLIDAY_DIR = path.resolve(__dirname, '../../plans/holidays');

/** The file beside the years that lists where dondoc departs from the holiday dataset; not a year's schedule. */
export const HOLIDAY_OVERRIDES_FILE = 'overrides.yaml';

const date = z.string().refine(isIsoDate, 'expected a real date YYYY-MM-DD');
const status = z.enum(['official', 'derived']);

const day = z.union([
  z.strictObject({ date, name: z.string().min(1), status: status.optional() }),
  z
    .strictObject({ from: date, to: date, name: z.string().min(1), status: status.optional() })
    .refine((r) => r.from <= r.to, { message: '"from" must not be after "to"', path: ['to'] }),
]);

/** One file of `plans/holidays/`: a year's days off and make-up working days for public servants. */
export const holidayFileSchema = z.strictObject({
  year: z.number().int().min(1900).max(2200),
  status,
  source: z.string().min(1),
  daysOff: z.array(day).default([]),
  workingDays: z.array(day).default([]),
});

/** One thing wrong in a holiday file, located by file, line and field path. */
export interface HolidayProblem {
  file: string;
  line?: number;
  /** Field path such as `daysOff[2].to`; empty for the whole file. */
  path: string;
  message: string;
}

function formatProblem(p: HolidayProblem): string {
  return `${p.line === undefined ? p.file : `${p.file}:${p.line}`}${p.path ? ` ${p.path}` : ''}: ${p.message}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)),
    '',
  );
}

/** Holiday data that does not validate; the message lists every problem with file, line and field. */
export class HolidayDataError extends Error {
  override readonly name = 'HolidayDataError';
  constructor(readonly problems: HolidayProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

function lineOf(
  doc: ReturnType<typeof parseDocument>,
  counter: LineCounter,
  at: readonly PropertyKey[],
): number | undefined {
  let node: unknown = doc.contents;
  let found: Node | undefined;
  for (const key of at) {
    if (isMap(node) || isSeq(node)) {
      const next = (node as { get(k: unknown, keep: true): unknown }).get(key, true);
      if (next === undefined) break;
      node = next;
      if (node && typeof node === 'object' && 'range' in node) found = node as Node;
    } else break;
  }
  const offset = found?.range?.[0] ?? (doc.contents as Node | null)?.range?.[0];
  return offset === undefined ? undefined : counter.linePos(offset).line;
}

function expand(entries: z.infer<typeof day>[]): HolidayDay[] {
  const out: HolidayDay[] = [];
  for (const e of entries) {
    const extra = e.status ? { status: e.status } : {};
    if ('date' in e) {
      out.push({ date: e.date, name: e.name.normalize('NFC'), ...extra });
      continue;
    }
    for (let d = e.from; d <= e.to; d = addDays(d, 1)) out.push({ date: d, name: e.name.normalize('NFC'), ...extra });
  }
  return out;
}

/** Parses and validates one holiday file's text; throws `HolidayDataError` with located problems. */
export function parseHolidayFile(text: string, file: string): HolidayYear {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  const problems: HolidayProblem[] = doc.errors.map((e) => ({
    file,
    line: e.linePos?.[0].line,
    path: '',
    message: `YAML: ${e.message.split('\n')[0]}`,
  }));
  if (problems.length) throw new HolidayDataError(problems);
  const parsed = holidayFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new HolidayDataError(
      parsed.error.issues.map((issue) => ({
        file,
        line: lineOf(doc, counter, issue.path),
        path: formatPath(issue.path),
        message: issue.message,
      })),
    );
  }
  const workingProblems: HolidayProblem[] = [];
  const workingDays = expand(parsed.data.workingDays);
  parsed.data.workingDays.forEach((entry, i) => {
    const dates = 'date' in entry ? [entry.date] : [entry.from, entry.to];
    if (dates.some((d) => weekday(d) < 6)) {
      workingProblems.push({
        file,
        line: lineOf(doc, counter, ['workingDays', i]),
        path: `workingDays[${i}]`,
        message: 'a make-up working day must be a Saturday or Sunday (ngày làm bù phải là thứ Bảy hoặc Chủ Nhật)',
      });
    }
  });
  if (workingProblems.length) throw new HolidayDataError(workingProblems);
  return {
    year: parsed.data.year,
    status: parsed.data.status,
    source: parsed.data.source.trim(),
    daysOff: expand(parsed.data.daysOff),
    workingDays,
  };
}

/** Reads every `*.yaml` of `dir` into holiday data; one year per file, no year twice. */
export async function loadHolidayData(dir: string = DEFAULT_HOLIDAY_DIR): Promise<HolidayData> {
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f) && f !== HOLIDAY_OVERRIDES_FILE).sort();
  const years: HolidayYear[] = [];
  const seen = new Map<number, string>();
  const problems: HolidayProblem[] = [];
  const texts = await Promise.all(files.map((name) => readFile(path.join(dir, name), 'utf8')));
  for (const [i, name] of files.entries()) {
    const file = path.join(dir, name);
    try {
      const year = parseHolidayFile(texts[i], file);
      const previous = seen.get(year.year);
      if (previous) {
        problems.push({
          file,
          path: 'year',
          message: `year ${year.year} is already given by ${previous}`,
        });
      }
      seen.set(year.year, file);
      years.push(year);
    } catch (err) {
      if (err instanceof HolidayDataError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length) throw new HolidayDataError(problems);
  return { years };
}

/** The working calendar over the shipped (or given) holiday files; years without a file follow the Labour Code. */
export async function loadWorkingCalendar(dir?: string): Promise<WorkingCalendar> {
  return createWorkingCalendar(await loadHolidayData(dir));
}
