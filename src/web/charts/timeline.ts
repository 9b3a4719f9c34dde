import type { TopLevelSpec } from 'vega-lite';
import { OFFICER_STATUSES, OFFICER_STATUS_VI, type OccurrenceRow } from '../../services/plan-snapshot';
import { STATUS_COLORS } from './colors';

/** One occurrence on the timeline. */
export interface TimelineItem {
  /** Row of the chart: the task number ("NV 2.4.1"). */
  row: string;
  occurrence: Pick<OccurrenceRow, 'id' | 'label' | 'status' | 'due' | 'extendedTo'>;
}

const KIND_VI = { nominal: 'Hạn theo kế hoạch', effective: 'Hạn thực tế (ngày làm việc)', extended: 'Hạn gia hạn' };

/**
 * The plan's timeline (pure): one row per task, a mark per due date — as the plan set it (hollow), as it falls on a
 * working day (filled), as extended (triangle, joined to the date it moved from) — coloured by status, today marked.
 */
export function timelineSpec(
  items: readonly TimelineItem[],
  today: string,
  rows: readonly string[],
  options: { width?: number } = {},
): TopLevelSpec {
  const width = options.width ?? 760;
  const narrow = width < 500;
  const points: Record<string, string>[] = [];
  const moves: Record<string, string>[] = [];
  for (const { row, occurrence: o } of items) {
    if (!o.due) continue;
    const status = OFFICER_STATUS_VI[o.status];
    const add = (kind: keyof typeof KIND_VI, date: string) =>
      points.push({ row, label: o.label, kind: KIND_VI[kind], date, status });
    if (o.due.nominal !== o.due.effective) add('nominal', o.due.nominal);
    add('effective', o.due.effective);
    if (o.extendedTo) {
      add('extended', o.extendedTo.effective);
      moves.push({ row, from: o.due.effective, to: o.extendedTo.effective, status });
    }
  }
  const shown = rows.filter((r) => points.some((p) => p.row === r));
  const y = {
    field: 'row',
    type: 'nominal' as const,
    sort: shown,
    title: null,
    axis: { labelLimit: 160, labelFontSize: 11 },
    scale: { domain: shown },
  };
  const x = {
    field: 'date',
    type: 'temporal' as const,
    scale: { type: 'utc' as const, padding: 14 },
    title: null,
    axis: {
      format: narrow ? '%d/%m' : '%d/%m/%Y',
      labelAngle: 0,
      labelOverlap: true,
      grid: true,
      tickCount: narrow ? 4 : 6,
    },
  };
  const color = {
    field: 'status',
    type: 'nominal' as const,
    title: 'Trạng thái',
    scale: {
      domain: OFFICER_STATUSES.map((s) => OFFICER_STATUS_VI[s]),
      range: OFFICER_STATUSES.map((s) => STATUS_COLORS[s]),
    },
    legend: { orient: 'bottom' as const, columns: narrow ? 1 : 2, labelLimit: 220 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width,
    height: { step: 22 },
    layer: [
      {
        data: { values: moves },
        mark: { type: 'rule', strokeWidth: 2, strokeDash: [4, 3] },
        encoding: { y, x: { ...x, field: 'from' }, x2: { field: 'to' }, color },
      },
      {
        data: { values: points },
        mark: { type: 'point', size: 90, strokeWidth: 2, opacity: 1 },
        encoding: {
          y,
          x,
          color,
          shape: {
            field: 'kind',
            type: 'nominal',
            title: 'Mốc',
            scale: {
              domain: [KIND_VI.nominal, KIND_VI.effective, KIND_VI.extended],
              range: ['circle', 'circle', 'triangle-right'],
            },
            // The page says what each shape means: a legend cannot show hollow and filled circles apart.
            legend: null,
          },
          fill: {
            condition: {
              test: `datum.kind !== '${KIND_VI.nominal}'`,
              field: 'status',
              type: 'nominal',
              scale: color.scale,
            },
            value: 'white',
          },
        },
      },
      {
        data: { values: [{ date: today, text: 'Hôm nay' }] },
        layer: [
          { mark: { type: 'rule', color: '#b3261e', strokeWidth: 2 }, encoding: { x } },
          {
            mark: { type: 'text', color: '#b3261e', dy: -6, align: 'left', dx: 3, fontWeight: 'bold' },
            encoding: { x, y: { value: 0 }, text: { field: 'text' } },
          },
        ],
      },
    ],
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec;
}
