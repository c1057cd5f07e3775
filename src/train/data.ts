// The strings we learn from: random strings of given lengths, datasets read and written as text, epochs.

import { ParityError } from '../core/errors.js';
import { makeRng, type Rng } from '../core/rng.js';
import { checkBits } from '../core/bits.js';

/** A random bit string of the given length, 32 bits per draw. Built as bytes and decoded once: concatenating a
 *  million one-character strings costs tens of bytes of heap per bit. A short string is a few table pieces: the
 *  decoder's call costs about a microsecond, several times a training string's whole making. */
export function randomBits(rng: Rng, length: number): string {
  if (length <= SHORT_BITS) {
    const table = (BYTE_BITS ??= byteBits());
    let s = '';
    for (let t = 0; t < length; t += 32) {
      const word = rng.nextU32();
      for (let k = 0; k < 32 && t + k < length; k += 8) s += table[(word >>> k) & 255];
    }
    return s.length > length ? s.slice(0, length) : s;
  }
  const bytes = new Uint8Array(length);
  let word = 0;
  for (let t = 0; t < length; t++) {
    if ((t & 31) === 0) word = rng.nextU32();
    bytes[t] = 48 + ((word >>> (t & 31)) & 1); // '0' or '1'
  }
  return latin1.decode(bytes);
}

const latin1 = new TextDecoder('latin1');

const SHORT_BITS = 64;
/** BYTE_BITS[v]: the eight bits of v as '0'/'1', lowest bit first (the order randomBits reads a word in). */
let BYTE_BITS: string[] | null = null;
function byteBits(): string[] {
  const out: string[] = [];
  for (let v = 0; v < 256; v++) {
    let s = '';
    for (let j = 0; j < 8; j++) s += (v >>> j) & 1 ? '1' : '0';
    out.push(s);
  }
  return out;
}

/** count strings with lengths uniform in [minLen, maxLen]. */
export function randomStringsFrom(rng: Rng, count: number, minLen: number, maxLen: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(randomBits(rng, rng.int(minLen, maxLen)));
  return out;
}

export function randomStrings(count: number, minLen: number, maxLen: number, seed: number): string[] {
  return randomStringsFrom(makeRng(seed), count, minLen, maxLen);
}

/** A dataset file: one string of 0s and 1s per line; blank lines and surrounding spaces are ignored. */
export function parseDataset(text: string): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    checkBits(line, `dataset line ${i + 1}`, 'column');
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
