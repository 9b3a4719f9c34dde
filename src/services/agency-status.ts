import { resolverFor } from '../plan/agencies';
import { agencyKey } from '../workflows/subject-state';
import {
  DUE_SOON_DAYS,
  mapLimit,
  periodLabel,
  planSnapshot,
  type OfficerStatus,
  type PlanSnapshot,
  type ReadDeps,
} from './plan-snapshot';

/** Something one agency owes. */
export interface AgencyDebt {
  planId: string;
  planTitle: string;
  key: string;
  title: string;
  occurrenceId: string;
  label: string;
  role: 'lead' | 'coordinators';
  /** The agency's own due date (coordinators owe the lead earlier), YYYY-MM-DD effective. */
  due?: string;
  dueAt?: string;
  status: Extract<OfficerStatus, 'overdue' | 'due-soon' | 'in-progress'>;
  extended: boolean;
}

/** An agency's record for one period: reports counted once the period closed or the report came. */
export interface AgencyRate {
  agency: string;
  owed: number;
  onTime: number;
  late: number;
  /** Closed without its report, or past due and still missing. */
  missing: number;
  /** onTime / owed (0…1); undefined when nothing was owed yet. */
  rate?: number;
}

/** The Cơ quan page of one agency. */
export interface AgencyStatus {
  agency: string;
  /** Overdue first, then by due date. */
  owes: AgencyDebt[];
  /** Per period (occurrence id), earliest first. */
  periods: (AgencyRate & { periodId: string; label: string })[];
  total: AgencyRate;
  /** Where this agency stands in the ranking (1-based), when it is ranked. */
  rank?: number;
  ranking: AgencyRate[];
  now: string;
}

/** The ranking of agencies by on-time rate (thi đua), best first, with the plans it covers. */
export interface AgencyRanking {
  ranking: AgencyRate[];
  /** Every agency that owes something, for the list of agencies. */
  agencies: { agency: string; owing: number; overdue: number }[];
  plans: { id: string; title: string }[];
  now: string;
}

/** One counted obligation: an agency's part in one occurrence that is settled (or past due). */
interface Outcome {
  agency: string;
  planId: string;
  periodId: string;
  label: string;
  outcome: 'on-time' | 'late' | 'missing';
}

/** Outcomes of every agency in a snapshot: closed periods' outcomes; open periods' reports and overdue parties. */
export function outcomesOf(snapshot: PlanSnapshot): Outcome[] {
  const planId = snapshot.loaded.plan.id;
  const out: Outcome[] = [];
  for (const s of snapshot.subjects) {
    for (const o of s.occurrences) {
      const add = (agency: string, outcome: Outcome['outcome']) =>
        out.push({ agency, planId, periodId: o.id, label: o.label, outcome });
      if (o.phase === 'closed' && o.outcomes) {
        for (const [agency, outcome] of Object.entries(o.outcomes)) add(agency, outcome);
      } else if (o.phase === 'open') {
        for (const r of o.reported) add(r.agency, r.onTime ? 'on-time' : 'late');
        for (const agency of o.overdue) add(agency, 'missing');
      }
    }
  }
  return out;
}

function rateOf(agency: string, outcomes: readonly Outcome[]): AgencyRate {
  const onTime = outcomes.filter((o) => o.outcome === 'on-time').length;
  const late = outcomes.filter((o) => o.outcome === 'late').length;
  const missing = outcomes.filter((o) => o.outcome === 'missing').length;
  const owed = onTime + late + missing;
  return { agency, owed, onTime, late, missing, rate: owed ? onTime / owed : undefined };
}

/** Agencies by on-time rate, best first; ties by more reports owed, then by name. */
export function rankAgencies(outcomes: readonly Outcome[]): AgencyRate[] {
  const by = new Map<string, Outcome[]>();
  for (const o of outcomes) by.set(o.agency, [...(by.get(o.agency) ?? []), o]);
  return [...by.entries()]
    .map(([agency, list]) => rateOf(agency, list))
    .filter((r) => r.owed > 0)
    .sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0) || b.owed - a.owed || a.agency.localeCompare(b.agency, 'vi'));
}

