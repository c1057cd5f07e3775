// Charts as Vega-Lite specs: plain JSON objects that say what to draw (data, marks, encodings). Building one needs
// no Vega; render.ts turns a spec into SVG, and a page can hand it to vega-embed.

/** A Vega-Lite spec (kept loose: the builders below are the typed part). */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const LN2 = Math.LN2;
const WIDTH = 300;
const HEIGHT = 170;

const base = (title: string, rest: VegaLiteSpec): VegaLiteSpec => ({
  $schema: SCHEMA,
  title: { text: title, anchor: 'start', fontSize: 14 },
  background: 'white',
  padding: 8,
  config: {
    view: { stroke: '#ddd' },
    axis: { gridColor: '#eee', labelFontSize: 10, titleFontSize: 11 },
    legend: { labelLimit: 420, labelFontSize: 11 },
  },
  ...rest,
});

export interface TrainingPoint {
  /** Which experiment arm (a facet column each). */
  arm: string;
  seed: number;
  step: number;
  /** Mean training loss over the steps since the previous point. */
  loss: number;
  /** Accuracy on the held-out generalisation strings. */
  accuracy: number;
}

/**
 * Loss (log scale, with ln 2 — the loss of a coin flip — marked) and accuracy against training step, one column
 * per arm side by side, one line per seed.
 */
export function trainingCurvesSpec(points: TrainingPoint[], title = 'Training: loss and accuracy by step'): VegaLiteSpec {
  // `first` marks one row per arm, so the ln 2 rule and its label are drawn once per panel, not once per point.
  const seen = new Set<string>();
  const data = points.map((p) => {
    const first = !seen.has(p.arm);
    seen.add(p.arm);
    return { ...p, seed: `seed ${p.seed}`, loss: Math.max(p.loss, 1e-6), first };
  });
  const arms = [...new Set(points.map((p) => p.arm))];
  const column = { field: 'arm', type: 'nominal', title: null, sort: arms, header: { labelFontSize: 12, labelFontWeight: 'bold' } };
  const x = { field: 'step', type: 'quantitative', title: 'training step' };
  const color = { field: 'seed', type: 'nominal', title: 'seed' };
  return base(title, {
    data: { values: data },
    vconcat: [
      {
        facet: { column },
        spec: {
          width: WIDTH,
          height: HEIGHT,
          layer: [
            {
              mark: { type: 'line', strokeWidth: 1.5, clip: true },
              encoding: { x, y: { field: 'loss', type: 'quantitative', title: 'training loss (log)', scale: { type: 'log' } }, color },
            },
            {
              transform: [{ filter: 'datum.first' }],
              mark: { type: 'rule', strokeDash: [4, 3], color: '#888' },
              encoding: { y: { datum: LN2 } },
            },
            {
              transform: [{ filter: 'datum.first' }],
              mark: { type: 'text', align: 'left', dx: 3, dy: -6, color: '#666', fontSize: 10 },
              encoding: { x: { datum: 0 }, y: { datum: LN2 }, text: { value: 'ln 2 (chance)' } },
            },
          ],
        },
        resolve: { scale: { x: 'independent' } },
      },
      {
        facet: { column },
        spec: {
          width: WIDTH,
          height: HEIGHT,
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: {
            x,
            y: { field: 'accuracy', type: 'quantitative', title: 'held-out accuracy', scale: { domain: [0, 1] }, axis: { format: '%' } },
            color,
          },
        },
        resolve: { scale: { x: 'independent' } },
      },
    ],
  });
}

export interface LengthPoint {
  /** One line each: an arm, a model, a setting. */
  series: string;
  length: number;
  accuracy: number;
}

