// Seeded randomness and the strings we learn from. Everything random in parity-lstm flows from one uint32 seed
// through makeRng, so a seed gives the same numbers in Node and in every browser.

import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { ParityError } from './errors.js';

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

/** A random bit string of the given length, 32 bits per draw. Built as bytes and decoded once: concatenating a
 *  million one-character strings costs tens of bytes of heap per bit. */
export function randomBits(rng: Rng, length: number): string {
  const bytes = new Uint8Array(length);
  let word = 0;
  for (let t = 0; t < length; t++) {
    if ((t & 31) === 0) word = rng.nextU32();
    bytes[t] = 48 + ((word >>> (t & 31)) & 1); // '0' or '1'
  }
  return latin1.decode(bytes);
}

const latin1 = new TextDecoder('latin1');

/** count strings with lengths uniform in [minLen, maxLen]. */
export function randomStringsFrom(rng: Rng, count: number, minLen: number, maxLen: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(randomBits(rng, rng.int(minLen, maxLen)));
  return out;
}

export function randomStrings(count: number, minLen: number, maxLen: number, seed: number): string[] {
  return randomStringsFrom(makeRng(seed), count, minLen, maxLen);
}

/** XOR of the bits: 1 when the string has an odd number of ones. */
export function parity(bits: string): 0 | 1 {
  let p = 0;
  for (let t = 0; t < bits.length; t++) p ^= bits.charCodeAt(t) & 1;
  return p as 0 | 1;
}

const BITS = /^[01]+$/;

/** Throws a ParityError unless s is a non-empty string of 0s and 1s. */
export function checkBits(s: string, what = 'bit string'): void {
  if (typeof s !== 'string' || s.length === 0) throw new ParityError(`${what} is empty: give at least one bit (0 or 1)`);
  if (!BITS.test(s)) {
    const bad = [...s].findIndex((ch) => ch !== '0' && ch !== '1');
    throw new ParityError(`${what} has ${JSON.stringify(s[bad])} at position ${bad + 1}: only 0 and 1 are allowed`);
  }
}

/** A dataset file: one string of 0s and 1s per line; blank lines and surrounding spaces are ignored. */
export function parseDataset(text: string): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (!BITS.test(line)) {
      const bad = [...line].findIndex((ch) => ch !== '0' && ch !== '1');
      throw new ParityError(
        `dataset line ${i + 1} has ${JSON.stringify(line[bad])} at column ${bad + 1}: each line must be a string of 0s and 1s`,
      );
    }
    out.push(line);
  }
  if (out.length === 0) throw new ParityError('dataset has no strings: it needs one string of 0s and 1s per line');
  return out;
}

export function formatDataset(strings: string[]): string {
  return strings.map((s) => s + '\n').join('');
}

/** Fisher-Yates shuffle in place. */
export function shuffle<T>(rng: Rng, a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/**
 * Walks a dataset in epochs, reshuffled at the start of each, `batch` strings a call; the last batch of an epoch may
 * be short (as with PyTorch's DataLoader), so no string repeats within an epoch.
 */
export function epochWalker(data: string[], batch: number, rng: Rng): () => string[] {
  const order = Array.from(data.keys());
  let cursor = data.length; // start with a shuffle
  return () => {
    if (cursor >= data.length) {
      shuffle(rng, order);
      cursor = 0;
    }
    const out = order.slice(cursor, cursor + batch).map((i) => data[i]);
    cursor += batch;
    return out;
  };
}
