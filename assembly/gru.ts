// The GRU cell's pointwise part, forward and backward side by side, exactly as PyTorch's nn.GRU (gate order r, z, n):
//   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
//   z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
//   h' = (1 - z) * n + z * h,  computed as n + z * (h - n), the form ATen's GRU cell uses (aten/src/ATen/native/RNN.cpp)
// The reset gate multiplies the n row's recurrent product together with its bias, so that row's recurrent part
// (hn = W_hn h + b_hn) is kept apart from its input part: backprop needs hn, and the two parts get different
// gradients (dz_x = dn_pre for W_in and b_in, dz_h = dn_pre * r for W_hn and b_hn).
// Each v128 holds the four strings of a group. Arguments: outputs first, then inputs. Pointers: gates, dz:
// v128[3H] (rows r|z|n); hn, dzx, h, hPrev, dh, dhPrev: v128[H].

import { H, PARAMS, BSUM, O_WIH, O_WHH, O_BIH, O_BHH } from './layout';
import { sigmoid4, tanh4, one4 } from './activations';

/**
 * One GRU step for a group of four strings, the affine part fused with the pointwise part as in lstmForward: for
 * two units at a time the r, z and n rows of W_hh are summed in registers (six independent chains; three, one unit
 * at a time, ran 1.1-1.7x slower here at H 5, 8 and 64, with the same sums in the same order), then activated.
 * Out: h, and (when keep) the gates r, z, n after their nonlinearity and hn = W_hn h_prev + b_hn; in: x, hPrev.
 * h must not alias hPrev (other units still read it). keep = false (inference) skips gates and hn.
 */
export function gruForward(h: usize, gates: usize, hn: usize, xPtr: usize, hPrev: usize, keep: bool): void {
  const x = v128.load(xPtr);
  const rb = <usize>H << 2; // bytes of one gate block of f32s (bias, W_ih), or of one W_hh row
  const gateRows = <usize>H * rb; // bytes of one gate's H rows of W_hh
  let j = 0;
  for (; j + 2 <= H; j += 2) {
    const jf = <usize>j << 2;
    const wih = PARAMS + (<usize>O_WIH << 2) + jf;
    let r0 = f32x4.add(v128.load32_splat(BSUM + jf), f32x4.mul(v128.load32_splat(wih), x));
    let r1 = f32x4.add(v128.load32_splat(BSUM + jf + 4), f32x4.mul(v128.load32_splat(wih + 4), x));
    let z0 = f32x4.add(v128.load32_splat(BSUM + rb + jf), f32x4.mul(v128.load32_splat(wih + rb), x));
    let z1 = f32x4.add(v128.load32_splat(BSUM + rb + jf + 4), f32x4.mul(v128.load32_splat(wih + rb + 4), x));
    const bhn = PARAMS + (<usize>O_BHH << 2) + 2 * rb + jf;
    let n0 = v128.load32_splat(bhn);
    let n1 = v128.load32_splat(bhn + 4);
    let w = PARAMS + (<usize>O_WHH << 2) + <usize>j * rb; // row j of the r block; row j + 1 follows at rb
    for (let k = 0; k < H; k++, w += 4) {
      const hk = v128.load(hPrev + (<usize>k << 4));
      r0 = f32x4.add(r0, f32x4.mul(v128.load32_splat(w), hk));
      r1 = f32x4.add(r1, f32x4.mul(v128.load32_splat(w + rb), hk));
      z0 = f32x4.add(z0, f32x4.mul(v128.load32_splat(w + gateRows), hk));
      z1 = f32x4.add(z1, f32x4.mul(v128.load32_splat(w + gateRows + rb), hk));
      n0 = f32x4.add(n0, f32x4.mul(v128.load32_splat(w + 2 * gateRows), hk));
      n1 = f32x4.add(n1, f32x4.mul(v128.load32_splat(w + 2 * gateRows + rb), hk));
    }
    gruPointwise(h, gates, hn, x, hPrev, j, r0, z0, n0, keep);
    gruPointwise(h, gates, hn, x, hPrev, j + 1, r1, z1, n1, keep);
  }
  if (j < H) {
    const jf = <usize>j << 2;
    const wih = PARAMS + (<usize>O_WIH << 2) + jf;
    let r0 = f32x4.add(v128.load32_splat(BSUM + jf), f32x4.mul(v128.load32_splat(wih), x));
    let z0 = f32x4.add(v128.load32_splat(BSUM + rb + jf), f32x4.mul(v128.load32_splat(wih + rb), x));
    let n0 = v128.load32_splat(PARAMS + (<usize>O_BHH << 2) + 2 * rb + jf);
    let w = PARAMS + (<usize>O_WHH << 2) + <usize>j * rb;
    for (let k = 0; k < H; k++, w += 4) {
      const hk = v128.load(hPrev + (<usize>k << 4));
      r0 = f32x4.add(r0, f32x4.mul(v128.load32_splat(w), hk));
      z0 = f32x4.add(z0, f32x4.mul(v128.load32_splat(w + gateRows), hk));
      n0 = f32x4.add(n0, f32x4.mul(v128.load32_splat(w + 2 * gateRows), hk));
    }
    gruPointwise(h, gates, hn, x, hPrev, j, r0, z0, n0, keep);
  }
}

