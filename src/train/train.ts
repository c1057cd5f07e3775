// Training: the seed's phase (sample a batch, one wasm call per step, evaluate every evalEvery steps, stop once
// solved), then, toward the goal, hardening rounds on strings random ones never show, each followed by the
// structured check (families.ts) and the proof (certify/), until the goal holds or the rounds run out.

import { Model, type Regularizers } from '../core/model.js';
import { ParityError } from '../core/errors.js';
import { validateConfig, type Goal, type TrainConfig } from './config.js';
import { checkBits, parity } from '../core/bits.js';
import { epochWalker, randomStringsFrom } from './data.js';
import { makeRng, streamSeed } from '../core/rng.js';
import { FAMILIES, familyReport, isRobust, type FamilyRow } from './families.js';
import { HARDEN, hardeningBatch, hardeningBatches, hardeningRegularizers } from './harden.js';
import { type Counterexample } from '../certify/refute.js';
import { type Certificate } from '../certify/certificate.js';

export interface Progress {
  step: number;
  /** Mean training loss over the steps since the previous event. */
  loss: number;
  /** Mean accuracy on the training batches since the previous event (each scored before its update). */
  trainAccuracy: number;
  /** Accuracy on the generalisation set (evalCount strings of evalMinLen..evalMaxLen, fixed for the run). */
  genAccuracy: number;
  /** Sum of the lengths of the strings trained on, per second of training time, since the previous event. */
  seqStepsPerSec: number;
  /** Wall time since training started. */
  elapsedSec: number;
  /** Global gradient norm of the last step, before clipping. */
  gradNorm: number;
  /** Accuracy on confirmCount fresh strings, when a confirmation ran at this event. */
  confirmAccuracy: number | null;
  /** True once the generalisation set scored 100% and the confirmation did too. */
  solved: boolean;
  /** The seed's phase, or a hardening round toward the goal. */
  phase: Phase;
}

export type Phase = 'solve' | 'harden';

export interface TrainResult {
  model: Model;
  solved: boolean;
  /** Steps run. */
  steps: number;
  /** First step at which the model was confirmed solved, or null. */
  solvedAtStep: number | null;
  /** Training time: the steps only, without evaluation. */
  seconds: number;
  /** Wall time, evaluation included. */
  wallSeconds: number;
  history: Progress[];
  /**
   * Accuracy of the final model on confirmCount fresh strings of the evaluation lengths; null when training was
   * stopped through its signal before such a check ran on the final model (a stop should be prompt).
   */
  confirmAccuracy: number | null;
  config: TrainConfig;
  stopped: boolean;
  /** The final model's numbers: the last evaluation window and its confirmation. */
  final: FinalRecord;
  /** What was asked and what holds for the final model: see GoalRecord. */
  goal: GoalRecord;
}

export interface GoalRecord {
  /** The goal asked for; null when training ran every step (untilSolved off). */
  wanted: Goal | null;
  /** The highest goal the final model reached; null when it is not even solved. 'robust': every structured family
   *  right and no string known that it gets wrong; 'certified': proved right on every string. */
  reached: Goal | null;
  /** Hardening rounds run, their steps and training seconds. */
  rounds: number;
  hardenSteps: number;
  hardenSeconds: number;
  /** The structured families of the last check (null when none ran). */
  families: FamilyRow[] | null;
  /** The last proof attempt: its verdict, and the counterexample or the reason it did not close. */
  certify: { verdict: 'certified' | 'refuted' | 'unknown'; counterexample: Counterexample | null; reason: string | null; ms: number } | null;
  /** The certificate of a certified model (verify checks it). */
  certificate: Certificate | null;
  /** Seconds spent on checks and proofs. */
  checkSeconds: number;
}

export interface FinalRecord {
  loss: number | null;
  trainAccuracy: number | null;
  genAccuracy: number | null;
  confirmAccuracy: number | null;
}

