// Accuracy against string length: the generalisation curve of a model, from a single bit to ten thousand and
// beyond. Inference streams bits through a fixed buffer (model.ts), so long strings cost time, never memory.

import { type Model } from '../core/model.js';
import { ParityError } from '../core/errors.js';
import { checkInt, checkLength, LIMITS } from './config.js';
import { randomStrings } from './data.js';
import { streamSeed } from '../core/rng.js';
import { score } from './evaluate.js';

/** The lengths of a default curve: 1, 2, 5, 10, 20, 50, ... up to 10,000. */
export const DEFAULT_CURVE_MAX = 10_000;

export interface CurveOptions {
  /** Exactly these lengths (sorted and deduplicated); otherwise 1, 2, 5, 10, ... up to maxLength. */
  lengths?: number[];
  /** The longest length of the 1-2-5 series (default 10,000); it is always included itself. */
  maxLength?: number;
  /** Fresh strings per length (default 100). */
  count?: number;
  /** Strings of length L come from streamSeed(seed, L): adding a length leaves the others' strings alone. */
  seed?: number;
}

export interface CurveRow {
  length: number;
  count: number;
  correct: number;
  accuracy: number;
  /** Mean binary cross-entropy. */
  loss: number;
}

/** 1, 2, 5, 10, 20, 50, ... while <= max, then max itself if it is not in the series. */
export function curveLengths(max: number = DEFAULT_CURVE_MAX): number[] {
  checkLength('the longest curve length', max);
  const out: number[] = [];
  for (let decade = 1; decade <= max; decade *= 10) {
    for (const m of [1, 2, 5]) if (m * decade <= max) out.push(m * decade);
  }
  if (out[out.length - 1] !== max) out.push(max);
  return out;
}

/** The lengths a curve will use, validated, sorted and without repeats. */
export function resolveCurveLengths(opts: CurveOptions = {}): number[] {
  if (opts.lengths) {
    if (opts.lengths.length === 0) throw new ParityError('give at least one length for the curve');
    for (const L of opts.lengths) checkLength('curve length', L);
    return [...new Set(opts.lengths)].sort((a, b) => a - b);
  }
  return curveLengths(opts.maxLength ?? DEFAULT_CURVE_MAX);
}

/**
 * Accuracy and loss of `model` on `count` fresh strings of each length, one row per length, sorted by length.
 * The same options give the same strings, so two models are compared on identical inputs.
 */
export function lengthCurve(model: Model, opts: CurveOptions = {}): CurveRow[] {
  const lengths = resolveCurveLengths(opts);
  const count = opts.count ?? 100;
  checkInt('the number of strings per length', count, 1, LIMITS.count);
  const seed = (opts.seed ?? 0) >>> 0;
  return lengths.map((L) => {
    const strings = randomStrings(count, L, L, streamSeed(seed, L));
    const s = score(strings, model.logitsUnchecked(strings));
    return { length: L, count: s.count, correct: s.correct, accuracy: s.accuracy, loss: s.loss };
  });
}
