// From the runs to what the report says: per-arm statistics over seeds, and the comparison with PyTorch's result.
// A results.json is summarised again on reading (its summaries are recomputed, not trusted).

import { countJudged, type JudgedCounts } from '../judge.js';
import { int, loss, pct } from '../../core/format.js';
import { mean, median as medianOf, spread } from '../../core/stats.js';
import { gradientDecay, learnedAtStep, type GradientDecay } from '../diagnostics.js';
import { ARMS, ARM_LABEL, PYTORCH_REFERENCE, validateExperimentOptions, type ArmName, type ExperimentOptions } from './options.js';
import { type ArmRun, type EpochRow } from './arm.js';

export interface ArmSummary {
  arm: ArmName;
  label: string;
  seeds: number;
  /** Seeds confirmed solved at some check during training. */
  solved: number;
  successRate: number;
  /** Seeds whose final model is still solved (all confirmCount fresh strings right). */
  solvedAtEnd: number;
  /** Of the models solved at the end: how many are refuted, robust and certified (judge.ts). */
  judged: JudgedCounts;
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
  const steps = spread(solvedRuns.map((r) => r.solvedAtStep!));
  const spe = runs[0].stepsPerEpoch;
  const nEpochs = Math.max(...runs.map((r) => r.epochs.length));
  const epochMean = (f: (e: EpochRow) => number): number[] =>
    Array.from({ length: nEpochs }, (_, k) => mean(runs.map((r) => f(r.epochs[Math.min(k, r.epochs.length - 1)]))));
  const allEpochs = runs.flatMap((r) => r.epochs);
  const lengths = runs[0].curve.map((c) => c.length);
  // Every arm has runs, so none of these medians is of an empty list.
  const median = (xs: number[]): number => medianOf(xs)!;
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
    judged: countJudged(runs.map((r) => r.judgement)),
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
        `${fixed.solved} of ${fixed.seeds} seeds solved; held-out loss ${loss(fixed.lossFixedRange.min)}..${loss(fixed.lossFixedRange.max)} ` +
        `(ln 2 = ${loss(Math.LN2)}), accuracy ${pct(fixed.accFixedRange.min)}..${pct(fixed.accFixedRange.max)} over every epoch and seed`,
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
