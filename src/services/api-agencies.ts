import type { Client } from '@temporalio/client';
import type { Subject } from '../activities/types';
import type { DueDate } from '../deadlines/occurrence';
import type { LoadedPlan } from '../plan/load';
import { agencyNames, listStatus } from './api-status';

/** One report an agency owes now: its plan, task and period, its due date, and whether it is past. */
export interface AgencyDebt {
  planId: string;
  subject: Subject;
  title: string;
  agency: string;
  role: 'lead' | 'coordinators';
  occurrenceId: string;
  label: string;
  due: DueDate;
  overdue: boolean;
}

/**
 * What an agency (or each member of a group) owes across plans, overdue first, then by due date: read from the open
 * periods of the workflows that name it.
 */
export async function agencyDebts(
  client: Client,
  plans: readonly LoadedPlan[],
  name: string,
): Promise<{ agencies: string[]; debts: AgencyDebt[] }> {
  const agencies = agencyNames(plans, name);
  const wanted = new Set(agencies);
  const entries = await listStatus(client, plans, { agency: name });
  const debts: AgencyDebt[] = [];
  for (const e of entries) {
    const view = e.view;
    if (!view) continue;
    for (const occurrence of view.open ?? (view.current ? [view.current] : [])) {
      for (const agency of occurrence.owing) {
        if (!wanted.has(agency)) continue;
        const role = view.lead.includes(agency) ? 'lead' : 'coordinators';
        const due = role === 'lead' ? occurrence.due.lead : (occurrence.due.coordinators ?? occurrence.due.lead);
        debts.push({
          planId: e.planId,
          subject: e.subject,
          title: e.title,
          agency,
          role,
          occurrenceId: occurrence.id,
          label: occurrence.label,
          due,
          overdue: occurrence.overdue.includes(agency),
        });
      }
    }
  }
  debts.sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.due.at.localeCompare(b.due.at));
  return { agencies, debts };
}
