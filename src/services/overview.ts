import { countByStatus, planStatusOf } from './plan-status';
import {
  mapLimit,
  planSnapshot,
  type OccurrenceRow,
  type OfficerStatus,
  type PlanSnapshot,
  type ReadDeps,
} from './plan-snapshot';

/** How far ahead the overview lists deadlines. */
export const OVERVIEW_DAYS = 14;

/** One due date of the coming days. */
export interface UpcomingDeadline {
  planId: string;
  key: string;
  title: string;
  occurrence: Pick<OccurrenceRow, 'id' | 'label' | 'status' | 'owing'>;
  /** YYYY-MM-DD, effective (after extensions). */
  due: string;
  /** Who owes by that date: the lead, or the coordinators (their input to the lead). */
  party: 'lead' | 'coordinators';
}

/** The Tổng quan page: every plan with counts by status, and what falls due in the next `OVERVIEW_DAYS` days. */
export interface Overview {
  plans: {
    id: string;
    number?: string;
    title: string;
    period: { from: string; to: string };
    subjects: number;
    counts: Record<OfficerStatus, number>;
    /** Subjects whose state could not be read (not started, no worker …). */
    unavailable: number;
  }[];
  totals: Record<OfficerStatus, number>;
  upcoming: UpcomingDeadline[];
  now: string;
  /** The snapshots read, for callers that show more of them. */
  snapshots: PlanSnapshot[];
}

/** Deadlines of the rows that still owe something, from `now` to `days` ahead. */
function upcomingOf(snapshot: PlanSnapshot, days: number): UpcomingDeadline[] {
  const now = snapshot.now.getTime();
  const until = now + days * 86_400_000;
  const out: UpcomingDeadline[] = [];
  for (const s of snapshot.subjects) {
    for (const o of s.occurrences) {
      if (o.phase !== 'open' && o.phase !== 'upcoming') continue;
      if (o.status === 'not-followed') continue;
      const candidates: { party: 'lead' | 'coordinators'; due?: { effective: string; at: string } }[] = [
        { party: 'coordinators', due: o.coordinatorsDue },
        { party: 'lead', due: o.leadDue },
      ];
      for (const c of candidates) {
        if (!c.due) continue;
        const at = Date.parse(c.due.at);
        if (at < now || at > until) continue;
        out.push({
          planId: snapshot.loaded.plan.id,
          key: s.key,
          title: s.title,
          occurrence: { id: o.id, label: o.label, status: o.status, owing: o.owing },
          due: c.due.effective,
          party: c.party,
        });
      }
    }
  }
  return out;
}

/** Reads every plan (a few at a time; each plan's subjects in parallel) into the overview. */
export async function overview(deps: ReadDeps, days = OVERVIEW_DAYS): Promise<Overview> {
  const plans = await deps.plans();
  const snapshots = await mapLimit(plans, 2, (loaded) => planSnapshot(deps, loaded));
  const entries = snapshots.map((snapshot) => {
    const status = planStatusOf(snapshot);
    return {
      id: status.plan.id,
      number: status.plan.number,
      title: status.plan.title,
      period: status.plan.period,
      subjects: snapshot.subjects.length,
      counts: status.counts,
      unavailable: snapshot.subjects.filter((s) => s.problem).length,
      rows: status.rows,
    };
  });
  return {
    plans: entries.map(({ rows: _rows, ...rest }) => rest),
    totals: countByStatus(entries.flatMap((e) => e.rows)),
    upcoming: snapshots
      .flatMap((s) => upcomingOf(s, days))
      .sort((a, b) => a.due.localeCompare(b.due) || a.planId.localeCompare(b.planId)),
    now: (snapshots[0]?.now ?? (deps.clock ?? (() => new Date()))()).toISOString(),
    snapshots,
  };
}
