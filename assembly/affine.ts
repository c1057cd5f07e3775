// The affine part every cell shares, forward and backward side by side:
//   z[r] = b_ih[r] + b_hh[r] + W_ih[r] x + sum_k W_hh[r,k] h[k]      for the G*H gate rows r
// The RNN calls affineForward; the LSTM and the GRU compute the same sums fused into their steps (lstm.ts,
// gru.ts), and all three use the backward half here.
// SIMD lanes run across the batch: each v128 holds one quantity for the four strings of a group, and weights are
// splatted (v128.load32_splat), so every lane does useful work whatever H is.
// Arguments: outputs first, then inputs, then sizes and offsets. Pointers: z, dz: v128[GH]; h, dhPrev, carry:
// v128[H]; xPtr: v128, the group's four input bits. All 16-byte aligned; nothing here allocates.

import { PARAMS, BSUM, O_WIH, O_WHH, GH, H, ACC_WIH, ACC_BIH, ACC_BHH, ACC_WHH } from './layout';

/** z = BSUM + W_ih x + W_hh h. z must not alias h. Four gate rows at a time: four independent add chains. */
export function affineForward(z: usize, xPtr: usize, h: usize): void {
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
 * Backward of affineForward for one step, the part the step before needs:
 *   dhPrev[k] = carry[k] + sum_r W_hh[r,k] dz[r]
 * carry is what reaches h_prev other than through W_hh (ZEROS for the LSTM and RNN, z * dh for the GRU); dhPrev
 * may alias carry (unit k's carry is read before unit k is written). Four hidden units at a time, their sums kept
 * in registers while the rows stream past, two rows per iteration. Eight units (nine loads in flight beside eight
 * sums) made V8 keep one sum on the stack, a store-to-load round trip on every row: 1.1x slower at H 8 and 64.
 * lossAndGrads uses affineBackward2 while both of a block's streams have a step, this for one stream's steps alone.
 */
export function affineBackward(dhPrev: usize, carry: usize, dz: usize): void {
  const whh = PARAMS + (<usize>O_WHH << 2);
  const rowBytes = <usize>H << 2;
  const nRows = GH;
  const nH = H;
  const dzEnd = dz + (<usize>(nRows & ~1) << 4);
  let k = 0;
  for (; k + 4 <= nH; k += 4) {
    const c = carry + (<usize>k << 4);
    let a0 = v128.load(c), a1 = v128.load(c, 16), a2 = v128.load(c, 32), a3 = v128.load(c, 48);
    let w = whh + (<usize>k << 2);
    let pd = dz;
    for (; pd < dzEnd; pd += 32, w += rowBytes << 1) {
      const d0 = v128.load(pd);
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(w), d0));
      a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(w, 4), d0));
      a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(w, 8), d0));
      a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(w, 12), d0));
      const d1 = v128.load(pd, 16);
      const w1 = w + rowBytes;
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(w1), d1));
      a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(w1, 4), d1));
      a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(w1, 8), d1));
      a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(w1, 12), d1));
    }
    if (nRows & 1) {
      const d0 = v128.load(pd);
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(w), d0));
      a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(w, 4), d0));
      a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(w, 8), d0));
      a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(w, 12), d0));
    }
    const o = dhPrev + (<usize>k << 4);
    v128.store(o, a0);
    v128.store(o, a1, 16);
    v128.store(o, a2, 32);
    v128.store(o, a3, 48);
  }
  for (; k < nH; k++) {
    let a = v128.load(carry + (<usize>k << 4));
    let w = whh + (<usize>k << 2);
    for (let r = 0; r < nRows; r++, w += rowBytes) a = f32x4.add(a, f32x4.mul(v128.load32_splat(w), v128.load(dz + (<usize>r << 4))));
    v128.store(dhPrev + (<usize>k << 4), a);
  }
}

/**
 * affineBackward for two groups at once, a and b (eight strings): each weight splat feeds both groups, so a block
 * of four units keeps eight independent sums in registers (four per group, each adding the rows in row order as
 * affineBackward does, so every lane's result is bit for bit the same). Same aliasing rules, per group.
 */
