import { lineAt, type Span } from './segment';
import { cleanTitle, fromCapitals, titleCase } from './text';

/** What the header block (and, failing it, the rest of the text) says about the plan. */
export interface Header {
  number?: { value: string; line: number };
  issuedOn?: { value: string; line: number };
  place?: string;
  issuer?: { value: string; line: number };
  title?: { value: string; line: number; fromCapitals: boolean };
  province?: { value: string; line?: number; guessed: boolean };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Reads number, place and date, issuer and title from the text before the first section. */
export function parseHeader(header: Span | undefined, fullText: string): Header {
  const out: Header = {};
  const text = header?.text ?? '';
  const at = (index: number) => (header ? lineAt(header, index) : 1);
  const planWord = /KẾ HOẠCH/u.exec(text);
  const before = planWord ? text.slice(0, planWord.index) : text;

  const number = /Số\s*:\s*([\p{L}\d]+(?:\s*[/-]\s*[\p{L}\d]+)+)/u.exec(before);
  if (number && number[1].includes('/')) out.number = { value: number[1].replace(/\s+/g, ''), line: at(number.index) };

  const dated =
    /(\p{Lu}[\p{L}'’]*(?:\s\p{Lu}[\p{L}'’]*)*)\s*,\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})/u.exec(
      before,
    ) ??
    /(\p{Lu}[\p{L}'’]*(?:\s\p{Lu}[\p{L}'’]*)*)\s*,\s*ngày\s+(\d{1,2})\s*\/\s*(\d{1,2})\s*\/\s*(\d{4})/u.exec(before);
  if (dated) {
    const [day, month, year] = [Number(dated[2]), Number(dated[3]), Number(dated[4])];
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCMonth() === month - 1 && date.getUTCDate() === day) {
      out.issuedOn = { value: `${year}-${pad(month)}-${pad(day)}`, line: at(dated.index) };
      out.place = dated[1];
    }
  }

  const issuer =
    /(?:ỦY|UỶ|Ủy|Uỷ)\s+(?:BAN|ban)\s+(?:NHÂN|nhân)\s+(?:DÂN|dân)\s+(TỈNH|THÀNH PHỐ)\s+((?:[\p{Lu}'’]+(?:\s|$))+)/u.exec(
      before,
    );
  if (issuer) {
    const words = issuer[2].trim().split(/\s+/);
    // The next all-caps words belong to the motto ("CỘNG HÒA …"), not to the province.
    const stop = words.findIndex((w) => /^(?:CỘNG|CỘNG|SỐ|KẾ)$/u.test(w));
    const province = titleCase(words.slice(0, stop < 0 ? words.length : stop).join(' '));
    const kind = issuer[1] === 'TỈNH' ? 'tỉnh' : 'thành phố';
    out.issuer = { value: `Ủy ban nhân dân ${kind} ${province}`, line: at(issuer.index) };
    out.province = { value: province, line: at(issuer.index), guessed: false };
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
    const counts = new Map<string, number>();
    const source = (out.title?.value ?? '') + ' ' + fullText;
    for (const m of source.matchAll(/(?:tỉnh|TỈNH)\s+(\p{Lu}[\p{Ll}'’]*(?:\s\p{Lu}[\p{Ll}'’]*)*)/gu)) {
      counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
    }
    for (const m of (out.title?.value ?? '').matchAll(/TỈNH\s+((?:[\p{Lu}'’]+(?:\s|$))+)/gu)) {
      const name = titleCase(m[1].trim().split(/\s+NĂM|\s+GIAI/u)[0]);
      counts.set(name, (counts.get(name) ?? 0) + 100);
    }
    const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    if (best) out.province = { value: best[0], guessed: true };
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
