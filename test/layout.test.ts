// The parameter layout is written twice, once for the wasm core (assembly/layout.ts) and once for TypeScript
// (src/core/layout.ts: the model file, the reference, the initial weights). Every tensor's offset must agree, or
// weights would cross the boundary into the wrong rows without any error.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Core, compileCore } from '../src/core/wasm.js';
import { CELLS, TENSOR_NAMES, tensorLayout, paramCount } from '../src/core/layout.js';

const CELL_CODE = { lstm: 0, rnn: 1, gru: 2 } as const; // assembly/layout.ts CELL_*

describe.each(['build/core.wasm', 'build/core.debug.wasm'])('%s', (file) => {
  it.each(CELLS.map((c) => [c]))('%s: every tensor starts where src/core/layout.ts says, for H 1 to 70', async (cell) => {
    const mod = await compileCore(new Uint8Array(readFileSync(file)));
    for (const H of [1, 2, 3, 4, 5, 7, 8, 13, 16, 33, 64, 70]) {
      const core = await Core.instantiate(mod);
      expect(core.exports.create(CELL_CODE[cell], H)).toBe(0);
      const specs = tensorLayout(cell, H);
      expect(specs.map((s) => s.name)).toEqual([...TENSOR_NAMES]);
      specs.forEach((s, i) => expect([s.name, core.exports.tensorOffset(i)]).toEqual([s.name, s.offset]));
      expect(core.exports.tensorOffset(specs.length)).toBe(paramCount(cell, H));
      expect(core.exports.paramCount()).toBe(paramCount(cell, H));
    }
  });
});

it('the three cells have different layouts (so the comparison above can fail)', () => {
  const sizes = CELLS.map((c) => tensorLayout(c, 8)[2].offset);
  expect(new Set(sizes).size).toBe(CELLS.length);
});
