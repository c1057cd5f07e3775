// The scalar reference: LSTM, RNN and GRU cells, forward and backpropagation through time, written to be read like
// a textbook. Float64, one string at a time, no tricks. It is the oracle the wasm core is tested against, and the
// "plain JS" peer in bench/. Parameters use the flat layout of layout.ts (PyTorch's names, shapes, gate order).

import { type CellKind, gateCount, tensorLayout } from './layout.js';
import { initialParams } from './init.js';
import { parity } from './bits.js';

export type Params = ArrayLike<number>;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Offsets of each tensor in the flat buffer. */
function offsets(cell: CellKind, H: number) {
  const [wih, whh, bih, bhh, lw, lb] = tensorLayout(cell, H).map((t) => t.offset);
  return { wih, whh, bih, bhh, lw, lb };
}

/** What one time step leaves behind for backpropagation. */
interface StepCache {
  x: number;
  hPrev: Float64Array;
  cPrev: Float64Array; // LSTM only (zeros for the others)
  gates: Float64Array; // after their nonlinearity: LSTM [i f g o] (4H), GRU [r z n] (3H), RNN [h] (H)
  c: Float64Array; // LSTM cell state after the step
  hn: Float64Array; // GRU only: W_hn h_prev + b_hn, the recurrent part of n that the reset gate scales
  h: Float64Array;
}

/** Runs one string through the cell; returns every step's cache (the last one's h is the final state). */
export function refRun(cell: CellKind, H: number, p: Params, bits: string): StepCache[] {
  const G = gateCount(cell);
  const o = offsets(cell, H);
  let h = new Float64Array(H);
  let c = new Float64Array(H);
  const steps: StepCache[] = [];
  for (let t = 0; t < bits.length; t++) {
    const x = bits.charCodeAt(t) === 49 ? 1 : 0;
    // Pre-activations of all G*H gate rows: z = W_ih x + b_ih + W_hh h + b_hh.
    const z = new Float64Array(G * H);
    for (let r = 0; r < G * H; r++) {
      let s = p[o.wih + r] * x + p[o.bih + r] + p[o.bhh + r];
      for (let k = 0; k < H; k++) s += p[o.whh + r * H + k] * h[k];
      z[r] = s;
    }
    const gates = new Float64Array(G * H);
    const cNew = new Float64Array(H);
    const hn = new Float64Array(H);
    const hNew = new Float64Array(H);
    if (cell === 'lstm') {
      for (let j = 0; j < H; j++) {
        const i = sigmoid(z[j]);
        const f = sigmoid(z[H + j]);
        const g = Math.tanh(z[2 * H + j]);
        const og = sigmoid(z[3 * H + j]);
        gates[j] = i;
        gates[H + j] = f;
        gates[2 * H + j] = g;
        gates[3 * H + j] = og;
        cNew[j] = f * c[j] + i * g;
        hNew[j] = og * Math.tanh(cNew[j]);
      }
    } else if (cell === 'gru') {
      // PyTorch's nn.GRU: the reset gate scales the n row's recurrent part, bias included, so that row is
      // summed in two parts instead of as z[2H + j].
      for (let j = 0; j < H; j++) {
        const r = sigmoid(z[j]);
        const u = sigmoid(z[H + j]); // the update gate, PyTorch's z
        let s = p[o.bhh + 2 * H + j];
        for (let k = 0; k < H; k++) s += p[o.whh + (2 * H + j) * H + k] * h[k];
        hn[j] = s;
        const n = Math.tanh(p[o.wih + 2 * H + j] * x + p[o.bih + 2 * H + j] + r * hn[j]);
        gates[j] = r;
        gates[H + j] = u;
        gates[2 * H + j] = n;
        hNew[j] = (1 - u) * n + u * h[j];
      }
    } else {
      for (let j = 0; j < H; j++) {
        hNew[j] = Math.tanh(z[j]);
        gates[j] = hNew[j];
      }
    }
    steps.push({ x, hPrev: h, cPrev: c, gates, c: cNew, hn, h: hNew });
    h = hNew;
    c = cNew;
  }
  return steps;
}

