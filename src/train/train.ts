// The training loop: sample a batch, one wasm call per step, evaluate every evalEvery steps, stop once solved.

import { Model } from '../core/model.js';
import { ParityError } from '../core/errors.js';
import { validateConfig, type TrainConfig } from './config.js';
import { checkBits } from '../core/bits.js';
import { epochWalker, randomStringsFrom } from './data.js';
import { makeRng, streamSeed } from '../core/rng.js';
import { score } from './evaluate.js';

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
}

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
}

/** Random streams of one seed: each use draws from its own, so changing one setting leaves the others' data alone. */
export const STREAM = { init: 0, data: 1, eval: 2, confirm: 3, dataset: 4, shuffle: 5 } as const;

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
const YIELD_MS = 50;

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
  const evalSet = randomStringsFrom(makeRng(streamSeed(config.seed, STREAM.eval)), config.evalCount, config.evalMinLen, config.evalMaxLen);
  const confirmRng = makeRng(streamSeed(config.seed, STREAM.confirm));
  const confirmWith =
    opts.confirm ??
    ((m: Model): number => {
      const strings = randomStringsFrom(confirmRng, config.confirmCount, config.evalMinLen, config.evalMaxLen);
      return score(strings, m.logitsUnchecked(strings)).accuracy;
    });
  const confirm = (): number => confirmWith(model);
  const datasetSize = config.dataset?.length ?? config.datasetSize;
  const epochSteps = opts.epochSteps ?? (datasetSize !== null && !opts.batches ? Math.ceil(datasetSize / config.batch) : null);
  if (epochSteps !== null && (!Number.isInteger(epochSteps) || epochSteps < 1)) {
    throw new ParityError(`steps per epoch must be a positive integer, not ${epochSteps}`);
  }
  let epochEndedAt = 0;

  const history: Progress[] = [];
  const start = now();
  let lastYield = start;
  let trainMs = 0;
  let window = { loss: 0, acc: 0, steps: 0, seqSteps: 0, ms: 0 };
  let solvedAtStep: number | null = null;
  let lastConfirm: { step: number; accuracy: number } | null = null;
  let step = 0;
  let stopped = false;

  while (step < config.steps) {
    if (opts.signal?.aborted) {
      stopped = true;
      break;
    }
    const strings = nextBatch(step + 1);
    const t0 = now();
    model.loadBatchUnchecked(strings);
    const loss = model.step();
    const acc = model.loadedBatchAccuracy();
    const dt = now() - t0;
    step++;
    trainMs += dt;
    let seq = 0;
    for (const s of strings) seq += s.length;
    window.loss += loss;
    window.acc += acc;
    window.steps++;
    window.seqSteps += seq;
    window.ms += dt;

    if (step % config.evalEvery === 0 || step === config.steps) {
      const gen = score(evalSet, model.logitsUnchecked(evalSet)).accuracy;
      let confirmAccuracy: number | null = null;
      // Whenever the generalisation set is perfect and no confirmation has passed yet: solvedAtStep is then the
      // first step confirmed, with or without untilSolved.
      if (gen === 1 && solvedAtStep === null) {
        confirmAccuracy = confirm();
        lastConfirm = { step, accuracy: confirmAccuracy };
        if (confirmAccuracy === 1) solvedAtStep = step;
      }
      const p: Progress = {
        step,
        loss: window.loss / window.steps,
        trainAccuracy: window.acc / window.steps,
        genAccuracy: gen,
        seqStepsPerSec: window.ms > 0 ? (window.seqSteps * 1000) / window.ms : 0,
        elapsedSec: (now() - start) / 1000,
        gradNorm: model.lastGradNorm(),
        confirmAccuracy,
        solved: solvedAtStep !== null && confirmAccuracy === 1,
      };
      history.push(p);
      opts.onProgress?.(p, model);
      window = { loss: 0, acc: 0, steps: 0, seqSteps: 0, ms: 0 };
      if (p.solved && config.untilSolved) break;
    }
    if (epochSteps !== null && step % epochSteps === 0 && opts.onEpochEnd) {
      opts.onEpochEnd({ epoch: step / epochSteps, step }, model);
      epochEndedAt = step;
    }
    if (now() - lastYield > YIELD_MS) {
      // Let the event loop run: a worker receives its stop message, a page repaints, a CLI redraws.
      await new Promise((r) => setTimeout(r, 0));
      lastYield = now();
    }
  }

  if (epochSteps !== null && opts.onEpochEnd && step > 0 && epochEndedAt !== step) {
    opts.onEpochEnd({ epoch: Math.ceil(step / epochSteps), step }, model);
  }
  // The final model's own confirmation, unless one just ran on exactly this model, or we were asked to stop.
  const confirmAccuracy = lastConfirm && lastConfirm.step === step ? lastConfirm.accuracy : stopped ? null : confirm();
  // Solved: the final model passed its confirmation; when a stop skipped that, whether an earlier one passed.
  const solved = confirmAccuracy !== null ? confirmAccuracy === 1 : solvedAtStep !== null;
  const last = history.at(-1) ?? null;
  return {
    model,
    solved,
    steps: step,
    solvedAtStep: solved ? (solvedAtStep ?? step) : solvedAtStep,
    seconds: trainMs / 1000,
    wallSeconds: (now() - start) / 1000,
    history,
    confirmAccuracy,
    config,
    stopped,
    final: {
      loss: last?.loss ?? null,
      trainAccuracy: last?.trainAccuracy ?? null,
      genAccuracy: last?.genAccuracy ?? null,
      confirmAccuracy,
    },
  };
}

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
  };
}
