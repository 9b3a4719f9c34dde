import { agencyKey, isVagueReference, normalizeAgencyName, splitAgencyList } from '../agencies';
import { ABBREVIATIONS, AGENCY_HEAD, COMMON_AGENCIES, COMMON_GROUPS } from '../agency-names';
import { trimEndMatching } from '../../text/trim';

/** An agency named in running text, with its place in that text. */
export interface Mention {
  name: string;
  start: number;
  end: number;
}

/** Expands abbreviations in running text (UBND → Ủy ban nhân dân …) so names can be matched. */
export function expandAbbreviations(text: string): string {
  let out = text;
  for (const [re, expansion] of ABBREVIATIONS) out = out.replace(re, expansion);
  return out;
}

interface Known {
  words: string[];
  name: string;
}

/** Known names per `extra` list: building them normalizes every name, and each sentence of a plan asks for them. */
const KNOWN = new Map<string, Known[]>();

function knownNames(extra: string[]): Known[] {
  const key = extra.join('\u0000');
  let known = KNOWN.get(key);
  if (!known) {
    if (KNOWN.size >= 16) KNOWN.clear();
    known = buildKnown(extra);
    KNOWN.set(key, known);
  }
  return known;
}

function buildKnown(extra: string[]): Known[] {
  const entries: [string, string][] = [];
  for (const name of [...COMMON_AGENCIES, ...extra]) {
    entries.push([name, normalizeAgencyName(name)]);
    const bare = name.replace(/ tỉnh$/u, '');
    // "Bộ Chỉ huy Bộ đội Biên phòng" means the province's; "Ủy ban nhân dân" alone could be a district's.
    if (bare !== name && bare.split(' ').length >= 3 && !/^(?:Ủy ban nhân dân|Hội đồng nhân dân|Văn phòng)/u.test(bare))
      entries.push([bare, normalizeAgencyName(name)]);
  }
  for (const group of COMMON_GROUPS)
    for (const written of [group.name, ...group.aliases]) entries.push([written, group.name]);
  return entries
    .map(([written, name]) => ({ words: agencyKey(written).split(' '), name }))
    .sort((a, b) => b.words.length - a.words.length);
}