/** The logit of one string: linear read-out of the hidden state after its last bit. */
export function refLogit(cell: CellKind, H: number, p: Params, bits: string): number {
  const o = offsets(cell, H);
  const steps = refRun(cell, H, p, bits);
  const h = steps.length ? steps[steps.length - 1].h : new Float64Array(H);
  let z = p[o.lb];
  for (let j = 0; j < H; j++) z += p[o.lw + j] * h[j];
  return z;
}

/** Binary cross-entropy with logits in its stable form: max(z,0) - z*y + log(1 + exp(-|z|)). */
export function bceWithLogits(z: number, y: number): number {
  return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
}

/**
 * Sees backpropagation through time at each step t (0-based, last step first) of each string: the gradient of the
 * mean loss at h_t, at c_t (the total, LSTM only) and at the gate pre-activations z_t (for the GRU's n row, at its
 * recurrent part W_hn h + b_hn). For measurements only.
 */
export type StepObserver = (t: number, dh: Float64Array, dc: Float64Array | null, dz: Float64Array) => void;

/** Mean BCE loss over the batch and its gradient w.r.t. every parameter (same flat layout). */
export function refLossAndGrads(
  cell: CellKind,
  H: number,
  p: Params,
  strings: string[],
  observe?: StepObserver,
  forget = 0,
): { loss: number; logits: number[]; grads: Float64Array } {
  const G = gateCount(cell);
  const o = offsets(cell, H);
  const grads = new Float64Array(p.length);
  const B = strings.length;
  let loss = 0;
  const logits: number[] = [];
  for (const bits of strings) {
    const steps = refRun(cell, H, p, bits);
    const hT = steps[steps.length - 1].h;
    let z = p[o.lb];
    for (let j = 0; j < H; j++) z += p[o.lw + j] * hT[j];
    const y = parity(bits);
    logits.push(z);
    loss += bceWithLogits(z, y) / B;
    // The hardening phase's forget-gate penalty (LSTM): forget times the batch mean of each string's mean f^2
    // over its steps and units, so each f adds w f^2 with w = forget / (B L H).
    const w = cell === 'lstm' ? forget / (B * steps.length * H) : 0;
    for (const s of steps) for (let j = 0; j < H && w; j++) loss += w * s.gates[H + j] ** 2;

    // backprop through the mean BCE: d loss / d z = (sigmoid(z) - y) / B
    const dz = (sigmoid(z) - y) / B;
    // backprop through the linear read-out
    for (let j = 0; j < H; j++) grads[o.lw + j] += dz * hT[j];
    grads[o.lb] += dz;
    let dh = new Float64Array(H);
    for (let j = 0; j < H; j++) dh[j] = dz * p[o.lw + j];
    let dc = new Float64Array(H);

    // backprop through time, last step first
    for (let t = steps.length - 1; t >= 0; t--) {
      const s = steps[t];
      const dzh = new Float64Array(G * H); // gradient at the recurrent part of each gate row, W_hh h_prev + b_hh
      const dzx = new Float64Array(G * H); // gradient at the input part, W_ih x + b_ih (equal to dzh but for the GRU's n row)
      const dhPrev = new Float64Array(H);
      const dcPrev = new Float64Array(H);
      const dcTotal = new Float64Array(H);
      if (cell === 'lstm') {
        for (let j = 0; j < H; j++) {
          const i = s.gates[j], f = s.gates[H + j], g = s.gates[2 * H + j], og = s.gates[3 * H + j];
          const tc = Math.tanh(s.c[j]);
          // backprop through h = o * tanh(c)
          const dO = dh[j] * tc;
          const dC = dc[j] + dh[j] * og * (1 - tc * tc);
          dcTotal[j] = dC;
          // backprop through c = f * c_prev + i * g
          const dI = dC * g;
          const dG = dC * i;
          const dF = dC * s.cPrev[j] + 2 * w * f;
          dcPrev[j] = dC * f;
          // backprop through the gate nonlinearities
          dzh[j] = dI * i * (1 - i);
          dzh[H + j] = dF * f * (1 - f);
          dzh[2 * H + j] = dG * (1 - g * g);
          dzh[3 * H + j] = dO * og * (1 - og);
        }
        dzx.set(dzh);
      } else if (cell === 'gru') {
        for (let j = 0; j < H; j++) {
          const r = s.gates[j], u = s.gates[H + j], n = s.gates[2 * H + j];
          // backprop through h = (1 - u) * n + u * h_prev
          const dN = dh[j] * (1 - u);
          const dU = dh[j] * (s.hPrev[j] - n);
          dhPrev[j] = dh[j] * u;
          // backprop through n = tanh(W_in x + b_in + r * hn)
          const dNpre = dN * (1 - n * n);
          const dR = dNpre * s.hn[j];
          // backprop through the gate nonlinearities
          dzh[j] = dR * r * (1 - r);
          dzh[H + j] = dU * u * (1 - u);
          dzh[2 * H + j] = dNpre * r; // the recurrent part was scaled by r
          dzx[j] = dzh[j];
          dzx[H + j] = dzh[H + j];
          dzx[2 * H + j] = dNpre;
        }
      } else {
        // backprop through h = tanh(z)
        for (let j = 0; j < H; j++) dzh[j] = dh[j] * (1 - s.h[j] * s.h[j]);
        dzx.set(dzh);
      }
      observe?.(t, dh, cell === 'lstm' ? dcTotal : null, dzh);
      // backprop through zx = W_ih x + b_ih and zh = W_hh h_prev + b_hh
      for (let r = 0; r < G * H; r++) {
        grads[o.wih + r] += dzx[r] * s.x;
        grads[o.bih + r] += dzx[r];
        grads[o.bhh + r] += dzh[r];
        for (let k = 0; k < H; k++) {
          grads[o.whh + r * H + k] += dzh[r] * s.hPrev[k];
          dhPrev[k] += p[o.whh + r * H + k] * dzh[r];
        }
      }
      dh = dhPrev;
      dc = dcPrev;
    }
  }
  return { loss, logits, grads };
}

