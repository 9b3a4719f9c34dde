import type { NotificationKind } from '../activities/types';

/** One thing that happened in a simulation, for people and for checks. */
export interface TimelineEvent {
  /** ISO instant (simulated time). */
  at: string;
  kind:
    | 'reminder'
    | 'overdue'
    | 'digest'
    | 'escalation'
    | 'summary'
    | 'receipt'
    | 'forward'
    | 'report'
    | 'admin'
    | 'rejected';
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
  /** For digests: what the one email listed (each as its own reminder or overdue notice would have been). */
  items?: DigestEventItem[];
}

/** One reminder or overdue notice listed in a digest. */
export interface DigestEventItem {
  kind: 'reminder' | 'overdue';
  planId: string;
  taskId?: string;
  deliverableId?: string;
  period?: string;
  party?: string;
  /** Effective due date, YYYY-MM-DD. */
  due?: string;
}

/**
 * Every reminder and overdue notice as its own event, whether it went alone or inside a digest (at the digest's time,
 * to its agency): what checks about who was reminded of what read.
 */
export function noticeEvents(events: TimelineEvent[]): TimelineEvent[] {
  return events.flatMap((e): TimelineEvent[] => {
    if (e.kind === 'reminder' || e.kind === 'overdue') return [e];
    if (e.kind !== 'digest') return [];
    return (e.items ?? []).map((item) => ({
      at: e.at,
      kind: item.kind,
      to: e.to,
      addresses: e.addresses,
      ...(item.taskId ? { taskId: item.taskId } : {}),
      ...(item.deliverableId ? { deliverableId: item.deliverableId } : {}),
      period: item.period,
      messageId: e.messageId,
    }));
  });
}
/** The timeline event kind of an email kind. */
export function eventKind(kind: NotificationKind): TimelineEvent['kind'] {
  if (kind === 'escalation-lead' || kind === 'escalation-focal') return 'escalation';
  return kind === 'input-forwarded' ? 'forward' : kind;
}

const labels: Record<TimelineEvent['kind'], string> = {
  reminder: 'Nhắc hạn',
  overdue: 'Quá hạn',
  digest: 'Thư tổng hợp',
  escalation: 'Báo cáo chậm',
  summary: 'Tổng hợp',
  receipt: 'Xác nhận',
  forward: 'Chuyển ý kiến',
  report: 'Báo cáo',
  admin: 'Quản trị',
  rejected: 'Từ chối',
};

/** The items of a digest, one indented line each. */
function digestLines(e: TimelineEvent, indent: number): string[] {
  return (e.items ?? []).map((item) => {
    const what = item.taskId ? `NV ${item.taskId}` : item.deliverableId ? `Hạn ${item.deliverableId}` : '';
    const due = item.due ? `hạn ${item.due.split('-').reverse().join('/')}` : '';
    return `${' '.repeat(indent)}${labels[item.kind].padEnd(13)} ${what.padEnd(16)} ${(item.period ?? '').padEnd(18)} ${due}`.trimEnd();
  });
}

/** One line per event (a digest also one line per item), in Vietnamese, in the plan's zone. */
export function formatTimeline(events: TimelineEvent[], zone: string): string {
  const fmt = new Intl.DateTimeFormat('vi-VN', { timeZone: zone, dateStyle: 'short', timeStyle: 'short' });
  return events
    .map((e) => {
      const what = e.taskId ? `NV ${e.taskId}` : e.deliverableId ? `Hạn ${e.deliverableId}` : 'Kế hoạch';
      const who = e.kind === 'report' ? `${e.from} (${e.onTime ? 'đúng hạn' : 'trễ hạn'})` : `→ ${e.to.join('; ')}`;
      const missing = e.missing?.length ? ` [chưa báo cáo: ${e.missing.join('; ')}]` : '';
      const at = `${fmt.format(new Date(e.at))}  `;
      const line = `${at}${labels[e.kind].padEnd(13)}`;
      if (e.kind === 'digest')
        return [`${line} ${`${e.items?.length ?? 0} việc`.padEnd(35)} ${who}`, ...digestLines(e, at.length + 2)].join(
          '\n',
        );
      return `${line} ${what.padEnd(16)} ${(e.period ?? '').padEnd(18)} ${who}${missing}`;
    })
    .join('\n');
}
