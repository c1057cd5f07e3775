// Vector tanh and sigmoid for f32x4, accurate to 5.6e-7 (tanh, worst 5.5144e-7 at x = 6.7210035) and 2.92e-7
// (sigmoid, worst 2.9189e-7 at x = 13.021834) absolute, against float64 on every float32 argument but NaN
// (test/slow/activations-exhaustive.test.ts, scripts/check-activations.mjs): certify's proof assumes 1e-6.
//
// tanh(x) = x P(x^2) / Q(x^2), P of degree 4 and Q of degree 3 in x^2, on x clamped to +-7.6235437 (beyond it the
// rational already rounds to +-1): XNNPACK's "rational-9-6" minimax coefficients for engines without FMA
// (src/f32-vtanh/rational-9-6.c.in). It costs 3 multiply-adds fewer than Eigen's 13/6 rational (error 3.3e-7)
// that we used first, which made inference 1.1x faster; activations are most of a small LSTM's step.
// sigmoid(x) = 0.5 + 0.5 tanh(x / 2): one approximation to test instead of two, and no exp to overflow.
// Only f32x4 mul/add/div and pmin/pmax: exact IEEE on every engine, so Node and browsers agree bit for bit.
//
// V8 rebuilds v128 constants inside loops, so the coefficients live in a small table in linear memory and are
// loaded as splats (v128.load32_splat), which V8 keeps cheap.

const COEF: usize = memory.data<f32>([
  7.623543739319, //      0: clamp
  -7.623543739319, //     1: -clamp
  5.535878699892e-11, //  2: alpha_9
  -6.458659385089e-8, //  3: alpha_7
  -2.432360815874e-5, //  4: alpha_5
  -1.146968104877e-3, //  5: alpha_3
  -9.022999554873e-3, //  6: alpha_1
  -1.774490101525e-6, //  7: beta_6
  -2.061512641376e-4, //  8: beta_4
  -4.154618829489e-3, //  9: beta_2
  -9.023001417518e-3, // 10: beta_0
  0.5, //                11
  1.0, //                12
  // sigmoid(z) = 0.5 + 0.5 tanh(z / 2) with both halvings folded in (sigmoid4): with y = z^2 = 4 x^2, the Horner
  // steps in y with alpha_k / 4^(deg+1) and beta_k / 4^deg give, step by step, exactly the tanh steps scaled by
  // powers of two, so the result is bit for bit 0.5 + 0.5 tanh4(0.5 z) (compared with that form on all 2^32 f32
  // inputs when it was written: no difference but NaN payloads).
  15.247087478638, //    13: clamp of z (2 x clamp)
  -15.247087478638, //   14
  5.535878699892e-11 / 1024, //  15: alpha_9 / 4^5
  -6.458659385089e-8 / 256, //   16: alpha_7 / 4^4
  -2.432360815874e-5 / 64, //    17: alpha_5 / 4^3
  -1.146968104877e-3 / 16, //    18: alpha_3 / 4^2
  -9.022999554873e-3 / 4, //     19: alpha_1 / 4
  -1.774490101525e-6 / 64, //    20: beta_6 / 4^3
  -2.061512641376e-4 / 16, //    21: beta_4 / 4^2
  -4.154618829489e-3 / 4, //     22: beta_2 / 4
], 16);

// @ts-ignore: decorator
@inline function c(i: i32): v128 {
  return v128.load32_splat(COEF + (<usize>i << 2));
}

/** tanh of four lanes. */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, c(0)), c(1));
  const x2 = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(c(2), x2), c(3));
  p = f32x4.add(f32x4.mul(p, x2), c(4));
  p = f32x4.add(f32x4.mul(p, x2), c(5));
  p = f32x4.add(f32x4.mul(p, x2), c(6));
  p = f32x4.mul(p, x);
  let q = f32x4.add(f32x4.mul(c(7), x2), c(8));
  q = f32x4.add(f32x4.mul(q, x2), c(9));
  q = f32x4.add(f32x4.mul(q, x2), c(10));
  return f32x4.div(p, q);
}

/**
 * sigmoid of four lanes: 0.5 + 0.5 tanh(x / 2), bit for bit, with the two multiplications by 0.5 folded into the
 * coefficients (entries 13..22): scaling by a power of two is exact, so every step equals tanh4's scaled; where a
 * step could differ (subnormal intermediates, |x| < 1e-30) the sum with 0.5 rounds both to exactly 0.5.
 */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, c(13)), c(14));
  const y = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(c(15), y), c(16));
  p = f32x4.add(f32x4.mul(p, y), c(17));
  p = f32x4.add(f32x4.mul(p, y), c(18));
  p = f32x4.add(f32x4.mul(p, y), c(19));
  p = f32x4.mul(p, x);
  let q = f32x4.add(f32x4.mul(c(20), y), c(21));
  q = f32x4.add(f32x4.mul(q, y), c(22));
  q = f32x4.add(f32x4.mul(q, y), c(10));
  return f32x4.add(c(11), f32x4.div(p, q));
}

