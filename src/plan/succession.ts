import { agencyKey, resolverFor } from './agencies';
import type { Agency, Directory } from './schema';

/** One step of a succession as it applied: `from` passed its duties (or a share) to `to` on `date`. */
export interface SuccessionStep {
  from: string;
  to: string[];
  date: string;
  basis: string;
  note?: string;
  /** A split whose share for the duty could not be told from its text: every successor got it. */
  undetermined?: boolean;
  /** The successor is a group with no members yet: the duty stays with `from` until the officer lists them. */
  pending?: boolean;
}

/** Who holds an agency's duties on a day, and how they got there. */
export interface Holders {
  /** Agencies of the directory holding the duty (the agency itself when nothing succeeded it). */
  agencies: Agency[];
  /** The steps followed, oldest first; empty when the agency is unchanged on that day. */
  steps: SuccessionStep[];
}

/** The successions of an agency as one list: a merger or rename is a split with one successor and no share. */
export function successionsOf(
  agency: Agency,
): { by: string; from: string; basis: string; note?: string; share?: string }[] {
  return agency.successor ? [agency.successor] : (agency.successors ?? []);
}

/** Phrases of a share ("báo chí, xuất bản; thông tin đối ngoại") as matching keys. */
function sharePhrases(share: string): string[] {
  return share
    .split(/[,;]|\s+và\s+/u)
    .map((p) => agencyKey(p))
    .filter((p) => p.length > 2);
}

/** The successors of a split that `duty` (a task's title and content) falls under; all when it cannot be told. */
function pick<T extends { share?: string }>(
  successors: T[],
  duty: string | undefined,
): { chosen: T[]; undetermined: boolean } {
  if (successors.length <= 1) return { chosen: successors, undetermined: false };
  const text = ` ${agencyKey(duty ?? '')} `;
  const chosen = successors.filter((s) => sharePhrases(s.share ?? '').some((p) => text.includes(` ${p} `)));
  return chosen.length > 0 ? { chosen, undetermined: false } : { chosen: successors, undetermined: true };
}

/**
 * The agencies that hold `agency`'s duties on `date` (YYYY-MM-DD), following chains (A → B → C) whose dates have
 * come; a split gives the successors whose share `duty` names, or all of them when none is named. A successor that
 * is a group stands for its members. Unknown names and cycles stop the walk where they are.
 */
export function successorOn(directory: Directory, agency: string, date: string, duty?: string): Holders {
  const resolver = resolverFor(directory);
  const start = resolver.resolve(agency).agency;
  if (!start) return { agencies: [], steps: [] };
  const steps: SuccessionStep[] = [];
  const result: Agency[] = [];
  const walk = (current: Agency, seen: Set<Agency>) => {
    const due = successionsOf(current).filter((s) => s.from <= date);
    if (due.length === 0 || seen.has(current)) {
      if (!result.includes(current)) result.push(current);
      return;
    }
    const { chosen, undetermined } = pick(due, duty);
    const next: Agency[] = [];
    for (const s of chosen) {
      const resolution = resolver.resolve(s.by);
      for (const a of resolution.agency ? [resolution.agency] : (resolution.members ?? []))
        if (!next.includes(a)) next.push(a);
    }
    steps.push({
      from: current.name,
      to: chosen.map((s) => resolver.canonical(s.by) ?? s.by),
      date: due.map((s) => s.from).sort()[0],
      basis: [...new Set(chosen.map((s) => s.basis))].join('; '),
      note: [...new Set(chosen.map((s) => s.note).filter(Boolean))].join(' ') || undefined,
      undetermined: undetermined || undefined,
      pending: next.length === 0 || undefined,
    });
    // A successor group without members (communes the officer has not listed yet) leaves the duty where it was.
    if (next.length === 0) {
      if (!result.includes(current)) result.push(current);
      return;
    }
    for (const a of next) walk(a, new Set([...seen, current]));
  };
  walk(start, new Set());
  return { agencies: result, steps };
}

/** The name(s) `agency` goes by on `date`: its successors' canonical names joined by "; ", or its own. */
export function nameOn(directory: Directory, agency: string, date: string, duty?: string): string {
  const { agencies } = successorOn(directory, agency, date, duty);
  return agencies.length > 0 ? agencies.map((a) => a.name).join('; ') : agency;
}

/** The first succession date of an agency after `after` and on or before `until`, if any. */
function firstChange(directory: Directory, agency: string, until: string): string | undefined {
  const found = resolverFor(directory).resolve(agency).agency;
  if (!found) return undefined;
  const dates = successionsOf(found)
    .map((s) => s.from)
    .filter((d) => d <= until)
    .sort();
  return dates[0];
}

/** "1/3/2025" from `2025-03-01` (the unpadded form the emails and summaries use). */
export function shortDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d}/${m}/${y}`;
}

/**
 * How a summary of a period ending `until` names an agency: unchanged when nothing succeeded it by then, else
 * "Sở Khoa học và Công nghệ (trước 1/3/2025: Sở Thông tin và Truyền thông)" — the holder at `until`, then the name
 * the reports before the date were filed under.
 */
export function displayName(directory: Directory, agency: string, until: string, duty?: string): string {
  const date = firstChange(directory, agency, until);
  if (!date) return agency;
  const now = nameOn(directory, agency, until, duty);
  return now === agency ? agency : `${now} (trước ${shortDate(date)}: ${agency})`;
}

/** One Vietnamese sentence per step: who took over from whom, since when, on which basis (for emails and warnings). */
export function describeSteps(steps: SuccessionStep[]): string[] {
  return steps
    .filter((s) => !s.pending)
    .map((s) => {
      const to = s.to.join(', ');
      const split = s.undetermined
        ? ` Danh bạ không xác định được phần việc này thuộc cơ quan nào nên thư gửi tất cả các cơ quan tiếp nhận.`
        : '';
      return `Từ ngày ${shortDate(s.date)}, ${to} tiếp nhận nhiệm vụ của ${s.from} (căn cứ: ${s.basis}).${split}`;
    });
}