export function affineBackward2(dhPrevA: usize, carryA: usize, dzA: usize, dhPrevB: usize, carryB: usize, dzB: usize): void {
  const whh = PARAMS + (<usize>O_WHH << 2);
  const rowBytes = <usize>H << 2;
  const nH = H;
  const span = <usize>GH << 4; // bytes of one dz vector; dzB is read at the same offset from its own base
  const dzEnd = dzA + span;
  const dOff = dzB - dzA;
  let k = 0;
  for (; k + 4 <= nH; k += 4) {
    const ko = <usize>k << 4;
    const ca = carryA + ko;
    const cb = carryB + ko;
    let a0 = v128.load(ca), a1 = v128.load(ca, 16), a2 = v128.load(ca, 32), a3 = v128.load(ca, 48);
    let b0 = v128.load(cb), b1 = v128.load(cb, 16), b2 = v128.load(cb, 32), b3 = v128.load(cb, 48);
    let w = whh + (<usize>k << 2);
    for (let pd = dzA; pd < dzEnd; pd += 16, w += rowBytes) {
      const da = v128.load(pd);
      const db = v128.load(pd + dOff);
      const w0 = v128.load32_splat(w);
      a0 = f32x4.add(a0, f32x4.mul(w0, da));
      b0 = f32x4.add(b0, f32x4.mul(w0, db));
      const w1 = v128.load32_splat(w, 4);
      a1 = f32x4.add(a1, f32x4.mul(w1, da));
      b1 = f32x4.add(b1, f32x4.mul(w1, db));
      const w2 = v128.load32_splat(w, 8);
      a2 = f32x4.add(a2, f32x4.mul(w2, da));
      b2 = f32x4.add(b2, f32x4.mul(w2, db));
      const w3 = v128.load32_splat(w, 12);
      a3 = f32x4.add(a3, f32x4.mul(w3, da));
      b3 = f32x4.add(b3, f32x4.mul(w3, db));
    }
    const oa = dhPrevA + ko;
    v128.store(oa, a0);
    v128.store(oa, a1, 16);
    v128.store(oa, a2, 32);
    v128.store(oa, a3, 48);
    const ob = dhPrevB + ko;
    v128.store(ob, b0);
    v128.store(ob, b1, 16);
    v128.store(ob, b2, 32);
    v128.store(ob, b3, 48);
  }
  for (; k < nH; k++) {
    const ko = <usize>k << 4;
    let a = v128.load(carryA + ko);
    let b = v128.load(carryB + ko);
    let w = whh + (<usize>k << 2);
    for (let pd = dzA; pd < dzEnd; pd += 16, w += rowBytes) {
      const wk = v128.load32_splat(w);
      a = f32x4.add(a, f32x4.mul(wk, v128.load(pd)));
      b = f32x4.add(b, f32x4.mul(wk, v128.load(pd + dOff)));
    }
    v128.store(dhPrevA + ko, a);
    v128.store(dhPrevB + ko, b);
  }
}

/**
 * The weight-gradient part of affineForward's backward, for one group after its backward sweep, when every step's
 * dz is in the cache:  ACC_WHH[r,k] += sum_t dz_t[r] h_{t-1}[k],  ACC_BHH[r] += sum_t dz_t[r],
 * ACC_WIH[r] += sum_t dzx_t[r] x_t,  ACC_BIH[r] += sum_t dzx_t[r]   (per lane; summed across lanes by
 * reduceAccumulators). dzx is the gradient at the input part: dz itself except in the last gate block, whose
 * input-side dz is read at dzxOff (the GRU's n row, where the reset gate scales only the recurrent part).
 * A blocked product over t: 4 rows x 2 units of sums in registers, 6 loads per 8 multiply-adds.
 * Step t's cache block is at cache0 + t * blkBytes, with dz, dzx's last block and h at dzOff, dzxOff and hOff
 * inside it; x_t at x0 + 16 t.
 */
