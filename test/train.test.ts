// The training loop: it solves parity with the seed's settings, it is deterministic, datasets are walked in
// epochs without repeats, and bad settings are rejected.
// (How often the defaults solve, over ten seeds, is in test/slow/train-seeds.test.ts.)
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { train, evaluate, validateConfig, ParityError, randomStrings, DEFAULT_CONFIG, Model } from '../src/index.js';
import { batchSourceForTest } from '../src/train/train.js';
import { randomStringsFrom } from '../src/train/data.js';
import { makeRng, streamSeed, type Rng } from '../src/core/rng.js';
import { HARDEN, HARDEN_STREAM, hardeningBatch } from '../src/train/harden.js';

const FIXTURE = resolve(__dirname, 'fixtures/solved-lstm.json');

describe('train', () => {
  it("with the seed's settings (seed 1) solves parity: 100% on 1,000 fresh strings of length 50..100, and on longer ones", async () => {
    const events: number[] = [];
    const r = await train({ seed: 1, goal: 'solved' }, { onProgress: (p) => events.push(p.step) });
    expect(r.solved).toBe(true);
    expect(r.steps).toBeLessThanOrEqual(5000);
    expect(r.confirmAccuracy).toBe(1);
    expect(evaluate(r.model, { count: 1000, minLen: 50, maxLen: 100, seed: 99 }).accuracy).toBe(1);
    // far longer than anything it saw (lengths 1..20)
    expect(evaluate(r.model, { lengths: [200, 1000], count: 200, seed: 5 }).accuracy).toBeGreaterThan(0.98);
    expect(events[0]).toBe(10);
    expect(events.at(-1)).toBe(r.steps);
    expect(r.history.at(-1)!.solved).toBe(true);
    // The other tests load this model from test/fixtures/solved-lstm.json instead of training it again.
    const fixture = await Model.fromJSON(readFileSync(FIXTURE, 'utf8'));
    expect(r.model.weightsHash(), 'the numerics changed: run `npm run build && node scripts/make-test-model.mjs`').toBe(fixture.weightsHash());
    expect(Array.from(fixture.getParams())).toEqual(Array.from(r.model.getParams()));
    expect(fixture.training).toMatchObject({ seed: 1, steps: r.steps, solved: true, final: r.final });
  });

  it('is deterministic: the same seed gives bit-identical weights and the same history', async () => {
    const cfg = { seed: 77, steps: 60, untilSolved: false, cell: 'rnn' as const, hidden: 6 };
    const a = await train(cfg);
    const b = await train(cfg);
    expect(a.model.weightsHash()).toBe(b.model.weightsHash());
    expect(a.history.map((p) => p.loss)).toEqual(b.history.map((p) => p.loss));
    const c = await train({ ...cfg, seed: 78 });
    expect(c.model.weightsHash()).not.toBe(a.model.weightsHash());
  });

  it('runs every step with untilSolved off, and reports every evalEvery steps', async () => {
    const r = await train({ seed: 1, steps: 95, evalEvery: 20, untilSolved: false });
    expect(r.steps).toBe(95);
    expect(r.history.map((p) => p.step)).toEqual([20, 40, 60, 80, 95]);
    const windows = [20, 20, 20, 20, 15]; // steps since the previous event
    r.history.forEach((p, k) => {
      expect(p.loss).toBeGreaterThan(0);
      expect(p.loss).toBeLessThan(5);
      expect(p.seqStepsPerSec).toBeGreaterThan(0);
      expect(p.gradNorm).toBeGreaterThan(0);
      // The mean over the window of each batch's accuracy (10 strings): a count of right answers over 10 * steps.
      const right = p.trainAccuracy * 10 * windows[k];
      expect(Math.abs(right - Math.round(right))).toBeLessThan(1e-9);
      expect(Math.round(right)).toBeGreaterThanOrEqual(0);
      expect(Math.round(right)).toBeLessThanOrEqual(10 * windows[k]);
      // Scored on the 100 generalisation strings: a whole number of them right. Seed 1 solves at step 640, not by 95.
      const gen = p.genAccuracy * 100;
      expect(Math.abs(gen - Math.round(gen))).toBeLessThan(1e-9);
      expect(p.genAccuracy).toBeLessThan(1);
      expect(p.solved).toBe(false);
    });
  });

  it('walks a fixed dataset in epochs: every string once per epoch, reshuffled', async () => {
    const dataset = Array.from({ length: 30 }, (_, i) => (i + 1).toString(2)); // 30 distinct strings
    const r = await train({ seed: 3, dataset, batch: 7, steps: 10, evalEvery: 5, untilSolved: false });
    expect(r.steps).toBe(10);
    const next = batchSourceForTest(validateConfig({ seed: 3, dataset, batch: 7 }));
    const epoch = (): string[] => Array.from({ length: 5 }, () => next()).flat(); // 7+7+7+7+2
    const first = epoch();
    const second = epoch();
    expect(first.length).toBe(30);
    expect(new Set(first).size).toBe(30);
    expect(new Set(second).size).toBe(30);
    expect(second).not.toEqual(first);
  });

  it('stops when its signal is aborted', async () => {
    const ac = new AbortController();
    const r = await train({ seed: 1, steps: 1_000_000, untilSolved: false }, {
      onProgress: (p) => { if (p.step >= 50) ac.abort(); },
      signal: ac.signal,
    });
    expect(r.stopped).toBe(true);
    expect(r.steps).toBe(50);
  });

  it('refuses a training shape beyond wasm memory before making any strings', async () => {
    await expect(train({ batch: 64, maxLen: 1_000_000, hidden: 64 })).rejects.toThrow(/needs \d+ MiB of WebAssembly memory.*--hidden/);
  });

  it('continues from an initial model', async () => {
    const first = await train({ seed: 2, steps: 30, untilSolved: false });
    const more = await train({ seed: 2, steps: 1, untilSolved: false, evalEvery: 1 }, { init: first.model });
    expect(more.model.weightsHash()).not.toBe(first.model.weightsHash());
    await expect(train({ hidden: 9 }, { init: first.model })).rejects.toThrow(/hidden size 8.*hidden size 9/);
  });
});

