// The experiment behind the project (OpenAI's Requests for Research 2.0, warm-up): train an LSTM on 100,000 strings
// of length 50, and on 100,000 strings of lengths 1..50; does it learn parity, and why the difference? Optionally a
// third arm, a curriculum whose lengths grow from 1 to 50, separates "short strings first" from "short strings
// throughout". Each arm and seed is one task (sweep.ts runs tasks on workers); every number in the report comes
// from the run. Browser-safe: no node:* here (sweep-node.ts writes the files).

import { train, STREAM } from '../train/train.js';
import { Model } from '../core/model.js';
import { ParityError } from '../core/errors.js';
import { type CellKind } from '../core/layout.js';
import { epochWalker, randomBits, randomStringsFrom } from '../train/data.js';
import { makeRng, streamSeed } from '../core/rng.js';
import { score } from '../train/evaluate.js';
import { int, pct } from '../core/format.js';
export { pct };
import { curveLengths, lengthCurve, type CurveRow } from '../train/curve.js';
import {
  gradientByStep,
  gradientDecay,
  learnedAtStep,
  probe,
  PROBE_LENGTHS,
  type GradientDecay,
  type Probe,
  type StepGradient,
} from './diagnostics.js';
import {
  gradientByStepSpec,
  lengthAccuracySpec,
  probeSpec,
  trainingCurvesSpec,
  type VegaLiteSpec,
} from '../charts/specs.js';
import type { TaskRunner } from './runner.js';

export type ArmName = 'fixed' | 'varying' | 'curriculum';
export const ARMS: readonly ArmName[] = ['fixed', 'varying', 'curriculum'];

export interface ExperimentOptions {
  /** Strings in each dataset (the fixed-length and the varying-length one). */
  datasetSize: number;
  seeds: number[];
  /** Passes over the dataset; the curriculum arm draws as many fresh strings per epoch. */
  epochs: number;
  cell: CellKind;
  hidden: number;
  lr: number;
  batch: number;
  /** The fixed length; the varying arm draws lengths uniform in 1..length. */
  length: number;
  /** Run the third arm: lengths growing 1..length over the first epoch, then length only. */
  curriculum: boolean;
  /** Stop the varying and curriculum arms once solved (the fixed arm always runs every epoch). */
  earlyStop: boolean;
  /** Training steps between evaluations on the generalisation strings (and probes). */
  evalEvery: number;
  /** Generalisation strings checked every evalEvery steps (lengths length..2*length, fixed per run). */
  evalCount: number;
  /** Held-out strings per set at each epoch's end: of length `length`, and of length..2*length. */
  heldOut: number;
  /** Fresh strings (length..2*length) that must all be right to call a run solved. */
  confirmCount: number;
  /** The final curve runs over 1, 2, 5, ... up to this length. */
  curveMax: number;
  /** Strings per length on the final curve. */
  curveCount: number;
  /** Strings of length `length` for the gradient-by-step measurement (float64 reference BPTT). */
  gradientStrings: number;
}

export const DEFAULT_EXPERIMENT: Readonly<ExperimentOptions> = Object.freeze({
  datasetSize: 100_000,
  seeds: [1, 2, 3],
  epochs: 10,
  cell: 'lstm',
  hidden: 8,
  lr: 0.01,
  batch: 64,
  length: 50,
  curriculum: false,
  earlyStop: false,
  evalEvery: 50,
  evalCount: 200,
  heldOut: 1000,
  confirmCount: 1000,
  curveMax: 10_000,
  curveCount: 100,
  gradientStrings: 16,
});

/** What PyTorch did (issue 5): nn.LSTM, batch 64, Adam 1e-2, H 8 and 32, three seeds, 10 epochs. */
export const PYTORCH_REFERENCE = {
  setup: 'PyTorch nn.LSTM, batch 64, Adam 1e-2, hidden 8 and 32, three seeds, 100,000 strings, 10 epochs',
  fixed: 'the loss stays at ln 2 and accuracy at chance for all 10 epochs',
  varying: 'every run reaches 100% on held-out strings of length 50 and 50..100 within the first epoch (750 to 1,500 steps)',
  varyingSteps: [750, 1500] as const,
};

/** Random streams of the experiment, after train's own (STREAM), so none of them overlap. */
const EXP_STREAM = { heldOut: 16, probe: 17, curriculum: 18, curve: 19, gradient: 20, solveCheck: 21 } as const;

export const ARM_LABEL: Record<ArmName, (L: number) => string> = {
  fixed: (L) => `fixed length ${L}`,
  varying: (L) => `lengths 1..${L}`,
  curriculum: (L) => `curriculum 1→${L}`,
};

const posInt = (name: string, v: unknown, lo: number, hi: number): void => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new ParityError(`${name} must be an integer from ${lo.toLocaleString('en-US')} to ${hi.toLocaleString('en-US')}, not ${JSON.stringify(v)}`);
  }
};

/** Fills in defaults and checks every field; throws ParityError naming the first bad one. */
export function validateExperimentOptions(partial: Partial<ExperimentOptions>): ExperimentOptions {
  const o: ExperimentOptions = { ...DEFAULT_EXPERIMENT, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) };
  posInt('dataset size', o.datasetSize, 1, 10_000_000);
  if (!Array.isArray(o.seeds) || o.seeds.length === 0) throw new ParityError('give at least one seed');
  for (const s of o.seeds) posInt('seed', s, 0, 0xffffffff);
  if (new Set(o.seeds).size !== o.seeds.length) throw new ParityError('the seeds must differ from one another');
  posInt('epochs', o.epochs, 1, 10_000);
  if (o.cell !== 'lstm' && o.cell !== 'rnn') throw new ParityError(`unknown cell ${JSON.stringify(o.cell)}: use lstm or rnn`);
  posInt('hidden size', o.hidden, 1, 1024);
  if (typeof o.lr !== 'number' || !(o.lr > 0) || o.lr > 10) throw new ParityError(`learning rate must be a number above 0 and at most 10, not ${JSON.stringify(o.lr)}`);
  posInt('batch', o.batch, 1, 65536);
  posInt('length', o.length, 2, 100_000);
  posInt('eval every', o.evalEvery, 1, 100_000_000);
  posInt('eval count', o.evalCount, 1, 1_000_000);
  posInt('held-out count', o.heldOut, 1, 1_000_000);
  posInt('confirm count', o.confirmCount, 1, 1_000_000);
  posInt('curve max', o.curveMax, 1, 1_000_000);
  posInt('curve count', o.curveCount, 1, 1_000_000);
  posInt('gradient strings', o.gradientStrings, 1, 10_000);
  return o;
}

// ---- one arm, one seed ------------------------------------------------------------------------------------------

export interface ArmSpec {
  arm: ArmName;
  seed: number;
  options: ExperimentOptions;
}

export interface EpochRow {
  epoch: number;
  /** The step it ended at: epoch * stepsPerEpoch, or earlier for the last epoch of a run stopped once solved. */
  step: number;
  /** Held-out strings of length `length`. */
  accFixed: number;
  lossFixed: number;
  /** Held-out strings of lengths length..2*length. */
  accLonger: number;
  lossLonger: number;
}

