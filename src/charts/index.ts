// parity-lstm/charts: Vega-Lite specs for training curves, accuracy by length, gradients, probes and sweeps, and
// renderSvg, the only code of the package that loads Vega.

export { trainingCurvesSpec, lengthAccuracySpec, gradientByStepSpec, probeSpec, sweepSpec, type VegaLiteSpec,
  type TrainingPoint, type LengthPoint, type StepGradientPoint, type ProbePoint, type SweepChartRow } from './specs.js';
export { renderSvg } from './render.js';
