import { stripDiacritics } from '../text/diacritics';
import { ABBREVIATIONS, AGENCY_HEAD, COMMON_AGENCIES, COMMON_GROUPS, VAGUE_REFERENCE } from './agency-names';
import type { Agency, Directory } from './schema';
import { trimEndMatching } from '../text/trim';

/** A matching key: lower case, no diacritics (đ → d), "&" read as "và", punctuation as spaces. */
export function agencyKey(text: string): string {
  return stripDiacritics(text)
    .toLowerCase()
    .replace(/&/g, ' va ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Old-style tone placement ("hoá", "Uỷ") → the style the sources use ("hóa", "Ủy"), only on open syllables. */
function modernTones(text: string): string {
  const pairs: Record<string, string> = {
    oá: 'óa',
    oà: 'òa',
    oả: 'ỏa',
    oã: 'õa',
    oạ: 'ọa',
    oé: 'óe',
    oè: 'òe',
    oẻ: 'ỏe',
    oẽ: 'õe',
    oẹ: 'ọe',
    uý: 'úy',
    uỳ: 'ùy',
    uỷ: 'ủy',
    uỹ: 'ũy',
    uỵ: 'ụy',
    Uý: 'Úy',
    Uỳ: 'Ùy',
    Uỷ: 'Ủy',
    Uỹ: 'Ũy',
    Uỵ: 'Ụy',
  };
  return text.replace(/([oOuU])([áàảãạéèẻẽẹýỳỷỹỵ])(?![\p{L}])/gu, (m) => pairs[m] ?? m);
}

const CANONICAL = new Map<string, string>();
for (const name of COMMON_AGENCIES) CANONICAL.set(agencyKey(name), name);
for (const group of COMMON_GROUPS) {
  CANONICAL.set(agencyKey(group.name), group.name);
  for (const alias of group.aliases) CANONICAL.set(agencyKey(alias), group.name);
}

/** Qualifiers that do not change who is meant: "… có liên quan", "… của tỉnh". */
const QUALIFIERS = / (?:co lien quan|lien quan|cua tinh|tren dia ban tinh|trong tinh)$/;

/**
 * Cleans one agency name as written: NFC, spacing, abbreviations expanded (UBND, Sở TT&TT, VHTTDL, KH&ĐT …),
 * "tinh"/"tình" typos, "trực thuộc …" tails; common agencies and groups get their canonical spelling.
 */
export function normalizeAgencyName(text: string): string {
  let name = trimEndMatching(
    modernTones(text.normalize('NFC'))
      .replace(/\*\*|__/g, '')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^[-–•+]\s*/, '')
      .replace(/^(?:và|với|cùng)\s+/u, '')
      .replace(/\s*\((?:b\/c|p\/h|để b\/c|để p\/h|để biết|để thực hiện)\)\s*$/u, ''),
    /[\s.;,:]/u,
  ).trim();
  for (const [re, expansion] of ABBREVIATIONS) name = name.replace(re, expansion);
  name = name
    .replace(/\s+trực thuộc\s+.*$/u, '')
    .replace(/(?<![\p{L}])(?:tinh|tình)(?=\s*$|\s+\p{Lu})/gu, 'tỉnh')
    .replace(/Thương binh (?:-\s*)?[Xx]ã hội/u, 'Thương binh và Xã hội')
    .replace(/Lao động\s*[-–]?\s*Thương binh/u, 'Lao động - Thương binh')
    .replace(/^Các(?=\s)/u, 'các')
    .replace(/\s+/g, ' ')
    .trim();
  if (isVagueReference(name)) return name;
  const key = agencyKey(name);
  const canonical = CANONICAL.get(key) ?? CANONICAL.get(key.replace(QUALIFIERS, ''));
  return canonical ?? name;
}

/** True for references that name no agency: "các cơ quan, đơn vị có liên quan", "đơn vị khác có liên quan". */
export function isVagueReference(name: string): boolean {
  return VAGUE_REFERENCE.test(name.normalize('NFC').replace(/\s+/g, ' ').trim());
}

/** Phrases whose commas are part of one name. */
const PROTECTED: RegExp[] = [
  /Văn hóa\s*,\s*Thể thao/giu,
  /Văn hoá\s*,\s*Thể thao/giu,
  /Sở\s*,\s*ban\s*,?\s*ngành(?:\s*,\s*đoàn thể)?/giu,
  /Sở\s*,\s*ngành(?:\s*,\s*đoàn thể)?/giu,
  /huyện\s*,\s*(?:thị xã\s*,\s*)?thành phố(?:\s*,\s*thị xã)?/giu,
  /cơ quan\s*,\s*đơn vị(?:\s*,\s*địa phương)?/giu,
  /chính trị\s*-\s*xã hội/giu,
];
const COMMA = '\u0001';
const SEMI = '\u0002';

/**
 * Splits a list of agencies on commas, semicolons and "và" without breaking names that contain them
 * ("Sở Văn hóa, Thể thao và Du lịch", "Sở Thông tin và Truyền thông", "UBND các huyện, thành phố");
 * each name is normalized with `normalizeAgencyName`. Order kept, duplicates dropped.
 */
export function splitAgencyList(text: string): string[] {
  let protectedText = text.normalize('NFC').replace(/\s+/g, ' ').trim();
  for (const re of PROTECTED)
    protectedText = protectedText.replace(re, (m) => m.replace(/,/g, COMMA).replace(/;/g, SEMI));
  const names: string[] = [];
  for (const part of protectedText.split(/\s*;\s*/)) {
    const pieces = part.split(/(\s*,\s*|\s+và\s+)/u);
    const merged: string[] = [];
    for (let i = 0; i < pieces.length; i += 2) {
      const piece = pieces[i].trim();
      if (!piece) continue;
      const separator = i > 0 ? pieces[i - 1] : '';
      if (merged.length > 0 && !AGENCY_HEAD.test(piece)) merged[merged.length - 1] += separator + piece;
      else merged.push(piece);
    }
    for (const raw of merged) {
      const name = normalizeAgencyName(raw.replace(new RegExp(COMMA, 'g'), ',').replace(new RegExp(SEMI, 'g'), ';'));
      if (name && !names.includes(name)) names.push(name);
    }
  }
  return names;
}

/** What a name in a plan stands for: one agency, or a group and its members; suggestions when unknown. */
export interface Resolution {
  readonly agency?: Agency;
  readonly group?: string;
  readonly members?: readonly Agency[];
  readonly suggestions: readonly string[];
}

/** Names remembered per resolver; a directory has tens of agencies, so this bound is rarely reached. */
const RESOLVED_CACHE_SIZE = 2_000;

/** Characters of an unknown name compared with the directory's names for suggestions. */
const SUGGESTION_KEY_LENGTH = 300;

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** Resolves the names written in plans to the agencies of one province's directory. */
export class AgencyResolver {
  private readonly agencies = new Map<string, Agency>();
  private readonly loose = new Map<string, Agency[]>();
  private readonly groups = new Map<string, string>();
  private readonly includes = new Map<string, string[]>();
  private readonly provinceKey: string;
  private readonly known: { key: string; name: string }[] = [];
  private readonly resolved = new Map<string, Resolution>();

  constructor(readonly directory: Directory) {
    this.provinceKey = agencyKey(directory.province);
    for (const agency of directory.agencies) {
      for (const written of [agency.name, ...agency.aliases, ...agency.formerNames]) {
        const key = agencyKey(normalizeAgencyName(written));
        if (!this.agencies.has(key)) this.agencies.set(key, agency);
        this.agencies.set(agencyKey(written), agency);
        const looseKey = this.stripProvince(key);
        const list = this.loose.get(looseKey) ?? [];
        if (!list.includes(agency)) list.push(agency);
        this.loose.set(looseKey, list);
        this.known.push({ key, name: agency.name });
      }
      for (const group of agency.groups) this.addGroup(group, []);
    }
    for (const group of directory.groups) {
      this.addGroup(group.name, group.aliases);
      this.includes.set(group.name, group.includes ?? []);
    }
    for (const common of COMMON_GROUPS) {
      const mine = this.groups.get(agencyKey(common.name));
      if (mine) for (const alias of common.aliases) this.addGroup(mine, [], alias);
    }
  }

  private addGroup(name: string, aliases: string[], alias?: string): void {
    for (const written of [name, ...aliases, ...(alias ? [alias] : [])]) {
      const key = agencyKey(normalizeAgencyName(written));
      if (!this.groups.has(key)) this.groups.set(key, name);
      if (!this.groups.has(agencyKey(written))) this.groups.set(agencyKey(written), name);
    }
    this.known.push({ key: agencyKey(name), name });
  }

  private stripProvince(key: string): string {
    return key
      .replace(new RegExp(` (?:tinh )?${this.provinceKey}$`), '')
      .replace(/ tinh$/, '')
      .trim();
  }

  /** The agency or group a name stands for, tolerant of case, spacing, missing diacritics and abbreviations. */
  resolve(name: string): Resolution {
    // Every email resolves its recipients: remember answers (the directory never changes under a resolver).
    let resolution = this.resolved.get(name);
    if (!resolution) {
      resolution = Object.freeze(this.resolveUncached(name));
      if (this.resolved.size >= RESOLVED_CACHE_SIZE) this.resolved.clear();
      this.resolved.set(name, resolution);
    }
    return resolution;
  }

  private resolveUncached(name: string): Resolution {
    const normalized = normalizeAgencyName(name);
    const keys = [agencyKey(normalized), agencyKey(name)];
    const stripped = keys[0].replace(QUALIFIERS, '');
    if (stripped !== keys[0]) keys.push(stripped);
    for (const key of keys) {
      const agency = this.agencies.get(key);
      if (agency) return { agency, suggestions: [] };
      const group = this.groups.get(key) ?? this.groups.get(key.replace(/^cac /, ''));
      if (group) return { group, members: this.members(group), suggestions: [] };
    }
    for (const key of keys) {
      const candidates = this.loose.get(this.stripProvince(key));
      if (candidates && candidates.length === 1) return { agency: candidates[0], suggestions: [] };
    }
    return { suggestions: this.suggest(keys[0]) };
  }

  /** Canonical name of the agency or group, or undefined when unknown. */
  canonical(name: string): string | undefined {
    const resolution = this.resolve(name);
    return resolution.agency?.name ?? resolution.group;
  }

  /** The member agencies of a group, following `includes`; each agency once. */
  members(group: string, seen = new Set<string>()): Agency[] {
    if (seen.has(group)) return [];
    seen.add(group);
    const result = this.directory.agencies.filter((agency) => agency.groups.includes(group));
    for (const included of this.includes.get(group) ?? []) {
      for (const agency of this.members(included, seen)) if (!result.includes(agency)) result.push(agency);
    }
    return result;
  }

  /** Canonical agency names for a list of names: groups expanded to members, duplicates dropped, order kept; unknown names kept as written. */
  expand(names: string[]): string[] {
    const result: string[] = [];
    const add = (name: string) => {
      if (!result.includes(name)) result.push(name);
    };
    for (const name of names) {
      const resolution = this.resolve(name);
      if (resolution.agency) add(resolution.agency.name);
      else if (resolution.members) resolution.members.forEach((agency) => add(agency.name));
      else add(name);
    }
    return result;
  }

  private suggest(name: string): string[] {
    // Edit distance costs the product of the lengths: a pasted page as a "name" is compared by its start only (no
    // agency is named in 300 characters, so nothing is close either way).
    const key = name.slice(0, SUGGESTION_KEY_LENGTH);
    const scored = new Map<string, number>();
    for (const entry of this.known) {
      const distance = levenshtein(key, entry.key) / Math.max(key.length, entry.key.length, 1);
      const best = scored.get(entry.name);
      if (best === undefined || distance < best) scored.set(entry.name, distance);
    }
    const ranked = [...scored.entries()].sort((a, b) => a[1] - b[1]);
    const close = ranked.filter(([, distance]) => distance <= 0.45).slice(0, 3);
    if (close.length > 0) return close.map(([name]) => name);
    const head = key.split(' ')[0];
    return ranked
      .filter(([name]) => agencyKey(name).split(' ')[0] === head)
      .slice(0, 1)
      .map(([name]) => name);
  }
}

const resolvers = new WeakMap<Directory, AgencyResolver>();

/** The resolver of a directory, built once per directory object (building one indexes every name and alias). */
export function resolverFor(directory: Directory): AgencyResolver {
  let resolver = resolvers.get(directory);
  if (!resolver) {
    resolver = new AgencyResolver(directory);
    resolvers.set(directory, resolver);
  }
  return resolver;
}
