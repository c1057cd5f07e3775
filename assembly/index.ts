// The contract with JS (src/wasm.ts, src/model.ts). One instance holds one model. JS writes a batch straight into
// linear memory at the pointers below, then makes one call per training step (trainStep) or per inference chunk.
//
// Batch format JS writes (see layout.ts): strings sorted by length, longest first, string s in group s >> 2, lane
// s & 3 (so a group runs only as long as its longest string and finished strings leave the vector); LENGTHS[s]
// i32 (0 for padding lanes); TARGETS[s] f32 parity; X[g][t] the four lanes' bits as f32 0.0/1.0, written as 0.0
// past a string's end (those lanes compute values nobody reads, and receive exactly zero gradient).
//
// Errors: functions return status codes (0 ok, 1 out of memory, 2 too large, 3 not laid out); src/wasm.ts turns
// them, aborts and traps into Errors that say what to do.

import {
  CELL, CELL_LSTM, H, P, P4, NG, TCAP, TRAIN_READY, PARAMS, GRADS, LENGTHS, TARGETS, LOGITS, X, HFINAL, STATE_H,
  STATE_C, DH, DC, DHP, ZEROS, Z, TC, O_WIH, O_WHH, O_BIH, O_BHH, O_LW, DLOGITS,
  layoutModel, layoutBatch, batchBytes, cacheAt, xAt, groupVec, offC, offTC, offH, offDZ, BLK,
} from './layout';
import { gatesForward, gatesBackward, gatesWeightGrads, reduceAccumulators, clearAccumulators, refreshBiasSum } from './gates';
import { lstmForward, lstmBackward } from './lstm';
import { rnnForward, rnnBackward } from './rnn';
import { headForward, headBackward } from './head';
import { configure, resetOptimizer, clipGradients, adamUpdate, sgdUpdate, OPT, OPT_ADAM, LAST_NORM } from './adam';
export { applyActivation } from './activations';

// ---- model and batch lifetime --------------------------------------------------------------------------------

/** Lays out a model of `cell` (0 LSTM, 1 RNN) with `hidden` units. Parameters start at zero; JS writes them. */
export function create(cell: i32, hidden: i32): i32 {
  const s = layoutModel(cell, hidden);
  if (s == 0) resetOptimizer();
  return s;
}

/** Makes room for batches of up to `batch` strings of up to `steps` bits; `train` adds the backprop cache. */
export function reserve(batch: i32, steps: i32, train: i32): i32 {
  return layoutBatch((batch + 3) >> 2, steps, train != 0);
}

/** Bytes a reservation would add (so JS can refuse a length beyond memory with a clear message first). */
export function reserveBytes(batch: i32, steps: i32, train: i32): f64 {
  return <f64>batchBytes((batch + 3) >> 2, steps, train != 0);
}

export function paramsPtr(): usize { return PARAMS; }
export function gradsPtr(): usize { return GRADS; }
export function paramCount(): i32 { return P; }
export function paramCountPadded(): i32 { return P4; }
export function lengthsPtr(): usize { return LENGTHS; }
export function targetsPtr(): usize { return TARGETS; }
export function logitsPtr(): usize { return LOGITS; }
export function inputPtr(): usize { return X; }
export function inputStride(): i32 { return TCAP; }
export function groupCapacity(): i32 { return NG; }
export function lastGradNorm(): f64 { return LAST_NORM; }

// ---- forward and backward over a batch ---------------------------------------------------------------------

// @ts-ignore: decorator
@inline function lengthOf(s: i32): i32 {
  return load<i32>(LENGTHS + (<usize>s << 2));
}

/** Steps group g must run: its longest string. */
function groupLength(g: i32): i32 {
  const s = g << 2;
  return max(max(lengthOf(s), lengthOf(s + 1)), max(lengthOf(s + 2), lengthOf(s + 3)));
}

/** Copies the lanes of h (v128[H]) whose strings end at step t into HFINAL. */
function captureFinal(g: i32, t: i32, h: usize): void {
  const dst = groupVec(HFINAL, g);
  for (let lane = 0; lane < 4; lane++) {
    if (lengthOf((g << 2) + lane) - 1 != t) continue;
    const lo = <usize>lane << 2;
    for (let j = 0; j < H; j++) {
      const o = (<usize>j << 4) + lo;
      store<f32>(dst + o, load<f32>(h + o));
    }
  }
}

/** Training forward pass of group g over steps 0..T-1, keeping every step in the cache. */
function forwardGroup(g: i32, T: i32): void {
  const hOff = <usize>offH() << 4;
  for (let t = 0; t < T; t++) {
    const blk = cacheAt(g, t);
    const prev: usize = t == 0 ? 0 : cacheAt(g, t - 1);
    const hPrev = t == 0 ? ZEROS : prev + hOff;
    if (CELL == CELL_LSTM) {
      const cPrev = t == 0 ? ZEROS : prev + (<usize>offC() << 4);
      lstmForward(xAt(g, t), hPrev, cPrev, blk, blk + (<usize>offC() << 4), blk + (<usize>offTC() << 4), blk + hOff, true);
    } else {
      gatesForward(blk, xAt(g, t), hPrev);
      rnnForward(blk, blk);
    }
    captureFinal(g, t, blk + hOff);
  }
}