export interface TrainOptions {
  /** Called every evalEvery steps and after the last step, with the model being trained (for diagnostics). */
  onProgress?: (p: Progress, model: Model) => void;
  /**
   * Overrides where training strings come from: called once per step (1-based) for that step's batch, e.g. a
   * curriculum whose lengths grow. The strings must be non-empty 0/1 strings; the config's sampler is then unused.
   */
  batches?: (step: number) => string[];
  /** Each step's regularisers (Model.setRegularizers), for a custom phase such as harden(); off when absent. */
  regularizers?: (step: number) => Regularizers;
  /** Stops training between steps; the result holds the model so far. */
  signal?: AbortSignal;
  /** Start from these weights (copied; cell and hidden size must match the config). */
  init?: Model;
  /**
   * The solved check: the model's accuracy on a confirmation set, run whenever the generalisation set is perfect
   * and on the final model. Default: confirmCount fresh strings of the evaluation lengths from the seed's confirm
   * stream. A run is solved when it returns exactly 1.
   */
  confirm?: (model: Model) => number;
  /** Steps per epoch, for onEpochEnd. Default: a fixed dataset's ceil(size / batch); otherwise no epochs. */
  epochSteps?: number;
  /** Called after the last step of each epoch, and after the last step of a run that ends part-way through one. */
  onEpochEnd?: (e: { epoch: number; step: number }, model: Model) => void;
  /** Toward the goal: called as a check starts (the families, then the proof, which can take seconds). */
  onCheck?: (check: 'families' | 'proof') => void;
}

/** Random streams of one seed: each use draws from its own, so changing one setting leaves the others' data alone. */
export const STREAM = { init: 0, data: 1, eval: 2, confirm: 3, dataset: 4, shuffle: 5 } as const;

// Looked up once: in Node the global `performance` is a getter, and now() runs twice a step.
const clock: { now(): number } = typeof performance !== 'undefined' ? performance : Date;
const now = (): number => clock.now();
const YIELD_MS = 50;
// Node's setTimeout(0) waits at least 1 ms; setImmediate runs right after pending I/O (a signal, a worker's message),
// which is all a yield is for. Browsers have no setImmediate: there the timer.
const yieldToEvents: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise((r) => setImmediate(r)) : () => new Promise((r) => setTimeout(r, 0));

/** Where training strings come from: fresh random ones, or a fixed dataset walked in reshuffled epochs. */
function batchSource(config: TrainConfig): () => string[] {
  const { batch, minLen, maxLen, seed } = config;
  let dataset = config.dataset;
  if (config.datasetSize !== null) {
    dataset = randomStringsFrom(makeRng(streamSeed(seed, STREAM.dataset)), config.datasetSize, minLen, maxLen);
  }
  if (dataset === null) {
    const rng = makeRng(streamSeed(seed, STREAM.data));
    return () => randomStringsFrom(rng, batch, minLen, maxLen);
  }
  return epochWalker(dataset, batch, makeRng(streamSeed(seed, STREAM.shuffle)));
}

/** The batch sampler, exposed for tests. */
export const batchSourceForTest = batchSource;

/** Where a run stands; the phases share it, so steps, time and history run on across them. */
interface RunState {
  model: Model;
  config: TrainConfig;
  opts: TrainOptions;
  evalSet: readonly string[];
  /** The eval set's parities, computed once: score() redid them at every check, 10-20 ms of the 96 checks of a cold `train --goal solved`. */
  evalTargets: Uint8Array;
  confirm: () => number;
  start: number;
  lastYield: number;
  step: number;
  trainMs: number;
  history: Progress[];
  solvedAtStep: number | null;
  lastConfirm: { step: number; accuracy: number } | null;
  stopped: boolean;
}

/**
 * Runs up to `steps` steps of one phase. The solve phase confirms whenever the generalisation set is perfect and
 * no confirmation has passed yet (so solvedAtStep is the first confirmed step, with or without untilSolved) and,
 * with untilSolved, stops there; a hardening phase runs every step.
 */
async function runPhase(st: RunState, phase: Phase, steps: number, nextBatch: (step: number) => string[], epochSteps: number | null, regularize?: (step: number) => Regularizers): Promise<void> {
  try {
    await phaseSteps(st, phase, steps, nextBatch, epochSteps, regularize);
  } finally {
    // Off again however the phase ends (a diverged step throws), so the model's later steps are unregularised.
    if (regularize) st.model.setRegularizers({});
  }
}

