import { agencyKey } from '../workflows/subject-state';
import { resolverFor } from '../plan/agencies';
import type { LoadedPlan } from '../plan/load';
import {
  findLoadedPlan,
  focusRows,
  OFFICER_STATUSES,
  periodLabel,
  planSnapshot,
  type OccurrenceRow,
  type OfficerStatus,
  type PlanSnapshot,
  type ReadDeps,
  type SubjectSnapshot,
} from './plan-snapshot';

/** What the Kế hoạch page (and `GET /api/plans/:id/status`) can be narrowed to. */
export interface PlanStatusFilter {
  status?: OfficerStatus;
  /** An agency or a group, as written in the plan's directory (aliases allowed). */
  agency?: string;
  /** An occurrence (period) id, e.g. `2025-six-month`. */
  period?: string;
}

/** One line of the plan's table: a subject in one period. */
export interface PlanStatusRow {
  subject: SubjectSnapshot['subject'];
  key: string;
  title: string;
  shortTitle: string;
  lead: string[];
  coordinators: string[];
  /** The workflow's own status (`SubjectStatus`), when it could be read. */
  workflowStatus?: string;
  problem?: string;
  occurrence?: OccurrenceRow;
  status: OfficerStatus;
}

/** A plan's tasks and deliverables with officers' statuses, filtered, and what the filter form offers. */
export interface PlanStatus {
  plan: {
    id: string;
    number?: string;
    title: string;
    issuer: string;
    focalAgency: string;
    period: { from: string; to: string };
    workflow?: string;
  };
  filter: PlanStatusFilter;
  /** The agency filter as resolved (canonical names), or why it matched nothing. */
  agencyMatch?: { names: string[]; problem?: string };
  rows: PlanStatusRow[];
  /** Counts of every row before filtering by status (so the form can show them). */
  counts: Record<OfficerStatus, number>;
  /** Periods that occur in the plan, due first, for the period filter. */
  periods: { id: string; label: string }[];
  /** Agencies that owe something in the plan, for the agency filter. */
  agencies: string[];
  /** Every occurrence of the subjects that pass the agency filter (for the timeline). */
  timeline: { key: string; shortTitle: string; title: string; occurrence: OccurrenceRow }[];
  now: string;
  snapshot: PlanSnapshot;
}

/** An unknown plan. */
export class PlanNotFoundError extends Error {
  override readonly name = 'PlanNotFoundError';
  constructor(readonly planId: string) {
    super(`Không có kế hoạch "${planId}".`);
  }
}

/** Canonical names an agency filter stands for in the plan's directory (a group stands for its members). */
export function resolveAgencyFilter(loaded: LoadedPlan, name: string): { names: string[]; problem?: string } {
  const resolution = resolverFor(loaded.directory).resolve(name.normalize('NFC').trim());
  if (resolution.agency) return { names: [resolution.agency.name] };
  if (resolution.group) return { names: (resolution.members ?? []).map((a) => a.name) };
  const hint = resolution.suggestions.length ? ` Có phải: ${resolution.suggestions.join('; ')}?` : '';
  return { names: [], problem: `Không có cơ quan "${name}" trong danh bạ của kế hoạch.${hint}` };
}

function involves(s: SubjectSnapshot, keys: Set<string>): boolean {
  return [...s.lead, ...s.coordinators].some((a) => keys.has(agencyKey(a)));
}

function rowsOf(s: SubjectSnapshot, period: string | undefined): PlanStatusRow[] {
  const common = {
    subject: s.subject,
    key: s.key,
    title: s.title,
    shortTitle: s.shortTitle,
    lead: s.lead,
    coordinators: s.coordinators,
    workflowStatus: s.view?.status,
    problem: s.problem,
  };
  if (period) {
    const occurrence = s.occurrences.find((o) => o.id === period);
    return occurrence ? [{ ...common, occurrence, status: occurrence.status }] : [];
  }
  const focus = focusRows(s);
  if (focus.length === 0) return [{ ...common, status: 'not-followed' }];
  return focus.map((occurrence) => ({ ...common, occurrence, status: occurrence.status }));
}

/** Counts of rows per status, every status present. */
export function countByStatus(rows: readonly { status: OfficerStatus }[]): Record<OfficerStatus, number> {
  const counts = Object.fromEntries(OFFICER_STATUSES.map((s) => [s, 0])) as Record<OfficerStatus, number>;
  for (const r of rows) counts[r.status]++;
  return counts;
}

const order = (s: OfficerStatus) => OFFICER_STATUSES.indexOf(s);

/** The plan's table from a snapshot already read (the overview reuses snapshots). */
export function planStatusOf(snapshot: PlanSnapshot, filter: PlanStatusFilter = {}): PlanStatus {
  const { loaded } = snapshot;
  const plan = loaded.plan;
  const agencyMatch = filter.agency ? resolveAgencyFilter(loaded, filter.agency) : undefined;
  const keys = new Set((agencyMatch?.names ?? []).map(agencyKey));
  const subjects = agencyMatch ? snapshot.subjects.filter((s) => involves(s, keys)) : snapshot.subjects;
  const all = subjects.flatMap((s) => rowsOf(s, filter.period));
  const rows = filter.status ? all.filter((r) => r.status === filter.status) : all;

  const periods = new Map<string, { id: string; labels: string[]; at: string }>();
  for (const s of snapshot.subjects)
    for (const o of s.occurrences) {
      const at = o.due?.effective ?? '9999';
      const known = periods.get(o.id);
      if (!known) periods.set(o.id, { id: o.id, labels: [o.label], at });
      else {
        known.labels.push(o.label);
        if (at < known.at) known.at = at;
      }
    }
  const agencies = [...new Set(snapshot.subjects.flatMap((s) => [...s.lead, ...s.coordinators]))].sort((a, b) =>
    a.localeCompare(b, 'vi'),
  );
  const timeline = subjects.flatMap((s) =>
    s.occurrences
      .filter((o) => (filter.period ? o.id === filter.period : true))
      .filter((o) => (filter.status ? o.status === filter.status : true))
      .map((occurrence) => ({ key: s.key, shortTitle: s.shortTitle, title: s.title, occurrence })),
  );
  return {
    plan: {
      id: plan.id,
      number: plan.number,
      title: plan.title,
      issuer: plan.issuer,
      focalAgency: plan.focalAgency,
      period: plan.period,
      workflow: snapshot.planView?.status,
    },
    filter,
    agencyMatch,
    rows: [...rows].sort((a, b) => order(a.status) - order(b.status)),
    counts: countByStatus(all),
    periods: [...periods.values()]
      .sort((a, b) => a.at.localeCompare(b.at))
      .map(({ id, labels }) => ({ id, label: periodLabel(labels) })),
    agencies,
    timeline,
    now: snapshot.now.toISOString(),
    snapshot,
  };
}

/** Reads a plan and its subjects (in parallel) and returns its table; `PlanNotFoundError` for an unknown plan. */
export async function planStatus(deps: ReadDeps, planId: string, filter: PlanStatusFilter = {}): Promise<PlanStatus> {
  const loaded = await findLoadedPlan(deps, planId);
  if (!loaded) throw new PlanNotFoundError(planId);
  return planStatusOf(await planSnapshot(deps, loaded), filter);
}