export interface HistoryRow {
  step: number;
  loss: number;
  trainAccuracy: number;
  genAccuracy: number;
  gradNorm: number;
}

export interface ArmRun {
  arm: ArmName;
  seed: number;
  stepsPerEpoch: number;
  totalSteps: number;
  /** Steps actually run (fewer with earlyStop). */
  steps: number;
  stoppedEarly: boolean;
  /** Confirmed: 100% on evalCount generalisation strings, then on confirmCount fresh ones (length..2*length). */
  solved: boolean;
  solvedAtStep: number | null;
  /** Accuracy of the final model on confirmCount fresh strings of length..2*length. */
  finalConfirmAccuracy: number;
  /** Share of the held-out strings (length..2*length) the final model calls odd: 0 or 1 is a constant guess. */
  finalPredictedOdd: number;
  /** Training time (the steps only) and wall time of the run. */
  seconds: number;
  wallSeconds: number;
  /** Strings and bits trained on, in all. */
  stringsSeen: number;
  bitsSeen: number;
  /** Strings seen until solved, or null. */
  stringsToSolve: number | null;
  history: HistoryRow[];
  epochs: EpochRow[];
  probeLengths: number[];
  probes: Probe[];
  /** Final accuracy by length, 1 .. curveMax. */
  curve: CurveRow[];
  gradient: { init: StepGradient[]; final: StepGradient[] };
  model: Record<string, unknown>;
}

export interface ArmEvent {
  type: 'arm-progress';
  arm: ArmName;
  seed: number;
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  genAccuracy: number;
  solvedAtStep: number | null;
  /** Set once an epoch ends: its held-out numbers. */
  epochRow?: EpochRow;
}

/** The curriculum's length at step s (1-based): 1 .. L in equal shares of the first `ramp` steps, then L. */
export function curriculumLength(s: number, L: number, ramp: number): number {
  if (s > ramp) return L;
  return Math.min(L, 1 + Math.floor(((s - 1) * L) / ramp));
}

/** Trains one arm with one seed and measures everything the report needs. Runs in a worker or in this thread. */
export async function runArm(spec: ArmSpec, onEvent?: (e: ArmEvent) => void): Promise<ArmRun> {
  const { arm, seed } = spec;
  const o = validateExperimentOptions(spec.options);
  if (!ARMS.includes(arm)) throw new ParityError(`unknown arm ${JSON.stringify(arm)}: use ${ARMS.join(', ')}`);
  const L = o.length;
  const stepsPerEpoch = Math.ceil(o.datasetSize / o.batch);
  const totalSteps = stepsPerEpoch * o.epochs;
  const evalEvery = Math.min(o.evalEvery, stepsPerEpoch);
  const start = now();

  // Where the training strings come from.
  let nextBatch: () => string[];
  if (arm === 'curriculum') {
    const rng = makeRng(streamSeed(seed, EXP_STREAM.curriculum));
    let s = 0;
    nextBatch = () => {
      s++;
      const len = curriculumLength(s, L, stepsPerEpoch);
      // The same number of strings per epoch as the datasets have: a short last batch ends each epoch.
      const inEpoch = (s - 1) % stepsPerEpoch;
      const n = Math.min(o.batch, o.datasetSize - inEpoch * o.batch);
      return Array.from({ length: n }, () => randomBits(rng, len));
    };
  } else {
    const data = randomStringsFrom(makeRng(streamSeed(seed, STREAM.dataset)), o.datasetSize, arm === 'fixed' ? L : 1, L);
    nextBatch = epochWalker(data, o.batch, makeRng(streamSeed(seed, STREAM.shuffle)));
  }

  const heldRng = makeRng(streamSeed(seed, EXP_STREAM.heldOut));
  const heldFixed = randomStringsFrom(heldRng, o.heldOut, L, L);
  const heldLonger = randomStringsFrom(heldRng, o.heldOut, L, 2 * L);
  const solveRng = makeRng(streamSeed(seed, EXP_STREAM.solveCheck));
  const probeSeed = streamSeed(seed, EXP_STREAM.probe);

  const history: HistoryRow[] = [];
  const epochs: EpochRow[] = [];
  const probes: Probe[] = [];
  let stringsSeen = 0;
  let bitsSeen = 0;
  let stringsToSolve: number | null = null;
  let lastEvent: ArmEvent | null = null;

  const result = await train(
    {
      cell: o.cell,
      hidden: o.hidden,
      lr: o.lr,
      optimizer: 'adam',
      batch: o.batch,
      steps: totalSteps,
      minLen: arm === 'fixed' ? L : 1,
      maxLen: L,
      evalEvery,
      evalCount: o.evalCount,
      evalMinLen: L,
      evalMaxLen: 2 * L,
      // The fixed arm runs every step even once solved: its report is about what happens after.
      untilSolved: o.earlyStop && arm !== 'fixed',
      // The exercise's question is whether random strings are learned: no hardening toward a stronger goal here.
      goal: 'solved',
      confirmCount: o.confirmCount,
      seed,
    },
    {
      batches: () => {
        const b = nextBatch();
        stringsSeen += b.length;
        for (const x of b) bitsSeen += x.length;
        return b;
      },
      confirm: (model) => {
        const fresh = randomStringsFrom(solveRng, o.confirmCount, L, 2 * L);
        return score(fresh, model.logitsUnchecked(fresh)).accuracy;
      },
      epochSteps: stepsPerEpoch,
      onEpochEnd: ({ epoch, step }, model) => {
        const a = score(heldFixed, model.logitsUnchecked(heldFixed));
        const b = score(heldLonger, model.logitsUnchecked(heldLonger));
        const row: EpochRow = { epoch, step, accFixed: a.accuracy, lossFixed: a.loss, accLonger: b.accuracy, lossLonger: b.loss };
        epochs.push(row);
        if (lastEvent) onEvent?.({ ...lastEvent, step, epoch, epochRow: row });
      },
      onProgress: (p, model) => {
        history.push({ step: p.step, loss: p.loss, trainAccuracy: p.trainAccuracy, genAccuracy: p.genAccuracy, gradNorm: p.gradNorm });
        probes.push(probe(model, p.step, PROBE_LENGTHS, 64, probeSeed));
        if (p.solved) stringsToSolve = stringsSeen;
        lastEvent = {
          type: 'arm-progress',
          arm,
          seed,
          step: p.step,
          totalSteps,
          epoch: Math.ceil(p.step / stepsPerEpoch),
          loss: p.loss,
          genAccuracy: p.genAccuracy,
          solvedAtStep: p.solved ? p.step : (lastEvent?.solvedAtStep ?? null),
        };
        onEvent?.(lastEvent);
      },
    },
  );
  const model = result.model;
  // Solved: a confirmation passed during the run (the fixed arm goes on training after it).
  const solvedAtStep = result.history.find((p) => p.solved)?.step ?? null;
  const finalConfirm = result.confirmAccuracy ?? 0;
  const curve = lengthCurve(model, {
    lengths: [...new Set([...curveLengths(o.curveMax), L, 2 * L, 4 * L])],
    count: o.curveCount,
    seed: streamSeed(seed, EXP_STREAM.curve),
  });
  const gradStrings = randomStringsFrom(makeRng(streamSeed(seed, EXP_STREAM.gradient)), o.gradientStrings, L, L);
  // The initial weights are train's: drawn from the seed's init stream.
  const init = await Model.create({ cell: o.cell, hidden: o.hidden, seed: streamSeed(seed, STREAM.init) });
  const gradient = {
    init: gradientByStep(o.cell, o.hidden, init.getParams(), gradStrings),
    final: gradientByStep(o.cell, o.hidden, model.getParams(), gradStrings),
  };
  return {
    arm,
    seed,
    stepsPerEpoch,
    totalSteps,
    steps: result.steps,
    stoppedEarly: o.earlyStop && arm !== 'fixed' && solvedAtStep !== null && result.steps < totalSteps,
    solved: solvedAtStep !== null,
    solvedAtStep,
    finalConfirmAccuracy: finalConfirm,
    finalPredictedOdd: Array.from(model.logitsUnchecked(heldLonger)).filter((z) => z > 0).length / heldLonger.length,
    seconds: result.seconds,
    wallSeconds: (now() - start) / 1000,
    stringsSeen,
    bitsSeen,
    stringsToSolve,
    history,
    epochs,
    probeLengths: PROBE_LENGTHS,
    probes,
    curve,
    gradient,
    model: model.toJSON(),
  };
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

// ---- the whole experiment ---------------------------------------------------------------------------------------

export interface ExperimentHooks {
  /** Runs the tasks: worker threads in Node (sweep-node.ts), Web Workers in a page, or inlineRunner(). */
  runner: TaskRunner;
  onEvent?: (e: ArmEvent) => void;
  /** Each finished run, as it finishes. */
  onRun?: (r: ArmRun) => void;
}

const stat = (xs: number[]): { median: number; min: number; max: number } | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return { median: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2, min: s[0], max: s[s.length - 1] };
};
const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

