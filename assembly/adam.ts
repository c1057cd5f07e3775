// The optimisers and clipping: one loop over the flat buffers, since GRADS, ADAM_M and ADAM_V share the layout
// of PARAMS. Arithmetic follows torch.optim.Adam / SGD (1.13, single-tensor path) operation by operation:
//   m = m*b1 + (1-b1) g;  v = v*b2 + ((1-b2) g) g
//   denom = sqrt(v) / sqrt(1 - b2^t) + eps;  p = p + ((-lr / (1 - b1^t)) m) / denom
// and torch.nn.utils.clip_grad_norm_: scale g by max / (norm + 1e-6) when that is below 1.

import { PARAMS, GRADS, ADAM_M, ADAM_V, P, P4 } from './layout';

export const OPT_ADAM: i32 = 0;
export const OPT_SGD: i32 = 1;

export let OPT: i32 = OPT_ADAM;
export let LR: f32 = 0.01;
export let BETA1: f32 = 0.9;
export let BETA2: f32 = 0.999;
export let EPS: f32 = 1e-8;
export let CLIP: f32 = 0; // 0 = off
export let STEP: i32 = 0; // Adam's t
export let LAST_NORM: f64 = 0; // global gradient norm before clipping, of the last update

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

/** Global L2 norm of the gradient (summed in f64), scaled down to CLIP when CLIP > 0 and it is larger. */
export function clipGradients(): f64 {
  let sq: f64 = 0;
  for (let k = 0; k < P; k++) {
    const g = <f64>load<f32>(GRADS + (<usize>k << 2));
    sq += g * g;
  }
  const norm = Math.sqrt(sq);
  LAST_NORM = norm;
  if (CLIP > 0) {
    const coef = <f32>(<f64>CLIP / (norm + 1e-6));
    if (coef < 1) {
      const c = f32x4.splat(coef);
      for (let k = 0; k < P4; k += 4) {
        const a = GRADS + (<usize>k << 2);
        v128.store(a, f32x4.mul(v128.load(a), c));
      }
    }
  }
  return norm;
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
  for (let k = 0; k < P4; k += 4) {
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
