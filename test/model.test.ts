// Saving and loading, the model file's checks, the layout shared with the core, and limits.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Model, ParityError, paramCount, tensorLayout, randomStrings, FORMAT, parity, checkBits } from '../src/index.js';
import { Core } from '../src/core/wasm.js';

describe('layout', () => {
  it.each([['lstm', 0], ['rnn', 1]] as const)('%s: the core and src/layout.ts agree on the parameter count', async (cell, code) => {
    for (const H of [1, 3, 8, 64]) {
      const core = await Core.instantiate();
      core.exports.create(code, H);
      expect(core.exports.paramCount()).toBe(paramCount(cell, H));
      const specs = tensorLayout(cell, H);
      expect(specs.at(-1)!.offset + specs.at(-1)!.size).toBe(paramCount(cell, H));
    }
  });
});

describe('core errors', () => {
  it('a trap in the core surfaces as an ordinary Error that says what happened and what to do', async () => {
    const core = await Core.instantiate();
    core.exports.create(0, 4);
    // An out-of-bounds access: the kind of trap a contract bug would cause.
    const trap = (): void => core.call('applyActivation', () => core.exports.applyActivation(0, core.exports.memory.buffer.byteLength, 16));
    expect(trap).toThrow(Error);
    expect(trap).toThrow(/parity-lstm core trapped in applyActivation: .*(too large|fewer or shorter strings|report it)/);
    expect(trap).not.toThrow(WebAssembly.RuntimeError);
  });
});

describe('save and load', () => {
  it('a saved and loaded model has bit-identical weights and identical predictions', async () => {
    const m = await Model.create({ cell: 'lstm', hidden: 7, seed: 42 });
    m.setOptimizer({ kind: 'adam', lr: 0.05 });
    for (let s = 0; s < 20; s++) {
      m.loadBatch(randomStrings(10, 1, 20, s));
      m.step();
    }
    m.training = { note: 'kept' };
    const text = m.serialize();
    const back = await Model.fromJSON(text);
    expect(back.weightsHash()).toBe(m.weightsHash());
    expect(Array.from(back.getParams())).toEqual(Array.from(m.getParams()));
    const strings = randomStrings(50, 1, 300, 7);
    expect(Array.from(back.logits(strings))).toEqual(Array.from(m.logits(strings)));
    expect(back.training).toEqual({ note: 'kept' });
    const obj = JSON.parse(text);
    expect(obj.format).toBe(FORMAT);
    expect(Object.keys(obj.tensors)).toEqual([
      'rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'linear.weight', 'linear.bias',
    ]);
    expect(obj.tensors['rnn.weight_hh_l0'].shape).toEqual([28, 7]);
  });

  it('a file without a training block (as PyTorch writes) loads', async () => {
    const m = await Model.create({ cell: 'rnn', hidden: 3 });
    const obj = m.toJSON();
    delete obj.training;
    expect((await Model.fromJSON(obj)).training).toBeNull();
  });

  const good = async (): Promise<Record<string, any>> => (await Model.create({ cell: 'lstm', hidden: 4 })).toJSON();
  it.each([
    ['not JSON', async () => '{"format": "parity-lstm/1",', /not valid JSON/],
    ['an array', async () => '[1,2]', /must be a JSON object/],
    ['another format', async () => ({ ...(await good()), format: 'keras/2' }), /format is "keras\/2"/],
    ['an unknown cell', async () => ({ ...(await good()), cell: 'transformer' }), /unknown cell "transformer"/],
    ['hidden 0', async () => ({ ...(await good()), hiddenSize: 0 }), /hidden size must be an integer from 1/],
    ['a tensor of the wrong shape', async () => {
      const o = await good();
      o.tensors['rnn.weight_hh_l0'].shape = [16, 5];
      return o;
    }, /rnn.weight_hh_l0 has shape \[16,5\], expected \[16, 4\]/],
    ['too few numbers', async () => {
      const o = await good();
      o.tensors['linear.weight'].data.pop();
      return o;
    }, /linear.weight must have 4 numbers/],
    ['a missing tensor', async () => {
      const o = await good();
      delete o.tensors['linear.bias'];
      return o;
    }, /missing tensor linear.bias/],
    ['a string in the data', async () => {
      const o = await good();
      o.tensors['linear.bias'].data[0] = 'x';
      return o;
    }, /non-finite or non-number value/],
    ['a second layer', async () => {
      const o = await good();
      o.tensors['rnn.weight_ih_l1'] = o.tensors['rnn.weight_ih_l0'];
      return o;
    }, /unexpected tensor rnn.weight_ih_l1/],
  ])('rejects %s with a ParityError that says so', async (_what, make, message) => {
    const input = await make();
    await expect(Model.fromJSON(input)).rejects.toThrow(ParityError);
    await expect(Model.fromJSON(input)).rejects.toThrow(message);
  });
});