export interface ArmSummary {
  arm: ArmName;
  label: string;
  seeds: number;
  /** Seeds confirmed solved at some check during training. */
  solved: number;
  successRate: number;
  /** Seeds whose final model is still solved (all confirmCount fresh strings right). */
  solvedAtEnd: number;
  stepsToSolve: { median: number; min: number; max: number } | null;
  /** Steps to solve as a fraction of an epoch, median. */
  epochsToSolve: number | null;
  stringsToSolve: number | null;
  /** Mean over seeds, per epoch (seeds that stopped early count with their last epoch's numbers). */
  epochAccFixed: number[];
  epochAccLonger: number[];
  epochLossFixed: number[];
  /** The held-out loss at length L: every epoch of every seed, lowest and highest. */
  lossFixedRange: { min: number; max: number };
  accFixedRange: { min: number; max: number };
  /** Final accuracy by length (mean over seeds), the curve's lengths. */
  finalByLength: { length: number; accuracy: number }[];
  finalConfirm: number;
  stringsSeen: number;
  bitsSeen: number;
  /** Median over seeds of the decay of |dL/dh_t| on length-L strings, at initialisation and at the end. */
  gradientInit: GradientDecay;
  gradientFinal: GradientDecay;
  /** For each probe length: how many seeds learned it for good, and the median step among those (null if none). */
  learnedAt: { seeds: number; median: number | null }[];
  seconds: number;
}

export interface ExperimentResult {
  options: ExperimentOptions;
  startedAt: string;
  wallSeconds: number;
  /** Sum of the runs' wall times: what one worker would have needed. */
  cpuSeconds: number;
  workers: number;
  runs: ArmRun[];
  arms: ArmSummary[];
  comparison: Comparison[];
}

export interface Comparison {
  what: string;
  pytorch: string;
  ours: string;
  agrees: boolean;
}

function summarizeArm(arm: ArmName, runs: ArmRun[], o: ExperimentOptions): ArmSummary {
  const solvedRuns = runs.filter((r) => r.solved);
  const steps = stat(solvedRuns.map((r) => r.solvedAtStep!));
  const spe = runs[0].stepsPerEpoch;
  const nEpochs = Math.max(...runs.map((r) => r.epochs.length));
  const epochMean = (f: (e: EpochRow) => number): number[] =>
    Array.from({ length: nEpochs }, (_, k) => mean(runs.map((r) => f(r.epochs[Math.min(k, r.epochs.length - 1)]))));
  const allEpochs = runs.flatMap((r) => r.epochs);
  const lengths = runs[0].curve.map((c) => c.length);
  const median = (xs: number[]): number => stat(xs)!.median;
  const decays = (k: 'init' | 'final'): GradientDecay => {
    const d = runs.map((r) => gradientDecay(r.gradient[k]));
    const sts = d.map((x) => x.stepsToThousandth);
    return {
      firstOverLast: median(d.map((x) => x.firstOverLast)),
      perStep: median(d.map((x) => x.perStep)),
      stepsToThousandth: sts.some((x) => x === null) ? null : median(sts as number[]),
    };
  };
  const learned = runs.map((r) => learnedAtStep(r.probes, r.probeLengths));
  return {
    arm,
    label: ARM_LABEL[arm](o.length),
    seeds: runs.length,
    solved: solvedRuns.length,
    successRate: solvedRuns.length / runs.length,
    solvedAtEnd: runs.filter((r) => r.finalConfirmAccuracy === 1).length,
    stepsToSolve: steps,
    epochsToSolve: steps ? steps.median / spe : null,
    stringsToSolve: solvedRuns.length ? median(solvedRuns.map((r) => r.stringsToSolve!)) : null,
    epochAccFixed: epochMean((e) => e.accFixed),
    epochAccLonger: epochMean((e) => e.accLonger),
    epochLossFixed: epochMean((e) => e.lossFixed),
    lossFixedRange: { min: Math.min(...allEpochs.map((e) => e.lossFixed)), max: Math.max(...allEpochs.map((e) => e.lossFixed)) },
    accFixedRange: { min: Math.min(...allEpochs.map((e) => e.accFixed)), max: Math.max(...allEpochs.map((e) => e.accFixed)) },
    finalByLength: lengths.map((length, k) => ({ length, accuracy: mean(runs.map((r) => r.curve[k].accuracy)) })),
    finalConfirm: mean(runs.map((r) => r.finalConfirmAccuracy)),
    stringsSeen: median(runs.map((r) => r.stringsSeen)),
    bitsSeen: median(runs.map((r) => r.bitsSeen)),
    gradientInit: decays('init'),
    gradientFinal: decays('final'),
    learnedAt: runs[0].probeLengths.map((_, k) => {
      const xs = learned.map((l) => l[k]).filter((x): x is number => x !== null);
      return { seeds: xs.length, median: xs.length ? median(xs) : null };
    }),
    seconds: mean(runs.map((r) => r.seconds)),
  };
}

