// parity-lstm/research: the experiment of the exercise, sweeps over settings and seeds, the task runners that carry
// them (this thread, worker threads, Web Workers), and diagnostics of what a model learned. Browser-safe.

export { runExperiment, summarizeExperiment, runArm, validateExperimentOptions, settingDifferences, curriculumLength,
  experimentReport, experimentCharts, DEFAULT_EXPERIMENT, PYTORCH_REFERENCE, ARMS,
  type ArmName, type ArmSpec, type ArmRun, type ArmEvent, type ArmSummary, type EpochRow, type ExperimentOptions,
  type ExperimentResult, type ExperimentHooks, type Comparison } from './experiment/index.js';
export { runSweep, runSweepRun, expandGrid, parseGrid, parseLengthRange, parseResults, doneKeys, summarizeSweep,
  sweepSpeed, sweepTable, sweepChart, type SweepGrid, type SweepRun, type SweepResult, type SweepSummaryRow,
  type SweepSpeed, type SweepOutcome } from './sweep.js';
export { workerPool, serveTasks, type Task, type TaskOutcome, type TaskHandler, type TaskRunner, type PortLike,
  type WorkerLike } from './runner.js';
export { runTask, inlineRunner } from './tasks.js';
export { gradientByStep, gradientDecay, modelGradientByStep, probe, learnedAtStep, PROBE_LENGTHS,
  type StepGradient, type GradientDecay, type Probe } from './diagnostics.js';
