// Option parsers, built from the library's limits and validators (src/train/config.ts), so a flag and the setting
// it feeds refuse the same values with the same words. Each parser turns the library's ParityError into commander's
// InvalidArgumentError, which the program prints as one `error: ...` line with exit code 2.

import { InvalidArgumentError, Option } from 'commander';
import { ParityError } from '../core/errors.js';
import { CELLS, type CellKind } from '../core/layout.js';
import { checkHidden } from '../core/model-file.js';
import { checkInt, checkLearningRate, checkLength, checkPositive, checkSeed, checkSetBits, LIMITS, parseLengthRange } from '../train/config.js';
import { checkFamily, FAMILIES, type Family } from '../train/families.js';
import { type Command } from 'commander';

/** Runs a library validator on a flag's text: the number it reads as (or the text itself), its error as commander's. */
function via<T>(validate: (v: unknown) => T, read: (s: string) => unknown = readNumber): (v: string) => T {
  return (v: string): T => {
    try {
      return validate(read(v));
    } catch (e) {
      if (e instanceof ParityError) throw new InvalidArgumentError(e.message);
      throw e;
    }
  };
}

/** "1e6", "1_000_000" and "+5" read as numbers; anything else stays text, so the validator's message quotes it. */
function readNumber(v: string): unknown {
  const s = v.trim().replace(/_/g, '');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(s)) return v;
  return Number(s);
}

export const intIn = (what: string, lo: number, hi: number): ((v: string) => number) => via((n) => checkInt(what, n, lo, hi));
export const positiveNumber = (what: string): ((v: string) => number) => via((n) => checkPositive(what, n));
export const learningRate = via(checkLearningRate);
export const lengthParser = (what: string): ((v: string) => number) => via((n) => checkLength(what, n));
export const seedParser = via(checkSeed);
export const hiddenParser = via(checkHidden);
export const countParser = (what: string): ((v: string) => number) => intIn(what, 1, LIMITS.count);
export const stepsParser = (what: string): ((v: string) => number) => intIn(what, 1, LIMITS.steps);
export const batchParser = intIn('batch size', 1, LIMITS.batch);
export const datasetSizeParser = (what: string): ((v: string) => number) => intIn(what, 1, LIMITS.datasetSize);

/** A comma-separated list, each item through `item`; the error names the bad item. */
export function listOf<T>(item: (v: string) => T): (v: string) => T[] {
  return (v) => {
    const parts = v.split(',').map((s) => s.trim());
    if (parts.some((p) => p === '')) throw new InvalidArgumentError('must be a comma-separated list without empty items');
    return parts.map((p) => {
      try {
        return item(p);
      } catch (e) {
        throw new InvalidArgumentError(`item ${JSON.stringify(p)}: ${(e as Error).message}`);
      }
    });
  };
}

/** A sorted list of distinct lengths, e.g. "100,1000,10000". */
export function lengthList(v: string): number[] {
  return [...new Set(listOf(lengthParser('each length'))(v))].sort((a, b) => a - b);
}

export const cellItem = (v: string): CellKind => {
  if (!(CELLS as readonly string[]).includes(v)) throw new InvalidArgumentError(`must be ${CELLS.join(', ').replace(/, ([^,]*)$/, ' or $1')}`);
  return v as CellKind;
};
export const optimizerItem = (v: string): 'adam' | 'sgd' => {
  if (v !== 'adam' && v !== 'sgd') throw new InvalidArgumentError('must be adam or sgd');
  return v;
};
export const clipItem = (v: string): number | null => (v === 'off' || v === 'none' ? null : positiveNumber('clip')(v));
export const rangeItem = (v: string): [number, number] => {
  let r: [number, number];
  try {
    r = parseLengthRange(v);
  } catch {
    throw new InvalidArgumentError('must look like 1-20 (min-max)');
  }
  const length = lengthParser('a length');
  length(String(r[0]));
  length(String(r[1]));
  if (r[0] > r[1]) throw new InvalidArgumentError('must have min <= max');
  return r;
};

/** --cell with the cells the core has, as commander choices. */
export const cellOption = (): Option => new Option('--cell <kind>', 'recurrent cell').choices([...CELLS]).default('lstm');
export const optimizerOption = (): Option => new Option('--optimizer <name>', 'optimizer').choices(['adam', 'sgd']).default('adam');

/** The library's one budget for a set of random strings, with the CLI's advice. */
export const checkBudget = checkSetBits;

/** Was this option given on the command line (as opposed to its default)? */
export const given = (cmd: Command, key: string): boolean => {
  const src = cmd.getOptionValueSource(key);
  return src !== undefined && src !== 'default' && src !== 'implied';
};

export const workersParser = intIn('workers', 1, 256);

/** A number of seconds from lo to hi (fractions allowed). */
export const secondsIn = (what: string, lo: number, hi: number): ((v: string) => number) =>
  via((n) => {
    if (typeof n !== 'number' || !Number.isFinite(n) || n < lo || n > hi) {
      throw new ParityError(`${what} must be a number of seconds from ${lo} to ${hi}, not ${JSON.stringify(n)}`);
    }
    return n;
  });

/** Families of structured strings: a comma-separated list, "all" or "none". */
export function familyList(v: string): Family[] {
  const s = v.trim();
  if (s === 'all') return [...FAMILIES];
  if (s === 'none') return [];
  return [...new Set(listOf(via(checkFamily, (x) => x))(s))];
}
