// Sizes and offsets of everything in linear memory. Nothing is allocated per step: create() lays out the model
// region once, reserve() lays out the batch region after it (growing memory only when a larger batch arrives).
//
// Model region (bytes from MODEL_BASE), each block 16-byte aligned:
//   PARAMS, GRADS, ADAM_M, ADAM_V  f32[P4]        same layout (src/layout.ts), so the optimiser is one flat loop
//   BSUM                           f32[GH]        b_ih + b_hh, refreshed at the start of each forward pass
//   ACC_WIH, ACC_B                 v128[GH]       per-lane gradient accumulators (lanes = four strings)
//   ACC_WHH                        v128[GH*H]     summed across lanes once per backward pass
// Batch region (after the model region), for NG = ceil(B/4) groups of four strings and TCAP time steps:
//   LENGTHS i32[4NG]; TARGETS, LOGITS, DLOGITS f32[4NG]
//   X       v128[NG][TCAP]              the bit of each of the group's four strings at each step (0.0 or 1.0)
//   CACHE   v128[NG][TCAP][BLK]         what backprop needs (training only); BLK = 7H for the LSTM
//                                       (gates i f g o after their nonlinearity, c, tanh c, h), 2H for the RNN
//                                       (h, then dz). The backward sweep overwrites each step's LSTM gates with
//                                       dz (the gradient at the pre-activations), once it has read them, so the
//                                       weight gradients can be summed afterwards as one blocked product.
//   HFINAL  v128[NG][H]                 each string's hidden state at its own last bit
//   STATE_H, STATE_C v128[NG][H]        running state for streamed inference
//   work:   DH, DC, DHP, ZEROS v128[H]; Z v128[GH]; TC v128[H]
// Parameter tensors inside PARAMS (float offsets), PyTorch's order: W_ih [GH,1], W_hh [GH,H], b_ih, b_hh [GH],
// linear.weight [1,H], linear.bias [1]. Gate rows r = gate*H + unit, gate order i, f, g, o.

export const CELL_LSTM: i32 = 0;
export const CELL_RNN: i32 = 1;

export let CELL: i32 = CELL_LSTM;
export let G: i32 = 4;
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
export let BSUM: usize = 0;
export let ACC_WIH: usize = 0;
export let ACC_B: usize = 0;
export let ACC_WHH: usize = 0;
let MODEL_END: usize = 0;

export let NG: i32 = 0;
export let TCAP: i32 = 0;
export let BLK: i32 = 0;
export let TRAIN_READY: bool = false;
export let LENGTHS: usize = 0;
export let TARGETS: usize = 0;
export let LOGITS: usize = 0;
export let DLOGITS: usize = 0;
export let X: usize = 0;
export let CACHE: usize = 0;
export let HFINAL: usize = 0;
export let STATE_H: usize = 0;
export let STATE_C: usize = 0;
export let DH: usize = 0;
export let DC: usize = 0;
export let DHP: usize = 0;
export let ZEROS: usize = 0;
export let Z: usize = 0;
export let TC: usize = 0;
let BATCH_END: usize = 0;

// Offsets (in v128 units) of the fields inside one LSTM cache block.
// @ts-ignore: decorator
@inline export function offC(): i32 { return 4 * H; }
// @ts-ignore: decorator
@inline export function offTC(): i32 { return 5 * H; }
// @ts-ignore: decorator
@inline export function offH(): i32 { return CELL == CELL_LSTM ? 6 * H : 0; }
// @ts-ignore: decorator
@inline export function offDZ(): i32 { return CELL == CELL_LSTM ? 0 : H; }

