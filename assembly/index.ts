// The contract with JS (src/core/wasm.ts, src/core/model.ts). One instance holds one model. JS writes a batch straight into
// linear memory at the pointers below, then makes one call per training step (trainStep) or per inference chunk.
//
// Batch format JS writes (see layout.ts): strings sorted by length, longest first, string s in group s >> 2, lane
// s & 3 (so a group runs only as long as its longest string and finished strings leave the vector); LENGTHS[s]
// i32 (0 for padding lanes); TARGETS[s] f32 parity; X[g][t] the four lanes' bits as f32 0.0/1.0, written as 0.0
// past a string's end (those lanes compute values nobody reads, and receive exactly zero gradient).
//
// Errors: every function that can refuse returns a status code (layout.ts: OK 0, OUT_OF_MEMORY 1, TOO_LARGE 2,
// NOT_LAID_OUT 3) and leaves numbers (the loss) to be read after it; src/core/model.ts turns statuses, aborts and
// traps into Errors that say what to do.

import {
  CELL, CELL_LSTM, CELL_GRU, H, P, P4, NG, TCAP, TRAIN_READY, PARAMS, GRADS, LENGTHS, TARGETS, LOGITS, X, HFINAL, STATE_H,
  STATE_C, DH, DC, DHP, DH2, DC2, DHP2, ZEROS, Z, O_WIH, O_WHH, O_BIH, O_BHH, O_LW, O_LB, DLOGITS, BLK_BYTES, OFF_H, OFF_C,
  OFF_TC, OFF_HN, OFF_DZ, OFF_DZX, OK, NOT_LAID_OUT, SLOTS, PENB, layoutModel, layoutBatch, batchBytes, cacheAt, useBlock, xAt, groupVec,
  layoutInference, inferenceBytes, selectBatch,
} from './layout';
import { affineForward, affineBackward, affineBackward2, affineWeightGrads, reduceAccumulators, clearAccumulators, refreshBiasSum } from './affine';
import { lstmForward, lstmForward2, lstmBackward } from './lstm';
import { rnnForward, rnnBackward } from './rnn';
import { gruForward, gruBackward } from './gru';
import { headForward, headBackward, headDlogits } from './head';
import { configure, resetOptimizer, clearNorm, clipGradients, adamUpdate, sgdUpdate, gradNorm, gradsFinite, OPT, OPT_ADAM } from './adam';
import {
  setRegularizers, restartNoise, addStateNoise, forgetPenalty, addPenalty, noiseState, setNoiseState, jump, PEN_W, NOISE, FORGET, PENALTY,
} from './regularize';
export { applyActivation } from './activations';

// ---- model and batch lifetime --------------------------------------------------------------------------------

