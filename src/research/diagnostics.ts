// Measurements that explain what training does, taken with the float64 reference (reference.ts) so they do not
// depend on the fast core: how much gradient reaches each time step, and which string lengths a model has learned.

import { type CellKind, gateCount, tensorLayout } from '../core/layout.js';
import { type Model } from '../core/model.js';
import { ParityError } from '../core/errors.js';
import { refLossAndGrads, type Params } from '../core/reference.js';
import { lengthCurve, type CurveRow } from '../train/curve.js';

export interface StepGradient {
  /** Time step, 1-based: the state after reading bit t. */
  t: number;
  /** Mean over the strings of |dL/dh_t| (L2 norm), L the string's own BCE loss. */
  dh: number;
  /** Mean of |dL/dc_t| for the LSTM's cell state; null for the RNN. */
  dc: number | null;
  /** Mean of |dL/dx_t|: how much the loss would move if bit t were nudged. */
  dx: number;
}

/**
 * Backpropagation through time on each string alone (float64 reference cell), keeping the norm of the gradient
 * at every hidden state: |dL/dh_t| for t = 1..T. When it shrinks by a constant factor per step, the early bits
 * get exponentially little say in the update: the vanishing gradient. All strings must have the same length.
 */
export function gradientByStep(cell: CellKind, H: number, p: Params, strings: string[]): StepGradient[] {
  if (strings.length === 0) throw new ParityError('give at least one string to measure gradients on');
  const T = strings[0].length;
  if (T === 0 || strings.some((s) => s.length !== T)) throw new ParityError('gradientByStep needs non-empty strings of one length');
  const [wih] = tensorLayout(cell, H).map((t) => t.offset);
  const G = gateCount(cell);
  const sum = { dh: new Float64Array(T), dc: new Float64Array(T), dx: new Float64Array(T) };
  const norm = (v: Float64Array): number => Math.hypot(...v);
  // The reference differentiates the batch's mean loss; times the batch size, each string's own loss.
  const B = strings.length;
  refLossAndGrads(cell, H, p, strings, (t, dh, dc, dz) => {
    sum.dh[t] += B * norm(dh);
    if (dc) sum.dc[t] += B * norm(dc);
    // backprop through z = W_ih x + ...: to the bit itself
    let dx = 0;
    for (let r = 0; r < G * H; r++) dx += p[wih + r] * dz[r];
    sum.dx[t] += B * Math.abs(dx);
  });
  const n = strings.length;
  return Array.from({ length: T }, (_, t) => ({
    t: t + 1,
    dh: sum.dh[t] / n,
    dc: cell === 'lstm' ? sum.dc[t] / n : null,
    dx: sum.dx[t] / n,
  }));
}

export interface GradientDecay {
  /** |dL/dh_1| / |dL/dh_T|. */
  firstOverLast: number;
  /** The mean factor per step back in time: (|dL/dh_1| / |dL/dh_T|)^(1/(T-1)). */
  perStep: number;
  /** The step back from T at which |dL/dh_t| first falls below 1e-3 of |dL/dh_T|, or null. */
  stepsToThousandth: number | null;
}

export function gradientDecay(rows: StepGradient[]): GradientDecay {
  const T = rows.length;
  const last = rows[T - 1].dh;
  const first = rows[0].dh;
  const ratio = last > 0 ? first / last : 0;
  let stepsToThousandth: number | null = null;
  for (let t = T - 1; t >= 0; t--) {
    if (rows[t].dh < 1e-3 * last) {
      stepsToThousandth = T - 1 - t;
      break;
    }
  }
  return { firstOverLast: ratio, perStep: T > 1 && ratio > 0 ? ratio ** (1 / (T - 1)) : 1, stepsToThousandth };
}

/** Convenience: gradientByStep for a Model's current weights. */
export function modelGradientByStep(model: Model, strings: string[]): StepGradient[] {
  return gradientByStep(model.cell, model.hiddenSize, model.getParams(), strings);
}

/** Accuracy and loss by length on a fixed set of probe strings, taken during training. */
export interface Probe {
  step: number;
  accuracy: number[];
  loss: number[];
}

/** Probe lengths: every short length, where the first signal comes from, then a few up to 50. */
export const PROBE_LENGTHS = [1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 40, 50];

/** One probe: `count` strings of each length (the same strings each time for the same seed). */
export function probe(model: Model, step: number, lengths = PROBE_LENGTHS, count = 64, seed = 0): Probe {
  const rows: CurveRow[] = lengthCurve(model, { lengths, count, seed });
  return { step, accuracy: rows.map((r) => r.accuracy), loss: rows.map((r) => r.loss) };
}

/**
 * For each probe length, the first probed step from which every later probe got all its strings of that length
 * right ("learned for good"), or null if it never held to the end.
 */
export function learnedAtStep(probes: Probe[], lengths = PROBE_LENGTHS): (number | null)[] {
  return lengths.map((_, k) => {
    let at: number | null = null;
    for (const pr of probes) {
      if (pr.accuracy[k] === 1) at ??= pr.step;
      else at = null;
    }
    return at;
  });
}
