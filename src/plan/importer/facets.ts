import { parseFields, startsWithLabel } from './fields';
import { proseRoles, sentenceSubject } from './mentions';
import type { Node } from './segment';

/**
 * Words that open a facet of one task rather than a task of its own: "a) Nội dung: …", "b) Hình thức: …",
 * "c) Về ngôn ngữ: …", "d) Tổ chức thực hiện: …". "Về …" always opens a facet; the others need a colon soon after.
 */
const FACET_WORD =
  /^(?:nội dung|hình thức|đối tượng|ngôn ngữ|phạm vi|địa điểm|địa bàn|quy mô|thành phần|phương thức|cách thức|phương pháp|sản phẩm|yêu cầu|mục đích|mục tiêu|tổ chức thực hiện|phân công thực hiện|thời gian|thời hạn|tiến độ|kinh phí|nguồn kinh phí|dự toán)/iu;

/** The facet a lettered item names ("hình thức", "tổ chức thực hiện"), or undefined for a task of its own. */
export function facetOf(text: string): string | undefined {
  const about = /^Về\s+(.*)$/su.exec(text);
  const body = about ? about[1] : text;
  const word = FACET_WORD.exec(body);
  if (!word) return undefined;
  const after = body.slice(word[0].length);
  // "Tổ chức thực hiện các hoạt động …" is a task; "Tổ chức thực hiện:" and "Về hình thức, …" are facets.
  const colonSoon =
    /^[^.;:]{0,40}:/u.test(after) && !/^\s*\p{Ll}+\s+\p{Ll}+\s+\p{Ll}+\s+\p{Ll}+\s+\p{Ll}+/u.test(after);
  if (!about && !colonSoon && !/^\s*$/u.test(after)) return undefined;
  return word[0].toLowerCase();
}

/** Whether a lettered item names its own lead or time: a sign that it is a task, not a facet. */
function ownLeadOrTime(node: Node): boolean {
  const { fields } = parseFields(node.block.span);
  if (fields.some((f) => f.role === 'lead' || f.role === 'timeframe')) return true;
  const text = node.block.span.text;
  if (proseRoles(text).lead.length > 0) return true;
  // "Sở X tham mưu …" opening one of its sentences or bullets.
  return text.split(/(?<=[.;:])\s+|\s[-–]\s+/u).some((s) => sentenceSubject(s).role === 'lead');
}

/** How a numbered heading's lettered items are read. */
export interface LetterReading {
  /** One task (the letters are its facets or its labelled fields), or one task per letter. */
  as: 'one-task' | 'tasks';
  /** The facets named, for the review list ("nội dung, hình thức, …"); empty when only field labels were merged. */
  facets: string[];
  /** For `tasks`: letters that name neither their own lead nor their own time. */
  unsure: Node[];
}

/**
 * Tells facets of one task from sub-tasks: letters that open with field labels ("Cơ quan chủ trì:") or with
 * facet words ("Hình thức:", "Về ngôn ngữ") in at least half of the items make one task; otherwise each letter
 * is a task, and those without their own lead or time are reported as split by assumption.
 */
export function readLetters(letters: Node[]): LetterReading {
  const facets = letters.map((l) => facetOf(l.block.span.text));
  const labelled = letters.filter((l) => startsWithLabel(l.block.span.text));
  const facetCount = facets.filter(Boolean).length;
  const own = letters.filter((l, i) => !facets[i] && ownLeadOrTime(l));
  if (labelled.length > 0 || (facetCount > 0 && facetCount * 2 >= letters.length && own.length < 2)) {
    const named = letters
      .filter((l, i) => facets[i] && !startsWithLabel(l.block.span.text))
      .map((l) => facetOf(l.block.span.text) as string);
    return { as: 'one-task', facets: [...new Set(named)], unsure: [] };
  }
  return { as: 'tasks', facets: [], unsure: letters.filter((l) => !ownLeadOrTime(l)) };
}
