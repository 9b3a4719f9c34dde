import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import type { Subject } from '../activities/types';
import { formatDateWithWeekdayVi } from '../deadlines/dates';
import type { LoadedPlan } from '../plan/load';
import { findPlan, plansFromEnv, resolveAgency, subjectTitle } from '../services/plan-directory';
import { parseWorkflowId, subjectStateQuery, type SubjectStatus, type SubjectView } from '../workflows/contract';
import { statusKey } from '../workflows/search-attributes';
import { CommandError, runCommand, withClient } from './client';

/** What `dondoc status` lists. */
export interface StatusFilter {
  planId?: string;
  /** An agency or group name, aliases allowed; resolved through the plan directories. */
  agency?: string;
  overdue?: boolean;
}

/** One task or deliverable found through visibility, with its queried state. */
export interface StatusEntry {
  workflowId: string;
  planId: string;
  subject: Subject;
  title: string;
  /** The `DondocStatus` search attribute (known even when the query fails). */
  status?: SubjectStatus;
  /** Closed workflows say so here (`COMPLETED`, `TERMINATED` …); running ones `RUNNING`. */
  execution: string;
  view?: SubjectView;
  /** Why the state could not be queried (no worker running, …). */
  queryError?: string;
}

/** Vietnamese names of the statuses, as officers say them. */
export const STATUS_VI: Record<SubjectStatus, string> = {
  active: 'đang theo dõi',
  overdue: 'quá hạn',
  paused: 'tạm dừng',
  completed: 'hoàn thành',
  'ended-missing': 'kết thúc, thiếu báo cáo',
  'not-followed': 'không theo dõi',
  cancelled: 'đã hủy',
};

/** The status as officers read it, saying why nothing was followed. */
export function statusVi(status: SubjectStatus, view?: SubjectView): string {
  if (status !== 'not-followed') return STATUS_VI[status];
  return view?.notFollowed?.length ? 'không theo dõi (bắt đầu sau hạn)' : 'không theo dõi (không có hạn)';
}

const STEP_VI: Record<string, string> = {
  reminder: 'nhắc hạn',
  overdue: 'báo quá hạn',
  escalation: 'báo cáo cấp trên',
};
const PARTY_VI: Record<string, string> = { lead: 'chủ trì', coordinators: 'phối hợp' };

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The visibility query for a filter whose agency is already resolved to canonical names. */
export function statusQuery(filter: { planId?: string; agencies?: string[]; overdue?: boolean }): string {
  const parts = ["DondocKind IN ('task', 'deliverable')", "ExecutionStatus != 'ContinuedAsNew'"];
  if (filter.planId) parts.push(`DondocPlanId = ${quote(filter.planId)}`);
  const agencies = filter.agencies?.length ? `(${filter.agencies.map(quote).join(', ')})` : undefined;
  if (agencies) parts.push(`DondocAgencies IN ${agencies}`);
  if (filter.overdue) parts.push(agencies ? `DondocOverdueAgencies IN ${agencies}` : "DondocStatus = 'overdue'");
  return parts.join(' AND ');
}

/** Canonical agency names for `--agency`: from the filtered plan's directory, else from the first directory that knows it. */
export function agencyNames(plans: readonly LoadedPlan[], name: string, planId?: string): string[] {
  if (planId) return resolveAgency(findPlan(plans, planId), name, true);
  let firstError: Error | undefined;
  const names = new Set<string>();
  for (const loaded of plans) {
    try {
      resolveAgency(loaded, name, true).forEach((n) => names.add(n));
    } catch (err) {
      firstError ??= err as Error;
    }
  }
  if (names.size === 0) throw firstError ?? new CommandError(`không có kế hoạch nào để tra cơ quan "${name}"`);
  return [...names];
}

function compareSubjects(a: StatusEntry, b: StatusEntry): number {
  const key = (e: StatusEntry) => `${e.subject.type === 'task' ? e.subject.taskId : `~${e.subject.deadlineId}`}`;
  return a.planId.localeCompare(b.planId) || key(a).localeCompare(key(b), 'vi', { numeric: true });
}

async function queryView(client: Client, workflowId: string): Promise<SubjectView> {
  return client.withDeadline(Date.now() + 15_000, () => client.workflow.getHandle(workflowId).query(subjectStateQuery));
}

/** The dondoc task and deliverable workflows matching `filter`, each queried for its state (a few at a time). */
export async function listStatus(
  client: Client,
  plans: readonly LoadedPlan[],
  filter: StatusFilter = {},
): Promise<StatusEntry[]> {
  if (filter.planId && !plans.some((p) => p.plan.id === filter.planId) && filter.agency) findPlan(plans, filter.planId);
  const agencies = filter.agency ? agencyNames(plans, filter.agency, filter.planId) : undefined;
  const query = statusQuery({ planId: filter.planId, agencies, overdue: filter.overdue });
  const byId = new Map<string, StatusEntry>();
  for await (const info of client.workflow.list({ query })) {
    const parsed = parseWorkflowId(info.workflowId);
    if (!parsed?.subject) continue;
    const previous = byId.get(info.workflowId);
    if (previous && previous.execution === 'RUNNING') continue;
    const loaded = plans.find((p) => p.plan.id === parsed.planId);
    byId.set(info.workflowId, {
      workflowId: info.workflowId,
      planId: parsed.planId,
      subject: parsed.subject,
      title: subjectTitle(loaded, parsed.subject),
      status: info.typedSearchAttributes.get(statusKey) as SubjectStatus | undefined,
      execution: info.status.name,
    });
  }
  const entries = [...byId.values()].sort(compareSubjects);
  const queue = [...entries];
  const work = async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      try {
        entry.view = await queryView(client, entry.workflowId);
        entry.status = entry.view.status;
      } catch (err) {
        entry.queryError = (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, entries.length) }, work));
  return entries;
}

