// Sizes and offsets of everything in linear memory. Nothing is allocated per step: create() lays out the model
// region once, reserve() lays out the batch region after it (growing memory only when a larger batch arrives).
//
// Model region (bytes from MODEL_BASE), each block 16-byte aligned:
//   PARAMS, GRADS, ADAM_M, ADAM_V  f32[P4]        same layout (src/core/layout.ts), so the optimiser is one flat loop
//   NORM_G                         f32[P4]        the last unclipped update's gradient, for its norm on request
//   BSUM                           f32[GH]        b_ih + b_hh, refreshed at the start of each forward pass
//   ACC_WIH, ACC_BIH, ACC_BHH      v128[GH]       per-lane gradient accumulators (lanes = four strings)
//   ACC_WHH                        v128[GH*H]     summed across lanes once per backward pass
// Batch region (after the model region), for NG = ceil(B/4) groups of four strings and TCAP time steps:
//   LENGTHS i32[4NG]; TARGETS, LOGITS, DLOGITS f32[4NG]
//   X       v128[NG][TCAP]              the bit of each of the group's four strings at each step (0.0 or 1.0)
//   CACHE   v128[SLOTS][TCAP][BLK]      what backprop needs (training only), per cell (offsets OFF_* below);
//           one slot per group of a block: lossAndGrads runs a block of groups forward then backward before the
//           next (index.ts). Two slots, and a third when NG is odd and memory allows it (a last block of three)
//           (BLK rounded up by one line where that spreads the steps over more L1 sets, see layoutModel):
//             LSTM  BLK 7H: gates i f g o (after their nonlinearity) | c | tanh c | h
//             RNN   BLK 2H: h | dz
//             GRU   BLK 5H: gates r z n (after their nonlinearity) | hn = W_hn h_prev + b_hn | h
//           The backward sweep writes each step's dz (the gradient at the pre-activations) over that step's gates
//           once it has read them (LSTM, GRU), so the weight gradients can be summed afterwards as one blocked
//           product. The GRU's n row has two: dz_h = dn_pre * r for its recurrent part (over n) and dz_x = dn_pre
//           for its input part (over hn).
//   PENB    f64[SLOTS][TCAP]            the forget-gate penalty's value at each step of a block's stream B, added
//                                       after stream A's (index.ts), in the order of the groups (training only)
//   HFINAL  v128[NG][H]                 each string's hidden state at its own last bit
//   STATE_H, STATE_C v128[NG][H]        running state for streamed inference
//   work:   DH, DC, DHP, ZEROS, TC v128[H]; Z v128[2GH] (streamed inference: the LSTM's gates of two groups at Z
//           and Z + GH, the GRU's next h, the RNN's pre-activations); DH2, DC2, DHP2 v128[H] (stream B's
//           backward)
// Parameter tensors inside PARAMS (float offsets), PyTorch's order: W_ih [GH,1], W_hh [GH,H], b_ih, b_hh [GH],
// linear.weight [1,H], linear.bias [1]. Gate rows r = gate*H + unit, gate order i, f, g, o (LSTM), r, z, n (GRU).

export const CELL_LSTM: i32 = 0;
export const CELL_RNN: i32 = 1;
export const CELL_GRU: i32 = 2;

// Status codes every exported function returns (src/core/model.ts reads them).
export const OK: i32 = 0;
export const OUT_OF_MEMORY: i32 = 1;
export const TOO_LARGE: i32 = 2;
export const NOT_LAID_OUT: i32 = 3;

export let CELL: i32 = CELL_LSTM;
export let G: i32 = 4; // gate blocks of H rows: 4 LSTM, 3 GRU, 1 RNN
export let H: i32 = 0;
export let GH: i32 = 0;
export let P: i32 = 0; // parameter count
export let P4: i32 = 0; // rounded up to a multiple of 4 for the SIMD optimiser

export let O_WIH: i32 = 0;
export let O_WHH: i32 = 0;
export let O_BIH: i32 = 0;
export let O_BHH: i32 = 0;
export let O_LW: i32 = 0;
export let O_LB: i32 = 0;

export let PARAMS: usize = 0;
export let GRADS: usize = 0;
export let ADAM_M: usize = 0;
export let ADAM_V: usize = 0;
export let NORM_G: usize = 0;
export let BSUM: usize = 0;
export let ACC_WIH: usize = 0;
export let ACC_BIH: usize = 0;
export let ACC_BHH: usize = 0;
export let ACC_WHH: usize = 0;
let MODEL_END: usize = 0;