describe('random strings', () => {
  /** The definition, plainly: a length from rng.int, then one draw per 32 bits, each read lowest bit first. */
  const plain = (rng: Rng, count: number, lo: number, hi: number): string[] =>
    Array.from({ length: count }, () => {
      const length = rng.int(lo, hi);
      let s = '';
      let word = 0;
      for (let t = 0; t < length; t++) {
        if (t % 32 === 0) word = rng.nextU32();
        s += (word >>> (t % 32)) & 1 ? '1' : '0';
      }
      return s;
    });

  it.each([
    [100, 1, 20],
    [1000, 50, 100],
    [300, 1, 200], // short ones (the table) between long ones (the shared buffer), in order
    [40, 60, 72], // lengths that are not whole bytes
    [3, 400_000, 1_100_000], // longer than the shared buffer: each its own
  ])('%i strings of %i..%i bits are the plain definition, draw for draw', (count, lo, hi) => {
    const a = makeRng(7);
    const b = makeRng(7);
    expect(randomStringsFrom(a, count, lo, hi)).toEqual(plain(b, count, lo, hi));
    expect(a.nextU32()).toBe(b.nextU32()); // the same number of draws
  });
});

describe('hardening batches', () => {
  it("are the plain definition, draw for draw: a length, then a run pattern or bits of one density", () => {
    const plain = (seed: number, step: number, batch: number): string[] => {
      const rng = makeRng(streamSeed(streamSeed(seed, HARDEN_STREAM), step));
      return Array.from({ length: batch }, () => {
        const len = rng.int(1, HARDEN.maxLen);
        if (rng.float() < HARDEN.runShare) {
          const kind = rng.int(0, 2);
          const a = rng.int(0, len - 1);
          const bits = Array.from({ length: len }, (_, t) => (kind === 0 ? t === 0 : kind === 1 ? t <= a : t === a));
          return bits.map((b) => (b ? '1' : '0')).join('');
        }
        const p = HARDEN.densities[rng.int(0, HARDEN.densities.length - 1)];
        return Array.from({ length: len }, () => ((rng.nextU32() >>> 8) / 16777216 < Math.floor(p * 16777216) / 16777216 ? '1' : '0')).join('');
      });
    };
    for (const [seed, step, batch] of [[1, 1, HARDEN.batch], [4, 777, HARDEN.batch], [9, 3, 1], [2, 5, 100]]) {
      const got = hardeningBatch(seed, step, batch);
      expect(got).toEqual(plain(seed, step, batch));
      expect(hardeningBatch(seed, step + 1, batch)).not.toEqual(got);
    }
  });
});

describe('validateConfig', () => {
  it('fills the seed notebook defaults', () => {
    expect(validateConfig({})).toEqual({ ...DEFAULT_CONFIG });
  });
  it.each([
    [{ cell: 'transformer' }, /unknown cell/],
    [{ hidden: 0 }, /hidden size/],
    [{ hidden: 100000 }, /hidden size/],
    [{ lr: 0 }, /learning rate/],
    [{ lr: -1 }, /learning rate/],
    [{ lr: Number.NaN }, /learning rate/],
    [{ minLen: 30, maxLen: 20 }, /min length 30 is greater than max length 20/],
    [{ minLen: 0 }, /min length must be an integer from 1/],
    [{ maxLen: 10_000_000 }, /max length must be an integer from 1 to 1,000,000/],
    [{ batch: 0 }, /batch/],
    [{ clip: 0 }, /clip/],
    [{ seed: -1 }, /seed/],
    [{ evalMinLen: 9, evalMaxLen: 3 }, /eval min length 9/],
    [{ dataset: ['0101', '012'] }, /dataset string 2/],
    [{ batch: 65536, maxLen: 1_000_000 }, /a training batch would hold up to 65,536,000,000 bits/],
    [{ evalCount: 1_000_000, evalMaxLen: 1000 }, /generalisation set would hold/],
  ] as [object, RegExp][])('rejects %j', (bad, message) => {
    expect(() => validateConfig(bad)).toThrow(ParityError);
    expect(() => validateConfig(bad)).toThrow(message);
  });
});

describe('evaluate', () => {
  it('groups accuracy by length and counts every string', async () => {
    const r = await train({ seed: 4, steps: 20, untilSolved: false });
    const e = evaluate(r.model, { lengths: [3, 50], count: 40, seed: 1 });
    expect(e.count).toBe(80);
    expect(e.byLength.map((x) => [x.length, x.count])).toEqual([[3, 40], [50, 40]]);
    const strings = randomStrings(10, 1, 9, 1);
    expect(evaluate(r.model, { strings }).count).toBe(10);
  });
});