const TOKEN = /[\p{L}\p{N}]+/gu;
const GENERIC =
  /(?:Ủy ban nhân dân (?:huyện|thành phố|thị xã|quận|xã|phường|thị trấn)|Sở|Ban|Báo|Đài|Tạp chí|Trung tâm|Hội|Cổng|Văn phòng|Chi cục|Cục|Bộ Chỉ huy|Bộ|Thư viện|Bảo tàng|Kho bạc)(?: (?:\p{Lu}\p{Ll}[\p{L}'’]*(?: (?!(?:chủ|phối|thực|triển|tổ|xây|có|là|và|tham|căn|chịu|giao|các|của|cho|với|tại|trong|mở|cử|đăng|đưa|tăng|bảo|tuyên|hướng|theo|kiểm|nâng|tiếp|cung|biên|rà|đẩy|tập|hỗ|duy|khảo|đón|lập|gửi|đôn|xử|tạo|đề|báo|sẽ|đã|cần|phải|được|thì|nhằm|để)(?![\p{L}]))\p{Ll}+)?|\p{Lu}+(?![\p{L}])|và(?= \p{Lu})|tỉnh))+/gu;

/**
 * Finds agency names in running text: common agencies and groups (any spelling, abbreviations expanded),
 * the `extra` names (a directory's), and capitalized names after a head word ("Sở ABC", "Báo Đắk Nông").
 * Offsets refer to `text` after `expandAbbreviations`.
 */
export function findMentions(text: string, extra: string[] = []): Mention[] {
  const known = knownNames(extra);
  const tokens = [...text.matchAll(TOKEN)].map((m) => ({
    key: agencyKey(m[0]),
    start: m.index ?? 0,
    end: (m.index ?? 0) + m[0].length,
  }));
  const mentions: Mention[] = [];
  let i = 0;
  while (i < tokens.length) {
    const match = known.find(
      (k) => k.words.length <= tokens.length - i && k.words.every((w, j) => tokens[i + j].key === w),
    );
    if (match) {
      mentions.push({ name: match.name, start: tokens[i].start, end: tokens[i + match.words.length - 1].end });
      i += match.words.length;
    } else i++;
  }
  for (const m of text.matchAll(GENERIC)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    if (mentions.some((x) => x.start < end && start < x.end)) continue;
    if (m[0].split(' ').length < 2) continue;
    mentions.push({
      name: normalizeAgencyName(m[0].replace(/ (?:và|tỉnh)$/u, (t) => (t === ' tỉnh' ? t : ''))),
      start,
      end,
    });
  }
  return mentions.sort((a, b) => a.start - b.start);
}

function unique(names: string[]): string[] {
  return names.filter((name, i) => !isVagueReference(name) && names.indexOf(name) === i);
}

/**
 * The agencies a label gives ("Cơ quan chủ trì: Sở A, Sở B"): a plain list is split; a value written as prose
 * ("Trên cơ sở chức năng, các cơ quan, đơn vị chủ động …") is searched for names and marked `prose`.
 */
export function agenciesFromValue(value: string, extra: string[] = []): { names: string[]; prose: boolean } {
  const cleaned = trimEndMatching(value, /[\s.;,]/u).trim();
  const pieces = splitAgencyList(cleaned);
  const plain =
    pieces.length > 0 && pieces.every((p) => (AGENCY_HEAD.test(p) || MORE_HEADS.test(p)) && p.length <= 120);
  if (plain) return { names: unique(pieces), prose: false };
  const expanded = expandAbbreviations(cleaned);
  return { names: unique(findMentions(expanded, extra).map((m) => m.name)), prose: true };
}

/** Heads of provincial bodies the shared list does not start names with (libraries, museums, the treasury). */
const MORE_HEADS = /^(?:Thư viện|Bảo tàng|Kho bạc)\s/u;

const SUBJECT_GAP = /^[\s,;]*(?:(?:và|cùng|với)\s*)?[\s,;]*$/u;
const SUBJECT_LEAD = /^\s*(?:[-–]\s*)?(?:(?:Giao|Đề nghị|Yêu cầu)\s+)?$/iu;

/** Agencies named one after another at the start of a sentence (its subject), e.g. "Các Sở, ban, ngành và UBND … căn cứ …". */
export function subjectAgencies(sentence: string, extra: string[] = []): string[] {
  const text = expandAbbreviations(sentence);
  const mentions = findMentions(text, extra);
  const names: string[] = [];
  let cursor = 0;
  for (const m of mentions) {
    const gap = text.slice(cursor, m.start);
    if (!(cursor === 0 ? SUBJECT_LEAD.test(gap) : SUBJECT_GAP.test(gap))) break;
    names.push(m.name);
    cursor = m.end;
  }
  return unique(names);
}

/** What a sentence's subject does, read from the words right after it. */
export type SubjectRole = 'lead' | 'support' | 'other';

/**
 * The agencies a sentence opens with and whether they lead: "Sở Z tham mưu UBND tỉnh …", "Sở X chủ trì …" and
 * "Sở X là cơ quan chủ trì …" lead; "Sở X, Sở Y và các cơ quan báo chí cử người tham gia …" and "… phối hợp …"
 * support; anything else ("Sở X mở chuyên trang …") is just done by them.
 */
export function sentenceSubject(sentence: string, extra: string[] = []): { names: string[]; role: SubjectRole } {
  const text = expandAbbreviations(sentence);
  const mentions = findMentions(text, extra);
  const names: string[] = [];
  let cursor = 0;
  for (const m of mentions) {
    const gap = text.slice(cursor, m.start);
    if (!(cursor === 0 ? SUBJECT_LEAD.test(gap) : SUBJECT_GAP.test(gap))) break;
    names.push(m.name);
    cursor = m.end;
  }
  const after = text.slice(cursor);
  const leads =
    /^[\s,]*(?:(?:là|làm)\s+(?:cơ quan|đơn vị)(?:\s+thường trực)?,?\s+)?(?:chủ trì|tham mưu|chịu trách nhiệm chính)(?![\p{L}])/iu.test(
      after,
    );
  const supports = /^[\s,]*(?:chủ động\s+)?(?:phối hợp|tham gia|hỗ trợ|cử người|cử cán bộ)(?![\p{L}])/iu.test(after);
  return { names: unique(names), role: leads ? 'lead' : supports ? 'support' : 'other' };
}

/** Lead and coordinators from prose: "Sở X chủ trì, phối hợp với Sở Y và Z …", "Sở X phối hợp với Y …". */
export function proseRoles(sentence: string, extra: string[] = []): { lead: string[]; coordinators: string[] } {
  const text = expandAbbreviations(sentence);
  const mentions = findMentions(text, extra);
  const lead = /(?<![\p{L}])chủ trì(?![\p{L}])/iu.exec(text);
  const coordination = /(?<![\p{L}])(?:phối hợp (?:với|cùng)|cùng với|với sự phối hợp của)(?![\p{L}])/iu.exec(text);
  const cut = lead ?? coordination;
  if (!cut) return { lead: [], coordinators: [] };
  const clauseStart = Math.max(0, ...[...text.slice(0, cut.index).matchAll(/[.;:]/g)].map((m) => (m.index ?? 0) + 1));
  const leads = mentions.filter((m) => m.start >= clauseStart && m.end <= cut.index).map((m) => m.name);
  const coordinators: string[] = [];
  if (coordination) {
    // The list right after "phối hợp với": names separated only by commas, semicolons and "và".
    let cursor = coordination.index + coordination[0].length;
    for (const m of mentions.filter((x) => x.start >= cursor)) {
      if (!SUBJECT_GAP.test(text.slice(cursor, m.start))) break;
      coordinators.push(m.name);
      cursor = m.end;
    }
  }
  return { lead: unique(leads), coordinators: unique(coordinators).filter((c) => !leads.includes(c)) };
}
