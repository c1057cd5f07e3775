// Structured strings: the families a model that learned parity must get right and a model that learned a shortcut
// gets wrong. Uniform random strings of 1..20 bits never show a long run of zeros, a mostly-ones stretch or a
// period; a flip-flop that leaks back to "even" after a few dozen zeros passes every random check and fails these.
// Each family is deterministic for a seed (its own stream), so two models are compared on identical strings.

import { ParityError } from '../core/errors.js';
import { makeRng, streamSeed, type Rng } from '../core/rng.js';
import { parity } from '../core/bits.js';
import { type Model } from '../core/model.js';
import { checkInt, checkLength, LIMITS } from './config.js';
import { randomBits } from './data.js';

export const FAMILIES = ['random', 'runs', 'sparse', 'dense', 'alternating', 'long'] as const;
export type Family = (typeof FAMILIES)[number];

export const FAMILY_DESCRIPTIONS: Record<Family, string> = {
  random: 'uniform random bits, lengths 1..max',
  runs: 'a 1 then n zeros, n zeros then a 1, n ones, n ones then n zeros, 1 0^n 1, for n = 1..max',
  sparse: 'bits 1 with probability 0.001..0.1 (log-uniform), lengths max/10..max',
  dense: 'bits 1 with probability 0.9..0.999, lengths max/10..max',
  alternating: 'periodic blocks (01, 0011, 000111, ..., up to period 16) with a random phase and an optional flipped bit',
  long: 'uniform random bits, lengths max..10 x max (a tenth as many strings)',
};

export interface FamilyOptions {
  /** Strings per family (the runs family has about this many; default 200). */
  count?: number;
  /** The longest string of every family but `long`, whose strings are max..10 x max (default 500). */
  maxLen?: number;
  seed?: number;
}

/** Streams of the families, away from train()'s (0..5) and the experiments' (16..21). */
const FAMILY_STREAM: Record<Family, number> = { random: 40, runs: 41, sparse: 42, dense: 43, alternating: 44, long: 45 };

/** A string of `length` bits, each 1 with probability p. */
function biased(rng: Rng, length: number, p: number): string {
  const bytes = new Uint8Array(length);
  for (let t = 0; t < length; t++) bytes[t] = rng.float() < p ? 49 : 48;
  return latin1.decode(bytes);
}
const latin1 = new TextDecoder('latin1');

/** About `count` values 1..max, every small n and then spread geometrically, so short and long runs both appear. */
function runLengths(count: number, max: number): number[] {
  const out = new Set<number>();
  const small = Math.min(max, Math.max(1, Math.floor(count / 2)));
  for (let n = 1; n <= small; n++) out.add(n);
  const rest = Math.max(1, count - small);
  for (let k = 1; k <= rest && small < max; k++) out.add(Math.round(small * Math.pow(max / small, k / rest)));
  return [...out].filter((n) => n >= 1 && n <= max).sort((a, b) => a - b);
}

/** The strings of one family. */
export function familyStrings(family: Family, opts: FamilyOptions = {}): string[] {
  const count = checkInt('strings per family', opts.count ?? 200, 1, LIMITS.count);
  const max = checkLength('the longest family string', opts.maxLen ?? 500);
  const rng = makeRng(streamSeed((opts.seed ?? 0) >>> 0, FAMILY_STREAM[family]));
  const lengthIn = (lo: number, hi: number): number => rng.int(Math.max(1, Math.min(lo, hi)), hi);
  const out: string[] = [];
  switch (family) {
    case 'random':
      for (let i = 0; i < count; i++) out.push(randomBits(rng, lengthIn(1, max)));
      break;
    case 'runs': {
      // Five shapes per n: each shape tests one way a leaky state forgets (or a saturated one sticks).
      for (const n of runLengths(Math.max(1, Math.ceil(count / 5)), Math.max(1, max - 2))) {
        out.push('1' + '0'.repeat(n), '0'.repeat(n) + '1', '1'.repeat(n));
        // 1^n 0^n is twice as long: kept within the longest string we accept anywhere.
        if (2 * n <= LIMITS.length) out.push('1'.repeat(n) + '0'.repeat(n));
        out.push('1' + '0'.repeat(n) + '1');
      }
      break;
    }
    case 'sparse':
    case 'dense':
      for (let i = 0; i < count; i++) {
        const p = Math.exp(Math.log(0.001) + rng.float() * (Math.log(0.1) - Math.log(0.001)));
        out.push(biased(rng, lengthIn(Math.ceil(max / 10), max), family === 'sparse' ? p : 1 - p));
      }
      break;
    case 'alternating':
      for (let i = 0; i < count; i++) {
        const half = rng.int(1, 8);
        const L = lengthIn(2 * half, max);
        const phase = rng.int(0, 2 * half - 1);
        const bytes = new Uint8Array(L);
        for (let t = 0; t < L; t++) bytes[t] = Math.floor((t + phase) / half) % 2 === 0 ? 48 : 49;
        if (rng.int(0, 1) === 1) bytes[rng.int(0, L - 1)] ^= 1; // one flipped bit: the odd-parity twin
        out.push(latin1.decode(bytes));
      }
      break;
    case 'long': {
      const hi = Math.min(LIMITS.length, 10 * max);
      // A tenth as many: each costs up to ten of the others.
      for (let i = 0; i < Math.ceil(count / 10); i++) out.push(randomBits(rng, lengthIn(Math.min(max, hi), hi)));
      break;
    }
    default:
      throw new ParityError(`unknown string family ${JSON.stringify(family)}: use ${FAMILIES.join(', ')}`);
  }
  return out;
}

/** Throws a ParityError unless v names a family. */
export function checkFamily(v: unknown): Family {
  if (!(FAMILIES as readonly unknown[]).includes(v)) throw new ParityError(`unknown string family ${JSON.stringify(v)}: use ${FAMILIES.join(', ')}`);
  return v as Family;
}

export interface FamilyRow {
  family: Family;
  count: number;
  correct: number;
  accuracy: number;
  longest: number;
  /** The shortest string the model gets wrong, or null. */
  firstWrong: string | null;
}

/** Accuracy of `model` on each family, and the shortest string it gets wrong in each. */
export function familyReport(model: Model, families: readonly Family[] = FAMILIES, opts: FamilyOptions = {}): FamilyRow[] {
  return families.map((family) => {
    const strings = familyStrings(family, opts);
    const logits = model.logitsUnchecked(strings);
    let correct = 0;
    let firstWrong: string | null = null;
    let longest = 0;
    strings.forEach((s, i) => {
      longest = Math.max(longest, s.length);
      if ((logits[i] > 0 ? 1 : 0) === parity(s)) correct++;
      else if (firstWrong === null || s.length < firstWrong.length) firstWrong = s;
    });
    return { family, count: strings.length, correct, accuracy: correct / strings.length, longest, firstWrong };
  });
}

/** Right on every string of every family. */
export const isRobust = (rows: FamilyRow[]): boolean => rows.every((r) => r.correct === r.count);