/** Accuracy against string length (log scale), one line per series; 50% is chance. */
export function lengthAccuracySpec(points: LengthPoint[], title = 'Accuracy by string length'): VegaLiteSpec {
  const series = [...new Set(points.map((p) => p.series))];
  const x = { field: 'length', type: 'quantitative', title: 'string length (bits, log scale)', scale: { type: 'log' } };
  const y = { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] }, axis: { format: '%' } };
  const color = { field: 'series', type: 'nominal', title: null, sort: series };
  return base(title, {
    width: 2 * WIDTH,
    height: 2 * HEIGHT,
    data: { values: points },
    layer: [
      { data: { values: [{}] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#888' }, encoding: { y: { datum: 0.5 } } },
      { mark: { type: 'line', point: true, strokeWidth: 1.5 }, encoding: { x, y, color } },
    ],
  });
}

export interface StepGradientPoint {
  series: string;
  t: number;
  /** |dL/dh_t|, mean over strings. */
  value: number;
}

/** |dL/dh_t| against the time step t (log scale): how much gradient reaches each bit. */
export function gradientByStepSpec(points: StepGradientPoint[], title = 'Gradient reaching each time step, |dL/dh_t|'): VegaLiteSpec {
  const series = [...new Set(points.map((p) => p.series))];
  return base(title, {
    width: 2 * WIDTH,
    height: 2 * HEIGHT,
    data: { values: points.filter((p) => p.value > 0) },
    mark: { type: 'line', point: { size: 14 }, strokeWidth: 1.5 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'time step t (bit position; the loss is read after the last bit)' },
      y: { field: 'value', type: 'quantitative', title: '|dL/dh_t| (log scale)', scale: { type: 'log' }, axis: { format: '.0e' } },
      color: { field: 'series', type: 'nominal', title: null, sort: series },
    },
  });
}

export interface ProbePoint {
  arm: string;
  step: number;
  length: number;
  loss: number;
}

/**
 * Loss on probe strings of each length during training (linear scale, ln 2 marked), one column per run: which
 * lengths a model learns first. Loss above ln 2 is clipped at 0.8.
 */
export function probeSpec(points: ProbePoint[], title = 'Loss on probe strings by length during training'): VegaLiteSpec {
  const arms = [...new Set(points.map((p) => p.arm))];
  const seen = new Set<string>();
  const data = points.map((p) => {
    const first = !seen.has(p.arm);
    seen.add(p.arm);
    return { ...p, loss: Math.min(p.loss, 0.8), first };
  });
  return base(title, {
    data: { values: data },
    facet: { field: 'arm', type: 'nominal', title: null, sort: arms, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
    columns: 3,
    spec: {
      width: WIDTH,
      height: HEIGHT + 40,
      layer: [
        {
          transform: [{ filter: 'datum.first' }],
          mark: { type: 'rule', strokeDash: [4, 3], color: '#888' },
          encoding: { y: { datum: LN2 } },
        },
        {
          mark: { type: 'line', strokeWidth: 1.5, clip: true },
          encoding: {
            x: { field: 'step', type: 'quantitative', title: 'training step' },
            y: { field: 'loss', type: 'quantitative', title: 'loss on probe strings (ln 2 dashed)', scale: { domain: [0, 0.8] } },
            color: { field: 'length', type: 'ordinal', title: 'length', scale: { scheme: 'viridis' } },
          },
        },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  });
}

export interface SweepChartRow {
  setting: string;
  successRate: number;
  runs: number;
  /** Median seconds to solve among solved runs, or null. */
  medianSeconds: number | null;
}

/** Success rate per setting, and median time to solve beside it. */
export function sweepSpec(rows: SweepChartRow[], title = 'Sweep: success rate and time to solve per setting'): VegaLiteSpec {
  const order = rows.map((r) => r.setting);
  const y = { field: 'setting', type: 'nominal', title: null, sort: order };
  const height = Math.max(60, 18 * rows.length);
  return base(title, {
    data: { values: rows.map((r) => ({ ...r, label: `${Math.round(r.successRate * 100)}% of ${r.runs}` })) },
    hconcat: [
      {
        width: WIDTH,
        height,
        layer: [
          {
            mark: { type: 'bar', color: '#4c78a8' },
            encoding: { y, x: { field: 'successRate', type: 'quantitative', title: 'success rate', scale: { domain: [0, 1] }, axis: { format: '%' } } },
          },
          {
            mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 },
            encoding: { y, x: { field: 'successRate', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
      {
        width: WIDTH,
        height,
        transform: [{ filter: 'datum.medianSeconds != null' }],
        mark: { type: 'bar', color: '#f58518' },
        encoding: {
          y: { ...y, axis: null },
          x: { field: 'medianSeconds', type: 'quantitative', title: 'median seconds to solve (solved runs)' },
        },
      },
    ],
  });
}