function compare(o: ExperimentOptions, arms: ArmSummary[]): Comparison[] {
  const out: Comparison[] = [];
  const fixed = arms.find((a) => a.arm === 'fixed');
  const varying = arms.find((a) => a.arm === 'varying');
  if (fixed) {
    const flat = fixed.lossFixedRange.min > Math.LN2 - 0.01 && fixed.lossFixedRange.max < Math.LN2 + 0.01;
    const chance = fixed.accFixedRange.min > 0.44 && fixed.accFixedRange.max < 0.56;
    out.push({
      what: `fixed length ${o.length}, ${o.epochs} epochs`,
      pytorch: PYTORCH_REFERENCE.fixed,
      ours:
        `${fixed.solved} of ${fixed.seeds} seeds solved; held-out loss ${fmtLoss(fixed.lossFixedRange.min)}..${fmtLoss(fixed.lossFixedRange.max)} ` +
        `(ln 2 = ${fmtLoss(Math.LN2)}), accuracy ${pct(fixed.accFixedRange.min)}..${pct(fixed.accFixedRange.max)} over every epoch and seed`,
      agrees: fixed.solved === 0 && flat && chance,
    });
  }
  if (varying) {
    const [lo, hi] = PYTORCH_REFERENCE.varyingSteps;
    const s = varying.stepsToSolve;
    const firstEpoch = s !== null && varying.solved === varying.seeds && s.max <= Math.ceil(o.datasetSize / o.batch);
    let ours = `${varying.solved} of ${varying.seeds} seeds solved`;
    if (s) ours += `, at steps ${int(s.min)}..${int(s.max)} (median ${int(s.median)}; an epoch is ${int(Math.ceil(o.datasetSize / o.batch))} steps)`;
    if (s && (s.min < lo || s.max > hi)) ours += `; outside PyTorch's ${int(lo)}..${int(hi)}`;
    const last = varying.epochAccLonger.length - 1;
    ours += `; final accuracy (mean over seeds) ${pct(varying.epochAccFixed[last])} at length ${o.length}, ${pct(varying.epochAccLonger[last])} at ${o.length}..${2 * o.length}`;
    out.push({
      what: `lengths 1..${o.length}`,
      pytorch: PYTORCH_REFERENCE.varying,
      ours,
      agrees: firstEpoch && varying.epochAccFixed[last] === 1 && varying.epochAccLonger[last] === 1,
    });
  }
  return out;
}

/** Differences between our settings and PyTorch's that make the comparison not like for like. */
export function settingDifferences(o: ExperimentOptions): string[] {
  const d: string[] = [];
  if (o.cell !== 'lstm') d.push(`cell ${o.cell} (PyTorch: LSTM)`);
  if (o.hidden !== 8 && o.hidden !== 32) d.push(`hidden ${o.hidden} (PyTorch: 8 and 32)`);
  if (o.batch !== 64) d.push(`batch ${o.batch} (PyTorch: 64)`);
  if (o.lr !== 0.01) d.push(`learning rate ${o.lr} (PyTorch: 0.01)`);
  if (o.datasetSize !== 100_000) d.push(`${int(o.datasetSize)} strings per dataset (PyTorch: 100,000)`);
  if (o.epochs !== 10) d.push(`${o.epochs} epochs (PyTorch: 10)`);
  if (o.length !== 50) d.push(`length ${o.length} (PyTorch: 50)`);
  return d;
}

/** Runs every arm and seed on the runner (in parallel up to its size) and summarises. */
export async function runExperiment(partial: Partial<ExperimentOptions>, hooks: ExperimentHooks): Promise<ExperimentResult> {
  const o = validateExperimentOptions(partial);
  const arms: ArmName[] = o.curriculum ? ['fixed', 'curriculum', 'varying'] : ['fixed', 'varying'];
  const startedAt = new Date().toISOString();
  const t0 = now();
  // Longest tasks first (the fixed arm never stops early), so the last worker to finish is not the slowest task.
  const specs: ArmSpec[] = arms.flatMap((arm) => o.seeds.map((seed) => ({ arm, seed, options: o })));
  const settled = await Promise.allSettled(
    specs.map(async (spec) => {
      const out = await hooks.runner.run({ kind: 'experiment-arm', spec }, (e) => hooks.onEvent?.(e as ArmEvent));
      if (!out.ok) {
        const err = out.error.name === 'ParityError' ? new ParityError(out.error.message) : new Error(out.error.message);
        throw err;
      }
      const run = out.value as ArmRun;
      hooks.onRun?.(run);
      return run;
    }),
  );
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const runs = settled.map((s) => (s as PromiseFulfilledResult<ArmRun>).value);
  return summarizeExperiment({ options: o, startedAt, wallSeconds: (now() - t0) / 1000, workers: hooks.runner.size, runs });
}

/**
 * The summaries and the comparison with PyTorch, from the runs: what runExperiment returns, and how a report is
 * rebuilt from a results.json (whose summaries are recomputed, not trusted).
 */
export function summarizeExperiment(r: {
  options: Partial<ExperimentOptions>;
  startedAt: string;
  wallSeconds: number;
  workers: number;
  runs: ArmRun[];
}): ExperimentResult {
  const o = validateExperimentOptions(r.options);
  const order = (x: ArmRun): number => ARMS.indexOf(x.arm) * 1e10 + x.seed;
  const runs = [...r.runs].sort((a, b) => order(a) - order(b));
  const summaries = ARMS.filter((a) => runs.some((x) => x.arm === a)).map((a) => summarizeArm(a, runs.filter((x) => x.arm === a), o));
  return {
    options: o,
    startedAt: r.startedAt,
    wallSeconds: r.wallSeconds,
    cpuSeconds: runs.reduce((s, x) => s + x.wallSeconds, 0),
    workers: r.workers,
    runs,
    arms: summaries,
    comparison: compare(o, summaries),
  };
}

// ---- formatting ---------------------------------------------------------------------------------------------

