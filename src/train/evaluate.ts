// Accuracy of a model, overall and by string length.

import { type Model } from '../core/model.js';
import { ParityError } from '../core/errors.js';
import { parity, checkBits } from '../core/bits.js';
import { randomStrings } from './data.js';
import { checkInt, checkLength, LIMITS } from './config.js';
import { bceWithLogits } from '../core/reference.js';

export interface LengthRow {
  length: number;
  count: number;
  correct: number;
  accuracy: number;
}
export interface EvalResult {
  accuracy: number;
  count: number;
  correct: number;
  /** Mean binary cross-entropy. */
  loss: number;
  byLength: LengthRow[];
}

export interface EvalOptions {
  /** Fresh random strings: how many (default 1000; per length with `lengths`, default 100 then). */
  count?: number;
  minLen?: number;
  maxLen?: number;
  seed?: number;
  /** `count` strings of each of these lengths. */
  lengths?: number[];
  /** These exact strings instead. */
  strings?: string[];
}

/** The strings an evaluation uses, so callers can show or save them. */
export function evaluationStrings(opts: EvalOptions): string[] {
  if (opts.strings) {
    for (const s of opts.strings) checkBits(s);
    return opts.strings;
  }
  const seed = (opts.seed ?? 0) >>> 0;
  if (opts.lengths) {
    const count = opts.count ?? 100;
    checkInt('count', count, 1, LIMITS.count);
    const out: string[] = [];
    opts.lengths.forEach((L, i) => {
      checkLength('length', L);
      out.push(...randomStrings(count, L, L, (seed + i * 7919) >>> 0));
    });
    return out;
  }
  const count = opts.count ?? 1000;
  checkInt('count', count, 1, LIMITS.count);
  const lo = opts.minLen ?? 50;
  const hi = opts.maxLen ?? 100;
  checkLength('min length', lo);
  checkLength('max length', hi);
  if (lo > hi) throw new ParityError(`min length ${lo} is greater than max length ${hi}`);
  return randomStrings(count, lo, hi, seed);
}

/** Scores strings with their logits. */
export function score(strings: string[], logits: ArrayLike<number>): EvalResult {
  const rows = new Map<number, LengthRow>();
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < strings.length; i++) {
    const y = parity(strings[i]);
    const z = logits[i];
    const ok = (z > 0 ? 1 : 0) === y;
    if (ok) correct++;
    loss += bceWithLogits(z, y);
    const L = strings[i].length;
    let row = rows.get(L);
    if (!row) rows.set(L, (row = { length: L, count: 0, correct: 0, accuracy: 0 }));
    row.count++;
    if (ok) row.correct++;
  }
  const byLength = [...rows.values()].sort((a, b) => a.length - b.length);
  for (const r of byLength) r.accuracy = r.correct / r.count;
  const n = strings.length;
  return { accuracy: n ? correct / n : 0, count: n, correct, loss: n ? loss / n : 0, byLength };
}

export function evaluate(model: Model, opts: EvalOptions = {}): EvalResult {
  const strings = evaluationStrings(opts);
  return score(strings, model.logitsUnchecked(strings));
}
