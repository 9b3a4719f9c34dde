import { createHash } from 'node:crypto';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Vega-Lite's compile warnings are for chart authors; the specs here are fixed and tested. */
const quiet = vega.logger(vega.None);

/** How many rendered charts are kept (a page's charts change with its data, at most a few times a day). */
const CACHE_SIZE = 200;
const cache = new Map<string, string>();

/** Fonts of the pages, so the chart's text looks like the page around it. */
const FONT = "system-ui, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif";

/** Makes the SVG fit its box and says what it shows (screen readers read `title`; the table beside it has the data). */
function accessible(svg: string, title: string): string {
  const safe = title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  return svg
    .replace(/<svg /, `<svg role="img" aria-label="${safe}" preserveAspectRatio="xMinYMin meet" `)
    .replace(/(<svg[^>]*>)/, `$1<title>${safe}</title>`);
}

/**
 * Renders a Vega-Lite spec to SVG on the server (vega's headless View, no canvas, no browser script), cached by the
 * spec's hash: the same data renders once. The SVG is meant to be inlined in a page (no scripts in it).
 */
export async function renderChart(spec: TopLevelSpec, title: string): Promise<string> {
  const full = {
    ...spec,
    config: { font: FONT, background: 'white', ...(spec as { config?: object }).config },
  } as TopLevelSpec;
  const key = createHash('sha256').update(JSON.stringify(full)).update(title).digest('hex');
  const hit = cache.get(key);
  if (hit !== undefined) {
    // Most recently used last, so the oldest is dropped first.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const view = new vega.View(vega.parse(compile(full, { logger: quiet }).spec), {
    renderer: 'none',
    logLevel: vega.None,
  });
  try {
    const svg = accessible(await view.toSVG(), title);
    cache.set(key, svg);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    return svg;
  } finally {
    view.finalize();
  }
}

/** For tests and benches: how many charts are cached, and forgetting them. */
export const chartCache = {
  size: () => cache.size,
  clear: () => cache.clear(),
};

/** A chart for wide screens and one drawn for a phone's width (pages show one or the other by CSS, no script). */
export async function renderResponsive(
  make: (width: number) => TopLevelSpec,
  widths: { wide: number; narrow: number },
  title: string,
): Promise<{ wide: string; narrow: string }> {
  const [wide, narrow] = await Promise.all([
    renderChart(make(widths.wide), title),
    renderChart(make(widths.narrow), title),
  ]);
  return { wide, narrow };
}