async function phaseSteps(st: RunState, phase: Phase, steps: number, nextBatch: (step: number) => string[], epochSteps: number | null, regularize?: (step: number) => Regularizers): Promise<void> {
  const { model, config, opts } = st;
  const end = st.step + steps;
  let window = { loss: 0, acc: 0, steps: 0, seqSteps: 0, ms: 0 };
  let epochEndedAt = 0;
  while (st.step < end) {
    if (opts.signal?.aborted) {
      st.stopped = true;
      break;
    }
    const strings = nextBatch(st.step + 1);
    if (regularize) model.setRegularizers(regularize(st.step + 1));
    const t0 = now();
    model.loadBatchUnchecked(strings);
    const loss = model.step();
    const acc = model.loadedBatchAccuracy();
    const dt = now() - t0;
    const step = ++st.step;
    st.trainMs += dt;
    let seq = 0;
    for (const x of strings) seq += x.length;
    window.loss += loss;
    window.acc += acc;
    window.steps++;
    window.seqSteps += seq;
    window.ms += dt;

    if (step % config.evalEvery === 0 || step === end) {
      const gen = accuracyOf(model.logitsUnchecked(st.evalSet), st.evalTargets);
      let confirmAccuracy: number | null = null;
      if (phase === 'solve' && gen === 1 && st.solvedAtStep === null) {
        confirmAccuracy = st.confirm();
        st.lastConfirm = { step, accuracy: confirmAccuracy };
        if (confirmAccuracy === 1) st.solvedAtStep = step;
      }
      const p: Progress = {
        step,
        loss: window.loss / window.steps,
        trainAccuracy: window.acc / window.steps,
        genAccuracy: gen,
        seqStepsPerSec: window.ms > 0 ? (window.seqSteps * 1000) / window.ms : 0,
        elapsedSec: (now() - st.start) / 1000,
        gradNorm: model.lastGradNorm(),
        confirmAccuracy,
        solved: st.solvedAtStep !== null && confirmAccuracy === 1,
        phase,
      };
      st.history.push(p);
      opts.onProgress?.(p, model);
      window = { loss: 0, acc: 0, steps: 0, seqSteps: 0, ms: 0 };
      if (p.solved && config.untilSolved) break;
    }
    if (epochSteps !== null && step % epochSteps === 0 && opts.onEpochEnd) {
      opts.onEpochEnd({ epoch: step / epochSteps, step }, model);
      epochEndedAt = step;
    }
    if (now() - st.lastYield > YIELD_MS) {
      // Let the event loop run: a worker receives its stop message, a page repaints, a CLI redraws.
      await yieldToEvents();
      st.lastYield = now();
    }
  }
  if (epochSteps !== null && opts.onEpochEnd && st.step > 0 && epochEndedAt !== st.step) {
    opts.onEpochEnd({ epoch: Math.ceil(st.step / epochSteps), step: st.step }, model);
  }
}

/** score()'s accuracy, from targets known in advance. */
function accuracyOf(logits: Float32Array, targets: Uint8Array): number {
  let correct = 0;
  for (let i = 0; i < targets.length; i++) if ((logits[i] > 0 ? 1 : 0) === targets[i]) correct++;
  return targets.length ? correct / targets.length : 0;
}

const GOAL_RANK: Record<Goal, number> = { solved: 0, robust: 1, certified: 2 };

