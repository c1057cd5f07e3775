// The core's vector tanh and sigmoid against the exact functions in float64, on a dense grid and at extremes.
import { it, expect } from 'vitest';
import { Core } from '../src/core/wasm.js';

async function apply(kind: 0 | 1, xs: Float32Array): Promise<Float32Array> {
  const core = await Core.instantiate();
  core.exports.create(0, 4);
  core.exports.reserve(4, xs.length / 4, 0); // X holds xs.length floats
  const ptr = core.exports.inputPtr();
  core.f32.set(xs, ptr >> 2);
  core.exports.applyActivation(kind, ptr, xs.length);
  return core.f32.slice(ptr >> 2, (ptr >> 2) + xs.length);
}

function grid(): Float32Array {
  const xs: number[] = [];
  for (let x = -20; x <= 20; x += 1e-3) xs.push(x);
  xs.push(-1e30, 1e30, -88, 88, 0, -0, 1e-30, -1e-30, 7.9, -7.9, 3.4e38, -3.4e38);
  while (xs.length % 4) xs.push(0);
  return Float32Array.from(xs);
}

it('tanh is within 5e-7 of Math.tanh on a 1e-3 grid over [-20, 20] (5.52e-7 at worst over all float32: test/slow/activations-exhaustive.test.ts)', async () => {
  const xs = grid();
  const ys = await apply(0, xs);
  let worst = 0;
  for (let i = 0; i < xs.length; i++) worst = Math.max(worst, Math.abs(ys[i] - Math.tanh(xs[i])));
  expect(worst).toBeLessThan(5e-7);
  expect(Math.abs(ys[xs.length - 1])).toBeLessThanOrEqual(1); // never beyond +-1
});

it('sigmoid is within 1e-6 of 1/(1+exp(-x)) everywhere and stays in [0, 1]', async () => {
  const xs = grid();
  const ys = await apply(1, xs);
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    worst = Math.max(worst, Math.abs(ys[i] - 1 / (1 + Math.exp(-xs[i]))));
    expect(ys[i] >= 0 && ys[i] <= 1).toBe(true);
  }
  expect(worst).toBeLessThan(3e-7);
});
