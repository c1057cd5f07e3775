// Builds (if needed) and times bench/peak.ts: the f32x4 mul+add peak of one core in WebAssembly SIMD.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { now, stats } from './measure.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PEAK_SRC = path.join(root, 'bench', 'peak.ts');
export const PEAK_WASM = path.join(root, 'build', 'peak.wasm');
export const PEAK_BUILD = 'npx asc bench/peak.ts -o build/peak.wasm --enable simd -O3 --runtime stub';

/** Compiles bench/peak.ts when build/peak.wasm is missing or older than it. */
export function buildPeak() {
  const stale = !fs.existsSync(PEAK_WASM) || fs.statSync(PEAK_WASM).mtimeMs < fs.statSync(PEAK_SRC).mtimeMs;
  if (stale) {
    fs.mkdirSync(path.dirname(PEAK_WASM), { recursive: true });
    const asc = path.join(root, 'node_modules', '.bin', 'asc');
    execFileSync(asc, ['bench/peak.ts', '-o', 'build/peak.wasm', '--enable', 'simd', '-O3', '--runtime', 'stub'], {
      cwd: root,
      stdio: ['ignore', 2, 2],
    });
  }
  return stale;
}

/**
 * GFLOP/s of the kernel: iterations grow until one call takes >= 50 ms, then `reps` calls of about `repSec` each.
 * Returns median, min, max and the first (cold) call.
 */
export async function measurePeak({ reps = 7, repSec = 0.2 } = {}) {
  const built = buildPeak();
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(PEAK_WASM), { env: { abort() { throw new Error('abort in peak.wasm'); } } });
  const { setup, run, FLOPS_PER_ITER } = instance.exports;
  const flopsPerIter = FLOPS_PER_ITER.value;
  setup(0.999999, 1e-6);
  const gflops = (iters, ms) => (iters * flopsPerIter) / (ms * 1e6);

  let iters = 1000;
  let t0 = now();
  run(iters);
  const cold = gflops(iters, now() - t0);
  for (;;) {
    t0 = now();
    run(iters);
    const ms = now() - t0;
    if (ms >= 50) {
      iters = Math.max(iters, Math.round((iters * repSec * 1000) / ms));
      break;
    }
    iters *= 4;
  }
  const rates = [];
  let sink = 0;
  for (let r = 0; r < reps; r++) {
    t0 = now();
    sink += run(iters);
    rates.push(gflops(iters, now() - t0));
  }
  if (!Number.isFinite(sink)) throw new Error('peak kernel produced a non-finite sum');
  const s = stats(rates);
  return {
    gflops: s.median,
    min: s.min,
    max: s.max,
    cold,
    reps: s.n,
    itersPerRep: iters,
    flopsPerIter,
    kernel: '10 independent f32x4 chains acc = acc*a + b (f32x4.mul then f32x4.add), a and b loaded from memory',
    build: PEAK_BUILD,
    rebuilt: built,
  };
}