/** Unit j of gruForward once its r and z pre-activations and hn = W_hn h + b_hn are summed. */
// @ts-ignore: decorator
@inline function gruPointwise(h: usize, gates: usize, hn: usize, x: v128, hPrev: usize, j: i32, zr: v128, zz: v128, an: v128, keep: bool): void {
  const hb = <usize>H << 4;
  const rb = <usize>H << 2;
  const jf = <usize>j << 2;
  const xn = f32x4.add(
    v128.load32_splat(PARAMS + (<usize>O_BIH << 2) + 2 * rb + jf), // b_in: the n row's biases are not summed (BSUM)
    f32x4.mul(v128.load32_splat(PARAMS + (<usize>O_WIH << 2) + 2 * rb + jf), x),
  );
  const gr = sigmoid4(zr);
  const gz = sigmoid4(zz);
  const gn = tanh4(f32x4.add(xn, f32x4.mul(gr, an)));
  const o = <usize>j << 4;
  v128.store(h + o, f32x4.add(gn, f32x4.mul(gz, f32x4.sub(v128.load(hPrev + o), gn))));
  if (keep) {
    v128.store(gates + o, gr);
    v128.store(gates + hb + o, gz);
    v128.store(gates + 2 * hb + o, gn);
    v128.store(hn + o, an);
  }
}

/**
 * Backward of gruForward for one step. Out: dz, the gradient at the three rows' pre-activations as the recurrent
 * product sees them (r|z|n, the n row's being dn_pre * r); dzx, the n row's input-side gradient dn_pre; dhPrev,
 * the part of the gradient at h_prev that bypasses W_hh (z * dh; affineBackward adds the rest). In: the step's
 * gates and hn, h_prev, and dh, the gradient at h. In training dz aliases gates and dzx aliases hn (the cache keeps
 * one copy): unit j reads its gates and hn before writing its dz rows.
 */
export function gruBackward(dz: usize, dzx: usize, dhPrev: usize, gates: usize, hn: usize, hPrev: usize, dh: usize): void {
  const hb = <usize>H << 4;
  const one = one4();
  for (let j = 0; j < H; j++) {
    const o = <usize>j << 4;
    const gr = v128.load(gates + o);
    const gz = v128.load(gates + hb + o);
    const gn = v128.load(gates + 2 * hb + o);
    const an = v128.load(hn + o);
    const dhj = v128.load(dh + o);
    // backprop through h' = n + z * (h_prev - n)
    const dN = f32x4.mul(dhj, f32x4.sub(one, gz));
    const dZ = f32x4.mul(dhj, f32x4.sub(v128.load(hPrev + o), gn));
    v128.store(dhPrev + o, f32x4.mul(dhj, gz));
    // backprop through n = tanh(xn + r * hn)
    const dNpre = f32x4.mul(dN, f32x4.sub(one, f32x4.mul(gn, gn)));
    const dR = f32x4.mul(dNpre, an);
    // backprop through the sigmoids: sigmoid' = s (1 - s)
    v128.store(dz + o, f32x4.mul(f32x4.mul(dR, gr), f32x4.sub(one, gr)));
    v128.store(dz + hb + o, f32x4.mul(f32x4.mul(dZ, gz), f32x4.sub(one, gz)));
    v128.store(dz + 2 * hb + o, f32x4.mul(dNpre, gr));
    v128.store(dzx + o, dNpre);
  }
}