export async function train(partial: Partial<TrainConfig>, opts: TrainOptions = {}): Promise<TrainResult> {
  const config = validateConfig(partial);
  let model: Model;
  if (opts.init) {
    if (opts.init.cell !== config.cell || opts.init.hiddenSize !== config.hidden) {
      throw new ParityError(
        `the initial model is a ${opts.init.cell} with hidden size ${opts.init.hiddenSize}, but training asks for a ${config.cell} with hidden size ${config.hidden}`,
      );
    }
    model = await Model.fromJSON(opts.init.toJSON());
  } else {
    model = await Model.create({ cell: config.cell, hidden: config.hidden, seed: streamSeed(config.seed, STREAM.init) });
  }
  model.setOptimizer({ kind: config.optimizer, lr: config.lr, clip: config.clip });
  // Reserve the largest training batch now: a shape beyond memory fails before any string is made.
  const longest = config.dataset ? Math.max(...config.dataset.map((s) => s.length)) : config.maxLen;
  if (!opts.batches) model.prepareTraining(config.batch, longest);

  const sampler = batchSource(config);
  const nextBatch = opts.batches
    ? (s: number): string[] => {
        const b = opts.batches!(s);
        if (!Array.isArray(b) || b.length === 0) throw new ParityError(`the batch for step ${s} is empty`);
        for (const x of b) checkBits(x, 'training string');
        return b;
      }
    : (): string[] => sampler();
  const confirmRng = makeRng(streamSeed(config.seed, STREAM.confirm));
  const confirmWith =
    opts.confirm ??
    ((m: Model): number => {
      const strings = randomStringsFrom(confirmRng, config.confirmCount, config.evalMinLen, config.evalMaxLen);
      // score()'s accuracy without its loss and per-length rows, which nothing here reads.
      return accuracyOf(m.logitsUnchecked(strings), Uint8Array.from(strings, parity));
    });
  const datasetSize = config.dataset?.length ?? config.datasetSize;
  const epochSteps = opts.epochSteps ?? (datasetSize !== null && !opts.batches ? Math.ceil(datasetSize / config.batch) : null);
  if (epochSteps !== null && (!Number.isInteger(epochSteps) || epochSteps < 1)) {
    throw new ParityError(`steps per epoch must be a positive integer, not ${epochSteps}`);
  }
  const start = now();
  // Frozen, so the model may keep its bits written between checks (Model.logitsUnchecked).
  const evalSet = Object.freeze(randomStringsFrom(makeRng(streamSeed(config.seed, STREAM.eval)), config.evalCount, config.evalMinLen, config.evalMaxLen));
  const st: RunState = {
    model,
    config,
    opts,
    evalSet,
    evalTargets: Uint8Array.from(evalSet, parity),
    confirm: () => confirmWith(model),
    start,
    lastYield: start,
    step: 0,
    trainMs: 0,
    history: [],
    solvedAtStep: null,
    lastConfirm: null,
    stopped: false,
  };

  await runPhase(st, 'solve', config.steps, nextBatch, epochSteps, opts.regularizers);
  // The final model's own confirmation, unless one just ran on exactly this model, or we were asked to stop.
  let confirmAccuracy = st.lastConfirm && st.lastConfirm.step === st.step ? st.lastConfirm.accuracy : st.stopped ? null : st.confirm();
  // Solved: the final model passed its confirmation; when a stop skipped that, whether an earlier one passed.
  let solved = confirmAccuracy !== null ? confirmAccuracy === 1 : st.solvedAtStep !== null;
  const goal = await pursueGoal(st, solved);
  if (goal.rounds > 0) {
    // Hardening changed the model (a stop too may leave it part-way through a round): the confirmation and
    // "solved" are the final model's, asked again (a few milliseconds).
    confirmAccuracy = st.confirm();
    solved = confirmAccuracy === 1;
    if (!solved) goal.reached = null;
  }
  const last = st.history.at(-1) ?? null;
  return {
    model,
    solved,
    steps: st.step,
    solvedAtStep: solved ? (st.solvedAtStep ?? st.step) : st.solvedAtStep,
    seconds: st.trainMs / 1000,
    wallSeconds: (now() - start) / 1000,
    history: st.history,
    confirmAccuracy,
    config,
    stopped: st.stopped,
    final: {
      loss: last?.loss ?? null,
      trainAccuracy: last?.trainAccuracy ?? null,
      genAccuracy: last?.genAccuracy ?? null,
      confirmAccuracy,
    },
    goal,
  };
}

/**
 * Toward the goal, once the seed's phase solved: check the structured families, prove, and between checks harden
 * (a round of HARDEN.steps steps on hardeningBatch strings, clipped, with a fresh Adam) until the goal holds, the
 * proof comes back unknown on a robust model, or HARDEN.rounds rounds ran. Hardening changes the model, so each
 * round's checks judge the model as it then is.
 */
