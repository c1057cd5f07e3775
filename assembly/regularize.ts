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

/** The next state of the xorshift32 stream (13, 17, 5). */
// @ts-ignore: decorator
@inline function next(x: u32): u32 {
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

/** Four draws x0..x3 as the lanes of a vector. */
// @ts-ignore: decorator
@inline function lanes(x0: u32, x1: u32, x2: u32, x3: u32): v128 {
  let bits = i32x4.splat(x0);
  bits = i32x4.replace_lane(bits, 1, x1);
  bits = i32x4.replace_lane(bits, 2, x2);
  return i32x4.replace_lane(bits, 3, x3);
}

/** u = (x >> 8) * 2^-23 - 1 in each lane: uniform on [-1, 1) with 24 bits (x >> 8 < 2^24 is exact as a float). */
// @ts-ignore: decorator
@inline function uniform4(bits: v128): v128 {
  return f32x4.sub(f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(bits, 8)), f32x4.splat(<f32>2 / <f32>16777216)), f32x4.splat(1));
}

// The stream is linear over GF(2): xorshift's state after n draws is a 32x32 bit matrix times the state now, and
// its period is 2^32 - 1. POW[i] is the matrix of 2^i draws (column j: the state 2^i draws after 1 << j), so a
// state n draws on is a few matrix products away (jump). A step draws 4H numbers for h, then 4H for c: c's chain
// starts at once, beside h's, instead of after it (the draws are one chain of dependent shifts each, which is what
// the noise waited on), and a training forward pass can run two groups' steps side by side, each from its own
// place in the stream (index.ts).
const POW: usize = memory.data(32 * 32 * 4, 16);
let POW_READY: bool = false;

/** M x for the matrix at m (32 columns): the XOR of its columns at x's set bits, four columns at a time. */
// @ts-ignore: decorator
@inline function apply(m: usize, x: u32): u32 {
  const v = i32x4.splat(x);
  let acc = i32x4.splat(0);
  let bit = i32x4(1, 2, 4, 8);
  for (let j: usize = 0; j < 128; j += 16) {
    acc = v128.xor(acc, v128.and(v128.load(m + j), i32x4.ne(v128.and(v, bit), i32x4.splat(0))));
    bit = i32x4.shl(bit, 4);
  }
  return <u32>(i32x4.extract_lane(acc, 0) ^ i32x4.extract_lane(acc, 1) ^ i32x4.extract_lane(acc, 2) ^ i32x4.extract_lane(acc, 3));
}

function makePowers(): void {
  for (let j = 0; j < 32; j++) store<u32>(POW + (<usize>j << 2), next(<u32>1 << j));
  for (let i = 1; i < 32; i++) {
    const prev = POW + <usize>(i - 1) * 128;
    for (let j = 0; j < 32; j++) store<u32>(POW + <usize>i * 128 + (<usize>j << 2), apply(prev, apply(prev, <u32>1 << j)));
  }
  POW_READY = true;
}

/** The stream's state n draws after x. */
export function jump(x: u32, n: u64): u32 {
  if (!POW_READY) makePowers();
  let k = <u32>(n % 0xffffffff);
  for (let i = 0; k != 0; i++, k >>= 1) if (k & 1) x = apply(POW + <usize>i * 128, x);
  return x;
}

/** Where the noise stream stands: its state now (restartNoise puts it at the seed), and moving it. */
export function noiseState(): u32 {
  return STATE;
}
export function setNoiseState(x: u32): void {
  STATE = x;
}

/**
 * Adds the state noise to v128[H] h and c in place (all four lanes; lanes past a string's end carry no gradient):
 * NOISE sqrt 3 times the 4H draws after x to h's floats in order, then the next 4H to c's. Returns the state after
 * the last draw.
 */
export function addStateNoise(h: usize, c: usize, x: u32): u32 {
  const a = f32x4.splat(NOISE * <f32>1.7320508);
  let xh = x;
  let xc = jump(x, <u64>H << 2);
  const end = h + (<usize>H << 4);
  const dc = c - h;
  for (let p = h; p < end; p += 16) {
    // the chains stay scalar: a draw read back from a vector lane would add its latency to every next draw
    const h0 = next(xh);
    const c0 = next(xc);
    const h1 = next(h0);
    const c1 = next(c0);
    const h2 = next(h1);
    const c2 = next(c1);
    xh = next(h2);
    xc = next(c2);
    v128.store(p, f32x4.add(v128.load(p), f32x4.mul(a, uniform4(lanes(h0, h1, h2, xh)))));
    v128.store(p + dc, f32x4.add(v128.load(p + dc), f32x4.mul(a, uniform4(lanes(c0, c1, c2, xc)))));
  }
  return xc;
}

/** Where penaltyWeights leaves a step's per-lane weights (a v128). */
export const PEN_W: usize = memory.data(16, 16);

/**
 * A step's penalty: sum over lanes of w * sum_j f_j^2 (w = the v128 at PEN_W: per-string weights, 0 where a lane
 * has no string at this step), in f64, for the caller to add to PENALTY (addPenalty) in the forward pass's order.
 */
export function forgetPenalty(gates: usize): f64 {
  const w = v128.load(PEN_W);
  const hb = <usize>H << 4;
  let s = f32x4.splat(0);
  for (let j = 0; j < H; j++) {
    const f = v128.load(gates + hb + (<usize>j << 4));
    s = f32x4.add(s, f32x4.mul(f, f));
  }
  s = f32x4.mul(s, w);
  return <f64>f32x4.extract_lane(s, 0) + <f64>f32x4.extract_lane(s, 1) + <f64>f32x4.extract_lane(s, 2) + <f64>f32x4.extract_lane(s, 3);
}

export function addPenalty(v: f64): void {
  PENALTY += v;
}
