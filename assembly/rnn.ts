// The vanilla RNN cell's pointwise part, forward and backward side by side: h = tanh(z).
// Pointers: v128[H], four strings per vector.

import { H } from './layout';
import { tanh4, one4 } from './activations';

/** h = tanh(z); h may alias z (training keeps only h in its cache). */
export function rnnForward(z: usize, h: usize): void {
  for (let j = 0; j < H; j++) {
    const o = <usize>j << 4;
    v128.store(h + o, tanh4(v128.load(z + o)));
  }
}

/** dz = dh * (1 - h^2): backprop through tanh. */
export function rnnBackward(h: usize, dh: usize, dz: usize): void {
  const one = one4();
  for (let j = 0; j < H; j++) {
    const o = <usize>j << 4;
    const hj = v128.load(h + o);
    v128.store(dz + o, f32x4.mul(v128.load(dh + o), f32x4.sub(one, f32x4.mul(hj, hj))));
  }
}