describe('training steps', () => {
  // lossAndGrads runs the groups of four strings in blocks of two, and a last block of three when the count is odd and
  // the reservation has a third cache slot (a reservation for an odd number of groups gets one). A reservation for
  // an even count has none, so the same batch then runs as a pair and a lone group: the numbers must not change.
  it.each([
    ['lstm', 8, 10, 1, 20, false],
    ['lstm', 5, 20, 1, 30, false],
    ['lstm', 8, 10, 1, 20, true],
    ['gru', 7, 10, 1, 20, false],
    ['rnn', 6, 20, 1, 30, false],
  ] as const)('%s H=%i, %i strings of %i..%i bits (regularisers %s): blocks of three give the gradients of pairs, bit for bit', async (cell, H, B, lo, hi, reg) => {
    const spare = await Model.create({ cell, hidden: H, seed: 3 });
    const pairs = await Model.fromJSON(spare.serialize());
    pairs.prepareTraining(B + 4, hi); // one group more: an even count, no third slot
    const batch = randomStrings(B, lo, hi, 7);
    expect(new Set(batch.map((s) => s.length)).size).toBeGreaterThan(3); // the groups end at different steps
    for (const m of [spare, pairs]) {
      if (reg) m.setRegularizers({ noise: 0.1, forget: 0.5, seed: 9 });
      m.loadBatch(batch);
    }
    expect(pairs.lossAndGrads()).toBe(spare.lossAndGrads());
    expect(Array.from(pairs.getGrads())).toEqual(Array.from(spare.getGrads()));
    if (reg) expect(pairs.lastPenalty()).toBe(spare.lastPenalty());
  });

  it('the gradient norm of the last update: the f64 norm of its gradient, kept through a later lossAndGrads, clipped or not', async () => {
    const norm = (g: Float32Array): number => Math.sqrt(g.reduce((s, x) => s + x * x, 0));
    for (const clip of [null, 0.01]) {
      const m = await Model.create({ cell: 'lstm', hidden: 8, seed: 4 });
      m.setOptimizer({ kind: 'adam', lr: 0.01, clip });
      m.loadBatch(randomStrings(10, 1, 20, 1));
      m.lossAndGrads();
      const expected = norm(m.getGrads()); // before step() clips them
      m.step();
      expect(m.lastGradNorm()).toBe(expected);
      if (clip !== null) expect(norm(m.getGrads())).toBeCloseTo(clip, 6);
      m.loadBatch(randomStrings(10, 1, 20, 2));
      m.lossAndGrads(); // new gradients, no update: the norm is still the last update's
      expect(norm(m.getGrads())).not.toBe(expected);
      expect(m.lastGradNorm()).toBe(expected);
    }
  });

  it('the core flags an update whose gradient holds a NaN or an infinity (the check behind "training diverged")', async () => {
    const core = await Core.instantiate();
    const ex = core.exports;
    ex.create(0, 3); // 3 * 12 + 4 parameters: P is not a multiple of 8, so the check's tail runs too
    const P = ex.paramCount();
    for (const clip of [0, 1]) {
      ex.setOptimizer(0, 0.01, 0.9, 0.999, 1e-8, clip);
      for (const [at, bad] of [[null, 0], [0, NaN], [P - 1, Infinity], [17, -Infinity]] as const) {
        const g = new Float32Array(ex.memory.buffer, ex.gradsPtr(), P);
        g.fill(0.5);
        if (at !== null) g[at] = bad;
        ex.update();
        expect(ex.lastGradsFinite()).toBe(at === null ? 1 : 0);
        expect(Number.isFinite(ex.lastGradNorm())).toBe(at === null);
      }
    }
  });
});