/**
 * tanh4 of a and b, stored at outA and outB: each coefficient is splatted once for both, which halves the loads
 * (the splats, not the arithmetic, are what a lone activation runs short of). Per lane the same operations as tanh4.
 */
// @ts-ignore: decorator
@inline export function tanh4x2(a: v128, b: v128, outA: usize, outB: usize): void {
  const hi = c(0);
  const lo = c(1);
  a = f32x4.pmax(f32x4.pmin(a, hi), lo);
  b = f32x4.pmax(f32x4.pmin(b, hi), lo);
  const a2 = f32x4.mul(a, a);
  const b2 = f32x4.mul(b, b);
  let k = c(2);
  let m = c(3);
  let pa = f32x4.add(f32x4.mul(k, a2), m);
  let pb = f32x4.add(f32x4.mul(k, b2), m);
  m = c(4);
  pa = f32x4.add(f32x4.mul(pa, a2), m);
  pb = f32x4.add(f32x4.mul(pb, b2), m);
  m = c(5);
  pa = f32x4.add(f32x4.mul(pa, a2), m);
  pb = f32x4.add(f32x4.mul(pb, b2), m);
  m = c(6);
  pa = f32x4.add(f32x4.mul(pa, a2), m);
  pb = f32x4.add(f32x4.mul(pb, b2), m);
  pa = f32x4.mul(pa, a);
  pb = f32x4.mul(pb, b);
  k = c(7);
  m = c(8);
  let qa = f32x4.add(f32x4.mul(k, a2), m);
  let qb = f32x4.add(f32x4.mul(k, b2), m);
  m = c(9);
  qa = f32x4.add(f32x4.mul(qa, a2), m);
  qb = f32x4.add(f32x4.mul(qb, b2), m);
  m = c(10);
  qa = f32x4.add(f32x4.mul(qa, a2), m);
  qb = f32x4.add(f32x4.mul(qb, b2), m);
  v128.store(outA, f32x4.div(pa, qa));
  v128.store(outB, f32x4.div(pb, qb));
}

/** sigmoid4 of a and b, stored at outA and outB, each coefficient splatted once for both (see tanh4x2). */
// @ts-ignore: decorator
@inline export function sigmoid4x2(a: v128, b: v128, outA: usize, outB: usize): void {
  const hi = c(13);
  const lo = c(14);
  a = f32x4.pmax(f32x4.pmin(a, hi), lo);
  b = f32x4.pmax(f32x4.pmin(b, hi), lo);
  const a2 = f32x4.mul(a, a);
  const b2 = f32x4.mul(b, b);
  let k = c(15);
  let m = c(16);
  let pa = f32x4.add(f32x4.mul(k, a2), m);
  let pb = f32x4.add(f32x4.mul(k, b2), m);
  m = c(17);
  pa = f32x4.add(f32x4.mul(pa, a2), m);
  pb = f32x4.add(f32x4.mul(pb, b2), m);
  m = c(18);
  pa = f32x4.add(f32x4.mul(pa, a2), m);
  pb = f32x4.add(f32x4.mul(pb, b2), m);
  m = c(19);
  pa = f32x4.add(f32x4.mul(pa, a2), m);
  pb = f32x4.add(f32x4.mul(pb, b2), m);
  pa = f32x4.mul(pa, a);
  pb = f32x4.mul(pb, b);
  k = c(20);
  m = c(21);
  let qa = f32x4.add(f32x4.mul(k, a2), m);
  let qb = f32x4.add(f32x4.mul(k, b2), m);
  m = c(22);
  qa = f32x4.add(f32x4.mul(qa, a2), m);
  qb = f32x4.add(f32x4.mul(qb, b2), m);
  m = c(10);
  qa = f32x4.add(f32x4.mul(qa, a2), m);
  qb = f32x4.add(f32x4.mul(qb, b2), m);
  const half = c(11);
  v128.store(outA, f32x4.add(half, f32x4.div(pa, qa)));
  v128.store(outB, f32x4.add(half, f32x4.div(pb, qb)));
}

/** 1.0 in four lanes, for 1 - y terms in the backward passes. */
// @ts-ignore: decorator
@inline export function one4(): v128 {
  return c(12);
}

/** Exported for tests and bench: apply tanh (kind 0) or sigmoid (kind 1) to n floats at ptr, in place (n % 4 == 0). */
export function applyActivation(kind: i32, ptr: usize, n: i32): void {
  const end = ptr + (<usize>n << 2);
  if (kind == 0) {
    for (let a = ptr; a < end; a += 16) v128.store(a, tanh4(v128.load(a)));
  } else {
    for (let a = ptr; a < end; a += 16) v128.store(a, sigmoid4(v128.load(a)));
  }
}
