import { lineAt, type Span } from './segment';
import { cleanTitle, fromCapitals, titleCase } from './text';

/** What the header block (and, failing it, the rest of the text) says about the plan. */
export interface Header {
  number?: { value: string; line: number };
  /** "Số:      /KH-UBND": the number is left blank (a draft). */
  blankNumber?: { text: string; line: number };
  issuedOn?: { value: string; line: number };
  /** "Hà Tĩnh, ngày     tháng 3 năm 2026": the day is left blank (a draft). */
  blankDate?: { text: string; line: number };
  place?: string;
  issuer?: { value: string; line: number };
  title?: { value: string; line: number; fromCapitals: boolean };
  /** The province, and where it was read when the header does not name the issuer. */
  province?: { value: string; line?: number; guessed: boolean; from?: 'title' | 'closing' | 'preamble' };
}

/** What a province guess was read from, for the review list. */
export const PROVINCE_SOURCES = {
  title: 'tiêu đề kế hoạch',
  closing: 'câu kết “Trên đây là Kế hoạch …”',
  preamble: 'câu “Ủy ban nhân dân tỉnh … ban hành Kế hoạch”',
} as const;

const PROVINCE_NAME = String.raw`(\p{Lu}[\p{Ll}'’]*(?:\s\p{Lu}[\p{Ll}'’]*){0,3})`;

const pad = (n: number) => String(n).padStart(2, '0');