export function affineWeightGrads(cache0: usize, x0: usize, blkBytes: usize, dzOff: usize, dzxOff: usize, hOff: usize, T: i32): void {
  // Biases and W_ih: every step. Four rows at a time, so twelve sums are in flight instead of three (one row's
  // chains alone wait on the add latency at every step). Rows from `split` on are the GRU's n rows, whose input
  // part has its own dz: they sum two bias gradients, two rows at a time.
  const lastBlock = GH - H;
  const split = dzxOff == dzOff + (<usize>lastBlock << 4) ? GH : lastBlock;
  const xEnd = x0 + (<usize>T << 4);
  let r = 0;
  for (; r + 4 <= split; r += 4) {
    const ro = <usize>r << 4;
    let b0 = v128.load(ACC_BIH + ro), b1 = v128.load(ACC_BIH + ro, 16), b2 = v128.load(ACC_BIH + ro, 32), b3 = v128.load(ACC_BIH + ro, 48);
    let w0 = v128.load(ACC_WIH + ro), w1 = v128.load(ACC_WIH + ro, 16), w2 = v128.load(ACC_WIH + ro, 32), w3 = v128.load(ACC_WIH + ro, 48);
    let pd = cache0 + dzOff + ro;
    for (let x = x0; x < xEnd; x += 16, pd += blkBytes) {
      const xv = v128.load(x);
      const d0 = v128.load(pd);
      const d1 = v128.load(pd, 16);
      const d2 = v128.load(pd, 32);
      const d3 = v128.load(pd, 48);
      b0 = f32x4.add(b0, d0);
      w0 = f32x4.add(w0, f32x4.mul(d0, xv));
      b1 = f32x4.add(b1, d1);
      w1 = f32x4.add(w1, f32x4.mul(d1, xv));
      b2 = f32x4.add(b2, d2);
      w2 = f32x4.add(w2, f32x4.mul(d2, xv));
      b3 = f32x4.add(b3, d3);
      w3 = f32x4.add(w3, f32x4.mul(d3, xv));
    }
    // b_ih and b_hh get the same sum where the input part shares dz
    v128.store(ACC_BIH + ro, b0);
    v128.store(ACC_BIH + ro, b1, 16);
    v128.store(ACC_BIH + ro, b2, 32);
    v128.store(ACC_BIH + ro, b3, 48);
    v128.store(ACC_BHH + ro, b0);
    v128.store(ACC_BHH + ro, b1, 16);
    v128.store(ACC_BHH + ro, b2, 32);
    v128.store(ACC_BHH + ro, b3, 48);
    v128.store(ACC_WIH + ro, w0);
    v128.store(ACC_WIH + ro, w1, 16);
    v128.store(ACC_WIH + ro, w2, 32);
    v128.store(ACC_WIH + ro, w3, 48);
  }
  for (; r < split; r++) {
    const ro = <usize>r << 4;
    let bx = v128.load(ACC_BIH + ro);
    let wi = v128.load(ACC_WIH + ro);
    let pd = cache0 + dzOff + ro;
    for (let x = x0; x < xEnd; x += 16, pd += blkBytes) {
      const d = v128.load(pd);
      bx = f32x4.add(bx, d);
      wi = f32x4.add(wi, f32x4.mul(d, v128.load(x)));
    }
    v128.store(ACC_BIH + ro, bx);
    v128.store(ACC_BHH + ro, bx);
    v128.store(ACC_WIH + ro, wi);
  }
  for (; r < GH; r++) {
    const ro = <usize>r << 4;
    let bx = v128.load(ACC_BIH + ro);
    let bh = v128.load(ACC_BHH + ro);
    let wi = v128.load(ACC_WIH + ro);
    let ph = cache0 + dzOff + ro;
    let px = cache0 + dzxOff + (<usize>(r - lastBlock) << 4);
    for (let x = x0; x < xEnd; x += 16, ph += blkBytes, px += blkBytes) {
      const dx = v128.load(px);
      bh = f32x4.add(bh, v128.load(ph));
      bx = f32x4.add(bx, dx);
      wi = f32x4.add(wi, f32x4.mul(dx, v128.load(x)));
    }
    v128.store(ACC_BIH + ro, bx);
    v128.store(ACC_BHH + ro, bh);
    v128.store(ACC_WIH + ro, wi);
  }
  // W_hh: steps 1..T-1 (h_{-1} is zero). dz of step t pairs with h of step t-1.
  if (T < 2) return;
  const dz0 = cache0 + blkBytes + dzOff;
  const h0 = cache0 + hOff;
  r = 0;
  for (; r + 4 <= GH; r += 4) {
    let k = 0;
    for (; k + 2 <= H; k += 2) {
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
      let pd = dz0 + (<usize>r << 4);
      let ph = h0 + (<usize>k << 4);
      for (let t = 1; t < T; t++, pd += blkBytes, ph += blkBytes) {
        const h0v = v128.load(ph);
        const h1v = v128.load(ph, 16);
        const d0 = v128.load(pd);
        const d1 = v128.load(pd, 16);
        const d2 = v128.load(pd, 32);
        const d3 = v128.load(pd, 48);
        a00 = f32x4.add(a00, f32x4.mul(d0, h0v));
        a01 = f32x4.add(a01, f32x4.mul(d0, h1v));
        a10 = f32x4.add(a10, f32x4.mul(d1, h0v));
        a11 = f32x4.add(a11, f32x4.mul(d1, h1v));
        a20 = f32x4.add(a20, f32x4.mul(d2, h0v));
        a21 = f32x4.add(a21, f32x4.mul(d2, h1v));
        a30 = f32x4.add(a30, f32x4.mul(d3, h0v));
        a31 = f32x4.add(a31, f32x4.mul(d3, h1v));
      }
      const acc = ACC_WHH + ((<usize>r * <usize>H + <usize>k) << 4);
      const row = <usize>H << 4;
      v128.store(acc, f32x4.add(v128.load(acc), a00));
      v128.store(acc + 16, f32x4.add(v128.load(acc + 16), a01));
      v128.store(acc + row, f32x4.add(v128.load(acc + row), a10));
      v128.store(acc + row + 16, f32x4.add(v128.load(acc + row + 16), a11));
      v128.store(acc + 2 * row, f32x4.add(v128.load(acc + 2 * row), a20));
      v128.store(acc + 2 * row + 16, f32x4.add(v128.load(acc + 2 * row + 16), a21));
      v128.store(acc + 3 * row, f32x4.add(v128.load(acc + 3 * row), a30));
      v128.store(acc + 3 * row + 16, f32x4.add(v128.load(acc + 3 * row + 16), a31));
    }
    for (; k < H; k++) for (let i = 0; i < 4; i++) accumulateOne(r + i, k, dz0, h0, blkBytes, T);
  }
  for (; r < GH; r++) for (let k = 0; k < H; k++) accumulateOne(r, k, dz0, h0, blkBytes, T);
}

