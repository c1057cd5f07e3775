// PyTorch golden values (test/fixtures/golden.json, written by scripts/golden.py with torch 1.13): from fixed
// weights on a fixed batch of strings of different lengths, the logits, loss, every gradient, and the weights
// after five steps of Adam, clipped Adam and SGD must match to 1e-5. And a model written by PyTorch
// (scripts/torch_interop.py), an LSTM and a GRU, must load and predict what PyTorch predicted.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Model } from '../src/core/model.js';
import { ParityError } from '../src/core/errors.js';
import { tensorLayout, type CellKind } from '../src/core/layout.js';

type Tensors = Record<string, { shape: number[]; data: number[] }>;
interface Run {
  optimizer: 'adam' | 'sgd';
  lr: number;
  clip: number | null;
  losses: number[];
  grad_norms?: number[];
  tensors: Tensors;
}
interface Case {
  name: string;
  cell: CellKind;
  hidden: number;
  strings: string[];
  tensors: Tensors;
  logits: number[];
  loss: number;
  grads: Tensors;
  runs: Run[];
}
const golden = JSON.parse(readFileSync('test/fixtures/golden.json', 'utf8')) as { cases: Case[] };

function modelFile(c: Case): object {
  return { format: 'parity-lstm/1', cell: c.cell, inputSize: 1, hiddenSize: c.hidden, tensors: c.tensors };
}

function flat(c: Case, t: Tensors): number[] {
  return tensorLayout(c.cell, c.hidden).flatMap((s) => {
    expect(t[s.name].shape).toEqual(s.shape);
    return t[s.name].data;
  });
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

describe.each(golden.cases.map((c) => [c.name, c] as const))('golden %s', (_name, c) => {
  it('logits, loss and gradients match PyTorch to 1e-5', async () => {
    const m = await Model.fromJSON(modelFile(c));
    expect(c.strings.length).toBeGreaterThan(1);
    expect(new Set(c.strings.map((s) => s.length)).size).toBeGreaterThan(1); // lengths really differ
    expect(maxDiff(m.logits(c.strings), c.logits)).toBeLessThan(1e-5);
    m.loadBatch(c.strings);
    expect(Math.abs(m.lossAndGrads() - c.loss)).toBeLessThan(1e-5);
    expect(maxDiff(m.getGrads(), flat(c, c.grads))).toBeLessThan(1e-5);
  });

  it.each(c.runs.map((r) => [`${r.optimizer} lr ${r.lr} clip ${r.clip}`, r] as const))(
    'five steps of %s: losses and weights match PyTorch to 1e-5',
    async (_label, run) => {
      const m = await Model.fromJSON(modelFile(c));
      m.setOptimizer({ kind: run.optimizer, lr: run.lr, clip: run.clip });
      m.loadBatch(c.strings);
      for (let s = 0; s < run.losses.length; s++) {
        expect(Math.abs(m.step() - run.losses[s])).toBeLessThan(1e-5);
        if (run.grad_norms) expect(Math.abs(m.lastGradNorm() - run.grad_norms[s])).toBeLessThan(1e-5);
      }
      expect(maxDiff(m.getParams(), flat(c, run.tensors))).toBeLessThan(1e-5);
    },
  );
});

describe.each([
  ['LSTM', 'lstm', 'test/fixtures/torch-model.json', 'test/fixtures/torch-predictions.json'],
  ['GRU', 'gru', 'test/fixtures/torch-gru-model.json', 'test/fixtures/torch-gru-predictions.json'],
])('a model written by PyTorch nn.%s', (_label, cell, modelPath, predictionsPath) => {
  it('loads, and predicts what PyTorch predicted, long strings included', async () => {
    const m = await Model.fromJSON(readFileSync(modelPath, 'utf8'));
    expect(m.cell).toBe(cell);
    const want = JSON.parse(readFileSync(predictionsPath, 'utf8')) as {
      strings: string[];
      logits: number[];
      probabilities: number[];
      parity: number[];
    };
    expect(Math.max(...want.strings.map((s) => s.length))).toBeGreaterThanOrEqual(300);
    expect(maxDiff(m.logits(want.strings), want.logits)).toBeLessThan(1e-4);
    expect(maxDiff(m.predictBatch(want.strings).map((p) => p.probability), want.probabilities)).toBeLessThan(1e-5);
    expect(m.predictBatch(want.strings).map((p) => p.parity)).toEqual(want.parity);
  });
});

describe('a GRU file with LSTM-shaped tensors', () => {
  it('is refused with one line naming the tensor and the shape a GRU needs', async () => {
    const lstm = JSON.parse(readFileSync('test/fixtures/torch-model.json', 'utf8')) as Record<string, unknown>;
    const err = await Model.fromJSON({ ...lstm, cell: 'gru' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ParityError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^tensor rnn\.weight_ih_l0 has shape \[32,1\], expected \[24, 1\] for a gru with hidden size 8$/);
    expect(msg).not.toContain('\n');
  });
});