export let NG: i32 = 0;
export let TCAP: i32 = 0;
export let TRAIN_READY: bool = false;
export let LENGTHS: usize = 0;
export let TARGETS: usize = 0;
export let LOGITS: usize = 0;
export let DLOGITS: usize = 0;
export let X: usize = 0;
export let CACHE: usize = 0;
export let SLOTS: i32 = 0; // cache slots: the most groups a block may hold
export let PENB: usize = 0;
let CACHE_FIRST: i32 = 0; // the first group of the block the cache holds (slot 0)
export let HFINAL: usize = 0;
export let STATE_H: usize = 0;
export let STATE_C: usize = 0;
export let DH: usize = 0;
export let DC: usize = 0;
export let DHP: usize = 0;
export let DH2: usize = 0;
export let DC2: usize = 0;
export let DHP2: usize = 0;
export let ZEROS: usize = 0;
export let Z: usize = 0;
export let TC: usize = 0;
let BATCH_END: usize = 0;

// One cache block, in bytes, set by layoutModel (they depend only on the cell and H): its size, and where each
// field starts inside it (see the map above; a field a cell does not have is 0 and unused).
export let BLK_BYTES: usize = 0;
export let OFF_H: usize = 0; // h after the step
export let OFF_C: usize = 0; // LSTM: c
export let OFF_TC: usize = 0; // LSTM: tanh c
export let OFF_HN: usize = 0; // GRU: W_hn h_prev + b_hn
export let OFF_DZ: usize = 0; // dz of all GH rows (the recurrent part's, for the GRU's n row)
export let OFF_DZX: usize = 0; // dz of the last gate block's input part: OFF_DZ + (GH - H) rows except for the GRU

/** Address of the cache block of group g at step t, in slot g - first of the block (useBlock). Touches CACHE only. */
// @ts-ignore: decorator
@inline export function cacheAt(g: i32, t: i32): usize {
  return CACHE + (<usize>(g - CACHE_FIRST) * <usize>TCAP + <usize>t) * BLK_BYTES;
}

/** The cache now holds the block of groups that starts at `first` (one slot each, at most SLOTS). */
export function useBlock(first: i32): void {
  CACHE_FIRST = first;
}

/** Address of the input vector of group g at step t. Touches X only. */
// @ts-ignore: decorator
@inline export function xAt(g: i32, t: i32): usize {
  return X + ((<usize>g * <usize>TCAP + <usize>t) << 4);
}

/** Address of a group's H-vector block in HFINAL / STATE_H / STATE_C. */
// @ts-ignore: decorator
@inline export function groupVec(base: usize, g: i32): usize {
  return base + (<usize>g * <usize>H << 4);
}

// @ts-ignore: decorator
@inline function align16(p: u64): u64 { return (p + 15) & ~(<u64>15); }

/** Grows memory to hold `end` bytes; false when the engine refuses (out of memory). */
function ensureMemory(end: usize): bool {
  const have = <usize>memory.size() << 16;
  if (end <= have) return true;
  const pages = <i32>((end - have + 0xffff) >> 16);
  return memory.grow(pages) >= 0;
}

/** Largest linear memory we ask for: 4 GiB is wasm32's hard limit; stay well below it. */
export const MAX_BYTES: u64 = 3 << 30;
/** The largest spare cache slot layoutBatch adds for a last block of three groups (16 MiB). */
const SPARE_SLOT_BYTES: u64 = 16 << 20;

