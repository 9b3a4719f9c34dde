import { agencyKey } from '../agencies';
import { agenciesFromValue, proseRoles, subjectAgencies } from './mentions';
import { lineAt, slice, type Node, type Span } from './segment';
import { headingTitle } from './sections';
import { splitTitle } from './text';

/** One responsibility listed under "TỔ CHỨC THỰC HIỆN" for one or more agencies. */
export interface Responsibility {
  agencies: string[];
  /** The responsibility itself, without the agency heading. */
  text: string;
  line: number;
  /** The item's number in the section. */
  item: string;
  /** True when `text` itself names the agencies (no separate heading). */
  named: boolean;
}

function bulletsOf(span: Span): { text: string; line: number }[] {
  const cuts = [...new Set(span.bullets.filter((b) => b > 0))].sort((a, b) => a - b);
  const pieces: { text: string; line: number }[] = [];
  let from = 0;
  for (const cut of [...cuts, span.text.length]) {
    const text = span.text
      .slice(from, cut)
      .replace(/^[\s\-–•+]+/u, '')
      .trim();
    if (text) pieces.push({ text, line: lineAt(span, from) });
    from = cut;
  }
  return pieces;
}

/** Reads the items of the "TỔ CHỨC THỰC HIỆN" section: who (the item's agencies) and what (each bullet, or the whole item). */
export function parseOrganization(section: Node, extra: string[] = []): Responsibility[] {
  const out: Responsibility[] = [];
  // A section written as one paragraph ("Sở X theo dõi, đôn đốc …") is one item of its own.
  const items: Node[] =
    section.children.length > 0
      ? section.children
      : [{ block: { ...section.block, span: slice(section.block.span, headingTitle(section).length) }, children: [] }];
  for (const node of items) {
    if (!node.block.span.text) continue;
    const span = node.block.span;
    let agencies: string[] = [];
    let rest: Span = span;
    let named = false;
    const colon = /^([^.:]{3,200}):\s/u.exec(span.text);
    const fromColon = colon ? agenciesFromValue(colon[1], extra) : undefined;
    if (colon && fromColon && !fromColon.prose && fromColon.names.length > 0) {
      agencies = fromColon.names;
      rest = slice(span, colon[0].length);
    } else {
      const { title, rest: after } = splitTitle(span);
      const fromTitle = agenciesFromValue(title, extra);
      if (!fromTitle.prose && fromTitle.names.length > 0 && after.text.length > 0) {
        agencies = fromTitle.names;
        rest = after;
      } else {
        agencies = subjectAgencies(span.text, extra);
        named = true;
      }
    }
    const childText = node.children.map((c) => c.block.span.text).join(' ');
    for (const piece of bulletsOf(rest))
      out.push({ agencies, text: piece.text, line: piece.line, item: node.block.label, named });
    if (childText)
      out.push({ agencies, text: childText, line: node.children[0].block.line, item: node.block.label, named });
  }
  return out;
}

/** The task a responsibility talks about, when its words clearly match one task's more than any other's. */
export interface TaskText {
  index: number;
  text: string;
}

function bigrams(text: string): Set<string> {
  const words = agencyKey(text).split(' ').filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i + 1 < words.length; i++) out.add(`${words[i]} ${words[i + 1]}`);
  return out;
}

/** A run of words for the review list, cut at six words. */
function phrase(words: string[]): string {
  return words.length > 6 ? `${words.slice(0, 6).join(' ')} …` : words.join(' ');
}

/** Scores each responsibility against the tasks (shared word pairs weighted by rarity) and returns the clear best match. */
export function matchTask(
  responsibility: string,
  tasks: TaskText[],
  planTitle = '',
): { index: number; score: number; shared: string[] } | undefined {
  if (tasks.length === 0) return undefined;
  // Word pairs of the plan's title ("khu vực biên giới") say nothing about which task is meant.
  const generic = bigrams(planTitle);
  const sets = tasks.map((t) => bigrams(t.text));
  const df = new Map<string, number>();
  for (const set of sets) for (const b of set) df.set(b, (df.get(b) ?? 0) + 1);
  const idf = (b: string) => (generic.has(b) ? 0 : Math.log((tasks.length + 1) / (df.get(b) ?? 1)));
  // Normalized by each task's own weight so that a long task does not win every comparison.
  const weights = sets.map((set) => Math.sqrt([...set].reduce((sum, b) => sum + idf(b), 0)) || 1);
  const mine = bigrams(responsibility);
  const ranked = sets
    .map((set, i) => ({
      index: tasks[i].index,
      score: [...mine].reduce((sum, b) => sum + (set.has(b) ? idf(b) : 0), 0) / weights[i],
    }))
    .sort((a, b) => b.score - a.score);
  const [best, second] = ranked;
  if (best.score < 0.9) return undefined;
  if (second && best.score < second.score * 1.5) return undefined;
  // Runs of the responsibility's words covered by shared pairs, as written, rarest first: why the two were matched.
  const set = sets[tasks.findIndex((t) => t.index === best.index)];
  const words = (responsibility.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => ({ key: agencyKey(w), written: w }));
  const covered = words.map(() => 0);
  for (let i = 0; i + 1 < words.length; i++) {
    const pair = `${words[i].key} ${words[i + 1].key}`;
    if (set.has(pair) && idf(pair) > 0) {
      covered[i] = Math.max(covered[i], idf(pair));
      covered[i + 1] = Math.max(covered[i + 1], idf(pair));
    }
  }
  const runs: { text: string; weight: number }[] = [];
  let run: { words: string[]; weight: number } | undefined;
  covered.forEach((weight, i) => {
    if (weight > 0) {
      run ??= { words: [], weight: 0 };
      run.words.push(words[i].written.toLowerCase());
      run.weight += weight;
    } else if (run) {
      runs.push({ text: phrase(run.words), weight: run.weight });
      run = undefined;
    }
  });
  if (run) runs.push({ text: phrase(run.words), weight: run.weight });
  const shared = runs
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 3)
    .map((r) => r.text);
  return { ...best, shared };
}

/** Whether a responsibility only supports others ("Phối hợp với …"), and the agencies it names as coordinators. */
export function rolesIn(responsibility: string, extra: string[] = []): { supporting: boolean; coordinators: string[] } {
  const supporting = /^(?:chủ động\s+)?phối hợp/iu.test(responsibility.trim());
  return { supporting, coordinators: supporting ? [] : proseRoles(responsibility, extra).coordinators };
}