/** Adam exactly as torch.optim.Adam (1.13, single-tensor path): bias-corrected moments, eps added after sqrt. */
export interface AdamState {
  m: Float64Array;
  v: Float64Array;
  t: number;
}

export function refAdamStep(
  p: Float64Array,
  grads: ArrayLike<number>,
  state: AdamState,
  lr: number,
  beta1 = 0.9,
  beta2 = 0.999,
  eps = 1e-8,
): void {
  state.t += 1;
  const bc1 = 1 - beta1 ** state.t;
  const bc2 = 1 - beta2 ** state.t;
  for (let k = 0; k < p.length; k++) {
    state.m[k] = beta1 * state.m[k] + (1 - beta1) * grads[k];
    state.v[k] = beta2 * state.v[k] + (1 - beta2) * grads[k] * grads[k];
    const denom = Math.sqrt(state.v[k]) / Math.sqrt(bc2) + eps;
    p[k] -= (lr / bc1) * (state.m[k] / denom);
  }
}

/** Global-norm clipping as torch.nn.utils.clip_grad_norm_: scale by max/(norm + 1e-6) when that is below 1. */
export function refClipGradNorm(grads: Float64Array, maxNorm: number): number {
  let sq = 0;
  for (let k = 0; k < grads.length; k++) sq += grads[k] * grads[k];
  const norm = Math.sqrt(sq);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) for (let k = 0; k < grads.length; k++) grads[k] *= coef;
  return norm;
}

/** Initial parameters (PyTorch's distributions, our seeded generator) as float64, for the plain-JS peer. */
export function refInitParams(cell: CellKind, H: number, seed: number): Float64Array {
  return Float64Array.from(initialParams(cell, H, seed));
}