/** Lays out the model region for `cell` (CELL_*) with `hidden` units. Returns OK or OUT_OF_MEMORY. */
export function layoutModel(cell: i32, hidden: i32): i32 {
  CELL = cell;
  G = cell == CELL_LSTM ? 4 : cell == CELL_GRU ? 3 : 1;
  H = hidden;
  GH = G * H;
  P = GH * (H + 3) + H + 1;
  P4 = (P + 3) & ~3;
  O_WIH = 0;
  O_WHH = GH;
  O_BIH = O_WHH + GH * H;
  O_BHH = O_BIH + GH;
  O_LW = O_BHH + GH;
  O_LB = O_LW + H;

  const hv = <usize>H << 4; // one v128[H] field
  if (cell == CELL_LSTM) {
    OFF_C = 4 * hv;
    OFF_TC = 5 * hv;
    OFF_H = 6 * hv;
    OFF_DZ = 0;
    BLK_BYTES = 7 * hv;
  } else if (cell == CELL_GRU) {
    OFF_HN = 3 * hv;
    OFF_H = 4 * hv;
    OFF_DZ = 0;
    BLK_BYTES = 5 * hv;
  } else {
    OFF_H = 0;
    OFF_DZ = hv;
    BLK_BYTES = 2 * hv;
  }
  OFF_DZX = cell == CELL_GRU ? OFF_HN : OFF_DZ + (<usize>(GH - H) << 4);
  // affineWeightGrads walks each field down the steps at a stride of one block. A stride that is a multiple of
  // four cache lines maps the steps onto at most 16 of L1's 64 sets (7 KB at H 64: four sets), so a row block's
  // lines evict each other between passes; one spare line makes the stride spread over more sets.
  if (((BLK_BYTES >> 6) & 3) == 0) BLK_BYTES += 64;

  let p = <u64>align16(<u64>__heap_base);
  const fbytes = <u64>P4 << 2;
  PARAMS = <usize>p; p += fbytes;
  GRADS = <usize>p; p += fbytes;
  ADAM_M = <usize>p; p += fbytes;
  ADAM_V = <usize>p; p += fbytes;
  NORM_G = <usize>p; p += fbytes;
  BSUM = <usize>p; p = align16(p + (<u64>GH << 2));
  ACC_WIH = <usize>p; p += <u64>GH << 4;
  ACC_BIH = <usize>p; p += <u64>GH << 4;
  ACC_BHH = <usize>p; p += <u64>GH << 4;
  ACC_WHH = <usize>p; p += <u64>GH * <u64>H << 4;
  MODEL_END = <usize>p;
  NG = 0;
  TCAP = 0;
  TRAIN_READY = false;
  SELECTED = 0;
  MAIN_GROUPS = 0;
  MAIN_END = MODEL_END;
  INFER_GROUPS = 0;
  if (!ensureMemory(MODEL_END)) return OUT_OF_MEMORY;
  memory.fill(PARAMS, 0, MODEL_END - PARAMS);
  return OK;
}

/**
 * The one walk over the batch region: the end of the region (bytes past base) for `groups` groups of four strings
 * and `steps` steps, with `slots` cache slots (0: no cache, inference). With `commit` it also sets the pointers;
 * the sums run in u64 so a request beyond wasm32 is measured, not wrapped.
 */
function walkBatch(base: usize, groups: i32, steps: i32, slots: i32, commit: bool): u64 {
  const n4 = <u64>groups << 4; // bytes of one f32 per lane
  const hv = <u64>H << 4;
  const gt = <u64>groups * <u64>steps;
  let p = <u64>base;
  const lengths = p; p = align16(p + n4);
  const targets = p; p = align16(p + n4);
  const logits = p; p = align16(p + n4);
  const dlogits = p; p = align16(p + n4);
  const x = p; p += gt << 4;
  const cache = p;
  p += <u64>slots * <u64>steps * <u64>BLK_BYTES;
  const penb = p; p += (<u64>slots * <u64>steps) << 3;
  const hfinal = p; p += <u64>groups * hv;
  const stateH = p; p += <u64>groups * hv;
  const stateC = p; p += <u64>groups * hv;
  const dh = p; p += hv;
  const dc = p; p += hv;
  const dhp = p; p += hv;
  const zeros = p; p += hv;
  const tc = p; p += hv;
  const z = p; p += (<u64>GH * 2) << 4;
  const dh2 = p; p += hv;
  const dc2 = p; p += hv;
  const dhp2 = p; p += hv;
  if (commit) {
    LENGTHS = <usize>lengths;
    TARGETS = <usize>targets;
    LOGITS = <usize>logits;
    DLOGITS = <usize>dlogits;
    X = <usize>x;
    CACHE = <usize>cache;
    SLOTS = slots;
    PENB = <usize>penb;
    HFINAL = <usize>hfinal;
    STATE_H = <usize>stateH;
    STATE_C = <usize>stateC;
    DH = <usize>dh;
    DC = <usize>dc;
    DHP = <usize>dhp;
    ZEROS = <usize>zeros;
    TC = <usize>tc;
    Z = <usize>z;
    DH2 = <usize>dh2;
    DC2 = <usize>dc2;
    DHP2 = <usize>dhp2;
    BATCH_END = <usize>p;
  }
  return p - <u64>base;
}

/** Cache slots a training region needs: one per group of a block of two (a batch of one group needs one). */
// @ts-ignore: decorator
@inline function neededSlots(groups: i32, train: bool): i32 {
  return train ? min(groups, 2) : 0;
}

/** Bytes the batch region needs for `groups` groups of four strings, `steps` steps, with or without the cache. */
export function batchBytes(groups: i32, steps: i32, train: bool): u64 {
  return walkBatch(MODEL_END, groups, steps, neededSlots(groups, train), false);
}

/**
 * Lays out the batch region for up to `groups` groups and `steps` steps (the cache only when `train`), and selects
 * it. Returns OK, OUT_OF_MEMORY when memory cannot grow, TOO_LARGE when the request is beyond MAX_BYTES.
 */
