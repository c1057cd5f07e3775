// Slow (about 4 minutes of one core): the core's tanh4 and sigmoid4 on every float32 argument but NaN, through the
// shipped release build, against float64 (scripts/activations-exhaustive.mjs, the loop scripts/check-activations.mjs
// runs too). This turns the one measured assumption of certify's proof, 1e-6 absolute per activation at any
// argument (docs/certify.md), into a checked fact.
import { it, expect } from 'vitest';
import { Core } from '../../src/core/wasm.js';
// @ts-ignore: a plain .mjs module shared with the script (no declarations; tests are not type-checked)
import { checkActivations, formatResult, NAN_PATTERNS } from '../../scripts/activations-exhaustive.mjs';

interface Result {
  name: string;
  maxErr: number;
  argBits: number;
  arg: number;
  compared: number;
  nan: number;
  bad: number;
  specials: Record<string, number>;
}

it('tanh4 and sigmoid4 are within 1e-6 of float64 at every float32 argument, +-0, subnormals and +-Infinity', async () => {
  const [tanh, sigmoid] = checkActivations(await Core.instantiate()) as Result[];
  for (const r of [tanh, sigmoid]) {
    console.log(formatResult(r));
    // 2^32 patterns less exponent 255 with a nonzero mantissa (2 (2^23 - 1)); +-Infinity are compared.
    expect(NAN_PATTERNS).toBe(16_777_214);
    expect(r.nan).toBe(NAN_PATTERNS);
    expect(r.compared).toBe(2 ** 32 - NAN_PATTERNS);
    expect(r.bad).toBe(0); // no NaN result and none outside [-1, 1] (tanh) or [0, 1] (sigmoid)
    expect(r.maxErr).toBeLessThan(1e-6);
  }
  // The maxima scripts/check-activations.mjs printed (Node 20, V8's fdlibm tanh and exp), which docs/certify.md
  // and assembly/activations.ts quote: the check found a real, nonzero error at a definite argument.
  expect(tanh.argBits).toBe(0x40d71276); // x = 6.721003532409668
  expect(tanh.maxErr).toBeCloseTo(5.5144e-7, 10);
  expect(sigmoid.argBits).toBe(0x4150596f); // x = 13.021834373474121
  expect(sigmoid.maxErr).toBeCloseTo(2.9189e-7, 10);
  // At the ends the core clamps its argument; the results are the exact limits.
  expect(tanh.specials).toEqual({ '+0': 0, '-0': -0, '+Infinity': 1, '-Infinity': -1 });
  expect(sigmoid.specials).toEqual({ '+0': 0.5, '-0': 0.5, '+Infinity': 1, '-Infinity': 0 });
}, 900_000);