describe('inference', () => {
  it('streaming in chunks equals one whole pass, and a training reservation does not change inference, bit for bit', async () => {
    const a = await Model.create({ cell: 'lstm', hidden: 8, seed: 3 });
    const b = await Model.fromJSON(a.serialize());
    b.loadBatch(randomStrings(10, 1, 5, 1));
    // 1024 strings fill the 256 groups of the streaming budget, which then holds 1024 steps: the ones longer than
    // that are streamed in two chunks. a runs them 37 at a time, each batch in one chunk.
    const strings = randomStrings(1024, 1, 1500, 8);
    const whole: number[] = [];
    for (let i = 0; i < strings.length; i += 37) whole.push(...a.logits(strings.slice(i, i + 37)));
    expect(strings.some((s) => s.length > 1024)).toBe(true);
    expect(Array.from(b.logits(strings))).toEqual(whole);
  });

  it('a loaded training batch stays loaded through inference: the step is the same as without it', async () => {
    const a = await Model.create({ cell: 'lstm', hidden: 8, seed: 5 });
    const b = await Model.fromJSON(a.serialize());
    const batch = randomStrings(10, 1, 20, 2);
    a.loadBatch(batch);
    b.loadBatch(batch);
    b.logits(randomStrings(300, 1, 200, 3));
    expect(b.step()).toBe(a.step());
    expect(Array.from(b.getParams())).toEqual(Array.from(a.getParams()));
  });

  it('a frozen set, written once and then kept in memory, gives fresh logits as the weights and other sets change', async () => {
    const m = await Model.create({ cell: 'lstm', hidden: 8, seed: 6 });
    const fresh = async (strings: string[]): Promise<number[]> => {
      const c = await Model.fromJSON(m.serialize());
      return Array.from(c.logits(strings));
    };
    const set = Object.freeze(randomStrings(100, 50, 100, 4));
    for (let round = 0; round < 4; round++) {
      expect(Array.from(m.logitsUnchecked(set))).toEqual(await fresh([...set]));
      m.loadBatch(randomStrings(10, 1, 20 + 40 * round, round)); // round 2 on grows the training region
      m.step();
      if (round === 1) m.logits(randomStrings(1000, 50, 100, 9)); // another set in the inference region
    }
  });

  it('rejects bad strings with a ParityError naming the first bad string, and keeps working', async () => {
    const m = await Model.create();
    expect(() => m.predict('')).toThrow(/empty/);
    expect(() => m.predict('0121')).toThrow(/"2" at position 3/);
    expect(() => m.loadBatch(['01', 'ab'])).toThrow(ParityError);
    // the bits are checked as they are written: the first bad string in the given order is named, whatever its fault
    expect(() => m.loadBatch(['0110', '0x1', ''])).toThrow(/^training string has "x" at position 2/);
    expect(() => m.loadBatch(['0110', '', '0x1'])).toThrow(/^training string is empty/);
    expect(() => m.logits(['1', '0'.repeat(40) + '2', '1'.repeat(70)])).toThrow(/"2" at position 41/);
    // past the first chunk of a streamed string (far longer than the inference region's steps)
    const long = '01'.repeat(300_000);
    expect(() => m.logits([long, long.slice(0, 500_001) + 'b' + long.slice(500_002)])).toThrow(/"b" at position 500002/);
    // a failed load leaves no batch loaded (not half of one); then a good one trains, and inference is unchanged
    m.loadBatch(['0110', '1']);
    expect(() => m.loadBatch(['0110', '01a'])).toThrow(/"a" at position 3/);
    expect(() => m.step()).toThrow(/no training batch is loaded/);
    const strings = randomStrings(30, 1, 40, 3);
    const before = Array.from(m.logits(strings));
    m.loadBatch(['0110', '1']);
    expect(Number.isFinite(m.step())).toBe(true);
    const fresh = await Model.create();
    fresh.loadBatch(['0110', '1']);
    fresh.step();
    expect(m.weightsHash()).toBe(fresh.weightsHash());
    expect(Array.from(fresh.logits(strings))).not.toEqual(before); // the step changed the weights; m's old answers were its own
  });

  it('the check made while writing refuses exactly what checkBits refuses, for every UTF-16 code unit', async () => {
    const m = await Model.create({ hidden: 2 });
    const refused = (f: () => unknown): boolean => {
      try {
        f();
        return false;
      } catch (e) {
        if (!(e instanceof ParityError)) throw e;
        return true;
      }
    };
    const disagree: number[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const s = '1' + String.fromCharCode(c) + '0';
      const bad = refused(() => checkBits(s));
      if (refused(() => m.loadBatch(['0', s])) !== bad || refused(() => m.logits([s, '1'])) !== bad) disagree.push(c);
    }
    expect(disagree).toEqual([]);
    expect(refused(() => m.loadBatch(['1\u{1F600}0']))).toBe(true); // a surrogate pair, both halves outside 0 and 1
  });

  it('predict gives parity and the probability that the parity is 1 (the solved fixture model: the right parity)', async () => {
    const m = await Model.fromJSON(readFileSync(resolve(__dirname, 'fixtures/solved-lstm.json'), 'utf8'));
    const strings = randomStrings(50, 1, 100, 6);
    const z = m.logits(strings);
    m.predictBatch(strings).forEach((p, k) => {
      expect(p.probability).toBeCloseTo(1 / (1 + Math.exp(-z[k])), 12);
      expect(p.parity).toBe(z[k] > 0 ? 1 : 0);
      expect(p.parity).toBe(parity(strings[k]));
    });
    expect(m.predict('0110')).toEqual(m.predictBatch(['0110'])[0]);
  });

  it('a training batch too large for wasm memory is a ParityError that says what to do', async () => {
    const m = await Model.create({ hidden: 64 });
    const strings = randomStrings(20, 1, 300, 4);
    const before = Array.from(m.logits(strings));
    const huge = '1'.repeat(1_000_000);
    expect(() => m.loadBatch([huge, huge, huge, huge, huge])).toThrow(/needs \d+ MiB of WebAssembly memory.*shorter strings/);
    // and the model still works afterwards: the same weights, the same answers
    expect(Array.from(m.logits(strings))).toEqual(before);
  });

  it('trace gives one hidden and cell state per bit', async () => {
    const m = await Model.create({ hidden: 5 });
    const t = m.trace('10110');
    expect(t.h.length).toBe(5);
    expect(t.c!.length).toBe(5);
    expect(t.h[0].length).toBe(5);
  });
});