export function layoutBatch(groups: i32, steps: i32, train: bool): i32 {
  // The inference region lies after this one: laying this one out again may run over it.
  INFER_GROUPS = 0;
  SELECTED = 0;
  MAIN_GROUPS = 0;
  MAIN_END = MODEL_END;
  if (<u64>MODEL_END + batchBytes(groups, steps, train) > MAX_BYTES) return TOO_LARGE;
  // An odd number of groups ends in a block of three (index.ts) when a third slot fits and is small: a spare, since
  // two are enough, so it must not take memory a shape that fits without it would need.
  let slots = neededSlots(groups, train);
  if (train && groups >= 3 && (groups & 1) != 0 && <u64>steps * <u64>BLK_BYTES <= SPARE_SLOT_BYTES) {
    const end = <u64>MODEL_END + walkBatch(MODEL_END, groups, steps, 3, false);
    if (end <= MAX_BYTES && ensureMemory(<usize>end)) slots = 3;
  }
  walkBatch(MODEL_END, groups, steps, slots, true);
  NG = groups;
  TCAP = steps;
  TRAIN_READY = train;
  if (!ensureMemory(BATCH_END)) {
    NG = 0;
    TCAP = 0;
    TRAIN_READY = false;
    return OUT_OF_MEMORY;
  }
  memory.fill(MODEL_END, 0, BATCH_END - MODEL_END);
  MAIN_GROUPS = groups;
  MAIN_STEPS = steps;
  MAIN_TRAIN = train;
  MAIN_SLOTS = slots;
  MAIN_END = BATCH_END;
  return OK;
}

// A second batch region, for streamed inference only, laid out after the first: JS checks a generalisation set
// between training steps without overwriting the loaded training batch, and a set whose bits fit it whole stays
// written there from one check to the next. The kernels read the pointers of whichever region was selected last;
// selecting walks that region again (a few additions), nothing is copied.
let SELECTED: i32 = 0; // 0: the region layoutBatch made, 1: the inference region
let MAIN_GROUPS: i32 = 0; // the first region's shape (0 groups: not laid out)
let MAIN_STEPS: i32 = 0;
let MAIN_TRAIN: bool = false;
let MAIN_SLOTS: i32 = 0; // its cache slots
let MAIN_END: usize = 0; // where the first region ends (MODEL_END when it is not laid out)
let INFER_BASE: usize = 0;
let INFER_GROUPS: i32 = 0; // 0: no inference region
let INFER_STEPS: i32 = 0;

/** Bytes an inference region for `groups` groups and `steps` steps needs (beside the first region). */
export function inferenceBytes(groups: i32, steps: i32): u64 {
  return walkBatch(MODEL_END, groups, steps, 0, false) + 16;
}

/**
 * Lays out the inference region for up to `groups` groups and `steps` steps after the first region, and selects
 * it. Returns OK, OUT_OF_MEMORY or TOO_LARGE (then the first region is selected, and no inference region is).
 */
export function layoutInference(groups: i32, steps: i32): i32 {
  INFER_GROUPS = 0;
  selectBatch(0);
  const base = <usize>align16(<u64>max(MAIN_END, MODEL_END));
  if (<u64>base + walkBatch(base, groups, steps, 0, false) > MAX_BYTES) return TOO_LARGE;
  if (!ensureMemory(<usize>(<u64>base + walkBatch(base, groups, steps, 0, false)))) return OUT_OF_MEMORY;
  walkBatch(base, groups, steps, 0, true);
  memory.fill(base, 0, BATCH_END - base);
  INFER_BASE = base;
  INFER_GROUPS = groups;
  INFER_STEPS = steps;
  NG = groups;
  TCAP = steps;
  TRAIN_READY = false;
  SELECTED = 1;
  return OK;
}

/** Points the kernels at region 0 (layoutBatch's) or 1 (layoutInference's); NOT_LAID_OUT for a missing region 1. */
export function selectBatch(region: i32): i32 {
  if (region == SELECTED) return OK;
  if (region == 1) {
    if (INFER_GROUPS == 0) return NOT_LAID_OUT;
    walkBatch(INFER_BASE, INFER_GROUPS, INFER_STEPS, 0, true);
    NG = INFER_GROUPS;
    TCAP = INFER_STEPS;
    TRAIN_READY = false;
  } else {
    walkBatch(MODEL_END, MAIN_GROUPS, MAIN_STEPS, MAIN_SLOTS, true);
    NG = MAIN_GROUPS;
    TCAP = MAIN_STEPS;
    TRAIN_READY = MAIN_TRAIN;
  }
  SELECTED = region;
  return OK;
}
