import { stripDiacritics } from '../text/diacritics';
import type { ReportKind, Rule } from './rule';

/** A time expression that could not be understood; `text` is the expression as given. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  constructor(
    readonly text: string,
    message: string,
  ) {
    super(message);
  }
}

const EXAMPLES =
  '"trước ngày 15/5", "trước ngày 10/4/2019", "quý I/2025", "Tháng 6 năm 2019", "Năm 2025", ' +
  '"6 tháng đầu năm 2025", "Giai đoạn 2024 - 2025", "hằng quý", "Thường xuyên", "đột xuất (theo yêu cầu)"';

const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4 };
const MIN_YEAR = 1900;
const MAX_YEAR = 2200;

/**
 * Folds a text for matching: NFC → lower case without diacritics (đ → d), one kind of dash,
 * single spaces, no spaces around "/", no trailing punctuation. "Hằng" and "hàng" both become "hang".
 */
export function foldText(text: string): string {
  const folded = stripDiacritics(text)
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/\s*\/\s*/g, '/');
  return withoutTrailingPunctuation(folded).trim();
}

/**
 * Drops a final run of spaces, ".;,:!" and "./.", scanning from the end: a regular expression anchored at the end
 * (`(?:…)+$`) is retried from every position of a long run, quadratic in its length (40,000 dots took 10 s).
 */
function withoutTrailingPunctuation(text: string): string {
  let end = text.length;
  for (;;) {
    if (text.endsWith('./.', end)) end -= 3;
    else if (end > 0 && ' .;,:!'.includes(text[end - 1])) end -= 1;
    else return text.slice(0, end);
  }
}

/** Leading words that do not change the date: "Thời gian thực hiện:", "hoàn thành trong", "trước", "cả". */
const LEADING =
  /^(?:[a-z]\) )?(?:thoi gian(?: thuc hien)?:?|hoan thanh|thuc hien|trong|ca|truoc|cham nhat|vao|den het|den)(?: |$)/;

function stripLeading(folded: string): string {
  let text = folded;
  for (;;) {
    const next = text.replace(LEADING, '').trim();
    if (next === text) return text;
    text = next;
  }
}

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

type Fail = (vi: string, en: string) => never;

function checkYear(year: number, fail: Fail): number {
  if (year < MIN_YEAR || year > MAX_YEAR)
    fail(`năm ${year} nằm ngoài ${MIN_YEAR}–${MAX_YEAR}`, `year ${year} is outside ${MIN_YEAR}–${MAX_YEAR}`);
  return year;
}

function checkMonth(month: number, fail: Fail): number {
  if (month < 1 || month > 12)
    fail(`tháng ${month} không tồn tại (cần 1–12)`, `month ${month} does not exist (expected 1–12)`);
  return month;
}

function checkDay(day: number, month: number, year: number | undefined, fail: Fail): number {
  checkMonth(month, fail);
  const max = month === 2 && year !== undefined && !isLeap(year) ? 28 : MONTH_DAYS[month - 1];
  if (day < 1 || day > max) {
    const where = year === undefined ? `tháng ${month}` : `tháng ${month}/${year}`;
    fail(
      `${where} không có ngày ${day} (tối đa ${max})`,
      `month ${month}${year === undefined ? '' : `/${year}`} has no day ${day} (at most ${max})`,
    );
  }
  return day;
}

function quarterNumber(token: string, fail: Fail): number {
  const q = ROMAN[token] ?? Number(token);
  if (!Number.isInteger(q) || q < 1 || q > 4)
    fail(
      `quý "${token}" không tồn tại (cần I–IV hoặc 1–4)`,
      `quarter "${token}" does not exist (expected I–IV or 1–4)`,
    );
  return q;
}

