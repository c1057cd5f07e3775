// The experiment behind the project (OpenAI's Requests for Research 2.0, warm-up): train an LSTM on 100,000 strings
// of length 50, and on 100,000 strings of lengths 1..50; does it learn parity, and why the difference? Optionally a
// third arm, a curriculum whose lengths grow from 1 to 50, separates "short strings first" from "short strings
// throughout". Each arm and seed is one task (runner.ts carries tasks to workers); every number in the report
// comes from the run. Browser-safe: parity-lstm/node writes the files.
//
//   options.ts   the arms, the options (defaults, checks) and what PyTorch did
//   arm.ts       one arm, one seed: train() with the experiment's hooks, and every measurement
//   run.ts       every arm and seed on a task runner
//   summary.ts   statistics over seeds and the comparison with PyTorch
//   charts.ts    the report's Vega-Lite specs
//   report.ts    the markdown report and runs.jsonl's lines

export {
  ARMS,
  ARM_LABEL,
  DEFAULT_EXPERIMENT,
  PYTORCH_REFERENCE,
  settingDifferences,
  validateExperimentOptions,
  type ArmName,
  type ExperimentOptions,
} from './options.js';
export { curriculumLength, runArm, type ArmEvent, type ArmRun, type ArmSpec, type EpochRow, type HistoryRow } from './arm.js';
export { runExperiment, type ExperimentHooks } from './run.js';
export { summarizeExperiment, type ArmSummary, type Comparison, type ExperimentResult } from './summary.js';
export { experimentCharts, type ExperimentCharts } from './charts.js';
export { afterSolving, experimentReport, longLengths, runLine, type Relapse, type RunLine } from './report.js';
// The CLI took pct from the old experiment.ts; it lives in core/format.ts.
export { pct } from '../../core/format.js';