/** The tail of affineWeightGrads: one (row, unit) pair. */
function accumulateOne(r: i32, k: i32, dz0: usize, h0: usize, blkBytes: usize, T: i32): void {
  let a = f32x4.splat(0);
  let pd = dz0 + (<usize>r << 4);
  let ph = h0 + (<usize>k << 4);
  for (let t = 1; t < T; t++, pd += blkBytes, ph += blkBytes) a = f32x4.add(a, f32x4.mul(v128.load(pd), v128.load(ph)));
  const acc = ACC_WHH + ((<usize>r * <usize>H + <usize>k) << 4);
  v128.store(acc, f32x4.add(v128.load(acc), a));
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * Sums the lanes of the n v128 accumulators at acc into the n floats at out: out[i] = ((l0 + l1) + l2) + l3 of
 * acc[i], as hsum adds them. Four accumulators at a time are transposed (lane j of each into vector j) and added
 * vector by vector, the same additions in the same order, four sums per instruction.
 */
function reduceLanes(out: usize, acc: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = acc + (<usize>i << 4);
    const a = v128.load(p);
    const b = v128.load(p, 16);
    const c = v128.load(p, 32);
    const d = v128.load(p, 48);
    const ab01 = v128.shuffle<f32>(a, b, 0, 4, 1, 5); // a0 b0 a1 b1
    const cd01 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
    const ab23 = v128.shuffle<f32>(a, b, 2, 6, 3, 7); // a2 b2 a3 b3
    const cd23 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
    const l0 = v128.shuffle<f32>(ab01, cd01, 0, 1, 4, 5); // lane 0 of a, b, c, d
    const l1 = v128.shuffle<f32>(ab01, cd01, 2, 3, 6, 7);
    const l2 = v128.shuffle<f32>(ab23, cd23, 0, 1, 4, 5);
    const l3 = v128.shuffle<f32>(ab23, cd23, 2, 3, 6, 7);
    v128.store(out + (<usize>i << 2), f32x4.add(f32x4.add(f32x4.add(l0, l1), l2), l3));
  }
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), hsum(v128.load(acc + (<usize>i << 4))));
}

/** Sums the per-lane accumulators into the flat gradient buffer (W_ih, W_hh, b_ih, b_hh). */
export function reduceAccumulators(grads: usize, oWih: i32, oWhh: i32, oBih: i32, oBhh: i32): void {
  reduceLanes(grads + (<usize>oBih << 2), ACC_BIH, GH);
  reduceLanes(grads + (<usize>oBhh << 2), ACC_BHH, GH);
  reduceLanes(grads + (<usize>oWih << 2), ACC_WIH, GH);
  reduceLanes(grads + (<usize>oWhh << 2), ACC_WHH, GH * H);
}

/** Zeroes the accumulators before a backward pass. */
export function clearAccumulators(): void {
  memory.fill(ACC_WIH, 0, <usize>GH << 4);
  memory.fill(ACC_BIH, 0, <usize>GH << 4);
  memory.fill(ACC_BHH, 0, <usize>GH << 4);
  memory.fill(ACC_WHH, 0, <usize>GH * <usize>H << 4);
}

/** BSUM = b_ih + b_hh, once per forward pass rather than once per step. */
export function refreshBiasSum(oBih: i32, oBhh: i32): void {
  for (let r = 0; r < GH; r++) {
    store<f32>(BSUM + (<usize>r << 2), load<f32>(PARAMS + (<usize>(oBih + r) << 2)) + load<f32>(PARAMS + (<usize>(oBhh + r) << 2)));
  }
}