/** Patterns over the folded text, tried in order; each returns a rule or fails with a located reason. */
const PATTERNS: { re: RegExp; build: (m: RegExpMatchArray, fail: Fail) => Rule }[] = [
  { re: /^thuong xuyen(?:,? lien tuc)?$/, build: () => ({ type: 'ongoing' }) },
  {
    re: /^(?:bao cao )?(?:dot xuat(?: ?\(?theo yeu cau\)?)?|\(?theo yeu cau\)?|khi co yeu cau)$/,
    build: () => ({ type: 'on-request' }),
  },
  {
    re: /^(?:dinh ky )?(?:hang|moi) (thang|quy|nam)$/,
    build: (m) => ({
      type: 'every',
      unit: ({ thang: 'month', quy: 'quarter', nam: 'year' } as const)[m[1] as 'thang' | 'quy' | 'nam'],
    }),
  },
  // One day: "10/4/2019", "ngày 10-4-2019", "ngày 05 tháng 01 năm 2026".
  {
    re: /^(?:ngay )?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/,
    build: (m, fail) => dateRule(Number(m[1]), Number(m[2]), Number(m[3]), fail),
  },
  {
    re: /^(?:ngay )?(\d{1,2}) thang (\d{1,2}),? nam (\d{4})$/,
    build: (m, fail) => dateRule(Number(m[1]), Number(m[2]), Number(m[3]), fail),
  },
  // A fixed day every year: "15/5", "ngày 15/11 hằng năm", "ngày 15 tháng 11 hằng năm".
  {
    re: /^(?:ngay )?(\d{1,2})\/(\d{1,2})(?:,? (?:hang|moi) nam)?$/,
    build: (m, fail) => annualRule(Number(m[1]), Number(m[2]), fail),
  },
  {
    re: /^(?:ngay )?(\d{1,2}) thang (\d{1,2})(?:,? (?:hang|moi) nam)?$/,
    build: (m, fail) => annualRule(Number(m[1]), Number(m[2]), fail),
  },
  // "quý I/2025", "quý I năm 2025", "quý 2/2025", "quý IV - 2026".
  {
    re: /^quy ([a-z]+|\d+) ?(?:\/|-|nam) ?(\d{4})$/,
    build: (m, fail) => ({ type: 'quarter', year: checkYear(Number(m[2]), fail), quarter: quarterNumber(m[1], fail) }),
  },
  // "6 tháng đầu năm 2025", "06 tháng cuối năm 2025".
  {
    re: /^(?:0?6|sau) thang (dau|cuoi) nam (\d{4})$/,
    build: (m, fail) => ({ type: 'half', year: checkYear(Number(m[2]), fail), half: m[1] === 'dau' ? 1 : 2 }),
  },
  // "Tháng 6 năm 2019", "tháng 7/2019".
  {
    re: /^thang (\d{1,2}) ?(?:\/|-|nam) ?(\d{4})$/,
    build: (m, fail) => ({ type: 'month', year: checkYear(Number(m[2]), fail), month: checkMonth(Number(m[1]), fail) }),
  },
  // "Năm 2025", "2025".
  { re: /^(?:nam )?(\d{4})$/, build: (m, fail) => ({ type: 'year', year: checkYear(Number(m[1]), fail) }) },
  // "Giai đoạn 2024 - 2025", "2023-2025", "từ năm 2021 đến năm 2025".
  {
    re: /^(?:giai doan |tu )?(?:nam )?(\d{4}) ?(?:-|den) ?(?:nam )?(\d{4})$/,
    build: (m, fail) => rangeRule(Number(m[1]), Number(m[2]), fail),
  },
];

function dateRule(day: number, month: number, year: number, fail: Fail): Rule {
  checkYear(year, fail);
  checkDay(day, month, year, fail);
  return { type: 'date', date: `${year}-${pad(month)}-${pad(day)}` };
}

function annualRule(day: number, month: number, fail: Fail): Rule {
  checkDay(day, month, undefined, fail);
  return { type: 'annual', month, day };
}

function rangeRule(fromYear: number, toYear: number, fail: Fail): Rule {
  checkYear(fromYear, fail);
  checkYear(toYear, fail);
  if (fromYear > toYear)
    fail(`giai đoạn ngược: ${fromYear} sau ${toYear}`, `reversed range: ${fromYear} is after ${toYear}`);
  return { type: 'range', fromYear, toYear };
}

