import type { ReportKind } from './rule';

/** A due date as the plan says it and as it falls after moving off weekends and holidays. */
export interface DueDate {
  /** `YYYY-MM-DD` the text gives. */
  nominal: string;
  /** `YYYY-MM-DD` after the working-day rule (Bộ luật Dân sự 2015 Art. 148). */
  effective: string;
  /** ISO instant at which the due date has passed (end of the effective day in the plan's zone). */
  at: string;
}

/** Who a step is about: the coordinators' input to the lead, or the lead's report to the focal agency. */
export type Party = 'coordinators' | 'lead';

/** One scheduled action of an occurrence; the workflow sends it only to parties that still owe. */
export interface ScheduledStep {
  /** ISO instant. */
  at: string;
  /** reminder: before due; overdue: notice to the late party; escalation: coordinators late → lead told, lead late → focal agency (n=1) then reportsTo (n≥2) told. */
  kind: 'reminder' | 'overdue' | 'escalation';
  party: Party;
  /** 1-based count of this kind for this party in the occurrence; part of each email's idempotency key. */
  n: number;
}

/** One thing owed once by a task's agencies: a periodic report, the task's completion, or a one-off deliverable. */
export interface Occurrence {
  /** Stable within the task, used as the period id: e.g. `2025-six-month`, `2025-annual`, `completion`, `deliverable-2019-04-10`. */
  id: string;
  kind: 'report' | 'completion' | 'deliverable';
  reportKind?: ReportKind;
  /** Vietnamese label for people: "Báo cáo 6 tháng năm 2025". */
  label: string;
  /** The plan deadline (or `timeframe`) it comes from. */
  source: string;
  /** Data window the report covers, `YYYY-MM-DD` inclusive. */
  window?: { from: string; to: string };
  /** Per level: coordinators owe the lead before the lead owes the focal agency. */
  due: { coordinators?: DueDate; lead: DueDate; focal?: DueDate };
  /** Time-ordered. */
  steps: ScheduledStep[];
}