/** Address of the cache block of group g at step t. Touches CACHE only. */
// @ts-ignore: decorator
@inline export function cacheAt(g: i32, t: i32): usize {
  return CACHE + ((<usize>g * <usize>TCAP + <usize>t) * <usize>BLK << 4);
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
@inline function align16(p: usize): usize { return (p + 15) & ~(<usize>15); }

/** Grows memory to hold `end` bytes; false when the engine refuses (out of memory). */
function ensureMemory(end: usize): bool {
  const have = <usize>memory.size() << 16;
  if (end <= have) return true;
  const pages = <i32>((end - have + 0xffff) >> 16);
  return memory.grow(pages) >= 0;
}

/** Largest linear memory we ask for: 4 GiB is wasm32's hard limit; stay well below it. */
export const MAX_BYTES: u64 = 3 << 30;

/** Lays out the model region. Returns 0, or 1 when memory cannot grow. */
export function layoutModel(cell: i32, hidden: i32): i32 {
  CELL = cell;
  G = cell == CELL_LSTM ? 4 : 1;
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

  let p = align16(__heap_base);
  const fbytes = <usize>P4 << 2;
  PARAMS = p; p += fbytes;
  GRADS = p; p += fbytes;
  ADAM_M = p; p += fbytes;
  ADAM_V = p; p += fbytes;
  BSUM = p; p = align16(p + (<usize>GH << 2));
  ACC_WIH = p; p += <usize>GH << 4;
  ACC_B = p; p += <usize>GH << 4;
  ACC_WHH = p; p += <usize>GH * <usize>H << 4;
  MODEL_END = p;
  NG = 0;
  TCAP = 0;
  TRAIN_READY = false;
  if (!ensureMemory(MODEL_END)) return 1;
  memory.fill(PARAMS, 0, MODEL_END - PARAMS);
  return 0;
}

/** Bytes the batch region needs for `groups` groups of four strings, `steps` steps, with or without the cache. */
export function batchBytes(groups: i32, steps: i32, train: bool): u64 {
  const g = <u64>groups, t = <u64>steps, h = <u64>H;
  const blk: u64 = CELL == CELL_LSTM ? 7 * h : 2 * h;
  let b: u64 = 4 * 4 * g * 4 + 64; // lengths, targets, logits, dlogits
  b += g * t * 16; // X
  if (train) b += g * t * blk * 16; // CACHE
  b += 3 * g * h * 16; // HFINAL, STATE_H, STATE_C
  b += (5 * h + <u64>GH) * 16 + 64; // work
  return b;
}

/**
 * Lays out the batch region for up to `groups` groups and `steps` steps (the cache only when `train`).
 * Returns 0, 1 when memory cannot grow, 2 when the request is beyond MAX_BYTES.
 */
export function layoutBatch(groups: i32, steps: i32, train: bool): i32 {
  const need = <u64>MODEL_END + batchBytes(groups, steps, train);
  if (need > MAX_BYTES) return 2;
  NG = groups;
  TCAP = steps;
  BLK = CELL == CELL_LSTM ? 7 * H : 2 * H;
  TRAIN_READY = train;
  const n4 = <usize>groups << 4; // bytes of one f32 per lane
  let p = MODEL_END;
  LENGTHS = p; p = align16(p + n4);
  TARGETS = p; p = align16(p + n4);
  LOGITS = p; p = align16(p + n4);
  DLOGITS = p; p = align16(p + n4);
  X = p; p += <usize>groups * <usize>steps << 4;
  CACHE = p;
  if (train) p += <usize>groups * <usize>steps * <usize>BLK << 4;
  const hv = <usize>H << 4;
  HFINAL = p; p += <usize>groups * hv;
  STATE_H = p; p += <usize>groups * hv;
  STATE_C = p; p += <usize>groups * hv;
  DH = p; p += hv;
  DC = p; p += hv;
  DHP = p; p += hv;
  ZEROS = p; p += hv;
  TC = p; p += hv;
  Z = p; p += <usize>GH << 4;
  BATCH_END = p;
  if (!ensureMemory(BATCH_END)) {
    NG = 0;
    TCAP = 0;
    TRAIN_READY = false;
    return 1;
  }
  memory.fill(MODEL_END, 0, BATCH_END - MODEL_END);
  return 0;
}
