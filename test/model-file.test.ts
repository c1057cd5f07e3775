// One model-file check for every way a model is loaded: the library (Model.fromJSON, parseModelFile) and each CLI
// command that reads a model refuse a weight that is not a finite float32 with the same line, naming the tensor
// and the index, and exit 2; no command answers NaN.

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Model, ParityError, parseModelFile } from '../src/index.js';
import { runHere } from './cli-here.js';

let dir: string;
let good: Record<string, unknown>;

/** The good model with one weight replaced. */
function withWeight(tensor: string, index: number, value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(good)) as { tensors: Record<string, { data: unknown[] }> };
  copy.tensors[tensor].data[index] = value;
  return copy;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parity-model-file-'));
  good = (await Model.create({ hidden: 3, seed: 4 })).toJSON();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the model-file check', () => {
  it('accepts the largest float32 and refuses what rounds past it, naming the tensor and index', async () => {
    expect(parseModelFile(withWeight('rnn.weight_hh_l0', 5, 3.4028234663852886e38)).params).toContain(3.4028234663852886e38);
    for (const bad of [1e39, -3.5e38]) {
      const input = withWeight('rnn.weight_hh_l0', 5, bad);
      expect(() => parseModelFile(input)).toThrow(ParityError);
      await expect(Model.fromJSON(input)).rejects.toThrow(/tensor rnn\.weight_hh_l0 has a non-finite or non-number value .* at index 5: weights must be finite float32/);
    }
  });

  // The built CLI inside this process (cli-here.ts); test/cli.test.ts runs a sample of bad inputs through the bin.
  it('is the check of every command that reads a model: one line, exit 2, no NaN', async () => {
    const file = join(dir, 'huge.json');
    writeFileSync(file, JSON.stringify(withWeight('linear.weight', 2, 1e39)));
    const runs = [
      ['predict', '--model', file, '0110'],
      ['eval', '--model', file, '--count', '10'],
      ['eval', '--model', file, '--curve', '--curve-max', '10', '--chart', join(dir, 'c.svg')],
      ['train', '--init', file, '--steps', '1', '--out', join(dir, 'out.json')],
    ];
    for (const args of runs) {
      const r = await runHere(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: .*huge\.json: tensor linear\.weight has a non-finite or non-number value 1e\+39 at index 2/);
      expect(r.stdout).not.toMatch(/NaN/);
    }
  });
});
