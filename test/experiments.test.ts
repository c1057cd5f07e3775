// Experiments: the length curve, the gradient-by-step diagnostic (against finite differences), a small experiment in
// this thread whose report and charts carry its numbers, and `eval --curve`'s table. (`experiment openai` end to
// end, through the CLI on worker threads, is in cli-experiments.test.ts.)
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Model, lengthCurve, curveLengths, ParityError, tensorLayout, parity } from '../src/index.js';
import { gradientByStep, gradientDecay, runExperiment, runArm, validateExperimentOptions, experimentReport, experimentCharts, inlineRunner, curriculumLength } from '../src/research/index.js';
import { renderSvg, lengthAccuracySpec } from '../src/charts/index.js';
import { refRun } from '../src/core/reference.js';
import { int, pct, loss, seconds } from '../src/core/format.js';
import { median, mean, spread } from '../src/core/stats.js';

const FIXTURE = path.resolve(__dirname, 'fixtures/solved-lstm.json');

describe('lengthCurve', () => {
  it('gives one row per length, sorted, each with its count of fresh strings', async () => {
    const model = await Model.create({ hidden: 4, seed: 3 });
    const rows = lengthCurve(model, { lengths: [100, 1, 20, 5, 20, 2000], count: 7, seed: 1 });
    expect(rows.map((r) => r.length)).toEqual([1, 5, 20, 100, 2000]);
    for (const r of rows) {
      expect(r.count).toBe(7);
      expect(r.correct).toBeLessThanOrEqual(7);
      expect(r.accuracy).toBeCloseTo(r.correct / 7, 12);
      expect(r.loss).toBeGreaterThan(0);
    }
    // the same options, the same strings: identical rows
    expect(lengthCurve(model, { lengths: [1, 5, 20, 100, 2000], count: 7, seed: 1 })).toEqual(rows);
    // the default series: 1-2-5 up to 10,000
    expect(curveLengths()).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]);
    expect(curveLengths(3000)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 3000]);
    const def = lengthCurve(model, { maxLength: 300, count: 2 });
    expect(def.map((r) => r.length)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 300]);
    expect(() => lengthCurve(model, { lengths: [0] })).toThrow(ParityError);
    expect(() => lengthCurve(model, { lengths: [3], count: 0 })).toThrow(ParityError);
  });
});

describe('gradientByStep', () => {
  // A plain LSTM/RNN step written here, so |dL/dh_t| can be checked by central differences on h_t itself.
  function finishFrom(cell: 'lstm' | 'rnn', H: number, p: Float32Array, bits: string, t: number, h0: number[], c0: number[]): number {
    const [wih, whh, bih, bhh, lw, lb] = tensorLayout(cell, H).map((s) => s.offset);
    const G = cell === 'lstm' ? 4 : 1;
    let h = h0.slice();
    let c = c0.slice();
    const sig = (x: number): number => 1 / (1 + Math.exp(-x));
    for (let s = t; s < bits.length; s++) {
      const x = bits[s] === '1' ? 1 : 0;
      const z = Array.from({ length: G * H }, (_, r) => {
        let v = p[wih + r] * x + p[bih + r] + p[bhh + r];
        for (let k = 0; k < H; k++) v += p[whh + r * H + k] * h[k];
        return v;
      });
      if (cell === 'lstm') {
        c = c.map((cj, j) => sig(z[H + j]) * cj + sig(z[j]) * Math.tanh(z[2 * H + j]));
        h = c.map((cj, j) => sig(z[3 * H + j]) * Math.tanh(cj));
      } else h = z.map(Math.tanh);
    }
    let logit = p[lb];
    for (let j = 0; j < H; j++) logit += p[lw + j] * h[j];
    const y = parity(bits);
    return Math.max(logit, 0) - logit * y + Math.log1p(Math.exp(-Math.abs(logit)));
  }

  for (const cell of ['lstm', 'rnn'] as const) {
    it(`${cell}: |dL/dh_t| matches central differences at every step`, async () => {
      const H = 3;
      const model = await Model.create({ cell, hidden: H, seed: 11 });
      const p = model.getParams();
      const bits = '10110010';
      const rows = gradientByStep(cell, H, p, [bits]);
      expect(rows.map((r) => r.t)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const steps = refRun(cell, H, p, bits);
      const eps = 1e-6;
      for (let t = 1; t <= bits.length; t++) {
        const h = Array.from(steps[t - 1].h);
        const c = Array.from(steps[t - 1].c);
        const g = h.map((_, j) => {
          const hp = h.slice();
          const hm = h.slice();
          hp[j] += eps;
          hm[j] -= eps;
          return (finishFrom(cell, H, p, bits, t, hp, c) - finishFrom(cell, H, p, bits, t, hm, c)) / (2 * eps);
        });
        expect(rows[t - 1].dh).toBeCloseTo(Math.hypot(...g), 7);
      }
      const d = gradientDecay(rows);
      expect(d.firstOverLast).toBeCloseTo(rows[0].dh / rows[7].dh, 12);
    });
  }

  it('rejects strings of different lengths', () => {
    expect(() => gradientByStep('lstm', 2, new Float32Array(41), ['01', '011'])).toThrow(ParityError);
  });
});

describe('experiment (in this thread, small)', () => {
  it('runs every arm and seed, scores every epoch, and writes a report whose numbers are the runs\'', async () => {
    const r = await runExperiment(
      { datasetSize: 640, seeds: [1, 2], epochs: 2, curriculum: true, evalEvery: 5, heldOut: 100, confirmCount: 100, curveMax: 200, curveCount: 10, gradientStrings: 2 },
      { runner: inlineRunner() },
    );
    expect(r.runs.map((x) => `${x.arm}/${x.seed}`)).toEqual(['fixed/1', 'fixed/2', 'varying/1', 'varying/2', 'curriculum/1', 'curriculum/2']);
    for (const run of r.runs) {
      expect(run.stepsPerEpoch).toBe(10);
      expect(run.epochs.map((e) => [e.epoch, e.step])).toEqual([[1, 10], [2, 20]]);
      expect(run.stringsSeen).toBe(1280);
      expect(run.gradient.init).toHaveLength(50);
      expect(run.curve.map((c) => c.length)).toEqual([1, 2, 5, 10, 20, 50, 100, 200]);
    }
    // the same seed starts from the same weights in every arm
    expect(r.runs[0].gradient.init).toEqual(r.runs[2].gradient.init);
    const md = experimentReport(r);
    expect(md).toContain('| fixed length 50 | 0/2 |');
    expect(md).toContain('## Comparison with PyTorch');
    expect(md).toContain('This run\'s settings differ');
    const charts = experimentCharts(r);
    const svg = await renderSvg(charts['curves.svg']);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const name of ['fixed length 50', 'lengths 1..50', 'curriculum 1→50']) expect(svg).toContain(name);
    expect(curriculumLength(1, 50, 100)).toBe(1);
    expect(curriculumLength(100, 50, 100)).toBe(50);
    expect(curriculumLength(101, 50, 100)).toBe(50);
  });

  it('with earlyStop, a varying-length run stops at the check that confirmed it solved, and its final model is scored', async () => {
    const run = await runArm({
      arm: 'varying',
      seed: 1,
      options: validateExperimentOptions({ datasetSize: 20_000, epochs: 4, earlyStop: true, curveMax: 100, curveCount: 10, gradientStrings: 2 }),
    });
    expect(run.solvedAtStep).toBe(900); // seed 1 with PyTorch's settings: also what `sweep` gives for it
    expect(run.steps).toBe(900);
    expect(run.stoppedEarly).toBe(true);
    expect(run.finalConfirmAccuracy).toBe(1);
    expect(run.epochs.map((e) => [e.epoch, e.step])).toEqual([[1, 313], [2, 626], [3, 900]]);
    expect(run.epochs.at(-1)!.accLonger).toBe(1);
    expect(run.curve.every((c) => c.accuracy === 1)).toBe(true);
  });

  it('renders a length curve chart with its series', async () => {
    const svg = await renderSvg(lengthAccuracySpec([1, 10, 100].map((length) => ({ series: 'my model', length, accuracy: 1 }))));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('my model');
    expect(svg).toContain('</svg>');
  });
});