function dateVi(isoDate: string): string {
  return formatDateWithWeekdayVi(isoDate);
}

function instantVi(iso: string): string {
  return DateTime.fromISO(iso).setZone('Asia/Ho_Chi_Minh').toFormat('HH:mm dd/MM/yyyy');
}

/** Lines for people: one block per task or deliverable. */
export function formatStatus(entries: readonly StatusEntry[]): string[] {
  if (entries.length === 0) return ['Không có nhiệm vụ nào khớp (no matching tasks).'];
  const lines: string[] = [];
  for (const e of entries) {
    const status = e.status
      ? statusVi(e.status, e.view)
      : e.execution === 'RUNNING'
        ? 'đang theo dõi'
        : e.execution.toLowerCase();
    const title = e.title.length > 100 ? `${e.title.slice(0, 99)}…` : e.title;
    lines.push(`${e.planId} · ${title}`);
    lines.push(`  Trạng thái: ${status}`);
    const current = e.view?.current;
    if (current) {
      lines.push(`  Kỳ hiện tại: ${current.label} (${current.id}); hạn chủ trì: ${dateVi(current.due.lead.effective)}`);
      if (current.due.coordinators)
        lines.push(`  Hạn phối hợp gửi chủ trì: ${dateVi(current.due.coordinators.effective)}`);
      const reported = Object.values(current.reported).map((r) => `${r.agency} (${r.onTime ? 'đúng hạn' : 'trễ hạn'})`);
      lines.push(`  Đã báo cáo: ${reported.join('; ') || 'chưa có'}`);
      if (current.owing.length) lines.push(`  Chưa báo cáo: ${current.owing.join('; ')}`);
      if (current.overdue.length) lines.push(`  Quá hạn: ${current.overdue.join('; ')}`);
      if (current.extensions.length) {
        const last = current.extensions[current.extensions.length - 1];
        lines.push(
          `  Gia hạn: ${dateVi(last.from.effective)} → ${dateVi(last.to.effective)} (${last.grantedBy}: ${last.reason})`,
        );
      }
      if (current.nextStep) {
        lines.push(
          `  Nhắc tiếp theo: ${instantVi(current.nextStep.at)} (${STEP_VI[current.nextStep.kind] ?? current.nextStep.kind}, ${PARTY_VI[current.nextStep.party] ?? current.nextStep.party})`,
        );
      }
    } else if (e.view) {
      lines.push('  Không còn kỳ báo cáo đang mở.');
    }
    for (const c of e.view?.closed ?? []) {
      const missing = Object.entries(c.outcomes)
        .filter(([, o]) => o === 'missing')
        .map(([a]) => a);
      if (missing.length) lines.push(`  ${c.label}: đã đóng, thiếu báo cáo của ${missing.join('; ')}`);
    }
    if (e.view?.notFollowed?.length) {
      const list = e.view.notFollowed.map((o) => `${o.label} (hạn ${dateVi(o.leadDue)})`).join('; ');
      lines.push(`  Không theo dõi (đã quá hạn khi bắt đầu theo dõi): ${list}`);
    }
    if (e.view?.paused) lines.push(`  Tạm dừng bởi ${e.view.paused.by}: ${e.view.paused.reason}`);
    if (e.queryError) lines.push(`  (Không đọc được chi tiết: ${e.queryError})`);
  }
  const count = (s: SubjectStatus) => entries.filter((e) => e.status === s).length;
  lines.push('');
  lines.push(
    `Tổng: ${entries.length}; ${(Object.keys(STATUS_VI) as SubjectStatus[]).map((s) => `${STATUS_VI[s]} ${count(s)}`).join('; ')}.`,
  );
  return lines;
}

/** `dondoc status` with the plans of `DONDOC_PLANS_DIR` and the Temporal server of the environment. */
export async function statusCommand(
  filter: StatusFilter,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StatusEntry[]> {
  const plans = await plansFromEnv(env, { planId: filter.planId });
  return withClient((client) => listStatus(client, plans, filter), env);
}

/** Registers `dondoc status`. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Tình hình các nhiệm vụ đang theo dõi: kỳ hiện tại, hạn, ai đã báo cáo, ai quá hạn, lần nhắc tới')
    .option('--plan <id>', 'chỉ kế hoạch này')
    .option('--agency <name>', 'chỉ nhiệm vụ của cơ quan này (tên, tên viết tắt hoặc nhóm)')
    .option('--overdue', 'chỉ nhiệm vụ đang quá hạn')
    .option('--json', 'in dạng JSON')
    .action((options: { plan?: string; agency?: string; overdue?: boolean; json?: boolean }) =>
      runCommand(async () => {
        const entries = await statusCommand({ planId: options.plan, agency: options.agency, overdue: options.overdue });
        if (options.json) console.log(JSON.stringify(entries, null, 2));
        else for (const line of formatStatus(entries)) console.log(line);
      }),
    );
}
