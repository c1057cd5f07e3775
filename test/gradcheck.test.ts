// The reference's gradients against central finite differences in float64: the reference is the oracle for the
// wasm core, so it must itself be right. With h = 1e-6 in float64 the difference quotient's error is about 1e-9
// relative (truncation ~h^2, rounding ~1e-16/h), so we expect agreement to ~1e-7.
import { describe, it, expect } from 'vitest';
import { refLossAndGrads, refInitParams } from '../src/core/reference.js';
import { randomStrings } from '../src/index.js';
import type { CellKind } from '../src/core/layout.js';

function lossAt(cell: CellKind, H: number, p: Float64Array, strings: string[]): number {
  return refLossAndGrads(cell, H, p, strings).loss;
}

describe.each([
  ['lstm', 4, 5, 1, 9],
  ['lstm', 3, 4, 5, 14],
  ['rnn', 4, 5, 1, 9],
  ['rnn', 5, 3, 8, 20],
  ['gru', 4, 5, 1, 9],
  ['gru', 3, 4, 5, 14],
] as [CellKind, number, number, number, number][])('%s H=%i, %i strings of %i..%i bits', (cell, H, B, lo, hi) => {
  it('every gradient entry equals the central difference', () => {
    // Larger weights than the default init, so the gates are not all near their linear regime.
    const p = refInitParams(cell, H, 17).map((v) => v * 3);
    const strings = randomStrings(B, lo, hi, 23);
    const { grads } = refLossAndGrads(cell, H, p, strings);
    const h = 1e-6;
    let worst = 0;
    for (let k = 0; k < p.length; k++) {
      const keep = p[k];
      p[k] = keep + h;
      const up = lossAt(cell, H, p, strings);
      p[k] = keep - h;
      const down = lossAt(cell, H, p, strings);
      p[k] = keep;
      const fd = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - grads[k]) / Math.max(1e-3, Math.abs(fd)));
    }
    expect(worst).toBeLessThan(1e-6);
    expect(grads.some((g) => Math.abs(g) > 1e-3)).toBe(true);
  });
});
