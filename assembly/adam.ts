// The optimisers and clipping: one loop over the flat buffers, since GRADS, ADAM_M and ADAM_V share the layout
// of PARAMS. Arithmetic follows torch.optim.Adam / SGD (1.13, single-tensor path) operation by operation:
//   m = m*b1 + (1-b1) g;  v = v*b2 + ((1-b2) g) g
//   denom = sqrt(v) / sqrt(1 - b2^t) + eps;  p = p + ((-lr / (1 - b1^t)) m) / denom
// and torch.nn.utils.clip_grad_norm_: scale g by max / (norm + 1e-6) when that is below 1.

import { PARAMS, GRADS, ADAM_M, ADAM_V, NORM_G, P, P4 } from './layout';

export const OPT_ADAM: i32 = 0;
export const OPT_SGD: i32 = 1;

export let OPT: i32 = OPT_ADAM;
export let LR: f32 = 0.01;
export let BETA1: f32 = 0.9;
export let BETA2: f32 = 0.999;
export let EPS: f32 = 1e-8;
export let CLIP: f32 = 0; // 0 = off
export let STEP: i32 = 0; // Adam's t
let LAST_NORM: f64 = 0; // global gradient norm before clipping, of the last update (see gradNorm)
// Without clipping nothing in a step needs the norm, and its f64 sum is one long chain of dependent adds (about as
// long as Adam at H 8): the update keeps a copy of its gradient in NORM_G and gradNorm sums it when asked, in the
// same order, so the number is the same. Whether every gradient was finite is known at once (LAST_FINITE).
let NORM_PENDING: bool = false;
let LAST_FINITE: bool = true;

export function configure(kind: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, clip: f32): void {
  OPT = kind;
  LR = lr;
  BETA1 = beta1;
  BETA2 = beta2;
  EPS = eps;
  CLIP = clip;
}

/** Forgets the moments (a new optimiser over the same weights). */
export function resetOptimizer(): void {
  memory.fill(ADAM_M, 0, <usize>P4 << 2);
  memory.fill(ADAM_V, 0, <usize>P4 << 2);
  STEP = 0;
}

/** A new model: no update yet, so no norm. */
export function clearNorm(): void {
  LAST_NORM = 0;
  LAST_FINITE = true;
  NORM_PENDING = false;
}

/** sqrt(sum of g^2) over the P floats at ptr, the squares summed in f64 in index order. */
function normOf(ptr: usize): f64 {
  let sq: f64 = 0;
  for (let k = 0; k < P; k++) {
    const g = <f64>load<f32>(ptr + (<usize>k << 2));
    sq += g * g;
  }
  return Math.sqrt(sq);
}

/**
 * Before an update: with CLIP > 0, the global L2 norm of the gradient, and the gradient scaled down to CLIP when
 * the norm is larger; without, the gradient copied to NORM_G for gradNorm and checked for NaN and infinities.
 */
export function clipGradients(): void {
  if (CLIP > 0) {
    const norm = normOf(GRADS);
    LAST_NORM = norm;
    LAST_FINITE = isFinite(norm);
    NORM_PENDING = false;
    const coef = <f32>(<f64>CLIP / (norm + 1e-6));
    if (coef < 1) {
      const c = f32x4.splat(coef);
      for (let k = 0; k < P4; k += 4) {
        const a = GRADS + (<usize>k << 2);
        v128.store(a, f32x4.mul(v128.load(a), c));
      }
    }
    return;
  }
  // g * 0 is 0 for every finite g and NaN for NaN and +-infinity: two sums of them are 0 exactly when all are finite
  const zero = f32x4.splat(0);
  let a = zero, b = zero;
  let k = 0;
  for (; k + 8 <= P4; k += 8) {
    const o = <usize>k << 2;
    const g0 = v128.load(GRADS + o);
    const g1 = v128.load(GRADS + o, 16);
    v128.store(NORM_G + o, g0);
    v128.store(NORM_G + o, g1, 16);
    a = f32x4.add(a, f32x4.mul(g0, zero));
    b = f32x4.add(b, f32x4.mul(g1, zero));
  }
  if (k < P4) {
    const o = <usize>k << 2;
    const g0 = v128.load(GRADS + o);
    v128.store(NORM_G + o, g0);
    a = f32x4.add(a, f32x4.mul(g0, zero));
  }
  LAST_FINITE = !v128.any_true(f32x4.ne(f32x4.add(a, b), zero));
  NORM_PENDING = true;
}

