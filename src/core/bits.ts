// Bit strings: the one check every string a user gives us passes, and the parity we learn.

import { ParityError } from './errors.js';

/** XOR of the bits: 1 when the string has an odd number of ones. */
export function parity(bits: string): 0 | 1 {
  let p = 0;
  for (let t = 0; t < bits.length; t++) p ^= bits.charCodeAt(t) & 1;
  return p as 0 | 1;
}

const NON_BIT = /[^01]/u;

/** Where the first character that is not 0 or 1 stands in s (a code point, so an emoji reads whole), or -1. */
export function firstNonBit(s: string): { index: number; char: string } | null {
  const i = s.search(NON_BIT);
  return i < 0 ? null : { index: i, char: String.fromCodePoint(s.codePointAt(i)!) };
}

/**
 * Throws a ParityError unless s is a non-empty string of 0s and 1s. `what` names the input ("bit string",
 * "input line 3"); `at` names the place in it ("position", "column").
 */
export function checkBits(s: string, what = 'bit string', at = 'position'): void {
  if (typeof s !== 'string' || s.length === 0) throw new ParityError(`${what} is empty: give at least one bit (0 or 1)`);
  const bad = firstNonBit(s);
  if (bad) throw new ParityError(`${what} has ${JSON.stringify(bad.char)} at ${at} ${bad.index + 1}: only 0 and 1 are allowed`);
}
