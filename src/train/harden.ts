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


/** Writes len bits of density p at bytes[at ..] as '0'/'1', one draw per bit. */
function densityBits(rng: Rng, bytes: Uint8Array, at: number, len: number, p: number): void {
  const threshold = Math.floor(p * 16777216);
  for (let t = 0; t < len; t++) bytes[at + t] = (rng.nextU32() >>> 8) < threshold ? 49 : 48;
}

function runString(rng: Rng, len: number): string {
  const kind = rng.int(0, 2);
  const a = rng.int(0, len - 1);
  if (kind === 0) return '1' + '0'.repeat(len - 1);
  if (kind === 1) return '1'.repeat(a + 1) + '0'.repeat(len - a - 1);
  return '0'.repeat(a) + '1' + '0'.repeat(len - a - 1);
}

const latin1 = new TextDecoder('latin1');

/**
 * The batch of `step` (1-based) for `seed`: a pure function of both, so a phase can be replayed or resumed.
 * Each string: length uniform in 1..maxLen, then a run pattern (runShare) or bits of one density from the list.
 * The density strings are written as bytes into one buffer, decoded once and sliced: built a character at a time
 * they were most of the phase's JavaScript (the strings, then flattening them to read their bits).
 */
export function hardeningBatch(seed: number, step: number, batch: number = HARDEN.batch): string[] {
  const rng = makeRng(streamSeed(streamSeed(seed, HARDEN_STREAM), step));
  const bytes = new Uint8Array(batch * HARDEN.maxLen);
  const runs: (string | null)[] = [];
  const cuts: number[] = []; // each density string's end in bytes
  let used = 0;
  for (let i = 0; i < batch; i++) {
    const len = rng.int(1, HARDEN.maxLen);
    if (rng.float() < HARDEN.runShare) runs.push(runString(rng, len));
    else {
      densityBits(rng, bytes, used, len, HARDEN.densities[rng.int(0, HARDEN.densities.length - 1)]);
      used += len;
      runs.push(null);
    }
    cuts.push(used);
  }
  const text = latin1.decode(bytes.subarray(0, used));
  return runs.map((r, i) => r ?? text.slice(i === 0 ? 0 : cuts[i - 1], cuts[i]));
}

/** A batch source for train({ batches }). */
export function hardeningBatches(seed: number): (step: number) => string[] {
  return (step) => hardeningBatch(seed, step);
}

/** The regularisers of `step` (1-based) for `seed` (LSTM): the noise, like the batch, a pure function of both. */
export function hardeningRegularizers(seed: number, step: number): Regularizers {
  return { noise: HARDEN.noise, forget: HARDEN.forget, seed: streamSeed(streamSeed(seed, HARDEN_NOISE_STREAM), step) };
}