/** The global gradient norm of the last update, before clipping. */
export function gradNorm(): f64 {
  if (NORM_PENDING) {
    LAST_NORM = normOf(NORM_G);
    NORM_PENDING = false;
  }
  return LAST_NORM;
}

/** Whether every gradient of the last update was finite (a NaN or infinite one means training diverged). */
export function gradsFinite(): bool {
  return LAST_FINITE;
}

export function adamUpdate(): void {
  STEP++;
  const bc1 = 1.0 - Math.pow(<f64>BETA1, <f64>STEP);
  const bc2 = 1.0 - Math.pow(<f64>BETA2, <f64>STEP);
  const b1 = f32x4.splat(BETA1);
  const b2 = f32x4.splat(BETA2);
  const omb1 = f32x4.splat(<f32>(1.0 - <f64>BETA1));
  const omb2 = f32x4.splat(<f32>(1.0 - <f64>BETA2));
  const eps = f32x4.splat(EPS);
  const bc2sqrt = f32x4.splat(<f32>Math.sqrt(bc2));
  const negStep = f32x4.splat(<f32>(-<f64>LR / bc1));
  // Two vectors per pass: one per pass ran at half the speed in V8's code (H 8: 0.69 against 0.34 us an update),
  // four were no faster than two. The same operations on every lane.
  let k = 0;
  for (; k + 8 <= P4; k += 8) {
    const o = <usize>k << 2;
    const g0 = v128.load(GRADS + o);
    const g1 = v128.load(GRADS + o, 16);
    const m0 = f32x4.add(f32x4.mul(v128.load(ADAM_M + o), b1), f32x4.mul(omb1, g0));
    const m1 = f32x4.add(f32x4.mul(v128.load(ADAM_M + o, 16), b1), f32x4.mul(omb1, g1));
    const v0 = f32x4.add(f32x4.mul(v128.load(ADAM_V + o), b2), f32x4.mul(f32x4.mul(omb2, g0), g0));
    const v1 = f32x4.add(f32x4.mul(v128.load(ADAM_V + o, 16), b2), f32x4.mul(f32x4.mul(omb2, g1), g1));
    const d0 = f32x4.add(f32x4.div(f32x4.sqrt(v0), bc2sqrt), eps);
    const d1 = f32x4.add(f32x4.div(f32x4.sqrt(v1), bc2sqrt), eps);
    v128.store(ADAM_M + o, m0);
    v128.store(ADAM_M + o, m1, 16);
    v128.store(ADAM_V + o, v0);
    v128.store(ADAM_V + o, v1, 16);
    v128.store(PARAMS + o, f32x4.add(v128.load(PARAMS + o), f32x4.div(f32x4.mul(negStep, m0), d0)));
    v128.store(PARAMS + o, f32x4.add(v128.load(PARAMS + o, 16), f32x4.div(f32x4.mul(negStep, m1), d1)), 16);
  }
  for (; k < P4; k += 4) {
    const o = <usize>k << 2;
    const g = v128.load(GRADS + o);
    const m = f32x4.add(f32x4.mul(v128.load(ADAM_M + o), b1), f32x4.mul(omb1, g));
    const v = f32x4.add(f32x4.mul(v128.load(ADAM_V + o), b2), f32x4.mul(f32x4.mul(omb2, g), g));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(v), bc2sqrt), eps);
    v128.store(ADAM_M + o, m);
    v128.store(ADAM_V + o, v);
    v128.store(PARAMS + o, f32x4.add(v128.load(PARAMS + o), f32x4.div(f32x4.mul(negStep, m), denom)));
  }
}

export function sgdUpdate(): void {
  STEP++;
  const neg = f32x4.splat(-LR);
  for (let k = 0; k < P4; k += 4) {
    const o = <usize>k << 2;
    v128.store(PARAMS + o, f32x4.add(v128.load(PARAMS + o), f32x4.mul(neg, v128.load(GRADS + o))));
  }
}
