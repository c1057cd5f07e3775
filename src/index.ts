// parity-lstm: an LSTM (or RNN) that learns the parity of bit strings, on a WebAssembly SIMD core.
// The same entry point runs in Node, browsers and workers; nothing here imports node:*.

export { ParityError } from './errors.js';
export { type CellKind, type TensorSpec, tensorLayout, paramCount, gateCount, TENSOR_NAMES } from './layout.js';
export {
  Model,
  FORMAT,
  MAX_HIDDEN,
  type OptimizerKind,
  type OptimizerSettings,
  type Prediction,
  type TensorData,
} from './model.js';
export { DEFAULT_CONFIG, MAX_LENGTH, validateConfig, type TrainConfig } from './config.js';
export { train, STREAM, type Progress, type TrainResult, type TrainOptions } from './train.js';
export { evaluate, evaluationStrings, score, type EvalResult, type EvalOptions, type LengthRow } from './evaluate.js';
export {
  parity,
  makeRng,
  streamSeed,
  randomBits,
  randomStrings,
  randomStringsFrom,
  parseDataset,
  formatDataset,
  checkBits,
  shuffle,
  epochWalker,
  type Rng,
} from './data.js';
export { compileCore } from './wasm.js';
export { lengthCurve, curveLengths, resolveCurveLengths, DEFAULT_CURVE_MAX, type CurveOptions, type CurveRow } from './curve.js';
export {
  gradientByStep,
  gradientDecay,
  modelGradientByStep,
  probe,
  learnedAtStep,
  PROBE_LENGTHS,
  type StepGradient,
  type GradientDecay,
  type Probe,
} from './diagnostics.js';
export {
  trainingCurvesSpec,
  lengthAccuracySpec,
  gradientByStepSpec,
  probeSpec,
  sweepSpec,
  renderSvg,
  type VegaLiteSpec,
  type TrainingPoint,
  type LengthPoint,
  type StepGradientPoint,
  type ProbePoint,
  type SweepChartRow,
} from './charts.js';
export {
  runExperiment,
  summarizeExperiment,
  runArm,
  experimentReport,
  experimentCharts,
  validateExperimentOptions,
  settingDifferences,
  curriculumLength,
  DEFAULT_EXPERIMENT,
  PYTORCH_REFERENCE,
  ARMS,
  type ArmName,
  type ArmSpec,
  type ArmRun,
  type ArmEvent,
  type ArmSummary,
  type EpochRow,
  type ExperimentOptions,
  type ExperimentResult,
  type ExperimentHooks,
  type Comparison,
} from './experiment.js';
export {
  runSweep,
  runSweepRun,
  runTask,
  serveTasks,
  workerPool,
  inlineRunner,
  expandGrid,
  parseGrid,
  parseLengthRange,
  parseResults,
  doneKeys,
  summarizeSweep,
  sweepSpeed,
  sweepTable,
  sweepChart,
  type Task,
  type TaskOutcome,
  type TaskRunner,
  type PortLike,
  type WorkerLike,
  type SweepGrid,
  type SweepRun,
  type SweepResult,
  type SweepSummaryRow,
  type SweepSpeed,
  type SweepOutcome,
} from './sweep.js';
