// Two regularisers for the hardening phase, both off (0) unless setRegularizers turns them on, and both LSTM only:
//   state noise: after each training step, h and c each get independent noise of standard deviation NOISE
//     (uniform on [-a, a], a = NOISE sqrt 3), so the model must be right from anywhere near the states it visits:
//     its two parity states become basins, not points;
//   forget-gate penalty: FORGET * mean over strings of (1/L) sum_t (1/H) sum_j f_tj^2, which pulls forget gates off
//     1, so no cell state integrates over long stretches and the state contracts within a few bits.
// Together they make the models certify can prove (docs/certify.md). The noise is drawn in the core from a seed the
// trainer sets per step, so a step is a pure function of (weights, batch, seed), in Node and in browsers alike.
// Forward and backward side by side: addStateNoise (nothing to undo: the noise is an input, the cached states are
// what the next step read) and forgetPenalty (value here, gradient in lstmBackward's dF, which reads f anyway).

import { H } from './layout';

export let NOISE: f32 = 0;
export let FORGET: f32 = 0;
let SEED: u32 = 1;
let STATE: u32 = 1;
/** The penalty's value over the last batch (lastPenalty). */
export let PENALTY: f64 = 0;

export function setRegularizers(noise: f32, forget: f32, seed: u32): void {
  NOISE = noise;
  FORGET = forget;
  SEED = seed == 0 ? 0x9e3779b9 : seed; // xorshift's one fixed point
}

/** The noise stream restarts at each forward pass. */
export function restartNoise(): void {
  STATE = SEED;
  PENALTY = 0;
}

// @ts-ignore: decorator
@inline function uniform(): f32 {
  let x = STATE;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  STATE = x;
  return <f32>(x >> 8) * (<f32>2 / <f32>16777216) - <f32>1; // [-1, 1), 24 bits
}

/** Adds the state noise to v128[H] h and c in place (all four lanes; lanes past a string's end carry no gradient). */
export function addStateNoise(h: usize, c: usize): void {
  const a = NOISE * <f32>1.7320508;
  const n = (<usize>H) << 2; // f32s in v128[H]
  for (let i: usize = 0; i < n; i++) {
    const p = h + (i << 2);
    store<f32>(p, load<f32>(p) + a * uniform());
  }
  for (let i: usize = 0; i < n; i++) {
    const p = c + (i << 2);
    store<f32>(p, load<f32>(p) + a * uniform());
  }
}

/** Where penaltyWeights leaves a step's per-lane weights (a v128). */
export const PEN_W: usize = memory.data(16, 16);

/**
 * Adds w * sum_j f_j^2 per lane to PENALTY (w = the v128 at PEN_W: per-string weights, 0 where a lane has no
 * string at this step).
 */
export function forgetPenalty(gates: usize): void {
  const w = v128.load(PEN_W);
  const hb = <usize>H << 4;
  let s = f32x4.splat(0);
  for (let j = 0; j < H; j++) {
    const f = v128.load(gates + hb + (<usize>j << 4));
    s = f32x4.add(s, f32x4.mul(f, f));
  }
  s = f32x4.mul(s, w);
  PENALTY += <f64>f32x4.extract_lane(s, 0) + <f64>f32x4.extract_lane(s, 1) + <f64>f32x4.extract_lane(s, 2) + <f64>f32x4.extract_lane(s, 3);
}
