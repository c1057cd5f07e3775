// The hardening phase: a solved model continued on strings that random strings of 1..20 bits never show (a 1 then
// a long run of zeros, mostly-zeros and mostly-ones stretches, long strings), so the odd state stops leaking back
// to even and the two states become distinct attractors that certify can prove (docs/certify.md has the numbers).

import { makeRng, streamSeed, type Rng } from '../core/rng.js';
import { type Regularizers } from '../core/model.js';

/** This phase's random streams (train.ts uses 0..5; 32 and up are free for phases): the batches, the noise. */
export const HARDEN_STREAM = 32;
export const HARDEN_NOISE_STREAM = 33;

export const HARDEN = Object.freeze({
  /** Steps of one round. */
  steps: 2000,
  /** Rounds at most before train() gives up on its goal. */
  rounds: 3,
  /** Strings per batch. */
  batch: 32,
  /** Lengths uniform in 1..maxLen. */
  maxLen: 200,
  /** Probability that a bit is 1: one density per string, drawn uniformly from this list. */
  densities: [0.5, 0.1, 0.02, 0.9] as readonly number[],
  /** Share of strings that are a run pattern (1 0^n, 1^n 0^m, 0^n 1 0^m) rather than drawn bit by bit. */
  runShare: 0.2,
  /**
   * State noise (standard deviation) and the forget-gate penalty's weight (assembly/regularize.ts), LSTM only:
   * without them hardened models are right on every family but an integrator cell state keeps certify from
   * closing; with them the state contracts within a few bits (docs/certify.md has the measurements).
   */
  noise: 0.1,
  forget: 0.5,
  /** Long strings make BPTT gradients spike: without clipping the phase unlearns parity (measured: accuracy 0.7). */
  lr: 0.003,
  clip: 1,
});


function densityString(rng: Rng, len: number, p: number): string {
  const threshold = Math.floor(p * 16777216);
  let s = '';
  for (let t = 0; t < len; t++) s += (rng.nextU32() >>> 8) < threshold ? '1' : '0';
  return s;
}

function runString(rng: Rng, len: number): string {
  const kind = rng.int(0, 2);
  const a = rng.int(0, len - 1);
  if (kind === 0) return '1' + '0'.repeat(len - 1);
  if (kind === 1) return '1'.repeat(a + 1) + '0'.repeat(len - a - 1);
  return '0'.repeat(a) + '1' + '0'.repeat(len - a - 1);
}

/**
 * The batch of `step` (1-based) for `seed`: a pure function of both, so a phase can be replayed or resumed.
 * Each string: length uniform in 1..maxLen, then a run pattern (runShare) or bits of one density from the list.
 */
export function hardeningBatch(seed: number, step: number, batch: number = HARDEN.batch): string[] {
  const rng = makeRng(streamSeed(streamSeed(seed, HARDEN_STREAM), step));
  const out: string[] = [];
  for (let i = 0; i < batch; i++) {
    const len = rng.int(1, HARDEN.maxLen);
    if (rng.float() < HARDEN.runShare) out.push(runString(rng, len));
    else out.push(densityString(rng, len, HARDEN.densities[rng.int(0, HARDEN.densities.length - 1)]));
  }
  return out;
}

/** A batch source for train({ batches }). */
export function hardeningBatches(seed: number): (step: number) => string[] {
  return (step) => hardeningBatch(seed, step);
}

/** The regularisers of `step` (1-based) for `seed` (LSTM): the noise, like the batch, a pure function of both. */
export function hardeningRegularizers(seed: number, step: number): Regularizers {
  return { noise: HARDEN.noise, forget: HARDEN.forget, seed: streamSeed(streamSeed(seed, HARDEN_NOISE_STREAM), step) };
}
