// Bit strings: the one check every string a user gives us passes, and the parity we learn.

import { ParityError } from './errors.js';

/** XOR of the bits: 1 when the string has an odd number of ones. */
export function parity(bits: string): 0 | 1 {
  let p = 0;
  for (let t = 0; t < bits.length; t++) p ^= bits.charCodeAt(t) & 1;
  return p as 0 | 1;
}

export const BITS = /^[01]+$/;

/** Throws a ParityError unless s is a non-empty string of 0s and 1s. */
export function checkBits(s: string, what = 'bit string'): void {
  if (typeof s !== 'string' || s.length === 0) throw new ParityError(`${what} is empty: give at least one bit (0 or 1)`);
  if (!BITS.test(s)) {
    const bad = [...s].findIndex((ch) => ch !== '0' && ch !== '1');
    throw new ParityError(`${what} has ${JSON.stringify(s[bad])} at position ${bad + 1}: only 0 and 1 are allowed`);
  }
}
