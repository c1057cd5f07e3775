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
 * each unit j the r, z and n rows of W_hh are summed in registers (three independent chains), then activated.
 * Out: h, and (when keep) the gates r, z, n after their nonlinearity and hn = W_hn h_prev + b_hn; in: x, hPrev.
 * h must not alias hPrev (other units still read it). keep = false (inference) skips gates and hn.
 */
export function gruForward(h: usize, gates: usize, hn: usize, xPtr: usize, hPrev: usize, keep: bool): void {
  const x = v128.load(xPtr);
  const hb = <usize>H << 4; // bytes of one gate block of v128s
  const rb = <usize>H << 2; // bytes of one gate block of f32s (bias, W_ih), or of one W_hh row
  const wih = PARAMS + (<usize>O_WIH << 2);
  const whh = PARAMS + (<usize>O_WHH << 2);
  const bin = PARAMS + (<usize>O_BIH << 2) + 2 * rb; // b_in: the n row's biases are not summed (BSUM)
  const bhn = PARAMS + (<usize>O_BHH << 2) + 2 * rb;
  const gateRows = <usize>H * rb; // bytes of one gate's H rows of W_hh
  for (let j = 0; j < H; j++) {
    const jf = <usize>j << 2;
    let zr = f32x4.add(v128.load32_splat(BSUM + jf), f32x4.mul(v128.load32_splat(wih + jf), x));
    let zz = f32x4.add(v128.load32_splat(BSUM + rb + jf), f32x4.mul(v128.load32_splat(wih + rb + jf), x));
    let an = v128.load32_splat(bhn + jf);
    let w = whh + <usize>j * rb; // row j of the r block; the z and n rows follow at gateRows strides
    for (let k = 0; k < H; k++, w += 4) {
      const hk = v128.load(hPrev + (<usize>k << 4));
      zr = f32x4.add(zr, f32x4.mul(v128.load32_splat(w), hk));
      zz = f32x4.add(zz, f32x4.mul(v128.load32_splat(w + gateRows), hk));
      an = f32x4.add(an, f32x4.mul(v128.load32_splat(w + 2 * gateRows), hk));
    }
    const xn = f32x4.add(v128.load32_splat(bin + jf), f32x4.mul(v128.load32_splat(wih + 2 * rb + jf), x));
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
