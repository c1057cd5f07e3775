// The hardening phase's regularisers in the core (assembly/regularize.ts): the forget-gate penalty against the
// scalar reference and, in the reference, against finite differences; the state noise against finite differences
// of the core itself (the noise is the same at every call with the same seed), and the switches: off is exactly
// off, the same seed is the same step, bad values are refused.
import { describe, it, expect } from 'vitest';
import { Model } from '../src/core/model.js';
import { ParityError } from '../src/core/errors.js';
import { refLossAndGrads } from '../src/core/reference.js';
import { randomStrings } from '../src/index.js';
import { Core } from '../src/core/wasm.js';

function worstGap(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  let worst = 0;
  for (let k = 0; k < b.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]) / (atol + rtol * Math.abs(b[k])));
  return worst;
}

describe('forget-gate penalty', () => {
  it.each([
    [8, 7, 1, 12],
    [5, 10, 3, 30],
    [3, 1, 9, 9],
  ])('H=%i, %i strings of %i..%i bits: loss and gradients equal the reference', async (H, B, lo, hi) => {
    const m = await Model.create({ cell: 'lstm', hidden: H, seed: 5 + H });
    // Larger weights than the init, so forget gates spread over (0, 1) and the penalty's gradient is not small.
    const p = Float64Array.from(m.getParams(), (v) => v * 3);
    m.setParams(p);
    const strings = randomStrings(B, lo, hi, 77 + H);
    const forget = 0.7;
    const ref = refLossAndGrads('lstm', H, Float64Array.from(m.getParams()), strings, undefined, forget);
    const plain = refLossAndGrads('lstm', H, Float64Array.from(m.getParams()), strings);
    m.loadBatch(strings);
    m.setRegularizers({ forget });
    const bce = m.lossAndGrads();
    expect(Math.abs(bce - plain.loss)).toBeLessThan(1e-5);
    expect(Math.abs(bce + m.lastPenalty() - ref.loss)).toBeLessThan(1e-5);
    expect(m.lastPenalty()).toBeGreaterThan(0.01);
    expect(worstGap(m.getGrads(), ref.grads, 1e-5, 1e-4)).toBeLessThan(1);
    // The penalty moves the gradient well beyond that tolerance: the comparison could fail.
    expect(worstGap(ref.grads, plain.grads, 1e-5, 1e-4)).toBeGreaterThan(10);
  });

  it("the reference's gradient with the penalty equals central differences (float64)", async () => {
    const m = await Model.create({ cell: 'lstm', hidden: 4, seed: 9 });
    const p = Float64Array.from(m.getParams(), (v) => v * 3);
    const strings = randomStrings(5, 1, 14, 3);
    const { grads } = refLossAndGrads('lstm', 4, p, strings, undefined, 0.9);
    const h = 1e-6;
    let worst = 0;
    for (let k = 0; k < p.length; k++) {
      const keep = p[k];
      p[k] = keep + h;
      const up = refLossAndGrads('lstm', 4, p, strings, undefined, 0.9).loss;
      p[k] = keep - h;
      const down = refLossAndGrads('lstm', 4, p, strings, undefined, 0.9).loss;
      p[k] = keep;
      worst = Math.max(worst, Math.abs((up - down) / (2 * h) - grads[k]) / Math.max(1e-3, Math.abs(grads[k])));
    }
    expect(worst).toBeLessThan(1e-6);
  });
});

describe('state noise', () => {
  async function noisy(): Promise<{ m: Model; strings: string[] }> {
    const m = await Model.create({ cell: 'lstm', hidden: 6, seed: 21 });
    const strings = randomStrings(9, 2, 16, 8);
    m.loadBatch(strings);
    return { m, strings };
  }

  it('the same seed gives the same loss and gradients, another seed others, and off is exactly off', async () => {
    const { m } = await noisy();
    const off = m.lossAndGrads();
    const gOff = m.getGrads();
    m.setRegularizers({ noise: 0.2, seed: 4 });
    const a = m.lossAndGrads();
    const gA = m.getGrads();
    expect(m.lossAndGrads()).toBe(a);
    expect(Array.from(m.getGrads())).toEqual(Array.from(gA));
    m.setRegularizers({ noise: 0.2, seed: 5 });
    expect(m.lossAndGrads()).not.toBe(a);
    expect(a).not.toBe(off);
    m.setRegularizers({});
    expect(m.lossAndGrads()).toBe(off);
    expect(Array.from(m.getGrads())).toEqual(Array.from(gOff));
  });

  it('with noise and the penalty on, the gradient equals central differences of the core (float32)', async () => {
    const { m } = await noisy();
    m.setRegularizers({ noise: 0.2, forget: 0.7, seed: 12 });
    const total = (): number => m.lossAndGrads() + m.lastPenalty();
    const p0 = Float64Array.from(m.getParams());
    total();
    const g = m.getGrads();
    const eps = 1e-2;
    let worst = 0;
    for (let k = 0; k < p0.length; k++) {
      const p = Float64Array.from(p0);
      p[k] = p0[k] + eps;
      m.setParams(p);
      const up = total();
      p[k] = p0[k] - eps;
      m.setParams(p);
      const down = total();
      worst = Math.max(worst, Math.abs((up - down) / (2 * eps) - g[k]) / Math.max(1e-2, Math.abs(g[k])));
    }
    m.setParams(p0);
    expect(worst).toBeLessThan(5e-3);
  });

  it('refuses values that are not finite numbers >= 0, and cells other than the LSTM', async () => {
    const { m } = await noisy();
    for (const bad of [{ noise: -0.1 }, { noise: NaN }, { forget: Infinity }]) expect(() => m.setRegularizers(bad)).toThrow(ParityError);
    const gru = await Model.create({ cell: 'gru', hidden: 4, seed: 1 });
    expect(() => gru.setRegularizers({ noise: 0.1 })).toThrow(/LSTM/);
    expect(() => gru.setRegularizers({})).not.toThrow();
  });
});

