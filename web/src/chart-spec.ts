// The training-curve chart as a vega-lite spec: pure data, no DOM, so the same spec can render SVG reports in Node
// (vega's View with renderer 'none' and toSVG()) as well as the live canvas chart in the page.
// Long runs: thin the points first (thinPoints), or the renderer draws tens of thousands of segments.
//
// Data: the named dataset `progress` holds long-format rows {step, series, value}, one per metric per progress
// event (see progressRows); `events` holds {step, label} rows drawn as dashed rules (the "solved" moment).

import type { TopLevelSpec } from 'vega-lite';
import type { Progress } from 'parity-lstm';

export const SERIES = {
  loss: 'loss',
  train: 'training accuracy',
  gen: 'generalisation accuracy',
} as const;

export interface ProgressRow {
  step: number;
  series: string;
  value: number;
}

export interface EventRow {
  step: number;
  label: string;
}

/** The part of a progress event the chart draws. */
export type ChartPoint = Pick<Progress, 'step' | 'loss' | 'trainAccuracy' | 'genAccuracy'>;

/** Three rows per progress event. Loss is floored at 1e-9 so its log axis never meets a zero. */
export function progressRows(points: readonly ChartPoint[]): ProgressRow[] {
  const rows: ProgressRow[] = [];
  for (const p of points) {
    rows.push({ step: p.step, series: SERIES.loss, value: Math.max(p.loss, 1e-9) });
    rows.push({ step: p.step, series: SERIES.train, value: p.trainAccuracy });
    rows.push({ step: p.step, series: SERIES.gen, value: p.genAccuracy });
  }
  return rows;
}

const COLORS = { loss: '#6b4fbb', train: '#8aa4c8', gen: '#d9480f', event: '#2b8a3e' };

export function progressSpec(opts: { width: number; lossHeight?: number; accuracyHeight?: number; title?: string }): TopLevelSpec {
  const x = { field: 'step', type: 'quantitative', title: 'training step', axis: { tickMinStep: 1 } } as const;
  const accuracyHeight = opts.accuracyHeight ?? 170;
  // One colour scale over both panels, so one legend names all three curves.
  const color = {
    field: 'series',
    type: 'nominal',
    scale: { domain: [SERIES.loss, SERIES.train, SERIES.gen], range: [COLORS.loss, COLORS.train, COLORS.gen] },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(opts.title ? { title: opts.title } : {}),
    data: { name: 'progress' },
    config: {
      view: { stroke: null },
      font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      axis: { labelColor: '#555', titleColor: '#333', gridColor: '#eceff3', domainColor: '#bbb', tickColor: '#bbb' },
      legend: { labelColor: '#333', orient: 'top', direction: 'horizontal', title: null },
    },
    resolve: { scale: { x: 'shared', color: 'shared' } },
    vconcat: [
      {
        width: opts.width,
        height: opts.lossHeight ?? 120,
        transform: [{ filter: `datum.series === '${SERIES.loss}'` }],
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x: { ...x, title: null },
          y: { field: 'value', type: 'quantitative', title: 'loss (log)', scale: { type: 'log' }, axis: { format: '~g', tickCount: 4 } },
          color,
        },
      },
      {
        width: opts.width,
        height: accuracyHeight,
        layer: [
          {
            transform: [{ filter: `datum.series !== '${SERIES.loss}'` }],
            mark: { type: 'line', strokeWidth: 1.5 },
            encoding: {
              x,
              y: { field: 'value', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
              color,
            },
          },
          {
            data: { name: 'events' },
            mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.5, color: COLORS.event },
            encoding: { x: { field: 'step', type: 'quantitative' } },
          },
          {
            data: { name: 'events' },
            // At the foot of the rule: the accuracy curves are near 100% there by then, so the top is crowded.
            mark: { type: 'text', align: 'right', dx: -5, dy: -5, baseline: 'bottom', fontWeight: 'bold', color: COLORS.event },
            encoding: { x: { field: 'step', type: 'quantitative' }, y: { value: accuracyHeight }, text: { field: 'label' } },
          },
        ],
      },
    ],
  };
}

/**
 * Averages consecutive events in buckets of `stride` (the last one may be partial), so a long run draws as at most a
 * few thousand points; each bucket is drawn at its last step.
 */
export function thinPoints(points: readonly ChartPoint[], stride: number): ChartPoint[] {
  if (stride <= 1) return points.slice();
  const out: ChartPoint[] = [];
  for (let i = 0; i < points.length; i += stride) out.push(meanPoint(points.slice(i, i + stride)));
  return out;
}

export function meanPoint(bucket: readonly ChartPoint[]): ChartPoint {
  const n = bucket.length;
  let loss = 0;
  let trainAccuracy = 0;
  let genAccuracy = 0;
  for (const p of bucket) {
    loss += p.loss;
    trainAccuracy += p.trainAccuracy;
    genAccuracy += p.genAccuracy;
  }
  return { step: bucket[n - 1].step, loss: loss / n, trainAccuracy: trainAccuracy / n, genAccuracy: genAccuracy / n };
}