const fmtLoss = (x: number): string => (x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential(1) : x.toFixed(4));
const sci = (x: number): string => (x === 0 ? '0' : Math.abs(x) >= 0.01 && Math.abs(x) < 1000 ? x.toPrecision(3) : x.toExponential(1));
const secs = (s: number): string => (s < 10 ? `${s.toFixed(2)} s` : s < 120 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`);

export interface Relapse {
  /** The first check after solving at which the generalisation strings were not all right. */
  step: number;
  /** Training loss at the check before, and at this one. */
  lossBefore: number;
  lossAfter: number;
  /** Gradient norm of the last step before each of the two checks. */
  gradBefore: number;
  gradAfter: number;
  genAccuracy: number;
}

/** What happened after a run solved: its first relapse (or null), and its loss spikes (x10 from one check to the next). */
export function afterSolving(run: ArmRun): { relapse: Relapse | null; spikes: number; recovered: boolean } {
  let relapse: Relapse | null = null;
  let spikes = 0;
  if (run.solvedAtStep === null) return { relapse, spikes, recovered: false };
  const h = run.history;
  for (let i = 1; i < h.length; i++) {
    if (h[i].step <= run.solvedAtStep) continue;
    if (h[i].loss > 10 * h[i - 1].loss) spikes++;
    if (!relapse && h[i].genAccuracy < 1) {
      relapse = {
        step: h[i].step,
        lossBefore: h[i - 1].loss,
        lossAfter: h[i].loss,
        gradBefore: h[i - 1].gradNorm,
        gradAfter: h[i].gradNorm,
        genAccuracy: h[i].genAccuracy,
      };
    }
  }
  return { relapse, spikes, recovered: run.finalConfirmAccuracy === 1 };
}

/** "length 1, 2 for good by step 8,300" from [{len, at}], lengths with the same step together. */
function groupBy(xs: { len: number; at: number | null }[]): string[] {
  const by = new Map<number, number[]>();
  for (const x of xs) by.set(x.at!, [...(by.get(x.at!) ?? []), x.len]);
  return [...by.entries()].map(([at, lens]) => `length${lens.length > 1 ? 's' : ''} ${lens.join(', ')} for good by step ${int(at)}`);
}

// ---- charts -------------------------------------------------------------------------------------------------

export interface ExperimentCharts {
  'curves.svg': VegaLiteSpec;
  'length-accuracy.svg': VegaLiteSpec;
  'gradient-by-step.svg': VegaLiteSpec;
  'probe-loss.svg': VegaLiteSpec;
}

/** The report's charts as Vega-Lite specs, named by the file each is written to. */
export function experimentCharts(r: ExperimentResult): ExperimentCharts {
  const L = r.options.length;
  const label = (a: ArmName): string => ARM_LABEL[a](L);
  const curves = r.runs.flatMap((run) =>
    run.history.map((h) => ({ arm: label(run.arm), seed: run.seed, step: h.step, loss: h.loss, accuracy: h.genAccuracy })),
  );
  // One line per run: a mean over seeds would draw two solved seeds and a failed one as a model right 83% of the time.
  const byLength = r.runs.flatMap((run) =>
    run.curve.map((c) => ({ series: `${label(run.arm)}, seed ${run.seed}`, length: c.length, accuracy: c.accuracy })),
  );
  const firstSeed = r.options.seeds[0];
  const grad = [
    ...(() => {
      const run = r.runs.find((x) => x.seed === firstSeed)!;
      return run.gradient.init.map((g) => ({ series: `at initialisation (seed ${firstSeed})`, t: g.t, value: g.dh }));
    })(),
    ...r.runs
      .filter((x) => x.seed === firstSeed)
      .flatMap((run) => run.gradient.final.map((g) => ({ series: `after training: ${label(run.arm)} (seed ${firstSeed})`, t: g.t, value: g.dh }))),
  ];
  // The first seed of each arm, and the first seed of an arm that did not solve when it is another: the early
  // steps only (up to an epoch, or half as long again as the slowest solve), where the order of learning shows.
  const spe = r.runs[0].stepsPerEpoch;
  const slowest = Math.max(0, ...r.runs.map((x) => x.solvedAtStep ?? 0));
  const window = Math.max(spe, Math.ceil(1.5 * slowest));
  const probeRuns = r.runs.filter(
    (x) => x.seed === firstSeed || (x.arm !== 'fixed' && !x.solved && x === r.runs.find((y) => y.arm === x.arm && !y.solved)),
  );
  const probePoints = probeRuns.flatMap((run) =>
    run.probes
      .filter((p) => p.step <= window)
      .flatMap((p) =>
        run.probeLengths
          .map((length, k) => ({
            arm: `${label(run.arm)} (seed ${run.seed}${run.solved ? '' : ', not solved'})`,
            step: p.step,
            length,
            loss: p.loss[k],
          }))
          .filter((x) => [1, 2, 3, 4, 5, 10, 20].includes(x.length) || x.length === L),
      ),
  );
  return {
    'curves.svg': trainingCurvesSpec(curves, `Training loss and held-out accuracy (lengths ${L}..${2 * L}) by step`),
    'length-accuracy.svg': lengthAccuracySpec(byLength, `Final accuracy by string length (${int(r.options.curveCount)} fresh strings per length)`),
    'gradient-by-step.svg': gradientByStepSpec(grad, `Gradient reaching each bit of a length-${L} string, |dL/dh_t| (float64 BPTT)`),
    'probe-loss.svg': probeSpec(probePoints, `Loss on probe strings of each length, first ${window.toLocaleString('en-US')} steps: which lengths are learned first`),
  };
}

// ---- the report ---------------------------------------------------------------------------------------------

export interface RunLine {
  arm: ArmName;
  seed: number;
  solved: boolean;
  solvedAtStep: number | null;
  steps: number;
  accFixed: number;
  accLonger: number;
  /** Final accuracy at the long lengths, by length. */
  long: Record<string, number>;
  seconds: number;
  wallSeconds: number;
}

/** The long lengths reported in tables: 4L, 20L and 200L when the curve reaches them (200, 1,000, 10,000). */
export function longLengths(r: { options: ExperimentOptions; runs: ArmRun[] }): number[] {
  const have = new Set(r.runs[0]?.curve.map((c) => c.length) ?? []);
  return [4, 20, 200].map((k) => k * r.options.length).filter((L) => have.has(L));
}

/** One line of runs.jsonl: what the per-run table of the report shows. */
export function runLine(run: ArmRun, long: number[]): RunLine {
  const last = run.epochs[run.epochs.length - 1];
  return {
    arm: run.arm,
    seed: run.seed,
    solved: run.solved,
    solvedAtStep: run.solvedAtStep,
    steps: run.steps,
    accFixed: last?.accFixed ?? NaN,
    accLonger: last?.accLonger ?? NaN,
    long: Object.fromEntries(long.map((L) => [String(L), run.curve.find((c) => c.length === L)?.accuracy ?? NaN])),
    seconds: run.seconds,
    wallSeconds: run.wallSeconds,
  };
}

/** Markdown: the answer, the tables, the charts and the explanation, every number measured by this run. */
export function experimentReport(r: ExperimentResult, env: { version?: string; runtime?: string } = {}): string {
  const o = r.options;
  const L = o.length;
  const spe = Math.ceil(o.datasetSize / o.batch);
  const long = longLengths(r);
  const arm = (a: ArmName): ArmSummary | undefined => r.arms.find((x) => x.arm === a);
  const fixed = arm('fixed');
  const varying = arm('varying');
  const curric = arm('curriculum');
  const lines: string[] = [];
  const push = (...xs: string[]): void => {
    lines.push(...xs);
  };

  push(`# Parity with an LSTM: fixed length ${L} against lengths 1..${L}`, '');
  push(
    `Run ${r.startedAt.replace('T', ' ').slice(0, 19)} UTC${env.version ? `, parity-lstm ${env.version}` : ''}${env.runtime ? `, ${env.runtime}` : ''}: ` +
      `${r.runs.length} training runs on ${r.workers} worker${r.workers === 1 ? '' : 's'} took ${secs(r.wallSeconds)} ` +
      `(${secs(r.cpuSeconds)} of run time, ${(r.cpuSeconds / r.wallSeconds).toFixed(1)}x in parallel).`,
    '',
    `Settings: ${o.cell.toUpperCase()}, hidden ${o.hidden}, Adam lr ${o.lr}, batch ${o.batch}, ${int(o.datasetSize)} strings per dataset ` +
      `(${int(spe)} steps per epoch), ${o.epochs} epochs, seeds ${o.seeds.join(', ')}.` +
      (o.earlyStop ? ' The varying-length arms stop once solved; the fixed arm runs every epoch.' : ' Every arm runs every epoch.') +
      ` A run counts as **solved** when ${int(o.evalCount)} held-out strings of ${L}..${2 * L} bits (checked every ${o.evalEvery} steps) ` +
      `are all right and then ${int(o.confirmCount)} fresh ones are too. Held-out sets at each epoch's end: ${int(o.heldOut)} strings of ` +
      `length ${L} and ${int(o.heldOut)} of ${L}..${2 * L}, never trained on.`,
    '',
  );

  // The answer in a paragraph.
  push('## Answer', '');
  const answer: string[] = [];
  if (fixed) {
    answer.push(
      fixed.solved === 0
        ? `**On fixed length ${L} the LSTM did not learn parity:** none of ${fixed.seeds} seeds solved it in ${o.epochs} epochs; the held-out loss stayed between ` +
            `${fmtLoss(fixed.lossFixedRange.min)} and ${fmtLoss(fixed.lossFixedRange.max)} (ln 2 = ${fmtLoss(Math.LN2)}, the loss of a coin flip) and accuracy between ` +
            `${pct(fixed.accFixedRange.min)} and ${pct(fixed.accFixedRange.max)} at every epoch.`
        : `**On fixed length ${L}, ${fixed.solved} of ${fixed.seeds} seeds solved parity** (at steps ${int(fixed.stepsToSolve!.min)}..${int(fixed.stepsToSolve!.max)}); ` +
            `this differs from PyTorch's result, where no run left chance.`,
    );
  }
  if (varying) {
    const s = varying.stepsToSolve;
    const solvedRuns = r.runs.filter((x) => x.arm === 'varying' && x.solved);
    const failed = r.runs.filter((x) => x.arm === 'varying' && !x.solved);
    const lens = [L, ...long];
    const minAcc = (len: number): number => Math.min(...solvedRuns.map((x) => x.curve.find((c) => c.length === len)?.accuracy ?? NaN));
    const allRight = lens.every((len) => minAcc(len) === 1);
    let text =
      varying.solved > 0
        ? `**On lengths 1..${L}, ${varying.solved} of ${varying.seeds} seeds solved it**, after ${int(s!.min)}..${int(s!.max)} steps ` +
          `(median ${int(s!.median)}, ${(varying.epochsToSolve! * 100).toFixed(0)}% of the first epoch); ` +
          (allRight
            ? `the solved models got every fresh string right at length ${lens.map(int).join(', ')}.`
            : `the solved models' lowest accuracy was ${lens.map((len) => `${pct(minAcc(len))} at ${int(len)}`).join(', ')}.`)
        : `**On lengths 1..${L}, no seed solved it** in ${o.epochs} epochs.`;
    if (failed.length && varying.solved > 0) {
      text +=
        ` Seed${failed.length > 1 ? 's' : ''} ${failed.map((x) => x.seed).join(', ')} did not solve it in ${o.epochs} epochs ` +
        `(final accuracy ${failed.map((x) => pct(x.epochs.at(-1)?.accLonger)).join(', ')} on ${L}..${2 * L}; see Why, 3).`;
    }
    if (varying.solved < varying.seeds) text += " PyTorch's runs all solved it: here this run differs.";
    answer.push(text);
  }
  if (curric) {
    const cr = r.runs.filter((x) => x.arm === 'curriculum');
    const lost = cr.filter((x) => x.solved && x.finalConfirmAccuracy !== 1);
    answer.push(
      curric.solved > 0
        ? `The curriculum (lengths growing 1 to ${L} over the first epoch, then ${L} only) solved ${curric.solved} of ${curric.seeds} seeds ` +
            `(median step ${int(curric.stepsToSolve!.median)}, at length ${curriculumLength(curric.stepsToSolve!.median, L, spe)} of the curriculum); ` +
            `${curric.solvedAtEnd} of ${curric.seeds} ${curric.solvedAtEnd === 1 ? 'was' : 'were'} still solved at the end` +
            (lost.length ? ` (seed${lost.length > 1 ? 's' : ''} ${lost.map((x) => x.seed).join(', ')} lost it while training on length ${L} alone; see Why, 4).` : '.')
        : `The curriculum (lengths growing 1 to ${L} over the first epoch, then ${L} only) solved none of ${curric.seeds} seeds.`,
    );
  }
  if (fixed && varying && varying.solved > 0 && fixed.solved === 0) {
    answer.push(
      `The difference is not the amount of data: the fixed arm trained on ${int(fixed.stringsSeen)} strings (${int(fixed.bitsSeen)} bits) without leaving chance, ` +
        `the varying arm's solved seeds needed ${int(varying.stringsToSolve!)} (median). It is what short strings do to the gradient, below.`,
    );
  }
  push(answer.join(' '), '');

  // Results table.
  push('## Results', '');
  const longHead = long.map((l) => `acc ${int(l)}`);
  push(
    `| arm | seeds solved | success | solved at the end | steps to solve (median, range) | epochs to solve | acc ${L} | acc ${L}..${2 * L} | ${longHead.join(' | ')}${longHead.length ? ' | ' : ''}train time / run |`,
    `|---|---|---|---|---|---|---|---|${long.map(() => '---|').join('')}---|`,
  );
  for (const a of r.arms) {
    const s = a.stepsToSolve;
    const lastF = a.epochAccFixed.at(-1)!;
    const lastL = a.epochAccLonger.at(-1)!;
    push(
      `| ${a.label} | ${a.solved}/${a.seeds} | ${pct(a.successRate)} | ${a.solvedAtEnd}/${a.seeds} | ` +
        `${s ? `${int(s.median)} (${int(s.min)}..${int(s.max)})` : 'not solved'} | ` +
        `${a.epochsToSolve !== null ? a.epochsToSolve.toFixed(2) : '—'} | ${pct(lastF)} | ${pct(lastL)} | ` +
        long.map((l) => pct(a.finalByLength.find((x) => x.length === l)?.accuracy)).join(' | ') +
        (long.length ? ' | ' : '') +
        `${secs(a.seconds)} |`,
    );
  }
  push('', `A seed counts as solved once a check confirmed it; "solved at the end" asks the final model again (${int(o.confirmCount)} fresh strings of ${L}..${2 * L}). Accuracies are the final models' (mean over seeds): length ${L} and ${L}..${2 * L} on the held-out sets, longer lengths on ${int(o.curveCount)} fresh strings each.`, '');

  const nEp = Math.max(...r.arms.map((a) => a.epochAccLonger.length));
  const epochHead = Array.from({ length: nEp }, (_, k) => String(k + 1));
  const epochTable = (title: string, f: (a: ArmSummary) => number[], fmt: (x: number) => string): void => {
    push(title, '', `| arm | ${epochHead.join(' | ')} |`, `|---|${epochHead.map(() => '---|').join('')}`);
    for (const a of r.arms) {
      const xs = f(a);
      push(`| ${a.label} | ${epochHead.map((_, k) => (k < xs.length ? fmt(xs[k]) : '')).join(' | ')} |`);
    }
    push('');
  };
  if (o.earlyStop) push('Runs stopped once solved count, in later epochs, with the numbers of their final model.', '');
  epochTable(`### Accuracy per epoch, held-out strings of ${L}..${2 * L} bits (mean over seeds)`, (a) => a.epochAccLonger, pct);
  epochTable(`### Accuracy per epoch, held-out strings of ${L} bits`, (a) => a.epochAccFixed, pct);
  epochTable(`### Loss per epoch, held-out strings of ${L} bits (ln 2 = ${fmtLoss(Math.LN2)})`, (a) => a.epochLossFixed, fmtLoss);

  push('### Every run', '');
  push(
    `| arm | seed | solved at step | steps run | acc ${L} | acc ${L}..${2 * L} | ${longHead.join(' | ')}${longHead.length ? ' | ' : ''}train s |`,
    `|---|---|---|---|---|---|${long.map(() => '---|').join('')}---|`,
  );
  for (const run of r.runs) {
    const l = runLine(run, long);
    push(
      `| ${ARM_LABEL[run.arm](L)} | ${run.seed} | ${l.solvedAtStep ?? '—'} | ${l.steps} | ${pct(l.accFixed)} | ${pct(l.accLonger)} | ` +
        long.map((x) => pct(l.long[String(x)])).join(' | ') +
        (long.length ? ' | ' : '') +
        `${l.seconds.toFixed(2)} |`,
    );
  }
  push('', 'The same rows, one JSON object per run, are in `runs.jsonl`; everything measured is in `results.json`, the final models in `models/`.', '');

  push('## Charts', '');
  push(`![loss and accuracy by step](curves.svg)`, '');
  push(`![accuracy by string length](length-accuracy.svg)`, '');
  push(`![gradient reaching each time step](gradient-by-step.svg)`, '');
  push(`![probe loss by length](probe-loss.svg)`, '');

  // The explanation, measured.
  push('## Why', '');
  push(
    `**1. Parity gives no partial credit.** The parity of ${L} bits is independent of any ${L - 1} of them: a network that has not ` +
      `worked out the whole XOR can do no better than a coin flip, so its loss sits at ln 2 = ${fmtLoss(Math.LN2)} and the loss surface ` +
      `offers no slope towards the solution.` +
      (fixed
        ? ` Measured: the fixed arm's held-out loss at length ${L} was ${fmtLoss(fixed.lossFixedRange.min)}..${fmtLoss(fixed.lossFixedRange.max)} over all ` +
          `${o.epochs} epochs and ${fixed.seeds} seeds (per-epoch means: ${fixed.epochLossFixed.map(fmtLoss).join(', ')}). Its final models ` +
          `called ${r.runs.filter((x) => x.arm === 'fixed').map((x) => pct(x.finalPredictedOdd)).join(', ')} of the held-out strings odd` +
          (r.runs.filter((x) => x.arm === 'fixed').every((x) => x.finalPredictedOdd < 0.05 || x.finalPredictedOdd > 0.95)
            ? ': (nearly) the same answer for every string, the best a model can do that has found no signal.'
            : '.')
        : ''),
    '',
  );
  if (fixed) {
    const gi = fixed.gradientInit;
    const run = r.runs.find((x) => x.arm === 'fixed')!;
    const g = run.gradient.init;
    const at = (t: number): string => sci(g[Math.min(g.length, Math.max(1, t)) - 1].dh);
    push(
      `**2. Little gradient reaches the early bits.** Backpropagation through time on ${o.gradientStrings} strings of length ${L} ` +
        `(float64 reference, seed ${run.seed}, the initial weights): |dL/dh_t| is ${at(L)} at the last bit, ${at(Math.ceil(L / 2))} at t = ${Math.ceil(L / 2)} ` +
        `and ${at(1)} at the first. Over the seeds (median) it shrinks by a factor of ${gi.perStep.toFixed(3)} per step back in time, so the first bit ` +
        `receives ${sci(gi.firstOverLast)} of the gradient the last one does` +
        (gi.stepsToThousandth !== null ? `, and it has fallen below a thousandth ${gi.stepsToThousandth} steps back` : '') +
        `; for a string of 5 bits the same factor leaves the first bit ${pct(gi.perStep ** 4)} of the last one's` +
        `. After ${o.epochs} epochs on length ${L} it is ${fixed.gradientFinal.perStep.toFixed(3)} per step (first/last ${sci(fixed.gradientFinal.firstOverLast)}): ` +
        `the update is decided by the last few bits, and the XOR of the last few bits of a ${L}-bit string is uncorrelated with its parity, ` +
        `so the gradient is noise.`,
      '',
    );
  }
  if (varying) {
    const pl = r.runs[0].probeLengths;
    const shown = pl.filter((x) => [1, 2, 3, 4, 5, 8, 10, 20, 30, 50].includes(x) || x === L);
    const cell = (a: ArmSummary, len: number): string => {
      const v = a.learnedAt[pl.indexOf(len)];
      if (v.median === null) return 'never';
      return v.seeds === a.seeds ? int(v.median) : `${int(v.median)} (${v.seeds}/${a.seeds} seeds)`;
    };
    push(
      `**3. Short strings give the first signal.** A string of 1 bit is its own parity; a string of 2 bits needs one XOR. With lengths 1..${L}, ` +
        `${(100 / L).toFixed(0)}% of the strings have one bit and ${(1000 / L).toFixed(0)}% have at most ten, and the gradient from a short string reaches ` +
        `every bit it has. A rule that is right on them — flip the state on a 1, keep it on a 0 — applied at every step, is parity at any length. ` +
        `Measured: the step from which probe strings of each length (64 per length, checked every ${o.evalEvery} steps) were all right at every later check ` +
        `(median over the seeds that got there):`,
      '',
      `| arm | ${shown.map((x) => `len ${x}`).join(' | ')} |`,
      `|---|${shown.map(() => '---|').join('')}`,
      ...r.arms.map((a) => `| ${a.label} | ${shown.map((x) => cell(a, x)).join(' | ')} |`),
      '',
    );
    // Just before a run solves, its loss fans out by length: short strings already below ln 2, long ones at it.
    const vr = r.runs.find((x) => x.arm === 'varying' && x.solved);
    if (vr) {
      const k1 = vr.probeLengths.indexOf(1);
      const kL = vr.probeLengths.indexOf(L);
      const before = vr.probes.filter((p) => p.step < vr.solvedAtStep! && (kL < 0 || p.loss[kL] > 0.6));
      const best = before.reduce<Probe | null>((b, p) => (b === null || p.loss[kL] - p.loss[k1] > b.loss[kL] - b.loss[k1] ? p : b), null);
      if (best && kL >= 0 && best.loss[k1] < best.loss[kL]) {
        const show = vr.probeLengths.map((len, k) => ({ len, k })).filter(({ len }) => [1, 2, 3, 4, 5, 10, 20].includes(len) || len === L);
        push(
          `Seed ${vr.seed} of the varying arm solved at step ${int(vr.solvedAtStep!)}. At step ${int(best.step)}, before it did, the loss on the probe strings ` +
            `was ${show.map(({ len, k }) => `${fmtLoss(best.loss[k])} at length ${len}`).join(', ')} (ln 2 = ${fmtLoss(Math.LN2)}): ` +
            `the shortest strings move first and the long ones are still at chance; then all lengths fall together (chart: probe-loss.svg).`,
          '',
        );
      }
    }
    const stuck = r.runs.filter((x) => x.arm === 'varying' && !x.solved);
    for (const run of stuck) {
      const last = run.probes[run.probes.length - 1];
      if (!last) continue;
      const right = run.probeLengths.filter((_, k) => last.accuracy[k] === 1);
      const show = run.probeLengths.map((len, k) => ({ len, k })).filter(({ len }) => [1, 2, 3, 4, 5, 10].includes(len) || len === L);
      const learned = learnedAtStep(run.probes, run.probeLengths);
      const kept = run.probeLengths.map((len, k) => ({ len, at: learned[k] })).filter((x) => x.at !== null);
      const accs = run.epochs.map((e) => e.accLonger);
      push(
        `Seed ${run.seed} of the varying arm did not solve in ${o.epochs} epochs. At its last check (step ${int(last.step)}) ` +
          (right.length ? `it got every probe string of length ${right.join(', ')} right; ` : 'it got no probe length entirely right; ') +
          `accuracy by length: ${show.map(({ len, k }) => `${pct(last.accuracy[k])} at ${len}`).join(', ')}. ` +
          (kept.length
            ? `It had learned ${groupBy(kept).join(', ')}, and went no further: its held-out accuracy ` +
              `on ${L}..${2 * L} was ${pct(Math.min(...accs))}..${pct(Math.max(...accs))} at every epoch. It fitted the shortest strings with a rule ` +
              `that does not extend to longer ones, and more epochs did not move it off that rule.`
            : 'The short strings did not get it started either.'),
        '',
      );
    }
  }
  if (curric) {
    const cr = r.runs.filter((x) => x.arm === 'curriculum');
    const parts: string[] = [];
    for (const run of cr) {
      if (!run.solved) {
        parts.push(`seed ${run.seed} never solved it (final ${pct(run.epochs.at(-1)?.accLonger)} on ${L}..${2 * L})`);
        continue;
      }
      const a = afterSolving(run);
      const at = `solved at step ${int(run.solvedAtStep!)} (curriculum length ${curriculumLength(run.solvedAtStep!, L, spe)})`;
      if (!a.relapse) parts.push(`seed ${run.seed} ${at} and stayed solved to the end`);
      else {
        parts.push(
          `seed ${run.seed} ${at}, stayed solved until step ${int(a.relapse.step)}, when its training loss jumped from ${fmtLoss(a.relapse.lossBefore)} ` +
            `to ${fmtLoss(a.relapse.lossAfter)} (gradient norm ${sci(a.relapse.gradBefore)} to ${sci(a.relapse.gradAfter)}) and held-out accuracy fell to ` +
            `${pct(a.relapse.genAccuracy)}; ` +
            (a.recovered ? 'it recovered by the end' : `it never recovered (final ${pct(run.epochs.at(-1)?.accLonger)} on ${L}..${2 * L})`),
        );
      }
    }
    const vr = r.runs.filter((x) => x.arm === 'varying' && x.solved).map((x) => ({ run: x, ...afterSolving(x) }));
    const spikes = vr.reduce((n, x) => n + x.spikes, 0);
    const relapsed = vr.filter((x) => x.relapse);
    const lost = cr.filter((x) => x.solved && x.finalConfirmAccuracy !== 1);
    let verdict: string;
    if (curric.solved === 0) verdict = 'In this run, growing the length was not enough to start learning.';
    else if (lost.length === 0) {
      verdict = `Once learned from short strings, parity stayed learned on length ${L} alone: the short strings are needed to start, not to keep it.`;
    } else {
      verdict =
        `Short strings first were enough to find the solution, but not always to keep it: with only length-${L} strings, a run knocked off the ` +
        `solution lands back on the flat ln 2 plateau, where nothing leads back. (Adam scales its steps by the gradient's recent size, so they ` +
        `do not shrink as the loss does, and a solved run can be thrown off.) The varying arm's solved runs had ${spikes} loss ` +
        `spike${spikes === 1 ? '' : 's'} after solving (training loss up tenfold or more from one check to the next)` +
        (relapsed.length
          ? `, and ${relapsed.length} relapse${relapsed.length === 1 ? '' : 's'}; ${relapsed.filter((x) => x.recovered).length} recovered, the short strings giving the signal back.`
          : ', and never once got a held-out string wrong afterwards: the short strings in every batch pull it back.');
    }
    push(
      `**4. Short strings first, or short strings throughout?** The curriculum arm grows the length from 1 to ${L} over the first epoch ` +
        `(about ${int(spe / L)} steps per length, every string of a batch the same length), then sees only length-${L} strings. ` +
        `${parts.map((x) => x[0].toUpperCase() + x.slice(1)).join('. ')}. ${verdict}`,
      '',
    );
  }

  push('## Comparison with PyTorch', '');
  push(`Reference (issue 5): ${PYTORCH_REFERENCE.setup}.`, '');
  const diffs = settingDifferences(o);
  if (diffs.length) push(`This run's settings differ: ${diffs.join('; ')}. The comparison is not like for like.`, '');
  push('| | PyTorch | this run | agrees |', '|---|---|---|---|');
  for (const c of r.comparison) push(`| ${c.what} | ${c.pytorch} | ${c.ours} | ${c.agrees ? 'yes' : '**no**'} |`);
  push('');
  const disagree = r.comparison.filter((c) => !c.agrees);
  push(
    disagree.length
      ? `Where this run disagrees with PyTorch: ${disagree.map((c) => c.what).join('; ')} (see the table).`
      : 'This run agrees with PyTorch on both arms.',
    '',
  );
  if (varying && varying.solved < varying.seeds && varying.solved > 0) {
    push(
      `${varying.seeds} seeds do not make a success rate. To measure one for the varying arm: ` +
        `\`parity-lstm sweep --lengths 1-${L} --batch ${o.batch} --hidden ${o.hidden} --lr ${o.lr} --dataset-size ${o.datasetSize} ` +
        `--steps ${o.epochs * spe} --eval-every ${o.evalEvery} --eval-count ${o.evalCount} --eval-min-len ${L} --eval-max-len ${2 * L} --seeds 20\`` +
        ` (its seeds are this experiment's: the same data, order and initial weights).`,
      '',
    );
  }
  return lines.join('\n');
}
