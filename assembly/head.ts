// The read-out and the loss, forward and backward side by side:
//   logit[b] = linear.bias + sum_j linear.weight[j] hfinal[b][j]
//   loss = mean_b BCEWithLogits(logit[b], y[b]) = mean_b max(z,0) - z y + log(1 + exp(-|z|))   (the stable form)
// B values per step, so plain scalar code; the loss is summed in f64.
// String b lives in group b >> 2, lane b & 3 of HFINAL (v128[NG][H]).

import { PARAMS, GRADS, O_LW, O_LB, H, HFINAL, LOGITS, DLOGITS, TARGETS } from './layout';

// @ts-ignore: decorator
@inline function hfinalAt(b: i32, j: i32): usize {
  return HFINAL + ((<usize>(b >> 2) * <usize>H + <usize>j) << 4) + (<usize>(b & 3) << 2);
}

/** The logit of string b from HFINAL. */
// @ts-ignore: decorator
@inline function logitOf(b: i32): f32 {
  let z = load<f32>(PARAMS + (<usize>O_LB << 2));
  for (let j = 0; j < H; j++) z += load<f32>(PARAMS + (<usize>(O_LW + j) << 2)) * load<f32>(hfinalAt(b, j));
  return z;
}

/** The gradient of the mean loss over B strings at a logit z whose target is y: (sigmoid(z) - y) / B. */
// @ts-ignore: decorator
@inline function dlogitOf(z: f32, y: f32, B: i32): f32 {
  return <f32>((1.0 / (1.0 + Math.exp(-<f64>z)) - <f64>y) / <f64>B);
}

/** Fills LOGITS[0..B) from HFINAL; returns the mean BCE loss against TARGETS. */
export function headForward(B: i32): f64 {
  let loss: f64 = 0;
  for (let b = 0; b < B; b++) {
    const z = logitOf(b);
    store<f32>(LOGITS + (<usize>b << 2), z);
    const zd = <f64>z;
    const y = <f64>load<f32>(TARGETS + (<usize>b << 2));
    loss += Math.max(zd, 0) - zd * y + Math.log1p(Math.exp(-Math.abs(zd)));
  }
  return loss / <f64>B;
}

/** The linear layer's gradients (overwritten) from DLOGITS[0..B), which headDlogits filled. */
export function headBackward(B: i32): void {
  let dlb: f32 = 0;
  for (let j = 0; j < H; j++) store<f32>(GRADS + (<usize>(O_LW + j) << 2), 0);
  for (let b = 0; b < B; b++) {
    const d = load<f32>(DLOGITS + (<usize>b << 2));
    dlb += d;
    for (let j = 0; j < H; j++) {
      const a = GRADS + (<usize>(O_LW + j) << 2);
      store<f32>(a, load<f32>(a) + d * load<f32>(hfinalAt(b, j)));
    }
  }
  store<f32>(GRADS + (<usize>O_LB << 2), dlb);
}

/**
 * DLOGITS[b] = (sigmoid(z_b) - y_b) / B for the strings b0 <= b < b1 of a batch of B, once their HFINAL is in: a
 * string's gradient needs only its own logit, so a pair of groups can run backward right after its forward pass.
 */
export function headDlogits(b0: i32, b1: i32, B: i32): void {
  for (let b = b0; b < b1; b++) {
    store<f32>(DLOGITS + (<usize>b << 2), dlogitOf(logitOf(b), load<f32>(TARGETS + (<usize>b << 2)), B));
  }
}
