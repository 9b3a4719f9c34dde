import type { NotificationKind } from '../activities/types';

/** One thing that happened in a simulation, for people and for checks. */
export interface TimelineEvent {
  /** ISO instant (simulated time). */
  at: string;
  kind: 'reminder' | 'overdue' | 'escalation' | 'summary' | 'receipt' | 'forward' | 'report' | 'admin' | 'rejected';
  /** Agency names, and for emails their addresses. */
  to: string[];
  addresses?: string[];
  from?: string;
  taskId?: string;
  deliverableId?: string;
  period?: string;
  messageId?: string;
  /** For escalations: the agencies that had not reported; for reports: on time or late. */
  missing?: string[];
  onTime?: boolean;
  detail?: string;
}

/** The timeline event kind of an email kind. */
export function eventKind(kind: NotificationKind): TimelineEvent['kind'] {
  if (kind === 'escalation-lead' || kind === 'escalation-focal') return 'escalation';
  return kind === 'input-forwarded' ? 'forward' : kind;
}

const labels: Record<TimelineEvent['kind'], string> = {
  reminder: 'Nhắc hạn',
  overdue: 'Quá hạn',
  escalation: 'Báo cáo chậm',
  summary: 'Tổng hợp',
  receipt: 'Xác nhận',
  forward: 'Chuyển ý kiến',
  report: 'Báo cáo',
  admin: 'Quản trị',
  rejected: 'Từ chối',
};

/** One line per event, in Vietnamese, in the plan's zone. */
export function formatTimeline(events: TimelineEvent[], zone: string): string {
  const fmt = new Intl.DateTimeFormat('vi-VN', { timeZone: zone, dateStyle: 'short', timeStyle: 'short' });
  return events
    .map((e) => {
      const what = e.taskId ? `NV ${e.taskId}` : e.deliverableId ? `Hạn ${e.deliverableId}` : 'Kế hoạch';
      const who = e.kind === 'report' ? `${e.from} (${e.onTime ? 'đúng hạn' : 'trễ hạn'})` : `→ ${e.to.join('; ')}`;
      const missing = e.missing?.length ? ` [chưa báo cáo: ${e.missing.join('; ')}]` : '';
      return `${fmt.format(new Date(e.at))}  ${labels[e.kind].padEnd(13)} ${what.padEnd(16)} ${(e.period ?? '').padEnd(18)} ${who}${missing}`;
    })
    .join('\n');
}
