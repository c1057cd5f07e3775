// Vector tanh and sigmoid for f32x4, accurate to 3.3e-7 (tanh) and 2.3e-7 (sigmoid) absolute on all of f32,
// checked on a 1e-4 grid over [-20, 20] in test/activations.test.ts against Math.tanh in float64.
//
// tanh(x) = x P(x^2) / Q(x^2) on x clamped to [-7.9053111, 7.9053111] (where f32 tanh is already +-1), the rational
// approximation Eigen uses for float (Eigen/src/Core/arch/Default/GenericPacketMathFunctions.h, ptanh_float).
// sigmoid(x) = 0.5 + 0.5 tanh(x / 2): one approximation to test instead of two, and no exp to overflow.
// Only f32x4 mul/add/div and pmin/pmax: exact IEEE on every engine, so Node and browsers agree bit for bit.
//
// V8 rebuilds v128 constants inside loops, so the coefficients live in a small table in linear memory and are
// loaded as splats (v128.load32_splat), which V8 keeps cheap.

const COEF: usize = memory.data<f32>([
  7.90531110763549805, //  0: clamp
  -7.90531110763549805, // 1: -clamp
  -2.76076847742355e-16, // 2: alpha_13
  2.00018790482477e-13, //  3: alpha_11
  -8.60467152213735e-11, // 4: alpha_9
  5.12229709037114e-8, //   5: alpha_7
  1.48572235717979e-5, //   6: alpha_5
  6.37261928875436e-4, //   7: alpha_3
  4.89352455891786e-3, //   8: alpha_1
  1.19825839466702e-6, //   9: beta_6
  1.18534705686654e-4, //  10: beta_4
  2.268434632439e-3, //    11: beta_2
  4.89352518554385e-3, //  12: beta_0
  0.5, //                  13
  1.0, //                  14
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
  p = f32x4.add(f32x4.mul(p, x2), c(7));
  p = f32x4.add(f32x4.mul(p, x2), c(8));
  p = f32x4.mul(p, x);
  let q = f32x4.add(f32x4.mul(c(9), x2), c(10));
  q = f32x4.add(f32x4.mul(q, x2), c(11));
  q = f32x4.add(f32x4.mul(q, x2), c(12));
  return f32x4.div(p, q);
}

/** sigmoid of four lanes, as 0.5 + 0.5 tanh(x / 2). */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  const half = c(13);
  return f32x4.add(half, f32x4.mul(half, tanh4(f32x4.mul(half, x))));
}

/** 1.0 in four lanes, for 1 - y terms in the backward passes. */
// @ts-ignore: decorator
@inline export function one4(): v128 {
  return c(14);
}

/** Exported for tests: apply tanh (kind 0) or sigmoid (kind 1) to n floats at ptr, in place (n a multiple of 4). */
export function applyActivation(kind: i32, ptr: usize, n: i32): void {
  for (let k = 0; k < n; k += 4) {
    const a = ptr + (<usize>k << 2);
    const v = v128.load(a);
    v128.store(a, kind == 0 ? tanh4(v) : sigmoid4(v));
  }
}
