import type { OfficerStatus } from '../../services/plan-snapshot';

/** One colour per officers' status, the same in every chart and badge (red late, green done, blue running). */
export const STATUS_COLORS: Record<OfficerStatus, string> = {
  overdue: '#b3261e',
  'due-soon': '#9a6700',
  'in-progress': '#0b5cad',
  late: '#c05600',
  'on-time': '#1e7b34',
  'not-followed': '#8a94a3',
};