/**
 * Parses a plan's time expression into a rule. Accepts NFD or NFC text, missing diacritics, extra spaces,
 * hằng/hàng, Roman or Arabic quarters. Throws `ExpressionError` naming the text when it is not understood.
 */
export function parseExpression(text: string): Rule {
  const shown = text.normalize('NFC').replace(/\s+/g, ' ').trim();
  const fail: Fail = (vi, en) => {
    throw new ExpressionError(
      shown,
      `Biểu thức thời gian "${shown}" không hợp lệ: ${vi} (invalid time expression "${shown}": ${en})`,
    );
  };
  const folded = stripLeading(foldText(text));
  for (const { re, build } of PATTERNS) {
    const m = folded.match(re);
    if (m) return build(m, fail);
  }
  throw new ExpressionError(
    shown,
    `Không hiểu biểu thức thời gian "${shown}"; cần dạng như ${EXAMPLES} ` +
      `(unknown time expression "${shown}": expected a form like the examples)`,
  );
}

/** Report kinds by the phrase that names them; longer phrases first so "báo cáo 6 tháng" is not read as monthly. */
const REPORT_KINDS: { re: RegExp; kind: ReportKind }[] = [
  { re: /\b0?5 nam\b|\bnam nam\b/, kind: 'five-year' },
  { re: /\bdot xuat\b|\btheo yeu cau\b/, kind: 'ad-hoc' },
  { re: /\b(?:0?6|sau) thang\b/, kind: 'six-month' },
  { re: /\bbao cao (?:ket qua )?quy\b|\bhang quy\b/, kind: 'quarterly' },
  { re: /\bbao cao (?:ket qua )?thang\b|\bhang thang\b/, kind: 'monthly' },
  { re: /\bbao cao (?:ket qua )?nam\b|\bhang nam\b/, kind: 'annual' },
];

/** The report kind a phrase names ("báo cáo 6 tháng" → six-month, "05 năm tổng kết" → five-year), or undefined. */
export function parseReportKind(text: string): ReportKind | undefined {
  const folded = foldText(text);
  return REPORT_KINDS.find(({ re }) => re.test(folded))?.kind;
}

const ROMAN_OUT = ['I', 'II', 'III', 'IV'];

/** A rule in Vietnamese for people, e.g. "Trước ngày 15/5 hằng năm", "Quý I/2025". */
export function describeRule(rule: Rule): string {
  switch (rule.type) {
    case 'annual':
      return `Trước ngày ${rule.day}/${rule.month} hằng năm`;
    case 'date': {
      const [y, m, d] = rule.date.split('-').map(Number);
      return `Trước ngày ${d}/${m}/${y}`;
    }
    case 'quarter':
      return `Quý ${ROMAN_OUT[rule.quarter - 1]}/${rule.year}`;
    case 'month':
      return `Tháng ${rule.month} năm ${rule.year}`;
    case 'half':
      return `6 tháng ${rule.half === 1 ? 'đầu' : 'cuối'} năm ${rule.year}`;
    case 'year':
      return `Năm ${rule.year}`;
    case 'range':
      return `Giai đoạn ${rule.fromYear} - ${rule.toYear}`;
    case 'every':
      return { month: 'Hằng tháng', quarter: 'Hằng quý', year: 'Hằng năm' }[rule.unit];
    case 'ongoing':
      return 'Thường xuyên';
    case 'on-request':
      return 'Đột xuất (theo yêu cầu)';
  }
}

/** Vietnamese name of a report kind, as in labels: "Báo cáo 6 tháng". */
export function describeReportKind(kind: ReportKind): string {
  return {
    monthly: 'Báo cáo tháng',
    quarterly: 'Báo cáo quý',
    'six-month': 'Báo cáo 6 tháng',
    annual: 'Báo cáo năm',
    'five-year': 'Báo cáo tổng kết 5 năm',
    'ad-hoc': 'Báo cáo đột xuất',
  }[kind];
}
