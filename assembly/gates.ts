// The affine part every cell shares, forward and backward side by side:
//   z[r] = b_ih[r] + b_hh[r] + W_ih[r] x + sum_k W_hh[r,k] h[k]      for the G*H gate rows r
// SIMD lanes run across the batch: each v128 holds one quantity for the four strings of a group, and weights are
// splatted (v128.load32_splat), so every lane does useful work whatever H is.
// Pointers: z, dz: v128[GH]; h, hPrev, dhPrev: v128[H]; xPtr: v128, the group's four input bits.

import { PARAMS, BSUM, O_WIH, O_WHH, GH, H, ACC_WIH, ACC_B, ACC_WHH } from './layout';

/** z = BSUM + W_ih x + W_hh h. Four gate rows at a time: four independent add chains keep the FPU busy. */
export function gatesForward(z: usize, xPtr: usize, h: usize): void {
  const x = v128.load(xPtr);
  const wih = PARAMS + (<usize>O_WIH << 2);
  const whh = PARAMS + (<usize>O_WHH << 2);
  const rowBytes = <usize>H << 2;
  let r = 0;
  for (; r + 4 <= GH; r += 4) {
    const ro = <usize>r << 2;
    let a0 = f32x4.add(v128.load32_splat(BSUM + ro), f32x4.mul(v128.load32_splat(wih + ro), x));
    let a1 = f32x4.add(v128.load32_splat(BSUM + ro + 4), f32x4.mul(v128.load32_splat(wih + ro + 4), x));
    let a2 = f32x4.add(v128.load32_splat(BSUM + ro + 8), f32x4.mul(v128.load32_splat(wih + ro + 8), x));
    let a3 = f32x4.add(v128.load32_splat(BSUM + ro + 12), f32x4.mul(v128.load32_splat(wih + ro + 12), x));
    const w0 = whh + <usize>r * rowBytes;
    const w1 = w0 + rowBytes;
    const w2 = w1 + rowBytes;
    const w3 = w2 + rowBytes;
    for (let k = 0; k < H; k++) {
      const hk = v128.load(h + (<usize>k << 4));
      const ko = <usize>k << 2;
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(w0 + ko), hk));
      a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(w1 + ko), hk));
      a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(w2 + ko), hk));
      a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(w3 + ko), hk));
    }
    const zo = z + (<usize>r << 4);
    v128.store(zo, a0);
    v128.store(zo, a1, 16);
    v128.store(zo, a2, 32);
    v128.store(zo, a3, 48);
  }
  for (; r < GH; r++) {
    const ro = <usize>r << 2;
    let a = f32x4.add(v128.load32_splat(BSUM + ro), f32x4.mul(v128.load32_splat(wih + ro), x));
    const w = whh + <usize>r * rowBytes;
    for (let k = 0; k < H; k++) {
      a = f32x4.add(a, f32x4.mul(v128.load32_splat(w + (<usize>k << 2)), v128.load(h + (<usize>k << 4))));
    }
    v128.store(z + (<usize>r << 4), a);
  }
}

/**
 * Backward of gatesForward for one step, given dz (gradient at the pre-activations):
 *   dW_ih[r] += dz[r] x,  db[r] += dz[r],  dW_hh[r,k] += dz[r] hPrev[k]     (into per-lane accumulators)
 *   dhPrev[k] = sum_r W_hh[r,k] dz[r]                                         (overwritten)
 * Accumulators are summed across lanes once per backward pass (reduceAccumulators).
 */
export function gatesBackward(dhPrev: usize, dz: usize, xPtr: usize, hPrev: usize): void {
  const x = v128.load(xPtr);
  const whh = PARAMS + (<usize>O_WHH << 2);
  const rowBytes = <usize>H << 2;
  memory.fill(dhPrev, 0, <usize>H << 4);
  for (let r = 0; r < GH; r++) {
    const ro = <usize>r << 4;
    const d = v128.load(dz + ro);
    v128.store(ACC_B + ro, f32x4.add(v128.load(ACC_B + ro), d));
    v128.store(ACC_WIH + ro, f32x4.add(v128.load(ACC_WIH + ro), f32x4.mul(d, x)));
    const acc = ACC_WHH + (<usize>r * <usize>H << 4);
    const w = whh + <usize>r * rowBytes;
    for (let k = 0; k < H; k++) {
      const ko = <usize>k << 4;
      v128.store(acc + ko, f32x4.add(v128.load(acc + ko), f32x4.mul(d, v128.load(hPrev + ko))));
      v128.store(dhPrev + ko, f32x4.add(v128.load(dhPrev + ko), f32x4.mul(v128.load32_splat(w + (<usize>k << 2)), d)));
    }
  }
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Sums the per-lane accumulators into the flat gradient buffer (W_ih, W_hh, b_ih, b_hh). */
export function reduceAccumulators(grads: usize, oWih: i32, oWhh: i32, oBih: i32, oBhh: i32): void {
  for (let r = 0; r < GH; r++) {
    const b = hsum(v128.load(ACC_B + (<usize>r << 4)));
    store<f32>(grads + (<usize>(oBih + r) << 2), b);
    store<f32>(grads + (<usize>(oBhh + r) << 2), b);
    store<f32>(grads + (<usize>(oWih + r) << 2), hsum(v128.load(ACC_WIH + (<usize>r << 4))));
    for (let k = 0; k < H; k++) {
      const i = r * H + k;
      store<f32>(grads + (<usize>(oWhh + i) << 2), hsum(v128.load(ACC_WHH + (<usize>i << 4))));
    }
  }
}

/** Zeroes the accumulators before a backward pass. */
export function clearAccumulators(): void {
  memory.fill(ACC_WIH, 0, <usize>GH << 4);
  memory.fill(ACC_B, 0, <usize>GH << 4);
  memory.fill(ACC_WHH, 0, <usize>GH * <usize>H << 4);
}

/** BSUM = b_ih + b_hh, once per forward pass rather than once per step. */
export function refreshBiasSum(oBih: i32, oBhh: i32): void {
  for (let r = 0; r < GH; r++) {
    store<f32>(BSUM + (<usize>r << 2), load<f32>(PARAMS + (<usize>(oBih + r) << 2)) + load<f32>(PARAMS + (<usize>(oBhh + r) << 2)));
  }
}
