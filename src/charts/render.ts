// Vega-Lite spec -> SVG text, the only place that imports Vega. Works in Node (no canvas, no browser) and in
// browsers; Vega and Vega-Lite are imported on first use, so importing this module costs nothing until a render.

import type { VegaLiteSpec } from './specs.js';

/**
 * Renders a spec to SVG text with Vega's headless View (renderer 'none': no canvas is needed for SVG; text widths
 * are estimated). Works in Node and in browsers; Vega and Vega-Lite are imported on first use.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const compiled = vegaLite.compile(spec as any).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
