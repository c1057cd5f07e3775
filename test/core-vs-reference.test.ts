// The wasm core against the scalar reference: logits, loss and every gradient, for every cell, with strings of
// different lengths in one batch (so SIMD lanes end at different steps), H not a multiple of four, and batches
// that do not fill their last group. Release and debug builds both.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { Model } from '../src/core/model.js';
import { compileCore } from '../src/core/wasm.js';
import { refLossAndGrads, refAdamStep, refClipGradNorm, refLogit } from '../src/core/reference.js';
import { randomStrings } from '../src/index.js';
import type { CellKind } from '../src/core/layout.js';

const builds: Record<string, WebAssembly.Module> = {};
beforeAll(async () => {
  builds.release = await compileCore(new Uint8Array(readFileSync('build/core.wasm')));
  builds.debug = await compileCore(new Uint8Array(readFileSync('build/core.debug.wasm')));
});

/** |a - b| <= atol + rtol |b| for every entry; reports the worst entry when not. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let k = 0; k < expected.length; k++) {
    const excess = Math.abs(actual[k] - expected[k]) - (atol + rtol * Math.abs(expected[k]));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = k;
    }
  }
  if (worst >= 0) expect.fail(`entry ${worst}: ${actual[worst]} vs ${expected[worst]} (tolerance ${atol} + ${rtol}*|ref|)`);
}

const cases: [CellKind, number, number, number, number][] = [
  // cell, hidden, batch, minLen, maxLen
  ['lstm', 8, 7, 1, 12],
  ['lstm', 5, 10, 1, 20],
  ['lstm', 16, 13, 30, 60],
  ['lstm', 1, 3, 1, 4],
  ['rnn', 8, 7, 1, 12],
  ['rnn', 3, 9, 1, 25],
  ['rnn', 32, 5, 10, 40],
  ['gru', 8, 7, 1, 12],
  ['gru', 5, 10, 1, 20],
  ['gru', 13, 13, 30, 60],
  ['gru', 1, 3, 1, 4],
  ['gru', 6, 1, 7, 7],
];

describe.each(['release', 'debug'])('%s build', (build) => {
  it.each(cases)('%s H=%i batch %i lengths %i..%i: loss, logits, gradients equal the reference', async (cell, H, B, lo, hi) => {
    const m = await Model.create({ cell, hidden: H, seed: 11 * H + B, module: builds[build] });
    const strings = randomStrings(B, lo, hi, 1000 + H);
    const p = Float64Array.from(m.getParams());
    const ref = refLossAndGrads(cell, H, p, strings);
    m.loadBatch(strings);
    const loss = m.lossAndGrads();
    expect(Math.abs(loss - ref.loss)).toBeLessThan(1e-5);
    expectClose(m.getGrads(), ref.grads, 1e-5);
    expectClose(m.logits(strings), ref.logits, 1e-5);
  });
});

describe('optimiser steps equal the reference', () => {
  it.each([
    ['lstm', 8, 'adam', null],
    ['lstm', 5, 'adam', 0.05],
    ['rnn', 8, 'sgd', null],
    ['rnn', 4, 'adam', null],
    ['gru', 8, 'adam', null],
    ['gru', 7, 'adam', 0.05],
    ['gru', 6, 'sgd', null],
  ] as const)('%s H=%i %s clip %s: ten steps', async (cell, H, kind, clip) => {
    const m = await Model.create({ cell, hidden: H, seed: 5 });
    const lr = kind === 'adam' ? 0.01 : 0.1;
    m.setOptimizer({ kind, lr, clip });
    const p = Float64Array.from(m.getParams());
    const state = { m: new Float64Array(p.length), v: new Float64Array(p.length), t: 0 };
    for (let step = 0; step < 10; step++) {
      const strings = randomStrings(9, 1, 15, step);
      const ref = refLossAndGrads(cell, H, p, strings);
      if (clip !== null) refClipGradNorm(ref.grads, clip);
      if (kind === 'adam') refAdamStep(p, ref.grads, state, lr);
      else for (let k = 0; k < p.length; k++) p[k] -= lr * ref.grads[k];
      m.loadBatch(strings);
      const loss = m.step();
      expect(Math.abs(loss - ref.loss)).toBeLessThan(1e-5);
    }
    expectClose(m.getParams(), p, 2e-5);
  });
});

describe('streamed inference', () => {
  it('a long string streamed in chunks gives the reference logit, and memory stays small', async () => {
    const m = await Model.create({ cell: 'lstm', hidden: 8, seed: 2 });
    const [long] = randomStrings(1, 300_000, 300_000, 9);
    const before = m.memoryBytes();
    const z = m.logits([long, '1', '0110'])!;
    expect(Math.abs(z[0] - refLogit('lstm', 8, m.getParams(), long))).toBeLessThan(1e-4);
    expect(Math.abs(z[1] - refLogit('lstm', 8, m.getParams(), '1'))).toBeLessThan(1e-5);
    expect(m.memoryBytes() - before).toBeLessThan(8 * 2 ** 20);
  });

  it.each(['gru', 'lstm', 'rnn'] as const)('%s: streaming in chunks that end mid-string equals one pass and the reference', async (cell) => {
    const H = 7;
    const m = await Model.create({ cell, hidden: H, seed: 8 });
    const strings = [...randomStrings(9, 1, 3000, 12), ''.padEnd(2500, '10')];
    const whole = m.logits(strings); // a fresh model reserves room for the longest string: one chunk
    expectClose(whole, strings.map((s) => refLogit(cell, H, m.getParams(), s)), 1e-5);
    // A copy asked first for 1,024 strings reserves 256 groups of 1,024 steps, so these strings then stream through
    // in chunks that end mid-string (the running state carried from chunk to chunk).
    const chunked = await Model.fromJSON(m.toJSON());
    chunked.logits(randomStrings(1024, 1, 5000, 13));
    expect(Array.from(chunked.logits(strings))).toEqual(Array.from(whole));
  });

  it('inference after training reuses the training memory and does not disturb the next step', async () => {
    const a = await Model.create({ cell: 'rnn', hidden: 6, seed: 4 });
    const b = await Model.create({ cell: 'rnn', hidden: 6, seed: 4 });
    const strings = randomStrings(10, 1, 20, 3);
    const evalSet = randomStrings(100, 50, 100, 4);
    for (let s = 0; s < 5; s++) {
      a.loadBatch(strings);
      a.step();
      a.logits(evalSet);
      b.loadBatch(strings);
      b.step();
    }
    expect(a.weightsHash()).toBe(b.weightsHash());
    expectClose(a.logits(evalSet), Array.from(evalSet, (s) => refLogit('rnn', 6, a.getParams(), s)), 1e-5);
  });
});
