// A hand-built parity network whose units saturate: the model certify is meant to prove, for tests and docs.
// Minsky's construction of an automaton in a first-order recurrent net: one unit per (parity q, last bit x), index
// 2q + x, on (+1) when the last bit was x and the parity before it was q XOR x... so exactly one unit is on.
// Unit (q', x') turns on when the bit is x' and one of the two units of state q = q' XOR x' was on:
//   pre = B (v_q0 + v_q1 + X - 1/2),  X = +1 if the bit is x' else -1     (an AND of an OR: linearly separable)
// The zero start state has no unit on; the q = 1 units also subtract B/2 (sum of all units + 2), which is 0 in
// every valid state and -B at the start, so the start behaves as parity 0. Read-out: sum v_1x - sum v_0x.
// LSTM: i = 1, f = 0, o = 1 (biases +-big), g computes pre, so c = g and h = tanh(g): weights reading h are
// scaled by 1 / tanh(1) so they see +-1.

import { Model } from '../core/model.js';
import { type CellKind, tensorLayout } from '../core/layout.js';

export async function flipFlopModel(cell: CellKind = 'lstm', B = 10, big = 20): Promise<Model> {
  const H = 4;
  const m = await Model.create({ cell, hidden: H, seed: 0 });
  const p = new Float32Array(m.paramCount);
  const [wih, whh, bih, , lw, lb] = tensorLayout(cell, H).map((t) => t.offset);
  const lstm = cell === 'lstm';
  const scale = lstm ? 1 / Math.tanh(1) : 1 / Math.tanh(B / 2); // what one on-unit reads as
  const g0 = lstm ? 2 * H : 0; // first row of the unit pre-activations
  if (lstm) {
    for (let j = 0; j < H; j++) {
      p[bih + j] = big; // i = 1
      p[bih + H + j] = -big; // f = 0
      p[bih + 3 * H + j] = big; // o = 1
    }
  }
  for (let u = 0; u < H; u++) {
    const qNew = u >> 1;
    const xNew = u & 1;
    const q = qNew ^ xNew;
    const r = g0 + u;
    p[wih + r] = xNew ? 2 * B : -2 * B;
    let bias = (xNew ? -B : B) - 0.5 * B;
    if (q === 1) bias -= B;
    for (let k = 0; k < H; k++) {
      let w = k >> 1 === q ? B : 0;
      if (q === 1) w -= B / 2;
      p[whh + r * H + k] = w * scale;
    }
    p[bih + r] = bias;
  }
  for (let k = 0; k < H; k++) p[lw + k] = (k >> 1 === 1 ? 1 : -1) * scale;
  p[lb] = 0;
  m.setParams(p);
  return m;
}
