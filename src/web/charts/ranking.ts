import type { TopLevelSpec } from 'vega-lite';
import type { AgencyRate } from '../../services/agency-status';

/** Percent for people: "87,5%". */
export function percentVi(rate: number | undefined): string {
  if (rate === undefined) return '–';
  const value = Math.round(rate * 1000) / 10;
  return `${String(value).replace('.', ',')}%`;
}

/**
 * The ranking of agencies by on-time rate (pure): one bar per agency, best first, its percentage and counts at the
 * end of the bar; `highlight` (an agency's own page) is drawn darker.
 */
export function rankingSpec(
  ranking: readonly AgencyRate[],
  highlight?: string,
  options: { width?: number } = {},
): TopLevelSpec {
  const width = options.width ?? 360;
  const narrow = width < 320;
  const values = ranking.map((r, i) => ({
    agency: `${i + 1}. ${r.agency}`,
    rate: Math.round((r.rate ?? 0) * 1000) / 10,
    text: `${percentVi(r.rate)} (${r.onTime}/${r.owed})`,
    caption: `${i + 1}. ${r.agency}: ${percentVi(r.rate)} (${r.onTime}/${r.owed})`,
    mine: r.agency === highlight,
  }));
  const y = {
    field: 'agency',
    type: 'nominal' as const,
    sort: values.map((v) => v.agency),
    title: null,
    // On a phone the names go above their bars (full width), not beside them.
    axis: narrow ? null : { labelLimit: 300, labelFontSize: 11 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width,
    height: { step: narrow ? 34 : 20 },
    data: { values },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2, ...(narrow ? { size: 10, yOffset: 7 } : {}) },
        encoding: {
          y,
          x: {
            field: 'rate',
            type: 'quantitative',
            title: 'Tỷ lệ đúng hạn (%)',
            scale: { domain: [0, 100] },
            axis: { values: [0, 25, 50, 75, 100] },
          },
          color: {
            condition: { test: 'datum.mine', value: '#073b70' },
            field: 'rate',
            type: 'quantitative',
            scale: { domain: [0, 50, 100], range: ['#b3261e', '#9a6700', '#1e7b34'] },
            legend: null,
          },
        },
      },
      narrow
        ? {
            mark: { type: 'text', align: 'left', baseline: 'bottom', dy: 1, fontSize: 11, color: '#1d2733' },
            encoding: { y, x: { datum: 0, type: 'quantitative' }, text: { field: 'caption' } },
          }
        : {
            mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, color: '#1d2733' },
            encoding: { y, x: { field: 'rate', type: 'quantitative' }, text: { field: 'text' } },
          },
    ],
  } as TopLevelSpec;
}
