// The vanilla RNN cell's pointwise part, forward and backward side by side: h = tanh(z).
// Arguments: outputs first, then inputs. Pointers: v128[H], four strings per vector.

import { H } from './layout';
import { tanh4, one4 } from './activations';

/** h = tanh(z); h may alias z (training computes z into the cache block's h field and activates it in place). */
export function rnnForward(h: usize, z: usize): void {
  for (let j = 0; j < H; j++) {
    const o = <usize>j << 4;
    v128.store(h + o, tanh4(v128.load(z + o)));
  }
}

/** dz = dh * (1 - h^2): backprop through tanh. dz must not alias h (the next step's weight gradients read h). */
export function rnnBackward(dz: usize, h: usize, dh: usize): void {
  const one = one4();
  for (let j = 0; j < H; j++) {
    const o = <usize>j << 4;
    const hj = v128.load(h + o);
    v128.store(dz + o, f32x4.mul(v128.load(dh + o), f32x4.sub(one, f32x4.mul(hj, hj))));
  }
}