async function pursueGoal(st: RunState, solved: boolean): Promise<GoalRecord> {
  const { config, model } = st;
  const wanted = config.untilSolved ? config.goal : null;
  const record: GoalRecord = {
    wanted,
    reached: solved ? 'solved' : null,
    rounds: 0,
    hardenSteps: 0,
    hardenSeconds: 0,
    families: null,
    certify: null,
    certificate: null,
    checkSeconds: 0,
  };
  if (!solved || wanted === null || wanted === 'solved' || st.stopped) return record;
  const harden = async (): Promise<void> => {
    const t = st.trainMs;
    const from = st.step;
    model.setOptimizer({ kind: 'adam', lr: HARDEN.lr, clip: HARDEN.clip });
    model.resetOptimizer();
    const round = record.rounds++;
    const seed = streamSeed(config.seed, round);
    const regularize = model.cell === 'lstm' ? (s: number) => hardeningRegularizers(seed, s - from) : undefined;
    await runPhase(st, 'harden', HARDEN.steps, (s) => hardeningBatch(seed, s - from), null, regularize);
    record.hardenSteps += st.step - from;
    record.hardenSeconds += (st.trainMs - t) / 1000;
  };
  for (;;) {
    const t0 = now();
    st.opts.onCheck?.('families');
    record.families = familyReport(model, FAMILIES, { count: GOAL_CHECK.familyCount, maxLen: GOAL_CHECK.familyMaxLen, seed: config.seed });
    const robust = isRobust(record.families);
    let reached: Goal = robust ? 'robust' : 'solved';
    if (robust && wanted === 'certified') {
      st.opts.onCheck?.('proof');
      // Loaded only when a proof is asked for: `--goal solved` and `robust` never pay for the proof's code.
      const { certify } = await import('../certify/certify.js');
      const c = certify(model);
      record.certify = {
        verdict: c.verdict,
        counterexample: c.verdict === 'refuted' ? c.counterexample : null,
        reason: c.verdict === 'unknown' ? c.reason : null,
        ms: c.ms,
      };
      record.certificate = c.verdict === 'certified' ? c.certificate : null;
      if (c.verdict === 'certified') reached = 'certified';
      // A string it gets wrong is known: right on the families or not, the model is not robust.
      if (c.verdict === 'refuted') reached = 'solved';
    }
    record.checkSeconds += (now() - t0) / 1000;
    record.reached = reached;
    if (GOAL_RANK[reached] >= GOAL_RANK[wanted] || record.rounds >= HARDEN.rounds || st.stopped) return record;
    // Without the regularisers a proof that did not close on a robust model was not helped by more hardening
    // (measured on 10 seeds: docs/certify.md); with them (LSTM) another round contracts the state further.
    if (record.certify?.verdict === 'unknown' && model.cell !== 'lstm') return record;
    await harden();
    if (st.stopped) return record;
  }
}

/** The structured check between hardening rounds: smaller than `eval`'s default report, the same families. */
export const GOAL_CHECK = Object.freeze({ familyCount: 100, familyMaxLen: 300 });

/**
 * The model file's informational `training` block, the same for the CLI, the page and experiments. `dataset`
 * replaces the config's strings (a dataset file would make the model file as large as the dataset).
 */
export function trainingRecord(r: TrainResult, dataset: unknown = r.config.dataset): Record<string, unknown> {
  return {
    config: { ...r.config, dataset },
    seed: r.config.seed,
    steps: r.steps,
    solved: r.solved,
    seconds: r.seconds,
    final: r.final,
    goal: {
      wanted: r.goal.wanted,
      reached: r.goal.reached,
      rounds: r.goal.rounds,
      hardenSteps: r.goal.hardenSteps,
      families: r.goal.families?.map(({ family, count, correct }) => ({ family, count, correct })) ?? null,
      certify: r.goal.certify && { verdict: r.goal.certify.verdict, counterexample: r.goal.certify.counterexample?.bits ?? null, reason: r.goal.certify.reason },
    },
  };
}

export interface HardenOptions {
  seed?: number;
  steps?: number;
  lr?: number;
  /** State noise and the forget-gate penalty (HARDEN.noise, HARDEN.forget; LSTM only). Default true. */
  regularize?: boolean;
  signal?: AbortSignal;
}

/**
 * Continues `model` for the hardening phase and returns the result (a new model; `model` is left as it was).
 * Runs every step (untilSolved off): the phase's point is what comes after the random strings are right.
 */
export async function harden(model: Model, opts: HardenOptions = {}): Promise<TrainResult> {
  const seed = opts.seed ?? 0;
  const steps = opts.steps ?? HARDEN.steps;
  return train(
    { cell: model.cell, hidden: model.hiddenSize, seed, steps, lr: opts.lr ?? HARDEN.lr, clip: HARDEN.clip, untilSolved: false, batch: HARDEN.batch, evalEvery: steps },
    { init: model, batches: hardeningBatches(seed), regularizers: model.cell === 'lstm' && opts.regularize !== false ? (s) => hardeningRegularizers(seed, s) : undefined, signal: opts.signal },
  );
}
