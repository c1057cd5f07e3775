// The weights of a model as certify and verify read them, and a plain float64 step for the cheap analyses.
// Per-cell code lives in one switch per function, so a new cell (a GRU) adds one case here and one step in each
// domain (zonotope.ts for certify, verify.ts for the checker).
//
// The float32 inference (assembly/lstm.ts, rnn.ts, head.ts) computes, for gate row r (PyTorch order i, f, g, o):
//   z_r = fl(...fl(fl(bsum_r + wih_r x) + fl(W_r0 h_0)) ... + fl(W_r,H-1 h_H-1)),  bsum_r = fl(b_ih_r + b_hh_r)
// (x is 0 or 1, so wih_r x is exact), then the rational tanh/sigmoid of assembly/activations.ts, then
//   c = fl(fl(f c_prev) + fl(i g)),  h = fl(o tanh4(c))   (LSTM)      h = tanh4(z)   (RNN)
//   logit = fl(...fl(lb + fl(lw_0 h_0)) ... + fl(lw_H-1 h_H-1)).
// Both domains enclose exactly these operations: a real-number step plus the error bounds of ERROR below.

import { ParityError } from '../core/errors.js';
import { type CellKind, tensorLayout } from '../core/layout.js';
import { type Model } from '../core/model.js';

export interface CellParams {
  cell: CellKind;
  H: number;
  /** Gate rows G*H (G = 4 for the LSTM, 1 for the RNN). */
  rows: number;
  /** State dimension: h then c for the LSTM (2H), h for the RNN (H). */
  n: number;
  wih: Float64Array; // [rows]
  whh: Float64Array; // [rows, H] row-major
  bsum: Float64Array; // [rows], the float32 sum b_ih + b_hh the core uses
  lw: Float64Array; // [H]
  lb: number;
}

/**
 * The float32 inference's error bounds, in one place for both domains. tanh4 and sigmoid4 are within 5.52e-7 and
 * 2.92e-7 of the true functions at every float32 argument (checked exhaustively by
 * test/slow/activations-exhaustive.test.ts); we allow 1e-6 for both. u is float32's unit roundoff.
 */
export const ERROR = Object.freeze({
  tanh: 1e-6,
  sigmoid: 1e-6,
  u: 2 ** -24,
  /** Absolute error of one float32 operation in the subnormal range. */
  tiny: 2 ** -149,
});

export function cellParams(model: Model): CellParams {
  const cell = model.cell;
  const H = model.hiddenSize;
  const p = model.getParams();
  const [wih, whh, bih, bhh, lw, lb] = tensorLayout(cell, H);
  const rows = wih.size;
  const bsum = new Float64Array(rows);
  for (let r = 0; r < rows; r++) bsum[r] = Math.fround(p[bih.offset + r] + p[bhh.offset + r]);
  return {
    cell,
    H,
    rows,
    n: cell === 'lstm' ? 2 * H : H,
    wih: Float64Array.from(p.subarray(wih.offset, wih.offset + wih.size)),
    whh: Float64Array.from(p.subarray(whh.offset, whh.offset + whh.size)),
    bsum,
    lw: Float64Array.from(p.subarray(lw.offset, lw.offset + lw.size)),
    lb: p[lb.offset],
  };
}

const sig = (x: number): number => 1 / (1 + Math.exp(-x));

/** The gate sums of step64Into, reused from call to call (grown when a model has more rows). */
let Z = new Float64Array(0);

/**
 * One float64 step of the cell from state s (length n) on bit x, written into out (length n), which is returned.
 * out may be s itself: every gate sum is taken before any of out is written, and unit j's update reads only its
 * own c_j. Allocates nothing, so the analyses that run hundreds of thousands of steps leave no garbage.
 */
export function step64Into(P: CellParams, s: Float64Array, x: number, out: Float64Array): Float64Array {
  const { H, whh, wih, bsum, rows } = P;
  if (Z.length < rows) Z = new Float64Array(rows);
  const z = Z;
  // Four rows at a time: each row's sum is still added in unit order, but four independent sums keep the
  // floating-point adder busy (one sum alone waits on each add), and each s_k is loaded once for the four.
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    let a0 = bsum[r] + wih[r] * x;
    let a1 = bsum[r + 1] + wih[r + 1] * x;
    let a2 = bsum[r + 2] + wih[r + 2] * x;
    let a3 = bsum[r + 3] + wih[r + 3] * x;
    const o0 = r * H, o1 = o0 + H, o2 = o1 + H, o3 = o2 + H;
    for (let k = 0; k < H; k++) {
      const sk = s[k];
      a0 += whh[o0 + k] * sk;
      a1 += whh[o1 + k] * sk;
      a2 += whh[o2 + k] * sk;
      a3 += whh[o3 + k] * sk;
    }
    z[r] = a0;
    z[r + 1] = a1;
    z[r + 2] = a2;
    z[r + 3] = a3;
  }
  for (; r < rows; r++) {
    let a = bsum[r] + wih[r] * x;
    for (let k = 0, o = r * H; k < H; k++) a += whh[o + k] * s[k];
    z[r] = a;
  }
  switch (P.cell) {
    case 'lstm':
      for (let j = 0; j < H; j++) {
        const c = sig(z[H + j]) * s[H + j] + sig(z[j]) * Math.tanh(z[2 * H + j]);
        out[H + j] = c;
        out[j] = sig(z[3 * H + j]) * Math.tanh(c);
      }
      return out;
    case 'rnn':
      for (let j = 0; j < H; j++) out[j] = Math.tanh(z[j]);
      return out;
    default:
      throw new ParityError(NOT_COVERED(P.cell));
  }
}

/** One float64 step of the cell from state s (length n) on bit x; returns the new state. */
export function step64(P: CellParams, s: Float64Array, x: number): Float64Array {
  return step64Into(P, s, x, new Float64Array(P.n));
}

/** The cells certify covers; a GRU step (n's recurrent part gated by r) is not written yet. */
export const NOT_COVERED = (cell: string): string =>
  `no string found that this ${cell} model gets wrong, but certify proves only LSTM and RNN models: a ${cell} is not covered yet`;

export function readout64(P: CellParams, s: Float64Array): number {
  let z = P.lb;
  for (let j = 0; j < P.H; j++) z += P.lw[j] * s[j];
  return z;
}

/** The float64 state after bits from s (default the zero start), in a new array (s is not changed). */
export function run64(P: CellParams, bits: string, s: Float64Array = new Float64Array(P.n)): Float64Array {
  const out = Float64Array.from(s);
  for (let t = 0; t < bits.length; t++) step64Into(P, out, bits.charCodeAt(t) - 48, out);
  return out;
}
