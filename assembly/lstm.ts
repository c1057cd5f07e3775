// The LSTM cell's pointwise part, forward and backward side by side (PyTorch's gate order i, f, g, o):
//   i = sigmoid(z_i), f = sigmoid(z_f), g = tanh(z_g), o = sigmoid(z_o)
//   c = f * c_prev + i * g,  h = o * tanh(c)
// Each v128 holds the four strings of a group. Pointers: z, gates: v128[4H] (rows i|f|g|o); others v128[H].

import { H } from './layout';
import { sigmoid4, tanh4, one4 } from './activations';

/**
 * z (pre-activations) -> gates in place, then c, tanh(c) and h. c may alias cPrev (streamed inference).
 * keep = false (inference) skips storing the gates and tanh(c), which only backprop reads.
 */
export function lstmForward(z: usize, cPrev: usize, c: usize, tc: usize, h: usize, keep: bool): void {
  const hb = <usize>H << 4;
  for (let j = 0; j < H; j++) {
    const o = <usize>j << 4;
    const gi = sigmoid4(v128.load(z + o));
    const gf = sigmoid4(v128.load(z + hb + o));
    const gg = tanh4(v128.load(z + 2 * hb + o));
    const go = sigmoid4(v128.load(z + 3 * hb + o));
    const cn = f32x4.add(f32x4.mul(gf, v128.load(cPrev + o)), f32x4.mul(gi, gg));
    const t = tanh4(cn);
    v128.store(c + o, cn);
    v128.store(h + o, f32x4.mul(go, t));
    if (keep) {
      v128.store(z + o, gi);
      v128.store(z + hb + o, gf);
      v128.store(z + 2 * hb + o, gg);
      v128.store(z + 3 * hb + o, go);
      v128.store(tc + o, t);
    }
  }
}

/**
 * Backward of lstmForward for one step. dh: gradient at h (in); dc: gradient at c from the step after (in) and at
 * c_prev (out); dz: gradient at the pre-activations (out, rows i|f|g|o).
 */
export function lstmBackward(gates: usize, cPrev: usize, tc: usize, dh: usize, dc: usize, dz: usize): void {
  const hb = <usize>H << 4;
  const one = one4();
  for (let j = 0; j < H; j++) {
    const o = <usize>j << 4;
    const gi = v128.load(gates + o);
    const gf = v128.load(gates + hb + o);
    const gg = v128.load(gates + 2 * hb + o);
    const go = v128.load(gates + 3 * hb + o);
    const t = v128.load(tc + o);
    const dhj = v128.load(dh + o);
    // backprop through h = o * tanh(c)
    const dO = f32x4.mul(dhj, t);
    const dC = f32x4.add(v128.load(dc + o), f32x4.mul(f32x4.mul(dhj, go), f32x4.sub(one, f32x4.mul(t, t))));
    // backprop through c = f * c_prev + i * g
    const dI = f32x4.mul(dC, gg);
    const dG = f32x4.mul(dC, gi);
    const dF = f32x4.mul(dC, v128.load(cPrev + o));
    v128.store(dc + o, f32x4.mul(dC, gf));
    // backprop through the gate nonlinearities: sigmoid' = s (1 - s), tanh' = 1 - t^2
    v128.store(dz + o, f32x4.mul(f32x4.mul(dI, gi), f32x4.sub(one, gi)));
    v128.store(dz + hb + o, f32x4.mul(f32x4.mul(dF, gf), f32x4.sub(one, gf)));
    v128.store(dz + 2 * hb + o, f32x4.mul(dG, f32x4.sub(one, f32x4.mul(gg, gg))));
    v128.store(dz + 3 * hb + o, f32x4.mul(f32x4.mul(dO, go), f32x4.sub(one, go)));
  }
}
