// Seeded randomness. Everything random in parity-lstm flows from one uint32 seed through makeRng, so a seed gives
// the same numbers in Node and in every browser; streamSeed splits one seed into unrelated streams, one per purpose.

import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** A uniform integer in [lo, hi], both included. */
  int(lo: number, hi: number): number;
  /** A uniform float in [0, 1) with 24 random bits (what a float32 can hold). */
  float(): number;
}

/** Mixes a seed and a stream number (splitmix32-style), so the streams of one seed are unrelated. */
export function streamSeed(seed: number, stream: number): number {
  let z = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** xoroshiro128+ (pure-rand), seeded with a uint32. */
export function makeRng(seed: number): Rng {
  const g = xoroshiro128plus(seed >>> 0);
  const nextU32 = (): number => g.next() >>> 0;
  return {
    nextU32,
    int(lo: number, hi: number): number {
      // Rejection sampling: no modulo bias.
      const span = hi - lo + 1;
      if (span <= 1) return lo;
      const limit = Math.floor(0x100000000 / span) * span;
      let x = nextU32();
      while (x >= limit) x = nextU32();
      return lo + (x % span);
    },
    float(): number {
      return (nextU32() >>> 8) / 16777216;
    },
  };
}