describe('state noise, draw by draw', () => {
  // With every weight zero each gate is sigmoid(0) = 0.5 or tanh(0) = 0, so a step sets c to 0.5 c_prev and h to
  // 0.5 tanh(c), and then the noise is added to both: the logit, with linear.weight picking one unit, shows which
  // draws of the stream each float got. The stream, plainly: xorshift32 (13, 17, 5) from the seed; the groups of
  // four strings (sorted longest first) in order, each for as many steps as its longest string, every lane of them;
  // a step draws 4H numbers for h (unit j, lane s at 4j + s), then 4H for c; a draw x adds
  // NOISE sqrt 3 ((x >> 8) 2^-23 - 1) in float32. Training runs groups side by side (index.ts): the draws must not
  // notice.
  it.each([
    [3, [2, 2, 2, 2]],
    [8, [2, 2, 2, 2]],
    [3, [6, 5, 5, 4, 3, 3, 2, 2, 2, 1, 1]], // three groups of 6, 3 and 2 steps: a block of three
    [5, [4, 4, 3, 1, 3, 2, 2, 2, 7, 1, 1, 1, 2, 2, 1, 1]], // four groups: two pairs
  ])('H=%i, strings of %j bits: every float of h and c gets its own draw of the stream, in order', async (H, lengths) => {
    const seed = 12345;
    const noise = 0.1;
    const f = Math.fround;
    const a = f(f(noise) * f(1.7320508));
    let x = seed;
    const draw = (): number => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      return f(a * f(f((x >>> 8) * 2 ** -23) - 1));
    };
    const sorted = [...lengths].sort((p, q) => q - p);
    const B = sorted.length;
    // expected[s][j]: string s's h at its last bit, unit j
    const expected = sorted.map(() => new Array<number>(H).fill(0));
    for (let g = 0; 4 * g < B; g++) {
      const c = new Float64Array(4 * H);
      for (let t = 0; t < sorted[4 * g]; t++) {
        const hn = Array.from({ length: 4 * H }, draw);
        const cn = Array.from({ length: 4 * H }, draw);
        for (let j = 0; j < H; j++) {
          for (let lane = 0; lane < 4; lane++) {
            const k = 4 * j + lane;
            const h = f(f(0.5 * Math.tanh(f(0.5 * c[k]))) + hn[k]);
            c[k] = f(f(0.5 * c[k]) + cn[k]);
            const s = 4 * g + lane;
            if (s < B && t === sorted[s] - 1) expected[s][j] = h;
          }
        }
      }
    }
    const core = await Core.instantiate();
    const ex = core.exports;
    expect(ex.create(0, H)).toBe(0);
    expect(ex.reserve(B, sorted[0], 1)).toBe(0);
    ex.setRegularizers(noise, 0, seed);
    const i32 = new Int32Array(ex.memory.buffer);
    const f32 = new Float32Array(ex.memory.buffer);
    for (let s = 0; s < B; s++) i32[(ex.lengthsPtr() >> 2) + s] = sorted[s]; // the inputs stay 0: the bits do not matter
    const lw = ex.tensorOffset(4);
    for (let j = 0; j < H; j++) {
      const params = new Float32Array(ex.memory.buffer, ex.paramsPtr(), ex.paramCount());
      params.fill(0);
      params[lw + j] = 1;
      expect(ex.lossAndGrads(B)).toBe(0);
      for (let s = 0; s < B; s++) expect(Math.abs(f32[(ex.logitsPtr() >> 2) + s] - expected[s][j])).toBeLessThan(2e-6);
    }
  });
});