describe('runCurve (eval --curve)', () => {
  it('prints accuracy by length as a table or JSON and writes the SVG chart', async () => {
    const { runCurve } = await import('../src/cli/eval.js');
    const model = await Model.fromJSON(fs.readFileSync(FIXTURE, 'utf8')); // the defaults, seed 1, solved
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-curve-'));
    let text = '';
    const io = { stdout: { write: (s: string) => ((text += s), true) }, stderr: { write: () => true } } as never;
    await runCurve({ model, modelName: 'seed-1.json', max: 1000, count: 20, chart: path.join(dir, 'c.svg'), io });
    const lines = text.split('\n');
    expect(lines[0].trim().split(/\s+/)).toEqual(['length', 'strings', 'right', 'accuracy', 'loss']);
    expect(lines.filter((l) => /^\s+[\d,]+\s+20\s+/.test(l)).map((l) => l.trim().split(/\s+/)[0])).toEqual(
      ['1', '2', '5', '10', '20', '50', '100', '200', '500', '1,000'],
    );
    expect(text).toContain('every string right, up to length 1,000');
    const svg = fs.readFileSync(path.join(dir, 'c.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('seed-1.json');
    text = '';
    await runCurve({ model, lengths: [30, 3], count: 5, chart: null, json: true, io });
    const json = JSON.parse(text);
    expect(json.rows.map((r: { length: number; count: number }) => [r.length, r.count])).toEqual([[3, 5], [30, 5]]);
    expect(json.chart).toBe(null);
    await expect(runCurve({ model, chart: path.join(dir, 'no', 'c.svg'), io })).rejects.toThrow(/its directory .* does not exist/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('numbers as the reports and the CLI write them', () => {
  it('one formatter per quantity: counts, shares, losses, durations; "—" for what is not a number', () => {
    expect(int(1234567.4)).toBe('1,234,567');
    expect([pct(1), pct(0.99996), pct(0.5), pct(0), pct(NaN), pct(null)]).toEqual(['100%', '99.9%', '50.0%', '0.0%', '—', '—']);
    expect([loss(Math.LN2), loss(0.00023456), loss(0), loss(Infinity)]).toEqual(['0.6931', '2.35e-4', '0.0000', '—']);
    expect([0.421, 9.996, 12.34, 59.94, 59.97, 245.9, 3725, -1, NaN].map(seconds)).toEqual(
      ['0.42 s', '10.0 s', '12.3 s', '59.9 s', '1 min 00 s', '4 min 05 s', '1 h 02 min', '—', '—'],
    );
  });

  it('one median for sweeps and experiments', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(null);
    expect(spread([5, 1, 9, 3])).toEqual({ median: 4, min: 1, max: 9 });
    expect(spread([])).toBe(null);
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBeNaN();
  });
});
