// Initial weights as PyTorch draws them (not the same random numbers, the same distributions):
// nn.LSTM / nn.RNN: every weight and bias uniform in [-1/sqrt(H), 1/sqrt(H)];
// nn.Linear(H, 1): kaiming_uniform(a = sqrt(5)) for the weight, whose bound works out to 1/sqrt(fan_in) = 1/sqrt(H),
// and the bias uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)]: the same bound everywhere.

import { type CellKind, paramCount } from './layout.js';
import { makeRng } from './rng.js';

export function initialParams(cell: CellKind, hidden: number, seed: number): Float32Array {
  const rng = makeRng(seed);
  const bound = 1 / Math.sqrt(hidden);
  const p = new Float32Array(paramCount(cell, hidden));
  for (let k = 0; k < p.length; k++) p[k] = (2 * rng.float() - 1) * bound;
  return p;
}
