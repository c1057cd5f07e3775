// The peak probe: how many f32 flops per second one core reaches in WebAssembly SIMD when nothing but
// arithmetic is in the way. Every figure in the bench is also printed as a share of this number.
//
// Build (bench/run.mjs does this itself when build/peak.wasm is missing or older than this file):
//   npx asc bench/peak.ts -o build/peak.wasm --enable simd -O3 --runtime stub
//
// The kernel: 10 independent f32x4 chains acc_k = acc_k * a + b, written as f32x4.mul then f32x4.add (exact IEEE
// on every engine; relaxed FMA is off in Node 20 and not used anywhere in this project). Ten chains in flight hide
// the mul -> add latency. `a` and `b` are loaded from linear memory once, before the loop, so V8 cannot rebuild a
// v128.const inside it (see DESIGN.md). With a = 0.999999 and b = 1e-6 every lane converges towards 1: no overflow,
// no denormals, so the timing is of ordinary arithmetic only.
//
// Flops per loop iteration: 10 chains * 4 lanes * 2 (one mul, one add) = 80.

/** Flops done by one iteration of `run`'s loop (read by JS to turn iterations into GFLOP/s). */
export const FLOPS_PER_ITER: i32 = 80;

/** Where JS may write the two constants: 2 x v128 at byte 0 and 16 (memory's first page, stub runtime). */
const CONST_A: usize = 0;
const CONST_B: usize = 16;

/** Called once from JS before timing: stores the splatted constants a (byte 0..15) and b (byte 16..31). */
export function setup(a: f32, b: f32): void {
  v128.store(CONST_A, f32x4.splat(a));
  v128.store(CONST_B, f32x4.splat(b));
}

/**
 * Runs `iters` iterations of 10 independent mul+add chains and returns the sum of all lanes (so the optimiser
 * cannot drop the work). Touches only bytes 0..31 of memory.
 */
export function run(iters: i32): f32 {
  const a = v128.load(CONST_A);
  const b = v128.load(CONST_B);
  // Distinct starting values, so no engine can prove two chains equal and merge them.
  let c0 = f32x4.splat(0.0), c1 = f32x4.splat(0.1), c2 = f32x4.splat(0.2), c3 = f32x4.splat(0.3);
  let c4 = f32x4.splat(0.4), c5 = f32x4.splat(0.5), c6 = f32x4.splat(0.6), c7 = f32x4.splat(0.7);
  let c8 = f32x4.splat(0.8), c9 = f32x4.splat(0.9);
  for (let i = 0; i < iters; i++) {
    c0 = f32x4.add(f32x4.mul(c0, a), b);
    c1 = f32x4.add(f32x4.mul(c1, a), b);
    c2 = f32x4.add(f32x4.mul(c2, a), b);
    c3 = f32x4.add(f32x4.mul(c3, a), b);
    c4 = f32x4.add(f32x4.mul(c4, a), b);
    c5 = f32x4.add(f32x4.mul(c5, a), b);
    c6 = f32x4.add(f32x4.mul(c6, a), b);
    c7 = f32x4.add(f32x4.mul(c7, a), b);
    c8 = f32x4.add(f32x4.mul(c8, a), b);
    c9 = f32x4.add(f32x4.mul(c9, a), b);
  }
  const s = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7))),
    f32x4.add(c8, c9),
  );
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}
