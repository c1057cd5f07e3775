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
  const bytes = new Uint8Array(padded(length));
  writeBits(rng, new Uint32Array(bytes.buffer), 0, length);
  return latin1.decode(bytes.subarray(0, length));
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

/**
 * count strings with lengths uniform in [minLen, maxLen]: randomBits of each length, drawn in the same order. Long
 * strings are written as bytes into one buffer of up to BUFFER_BITS, decoded at once and cut into slices (a slice
 * shares the decoded string): a decoder call per string cost more than its bits.
 */
export function randomStringsFrom(rng: Rng, count: number, minLen: number, maxLen: number): string[] {
  const out: string[] = [];
  if (maxLen <= SHORT_BITS) {
    for (let i = 0; i < count; i++) out.push(randomBits(rng, rng.int(minLen, maxLen)));
    return out;
  }
  const bytes = new Uint8Array(Math.min(BUFFER_BITS, count * padded(maxLen)));
  const words = new Uint32Array(bytes.buffer);
  const cuts: number[] = []; // start, end of each string in bytes
  let used = 0;
  const flush = (): void => {
    const text = latin1.decode(bytes.subarray(0, used));
    for (let k = 0; k < cuts.length; k += 2) out.push(text.slice(cuts[k], cuts[k + 1]));
    cuts.length = 0;
    used = 0;
  };
  for (let i = 0; i < count; i++) {
    const length = rng.int(minLen, maxLen);
    if (length <= SHORT_BITS || padded(length) > bytes.length) {
      // the table's pieces for a short string, a buffer of its own for one longer than this one; in order
      if (used > 0) flush();
      out.push(randomBits(rng, length));
      continue;
    }
    if (used + padded(length) > bytes.length) flush();
    writeBits(rng, words, used, length);
    cuts.push(used, used + length);
    used += padded(length);
  }
  if (used > 0) flush();
  return out;
}

/** The most bits randomStringsFrom decodes at once (1 MiB of text). */
const BUFFER_BITS = 1 << 20;

/** A string's room in a buffer of bits: whole bytes of the draws, eight characters each. */
const padded = (length: number): number => (length + 7) & ~7;

/**
 * Writes `length` random bits as '0'/'1' bytes at byte `at` (a multiple of 8) of the buffer under `words`, 32 per
 * draw, lowest bit first (randomBits' order), eight at a time from BYTE_CODES; up to seven bytes past the end are
 * written too, inside padded(length).
 */
function writeBits(rng: Rng, words: Uint32Array, at: number, length: number): void {
  const codes = (BYTE_CODES ??= byteCodes());
  let w = at >> 2;
  for (let t = 0; t < length; t += 32) {
    const word = rng.nextU32();
    for (let k = 0; k < 32 && t + k < length; k += 8) {
      const v = ((word >>> k) & 255) << 1;
      words[w++] = codes[v];
      words[w++] = codes[v + 1];
    }
  }
}

/** BYTE_CODES[2v], [2v + 1]: the characters of BYTE_BITS[v] as bytes, in two words of the platform's byte order. */
let BYTE_CODES: Uint32Array | null = null;
function byteCodes(): Uint32Array {
  const codes = new Uint32Array(512);
  const bytes = new Uint8Array(codes.buffer);
  for (let v = 0; v < 256; v++) for (let j = 0; j < 8; j++) bytes[8 * v + j] = 48 + ((v >>> j) & 1);
  return codes;
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