/** What one agency still owes in a snapshot: open periods it has not reported, and each subject's next period. */
export function debtsOf(snapshot: PlanSnapshot, agency: string): AgencyDebt[] {
  const key = agencyKey(agency);
  const now = snapshot.now.getTime();
  const out: AgencyDebt[] = [];
  for (const s of snapshot.subjects) {
    const role = s.lead.some((a) => agencyKey(a) === key)
      ? 'lead'
      : s.coordinators.some((a) => agencyKey(a) === key)
        ? 'coordinators'
        : undefined;
    if (!role || s.view?.cancelled) continue;
    const open = s.occurrences.filter((o) => o.phase === 'open');
    const next = s.occurrences.find((o) => o.phase === 'upcoming');
    for (const o of [...open, ...(next ? [next] : [])]) {
      if (o.phase === 'open' && !o.owing.some((a) => agencyKey(a) === key)) continue;
      const due = role === 'coordinators' ? (o.coordinatorsDue ?? o.leadDue) : o.leadDue;
      const overdue = o.overdue.some((a) => agencyKey(a) === key);
      const soon = !!due && Date.parse(due.at) - now <= DUE_SOON_DAYS * 86_400_000;
      out.push({
        planId: snapshot.loaded.plan.id,
        planTitle: snapshot.loaded.plan.title,
        key: s.key,
        title: s.title,
        occurrenceId: o.id,
        label: o.label,
        role,
        due: due?.effective,
        dueAt: due?.at,
        status: overdue ? 'overdue' : soon ? 'due-soon' : 'in-progress',
        extended: o.extensions.length > 0,
      });
    }
  }
  return out;
}

const debtOrder = { overdue: 0, 'due-soon': 1, 'in-progress': 2 } as const;

async function snapshots(deps: ReadDeps, planId?: string): Promise<PlanSnapshot[]> {
  const plans = (await deps.plans()).filter((p) => !planId || p.plan.id === planId);
  return mapLimit(plans, 2, (loaded) => planSnapshot(deps, loaded));
}

/** The ranking of every agency across plans (or one plan), and the agencies that owe something. */
export async function agencyRanking(deps: ReadDeps, filter: { planId?: string } = {}): Promise<AgencyRanking> {
  const read = await snapshots(deps, filter.planId);
  return rankingOf(read);
}

/** `agencyRanking` from snapshots already read. */
export function rankingOf(read: readonly PlanSnapshot[]): AgencyRanking {
  const outcomes = read.flatMap(outcomesOf);
  const names = new Set(read.flatMap((s) => s.subjects.flatMap((x) => [...x.lead, ...x.coordinators])));
  const agencies = [...names]
    .map((agency) => {
      const debts = read.flatMap((s) => debtsOf(s, agency));
      return {
        agency,
        owing: debts.length,
        overdue: debts.filter((d) => d.status === 'overdue').length,
      };
    })
    .sort((a, b) => b.overdue - a.overdue || a.agency.localeCompare(b.agency, 'vi'));
  return {
    ranking: rankAgencies(outcomes),
    agencies,
    plans: read.map((s) => ({ id: s.loaded.plan.id, title: s.loaded.plan.title })),
    now: (read[0]?.now ?? new Date()).toISOString(),
  };
}

/** The canonical name `name` stands for: as listed in a plan, else through a plan directory's aliases. */
export function canonicalAgency(read: readonly PlanSnapshot[], name: string): string | undefined {
  const key = agencyKey(name);
  for (const s of read)
    for (const x of s.subjects) {
      const found = [...x.lead, ...x.coordinators].find((a) => agencyKey(a) === key);
      if (found) return found;
    }
  for (const s of read) {
    const agency = resolverFor(s.loaded.directory).resolve(name.normalize('NFC')).agency;
    if (agency) return agency.name;
  }
  return undefined;
}

/** Everything one agency owes across plans (overdue first), its on-time rate per period and its rank. */
export async function agencyStatus(
  deps: ReadDeps,
  name: string,
  filter: { planId?: string } = {},
): Promise<AgencyStatus | undefined> {
  const read = await snapshots(deps, filter.planId);
  const agency = canonicalAgency(read, name);
  if (!agency) return undefined;
  const key = agencyKey(agency);
  const owes = read
    .flatMap((s) => debtsOf(s, agency))
    .sort((a, b) => debtOrder[a.status] - debtOrder[b.status] || (a.due ?? '9999').localeCompare(b.due ?? '9999'));
  const outcomes = read.flatMap(outcomesOf);
  const mine = outcomes.filter((o) => agencyKey(o.agency) === key);
  const periodIds = [...new Set(mine.map((o) => o.periodId))];
  const periods = periodIds.map((periodId) => {
    const list = mine.filter((o) => o.periodId === periodId);
    return { periodId, label: periodLabel(list.map((o) => o.label)), ...rateOf(agency, list) };
  });
  const ranking = rankAgencies(outcomes);
  const rank = ranking.findIndex((r) => agencyKey(r.agency) === key);
  return {
    agency,
    owes,
    periods,
    total: rateOf(agency, mine),
    rank: rank >= 0 ? rank + 1 : undefined,
    ranking,
    now: (read[0]?.now ?? new Date()).toISOString(),
  };
}
