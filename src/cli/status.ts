import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { formatDateWithWeekdayVi } from '../deadlines/dates';
import { listStatus, type StatusEntry, type StatusFilter } from '../services/api-status';
import { plansFromEnv } from '../services/plan-directory';
import type { SubjectStatus, SubjectView } from '../workflows/contract';
import { runCommand, withClient } from './client';

// The listing and its shape live in src/services/api-status.ts: `dondoc status --json` and the API answer the same.
export {
  agencyNames,
  listStatus,
  statusQuery,
  subjectStatus,
  type StatusEntry,
  type StatusFilter,
} from '../services/api-status';

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