/** Lays out a model of `cell` (0 LSTM, 1 RNN, 2 GRU) with `hidden` units. Parameters start at zero; JS writes them. */
export function create(cell: i32, hidden: i32): i32 {
  const s = layoutModel(cell, hidden);
  if (s == OK) {
    resetOptimizer();
    clearNorm();
  }
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

/**
 * Makes room for inference over up to `batch` strings, `steps` bits per chunk, in a region of its own after
 * reserve's (which drops it), and selects it: inference then leaves the loaded training batch where it is.
 */
export function reserveInference(batch: i32, steps: i32): i32 {
  return layoutInference((batch + 3) >> 2, steps);
}

/** Bytes reserveInference would add. */
export function reserveInferenceBytes(batch: i32, steps: i32): f64 {
  return <f64>inferenceBytes((batch + 3) >> 2, steps);
}

/**
 * Points every pointer below and every kernel at region 0 (reserve's) or 1 (reserveInference's). Returns
 * NOT_LAID_OUT for region 1 when it is not laid out.
 */
export function useRegion(region: i32): i32 {
  return selectBatch(region);
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
/** The global gradient norm of the last update, before clipping (computed on the first call after it). */
export function lastGradNorm(): f64 { return gradNorm(); }
/** 1 when every gradient of the last update was finite, 0 when one was NaN or infinite (training diverged). */
export function lastGradsFinite(): i32 { return gradsFinite() ? 1 : 0; }
/** The mean loss of the last lossAndGrads, trainStep or inferEnd. */
export function lastLoss(): f64 { return LOSS; }
/** The forget-gate penalty of the last lossAndGrads/trainStep (not in lastLoss, which stays the BCE). */
export function lastPenalty(): f64 { return PENALTY; }
export { setRegularizers };

/**
 * Float offset of parameter tensor i in PARAMS, in PyTorch's order (W_ih, W_hh, b_ih, b_hh, linear.weight,
 * linear.bias); i = 6 gives the parameter count. For test/layout.test.ts, which holds it to src/core/layout.ts.
 */
export function tensorOffset(i: i32): i32 {
  switch (i) {
    case 0: return O_WIH;
    case 1: return O_WHH;
    case 2: return O_BIH;
    case 3: return O_BHH;
    case 4: return O_LW;
    case 5: return O_LB;
    default: return P;
  }
}

let LOSS: f64 = 0;

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

/**
 * The steps at which some lane of group g ends, as first | last << 32 (an empty range when no lane has a string):
 * so the per-step check is two compares, and captureFinal runs only at steps that can need it.
 */
function endRange(g: i32): u64 {
  let lo = i32.MAX_VALUE;
  let hi = -1;
  for (let lane = 0; lane < 4; lane++) {
    const e = lengthOf((g << 2) + lane) - 1;
    if (e < 0) continue;
    lo = min(lo, e);
    hi = max(hi, e);
  }
  return <u64><u32>lo | (<u64><u32>hi << 32);
}

// @ts-ignore: decorator
@inline function ends(range: u64, t: i32): bool {
  return t >= <i32>range && t <= <i32>(range >> 32);
}

let BATCH: i32 = 0;

/**
 * The forget-gate penalty's weight per lane of group g at step t: FORGET / (B L_s H) for a string s that is still
 * reading (t < L_s), so each string's penalty is its mean over steps and units and the batch's is their mean.
 * Left at PEN_W, times scale (exact: 1 for the penalty's value, 2 for its gradient 2 w f).
 */
function penaltyWeights(g: i32, t: i32, scale: f32): void {
  for (let lane = 0; lane < 4; lane++) {
    const s = (g << 2) + lane;
    const L = lengthOf(s);
    const v = s < BATCH && t < L ? (scale * FORGET) / (<f32>BATCH * <f32>L * <f32>H) : <f32>0;
    store<f32>(PEN_W + (<usize>lane << 2), v);
  }
}

/**
 * Copies each lane's hidden state at its string's last step (when that step is below T) from group g's cache into
 * HFINAL: the cache keeps every step's h as the next step read it, so this equals capturing it step by step.
 */
function captureFromCache(g: i32, T: i32): void {
  const dst = groupVec(HFINAL, g);
  for (let lane = 0; lane < 4; lane++) {
    const t = lengthOf((g << 2) + lane) - 1;
    if (t < 0 || t >= T) continue;
    const src = cacheAt(g, t) + OFF_H;
    const lo = <usize>lane << 2;
    for (let j = 0; j < H; j++) {
      const o = (<usize>j << 4) + lo;
      store<f32>(dst + o, load<f32>(src + o));
    }
  }
}

// ---- a batch in blocks of groups ------------------------------------------------------------------------------
// lossAndGrads runs the groups in blocks, each forward then backward while its cache is still warm (layout.ts keeps
// one slot per group of a block): blocks of two, and a last block of three when the count is odd and the cache has
// a third slot, so that no group runs from its first step to its last alone. Inside a block two streams run side by
// side: A is the block's first (longest) group, B the others one after the other, and the two-group kernels
// (lstmForward2, affineBackward2) run while both streams have steps. Every group computes exactly what it computes
// alone, and the weight gradients are summed group by group in group order, so the blocks do not change a bit.

/** Group g's steps: its longest string, within the reservation. */
// @ts-ignore: decorator
@inline function stepsOf(g: i32): i32 {
  return min(groupLength(g), TCAP);
}

/**
 * The regularisers after the forward step t of group g (its block in the cache): the forget-gate penalty's value,
 * added to PENALTY (slot < 0) or kept in PENB[slot] to be added later, and the state noise on h and c from the
 * stream state x. Returns the stream's state after the step's draws.
 */
function regularize(g: i32, t: i32, x: u32, slot: i32): u32 {
  const blk = cacheAt(g, t);
  if (FORGET != 0) {
    penaltyWeights(g, t, 1);
    const v = forgetPenalty(blk);
    if (slot < 0) addPenalty(v);
    else store<f64>(PENB + (<usize>slot << 3), v);
  }
  return NOISE != 0 ? addStateNoise(blk + OFF_H, blk + OFF_C, x) : x;
}

/** One training forward step t of group g, kept in the cache (without the LSTM's regularisers). */
function forwardStep(g: i32, t: i32): void {
  const blk = cacheAt(g, t);
  const prev: usize = t == 0 ? 0 : cacheAt(g, t - 1);
  const hPrev = t == 0 ? ZEROS : prev + OFF_H;
  if (CELL == CELL_LSTM) {
    const cPrev = t == 0 ? ZEROS : prev + OFF_C;
    lstmForward(blk + OFF_H, blk + OFF_C, blk + OFF_TC, blk, xAt(g, t), hPrev, cPrev);
  } else if (CELL == CELL_GRU) {
    gruForward(blk + OFF_H, blk, blk + OFF_HN, xAt(g, t), hPrev, true);
  } else {
    affineForward(blk + OFF_H, xAt(g, t), hPrev);
    rnnForward(blk + OFF_H, blk + OFF_H);
  }
}

/** LSTM forward step ta of group a and step tb of group b together (lstmForward2). */
function forwardStep2(a: i32, ta: i32, b: i32, tb: i32): void {
  const blkA = cacheAt(a, ta);
  const blkB = cacheAt(b, tb);
  const hPrevA = ta == 0 ? ZEROS : cacheAt(a, ta - 1) + OFF_H;
  const cPrevA = ta == 0 ? ZEROS : cacheAt(a, ta - 1) + OFF_C;
  const hPrevB = tb == 0 ? ZEROS : cacheAt(b, tb - 1) + OFF_H;
  const cPrevB = tb == 0 ? ZEROS : cacheAt(b, tb - 1) + OFF_C;
  lstmForward2(
    blkA + OFF_H, blkA + OFF_C, blkA + OFF_TC, blkA, xAt(a, ta), hPrevA, cPrevA,
    blkB + OFF_H, blkB + OFF_C, blkB + OFF_TC, blkB, xAt(b, tb), hPrevB, cPrevB,
  );
}

/**
 * Training forward pass of the block of n groups from `first`, every step kept in the cache, and each string's
 * final h into HFINAL. The LSTM runs streams A and B together (forwardStep2). Its regularisers keep the order they
 * have group after group: B draws its noise from where the stream stands after A's last step (jump), and B's
 * penalty values wait in PENB until A's are added. The other cells run the groups one after the other.
 */
function forwardBlock(first: i32, n: i32): void {
  const last = first + n - 1;
  const regs = FORGET != 0 || NOISE != 0;
  if (CELL == CELL_LSTM && n > 1) {
    let ta = 0;
    const Ta = stepsOf(first);
    let b = first + 1;
    let tb = 0;
    let Tb = stepsOf(b);
    let xa = noiseState();
    let xb = NOISE != 0 ? jump(xa, <u64>Ta * <u64>(H << 3)) : xa; // 8H draws a step
    let kb = 0; // B's steps so far: its penalty slots
    for (;;) {
      if (tb == Tb && b < last) {
        b++;
        tb = 0;
        Tb = stepsOf(b);
      }
      if (ta < Ta && tb < Tb) {
        forwardStep2(first, ta, b, tb);
        if (regs) {
          xa = regularize(first, ta, xa, -1);
          xb = regularize(b, tb, xb, kb);
        }
        ta++;
        tb++;
        kb++;
      } else if (ta < Ta) {
        forwardStep(first, ta);
        if (regs) xa = regularize(first, ta, xa, -1);
        ta++;
      } else if (tb < Tb) {
        forwardStep(b, tb);
        if (regs) xb = regularize(b, tb, xb, kb);
        tb++;
        kb++;
      } else break;
    }
    if (FORGET != 0) for (let k = 0; k < kb; k++) addPenalty(load<f64>(PENB + (<usize>k << 3)));
    setNoiseState(xb);
  } else {
    for (let g = first; g <= last; g++) {
      const T = stepsOf(g);
      for (let t = 0; t < T; t++) {
        forwardStep(g, t);
        if (regs && CELL == CELL_LSTM) setNoiseState(regularize(g, t, noiseState(), -1));
      }
    }
  }
  for (let g = first; g <= last; g++) captureFromCache(g, stepsOf(g));
}

/** Adds dlogit[s] * linear.weight to dh (in and out) in the lanes whose strings end at step t: where the loss enters. */
function injectHeadGradient(dh: usize, g: i32, t: i32): void {
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
 * The pointwise half of group g's backward step t: the head gradient enters dh (at the steps where one of its
 * strings ends: `endsAt` is endRange(g)), the step's dz goes into its cache block (and the GRU's direct part of the
 * gradient at h_prev into dhp; dc is the LSTM's gradient at c, in and out). Returns the carry for affineBackward:
 * what reaches h_prev other than through W_hh.
 */
// @ts-ignore: decorator
@inline function cellBackward(g: i32, t: i32, endsAt: u64, dh: usize, dhp: usize, dc: usize): usize {
  if (ends(endsAt, t)) injectHeadGradient(dh, g, t);
  const blk = cacheAt(g, t);
  if (CELL == CELL_LSTM) {
    const cPrev = t == 0 ? ZEROS : cacheAt(g, t - 1) + OFF_C;
    let pen: usize = 0;
    if (FORGET != 0) {
      penaltyWeights(g, t, 2);
      pen = PEN_W;
    }
    lstmBackward(blk + OFF_DZ, dc, blk, cPrev, blk + OFF_TC, dh, pen);
    return ZEROS;
  } else if (CELL == CELL_GRU) {
    // dz over the gates, dz_x over hn; dhp first gets the part of dh that skips W_hh, then the W_hh part.
    const hPrev = t == 0 ? ZEROS : cacheAt(g, t - 1) + OFF_H;
    gruBackward(blk + OFF_DZ, blk + OFF_DZX, dhp, blk, blk + OFF_HN, hPrev, dh);
    return dhp;
  }
  rnnBackward(blk + OFF_DZ, blk + OFF_H, dh);
  return ZEROS;
}

/**
 * Backpropagation through time for the block of n groups from `first`, each group from its last step to its
 * first: stream A (the first group; dh, dh_prev and dc in DH, DHP, DC) beside stream B (the others, last group
 * first; DH2, DHP2, DC2), their W_hh steps together while both need one (affineBackward2: each weight splat feeds
 * both). Each step's dz goes into its cache block; the weight gradients are then summed over all steps at once
 * (affineWeightGrads) into ACC_*, group by group in order.
 */
function backwardBlock(first: i32, n: i32): void {
  const hv = <usize>H << 4;
  let dhA = DH, dhpA = DHP, dhB = DH2, dhpB = DHP2;
  memory.fill(DH, 0, hv);
  memory.fill(DC, 0, hv);
  memory.fill(DH2, 0, hv);
  memory.fill(DC2, 0, hv);
  let ta = stepsOf(first) - 1;
  const ea = endRange(first);
  let b = first + n - 1;
  let tb = n > 1 ? stepsOf(b) - 1 : -1;
  let eb = endRange(b);
  for (;;) {
    if (tb < 0 && b > first + 1) {
      // stream B's next group starts from zero gradients
      b--;
      tb = stepsOf(b) - 1;
      eb = endRange(b);
      dhB = DH2;
      dhpB = DHP2;
      memory.fill(DH2, 0, hv);
      memory.fill(DC2, 0, hv);
    }
    if (ta >= 0 && tb >= 0) {
      const ca = cellBackward(first, ta, ea, dhA, dhpA, DC);
      const cb = cellBackward(b, tb, eb, dhB, dhpB, DC2);
      if (ta > 0 && tb > 0) affineBackward2(dhpA, ca, cacheAt(first, ta) + OFF_DZ, dhpB, cb, cacheAt(b, tb) + OFF_DZ);
      else if (ta > 0) affineBackward(dhpA, ca, cacheAt(first, ta) + OFF_DZ);
      else if (tb > 0) affineBackward(dhpB, cb, cacheAt(b, tb) + OFF_DZ);
    } else if (ta >= 0) {
      const ca = cellBackward(first, ta, ea, dhA, dhpA, DC);
      if (ta > 0) affineBackward(dhpA, ca, cacheAt(first, ta) + OFF_DZ);
    } else if (tb >= 0) {
      const cb = cellBackward(b, tb, eb, dhB, dhpB, DC2);
      if (tb > 0) affineBackward(dhpB, cb, cacheAt(b, tb) + OFF_DZ);
    } else break;
    if (ta >= 0) {
      const swap = dhA;
      dhA = dhpA;
      dhpA = swap;
      ta--;
    }
    if (tb >= 0) {
      const swap = dhB;
      dhB = dhpB;
      dhpB = swap;
      tb--;
    }
  }
  for (let g = first; g < first + n; g++) {
    const T = stepsOf(g);
    if (T > 0) affineWeightGrads(cacheAt(g, 0), xAt(g, 0), BLK_BYTES, OFF_DZ, OFF_DZX, OFF_H, T);
  }
}

/**
 * Forward and backward over the loaded batch of B strings: fills LOGITS and GRADS, and the mean BCE loss (read it
 * with lastLoss). Needs reserve(>= B, >= longest, train=1); returns NOT_LAID_OUT when the batch region is not laid
 * out for training that many strings.
 */
export function lossAndGrads(B: i32): i32 {
  const groups = (B + 3) >> 2;
  if (!TRAIN_READY || groups > NG) return NOT_LAID_OUT;
  refreshBiasSum(O_BIH, O_BHH);
  BATCH = B;
  restartNoise();
  memory.fill(HFINAL, 0, <usize>groups * <usize>H << 4);
  clearAccumulators();
  // A string's gradient at its logit needs only its own logit (headDlogits), so a block runs backward right after
  // its forward pass; the loss, the logits and the read-out's gradients follow over the whole batch.
  for (let g = 0; g < groups; ) {
    const n = groups - g == 3 && SLOTS >= 3 ? 3 : min(groups - g, 2);
    useBlock(g);
    forwardBlock(g, n);
    headDlogits(g << 2, min((g + n) << 2, B), B);
    backwardBlock(g, n);
    g += n;
  }
  LOSS = headForward(B);
  headBackward(B);
  reduceAccumulators(GRADS, O_WIH, O_WHH, O_BIH, O_BHH);
  return OK;
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

/** One training step on the loaded batch: forward, BPTT, clip, update. The loss before the update is lastLoss(). */
export function trainStep(B: i32): i32 {
  const s = lossAndGrads(B);
  if (s != OK) return s;
  update();
  return OK;
}

// ---- streamed inference: no cache, so memory does not depend on the strings' length ---------------------------

/** Zeroes the running state of B strings before streaming their bits. */
export function inferBegin(B: i32): i32 {
  const groups = (B + 3) >> 2;
  if (groups > NG) return NOT_LAID_OUT;
  refreshBiasSum(O_BIH, O_BHH);
  const bytes = <usize>groups * <usize>H << 4;
  memory.fill(HFINAL, 0, bytes);
  memory.fill(STATE_H, 0, bytes);
  memory.fill(STATE_C, 0, bytes);
  return OK;
}

/**
 * Advances B strings by the steps t0 .. t0+steps-1 whose bits JS wrote at X[g][0 .. steps) (steps <= TCAP).
 * Strings that end inside the chunk leave their final hidden state in HFINAL.
 */
export function inferChunk(B: i32, t0: i32, steps: i32): i32 {
  const groups = (B + 3) >> 2;
  if (groups > NG || steps > TCAP) return NOT_LAID_OUT;
  const hv = <usize>H << 4;
  if (CELL == CELL_LSTM) {
    // The LSTM kernels update h and c in place; their gates go to scratch at Z (layout.ts), tanh(c) over the g row
    // (the kernels allow it). Two groups at a time while both run, then the longer alone.
    const gza = Z;
    const gzb = gza + (hv << 2);
    const tca = gza + (hv << 1);
    const tcb = gzb + (hv << 1);
    let g = 0;
    for (; g + 1 < groups; g += 2) {
      const Ta = min(groupLength(g), t0 + steps);
      const Tb = min(groupLength(g + 1), t0 + steps);
      const ha = groupVec(STATE_H, g);
      const hb = groupVec(STATE_H, g + 1);
      const ca = groupVec(STATE_C, g);
      const cb = groupVec(STATE_C, g + 1);
      const ea = endRange(g);
      const eb = endRange(g + 1);
      const both = min(Ta, Tb);
      let t = t0;
      for (; t < both; t++) {
        lstmForward2(ha, ca, tca, gza, xAt(g, t - t0), ha, ca, hb, cb, tcb, gzb, xAt(g + 1, t - t0), hb, cb);
        if (ends(ea, t)) captureFinal(g, t, ha);
        if (ends(eb, t)) captureFinal(g + 1, t, hb);
      }
      for (let u = t; u < Ta; u++) {
        lstmForward(ha, ca, tca, gza, xAt(g, u - t0), ha, ca);
        if (ends(ea, u)) captureFinal(g, u, ha);
      }
      for (let u = t; u < Tb; u++) {
        lstmForward(hb, cb, tcb, gzb, xAt(g + 1, u - t0), hb, cb);
        if (ends(eb, u)) captureFinal(g + 1, u, hb);
      }
    }
    for (; g < groups; g++) {
      const T = min(groupLength(g), t0 + steps);
      const h = groupVec(STATE_H, g);
      const c = groupVec(STATE_C, g);
      const e = endRange(g);
      for (let t = t0; t < T; t++) {
        lstmForward(h, c, tca, gza, xAt(g, t - t0), h, c);
        if (ends(e, t)) captureFinal(g, t, h);
      }
    }
    return OK;
  }
  for (let g = 0; g < groups; g++) {
    const T = min(groupLength(g), t0 + steps);
    const state = groupVec(STATE_H, g);
    const e = endRange(g);
    // h cannot be updated in place (every unit reads all of hPrev): the GRU writes the new h into the other of two
    // buffers (the group's state and Z) and swaps, instead of copying it back every step; the state returns to
    // STATE_H once, at the end of the chunk.
    let h = state;
    let hNext = Z;
    for (let t = t0; t < T; t++) {
      if (CELL == CELL_GRU) {
        gruForward(hNext, 0, 0, xAt(g, t - t0), h, false); // keep = false: no gates or hn to store
      } else {
        affineForward(Z, xAt(g, t - t0), h);
        rnnForward(h, Z);
        hNext = h;
      }
      const was = h;
      h = hNext;
      hNext = was;
      if (ends(e, t)) captureFinal(g, t, h);
    }
    if (h != state) memory.copy(state, h, hv);
  }
  return OK;
}

/** Logits of the B streamed strings into LOGITS, and the mean loss against TARGETS (lastLoss). */
export function inferEnd(B: i32): i32 {
  if ((B + 3) >> 2 > NG) return NOT_LAID_OUT;
  LOSS = headForward(B);
  return OK;
}
