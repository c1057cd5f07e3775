// One arm, one seed: trains it through train()'s hooks and measures everything the report needs (held-out scores
// at each epoch's end, probes, the final curve, the gradient by time step). Runs in a worker or in this thread.

import { judge, type Judgement } from '../judge.js';
import { train, STREAM } from '../../train/train.js';
import { Model } from '../../core/model.js';
import { ParityError } from '../../core/errors.js';
import { epochWalker, randomBits, randomStringsFrom } from '../../train/data.js';
import { makeRng, streamSeed } from '../../core/rng.js';
import { score } from '../../train/evaluate.js';
import { curveLengths, lengthCurve, type CurveRow } from '../../train/curve.js';
import { gradientByStep, probe, PROBE_LENGTHS, type Probe, type StepGradient } from '../diagnostics.js';
import { ARMS, validateExperimentOptions, type ArmName, type ExperimentOptions } from './options.js';

/** Random streams of the experiment, after train's own (STREAM), so none of them overlap. */
const EXP_STREAM = { heldOut: 16, probe: 17, curriculum: 18, curve: 19, gradient: 20, solveCheck: 21 } as const;

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
  /** What the final model really learned, when it is still solved at the end (judge.ts); null otherwise. */
  judgement: Judgement | null;
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
    judgement: finalConfirm === 1 ? judge(model, seed) : null,
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

export const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