/** Adds dlogit[s] * linear.weight to dh in the lanes whose strings end at step t: where the loss enters. */
function injectHeadGradient(g: i32, t: i32, dh: usize): void {
  const lw = PARAMS + (<usize>O_LW << 2);
  for (let lane = 0; lane < 4; lane++) {
    const s = (g << 2) + lane;
    if (lengthOf(s) - 1 != t) continue;
    const d = load<f32>(DLOGITS + (<usize>s << 2));
    const lo = <usize>lane << 2;
    for (let j = 0; j < H; j++) {
      const a = dh + (<usize>j << 4) + lo;
      store<f32>(a, load<f32>(a) + d * load<f32>(lw + (<usize>j << 2)));
    }
  }
}

/**
 * Backpropagation through time for group g, last step first. Each step's dz goes into its cache block; the weight
 * gradients are then summed over all steps at once (gatesWeightGrads) into ACC_*.
 */
function backwardGroup(g: i32, T: i32): void {
  if (T == 0) return;
  let dh = DH;
  let dhp = DHP;
  memory.fill(DH, 0, <usize>H << 4);
  memory.fill(DC, 0, <usize>H << 4);
  const dzOff = <usize>offDZ() << 4;
  for (let t = T - 1; t >= 0; t--) {
    injectHeadGradient(g, t, dh);
    const blk = cacheAt(g, t);
    if (CELL == CELL_LSTM) {
      const cPrev = t == 0 ? ZEROS : cacheAt(g, t - 1) + (<usize>offC() << 4);
      lstmBackward(blk, cPrev, blk + (<usize>offTC() << 4), dh, DC, blk + dzOff);
    } else {
      rnnBackward(blk, dh, blk + dzOff);
    }
    if (t > 0) gatesBackward(dhp, blk + dzOff);
    const tmp = dh;
    dh = dhp;
    dhp = tmp;
  }
  gatesWeightGrads(cacheAt(g, 0), <usize>BLK << 4, T, dzOff, <usize>offH() << 4, xAt(g, 0));
}

/**
 * Forward and backward over the loaded batch of B strings: fills LOGITS and GRADS, returns the mean BCE loss.
 * Needs reserve(>= B, >= longest, train=1). Returns NaN when the batch region is not laid out for training.
 */
export function lossAndGrads(B: i32): f64 {
  const groups = (B + 3) >> 2;
  if (!TRAIN_READY || groups > NG) return NaN;
  refreshBiasSum(O_BIH, O_BHH);
  memory.fill(HFINAL, 0, <usize>groups * <usize>H << 4);
  for (let g = 0; g < groups; g++) forwardGroup(g, min(groupLength(g), TCAP));
  const loss = headForward(B);
  headBackward(B);
  clearAccumulators();
  for (let g = 0; g < groups; g++) backwardGroup(g, min(groupLength(g), TCAP));
  reduceAccumulators(GRADS, O_WIH, O_WHH, O_BIH, O_BHH);
  return loss;
}

/** Sets the optimiser: kind 0 Adam, 1 SGD; clip 0 = no clipping. Keeps the moments. */
export function setOptimizer(kind: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, clip: f32): void {
  configure(kind, lr, beta1, beta2, eps, clip);
}

export { resetOptimizer };

/** Clips (when set) and applies one optimiser step with GRADS. */
export function update(): void {
  clipGradients();
  if (OPT == OPT_ADAM) adamUpdate();
  else sgdUpdate();
}

/** One training step on the loaded batch: forward, BPTT, clip, update. Returns the loss before the update. */
export function trainStep(B: i32): f64 {
  const loss = lossAndGrads(B);
  if (isNaN(loss)) return loss;
  update();
  return loss;
}

// ---- streamed inference: no cache, so memory does not depend on the strings' length ---------------------------

/** Zeroes the running state of B strings before streaming their bits. */
export function inferBegin(B: i32): i32 {
  const groups = (B + 3) >> 2;
  if (groups > NG) return 3;
  refreshBiasSum(O_BIH, O_BHH);
  const bytes = <usize>groups * <usize>H << 4;
  memory.fill(HFINAL, 0, bytes);
  memory.fill(STATE_H, 0, bytes);
  memory.fill(STATE_C, 0, bytes);
  return 0;
}

/**
 * Advances B strings by the steps t0 .. t0+steps-1 whose bits JS wrote at X[g][0 .. steps) (steps <= TCAP).
 * Strings that end inside the chunk leave their final hidden state in HFINAL.
 */
export function inferChunk(B: i32, t0: i32, steps: i32): i32 {
  const groups = (B + 3) >> 2;
  if (groups > NG || steps > TCAP) return 3;
  for (let g = 0; g < groups; g++) {
    const T = min(groupLength(g), t0 + steps);
    const h = groupVec(STATE_H, g);
    const c = groupVec(STATE_C, g);
    for (let t = t0; t < T; t++) {
      if (CELL == CELL_LSTM) {
        // h cannot be updated in place (every unit reads all of hPrev): new h into Z, then copied back.
        lstmForward(xAt(g, t - t0), h, c, Z, c, TC, Z, false);
        memory.copy(h, Z, <usize>H << 4);
      } else {
        gatesForward(Z, xAt(g, t - t0), h);
        rnnForward(Z, h);
      }
      captureFinal(g, t, h);
    }
  }
  return 0;
}

/** Logits of the B streamed strings into LOGITS; returns the mean loss against TARGETS. */
export function inferEnd(B: i32): f64 {
  return headForward(B);
}