/** Reads number, place and date, issuer and title from the text before the first section. */
export function parseHeader(header: Span | undefined, closing = ''): Header {
  const out: Header = {};
  const text = header?.text ?? '';
  const at = (index: number) => (header ? lineAt(header, index) : 1);
  const planWord = /KẾ HOẠCH/u.exec(text);
  const before = planWord ? text.slice(0, planWord.index) : text;

  const number = /Số\s*:\s*([\p{L}\d]+(?:\s*[/-]\s*[\p{L}\d]+)+)/u.exec(before);
  if (number && number[1].includes('/')) out.number = { value: number[1].replace(/\s+/g, ''), line: at(number.index) };
  const blankNumber = /Số\s*:?\s*(?:[.…_]+\s*)?\/\s*(?:KH|QĐ|CV)[\p{L}-]*/u.exec(before);
  if (!out.number && blankNumber)
    out.blankNumber = { text: blankNumber[0].replace(/\s+/g, ' '), line: at(blankNumber.index) };

  const dated =
    /(?<![\p{L}\-/])(\p{Lu}[\p{L}'’]*(?:\s\p{Lu}[\p{L}'’]*)*)\s*,\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})/u.exec(
      before,
    ) ??
    /(?<![\p{L}\-/])(\p{Lu}[\p{L}'’]*(?:\s\p{Lu}[\p{L}'’]*)*)\s*,\s*ngày\s+(\d{1,2})\s*\/\s*(\d{1,2})\s*\/\s*(\d{4})/u.exec(
      before,
    );
  if (dated) {
    const [day, month, year] = [Number(dated[2]), Number(dated[3]), Number(dated[4])];
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCMonth() === month - 1 && date.getUTCDate() === day) {
      out.issuedOn = { value: `${year}-${pad(month)}-${pad(day)}`, line: at(dated.index) };
      out.place = dated[1];
    }
  }

  if (!out.issuedOn) {
    const blank =
      /(?:(?<![\p{L}\-/])\p{Lu}[\p{L}'’]*(?:\s\p{Lu}[\p{L}'’]*)*\s*,\s*)?ngày\s*[.…_\s]*tháng\s*[\d.…_\s]*năm\s*(?:\d{4}|[.…_\s]+)/u.exec(
        before,
      );
    if (blank && !/ngày\s+\d/u.test(blank[0]))
      out.blankDate = { text: blank[0].replace(/\s+/g, ' ').trim(), line: at(blank.index) };
  }

  const issuer =
    /(?:ỦY|UỶ|Ủy|Uỷ)\s+(?:BAN|ban)\s+(?:NHÂN|nhân)\s+(?:DÂN|dân)\s+(TỈNH|THÀNH PHỐ)\s+((?:[\p{Lu}'’]+(?:\s|$))+)|UBND\s+(TỈNH|THÀNH PHỐ)\s+((?:[\p{Lu}'’]+(?:\s|$))+)/u.exec(
      before,
    );
  if (issuer) {
    const words = (issuer[2] ?? issuer[4]).trim().split(/\s+/);
    // The next all-caps words belong to the motto ("CỘNG HÒA …") or the number, not to the province.
    const stop = words.findIndex((w) => /^(?:CỘNG|CỘNG|SỐ|KẾ|ĐỘC|BAN)$/u.test(w));
    const province = titleCase(words.slice(0, stop < 0 ? words.length : stop).join(' '));
    const kind = (issuer[1] ?? issuer[3]) === 'TỈNH' ? 'tỉnh' : 'thành phố';
    // "ỦY BAN NHÂN DÂN TỈNH" right above the motto names no province: no issuer is made up from the next words.
    if (province) {
      out.issuer = { value: `Ủy ban nhân dân ${kind} ${province}`, line: at(issuer.index) };
      out.province = { value: province, line: at(issuer.index), guessed: false };
    }
  }

  if (planWord) {
    const after = text.slice(planWord.index + planWord[0].length).trim();
    const offset = text.indexOf(after, planWord.index);
    const words = after.split(/\s+/);
    let title: string;
    const caps = words.findIndex((w) => /\p{Ll}/u.test(w));
    if (caps !== 0) {
      title = words.slice(0, caps < 0 ? words.length : caps).join(' ');
    } else {
      const end = /\s(?=(?:Căn cứ|Thực hiện|Triển khai thực hiện|Nhằm|Để|Trên cơ sở|Theo đề nghị|Xét đề nghị)\s)/u.exec(
        after,
      );
      title = end ? after.slice(0, end.index) : after;
    }
    title = cleanTitle(title);
    if (title) out.title = { value: title, line: at(offset), fromCapitals: title === title.toUpperCase() };
  }

  if (!out.province) {
    // Only where the plan names itself: its title, its closing sentence, or the committee issuing it. Other
    // provinces appear in the body (partners, neighbours, delegations) and must not become the issuer.
    const title = out.title?.value ?? '';
    const caps = /TỈNH\s+((?:[\p{Lu}'’]+(?:\s|$))+)/u.exec(title);
    const mixed = new RegExp(String.raw`(?:tỉnh|TỈNH)\s+${PROVINCE_NAME}`, 'u').exec(title);
    const ended = new RegExp(String.raw`Trên đây là Kế hoạch[^.;]*?\btỉnh\s+${PROVINCE_NAME}`, 'u').exec(closing);
    const issuing = new RegExp(String.raw`(?:Ủy|Uỷ) ban nhân dân tỉnh\s+${PROVINCE_NAME}\s+ban hành`, 'u').exec(text);
    if (caps) {
      const name = titleCase(caps[1].trim().split(/\s+(?:NĂM|GIAI|ĐẾN|TỪ)(?:\s|$)/u)[0]);
      out.province = { value: name, line: out.title?.line, guessed: true, from: 'title' };
    } else if (mixed) out.province = { value: mixed[1], line: out.title?.line, guessed: true, from: 'title' };
    else if (ended) out.province = { value: ended[1], guessed: true, from: 'closing' };
    else if (issuing) out.province = { value: issuing[1], line: at(issuing.index), guessed: true, from: 'preamble' };
  }
  if (out.title?.fromCapitals) {
    out.title.value = fromCapitals(out.title.value, out.province ? [out.province.value] : []);
  }
  return out;
}

/** The plan's active period from its title: "giai đoạn 2022-2030" or "năm 2025". */
export function periodFromTitle(title: string): { from: string; to: string } | undefined {
  const range = /(?:giai đoạn|từ năm|GIAI ĐOẠN)\s*(\d{4})\s*(?:[-–]|đến(?: năm)?)\s*(\d{4})/iu.exec(title);
  if (range && Number(range[1]) <= Number(range[2])) return { from: `${range[1]}-01-01`, to: `${range[2]}-12-31` };
  const year = /(?:năm|NĂM)\s+(\d{4})/u.exec(title);
  if (year) return { from: `${year[1]}-01-01`, to: `${year[1]}-12-31` };
  return undefined;
}
