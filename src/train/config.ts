// Training settings: defaults (the seed notebook's) and validation with messages a person can act on.

import { ParityError } from '../core/errors.js';
import { checkBits } from '../core/bits.js';
import { type CellKind } from '../core/layout.js';
// model-file.js, not model.js: the CLI parses its options with these checks, and model.js brings the wasm core.
import { checkCell, checkHidden, MAX_HIDDEN } from '../core/model-file.js';
import type { OptimizerKind } from '../core/model.js';

export interface TrainConfig {
  cell: CellKind;
  hidden: number;
  lr: number;
  optimizer: OptimizerKind;
  batch: number;
  /** The most steps it will run. */
  steps: number;
  minLen: number;
  maxLen: number;
  /** A fixed dataset walked in epochs (reshuffled each epoch); null: fresh random strings every step. */
  dataset: string[] | null;
  /** Generate a fixed dataset of this many strings (lengths minLen..maxLen) once. */
  datasetSize: number | null;
  evalEvery: number;
  evalCount: number;
  evalMinLen: number;
  evalMaxLen: number;
  /** Stop once the generalisation set scores 100% and confirmCount fresh strings confirm it. */
  untilSolved: boolean;
  /**
   * With untilSolved, what training goes on toward once solved: 'solved' stops there (the exercise's definition);
   * 'robust' hardens until every structured string family is right; 'certified' until certify proves the model
   * right on every string. Without untilSolved, every step runs and there is no goal.
   */
  goal: Goal;
  confirmCount: number;
  /** Global gradient-norm clipping; null: off. */
  clip: number | null;
  seed: number;
}

export const GOALS = ['solved', 'robust', 'certified'] as const;
export type Goal = (typeof GOALS)[number];

export const DEFAULT_CONFIG: Readonly<TrainConfig> = Object.freeze({
  cell: 'lstm',
  hidden: 8,
  lr: 0.01,
  optimizer: 'adam',
  batch: 10,
  steps: 5000,
  minLen: 1,
  maxLen: 20,
  dataset: null,
  datasetSize: null,
  evalEvery: 10,
  evalCount: 100,
  evalMinLen: 50,
  evalMaxLen: 100,
  untilSolved: true,
  goal: 'certified',
  confirmCount: 1000,
  clip: null,
  seed: 0,
});

/** Every limit of a setting, in one place: the library checks them, the CLI builds its parsers from them. */
export const LIMITS = Object.freeze({
  /** Longest string we accept anywhere: a training batch of them must fit in wasm memory, inference streams. */
  length: 1_000_000,
  hidden: MAX_HIDDEN,
  batch: 65_536,
  steps: 100_000_000,
  /** Strings in an evaluation, confirmation or curve set. */
  count: 1_000_000,
  datasetSize: 10_000_000,
  seed: 0xffffffff,
  /** A learning rate above this is a typo, not a setting. */
  lr: 10,
  /** Most bits one set of random strings (a batch, the evaluation or confirmation set, a dataset) may hold: they
   *  are JS strings, a byte a bit, and 2^27 bits (128 MiB) is far beyond any parity experiment. */
  setBits: 2 ** 27,
});

export const MAX_LENGTH = LIMITS.length;

/** 1024 -> "1024", 1000000 -> "1,000,000": separators only where they help. */
const num = (n: number): string => (Math.abs(n) >= 10000 ? n.toLocaleString('en-US') : String(n));

/** Throws unless `count` strings of up to `maxLen` bits fit in one set (LIMITS.setBits); `fix` says what to change. */
export function checkSetBits(what: string, count: number, maxLen: number, fix: string): void {
  if (count * maxLen > LIMITS.setBits) {
    throw new ParityError(
      `${what} would hold up to ${num(count * maxLen)} bits, more than the ${num(LIMITS.setBits)} one set may hold: ${fix}`,
    );
  }
}

/** Throws a ParityError unless v is an integer in [lo, hi]. */
export function checkInt(name: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new ParityError(`${name} must be an integer from ${num(lo)} to ${num(hi)}, not ${JSON.stringify(v)}`);
  }
  return v;
}
const int = checkInt;

/** Throws a ParityError unless v is a string length we accept (1..MAX_LENGTH). */
export function checkLength(name: string, v: unknown): number {
  return int(name, v, 1, MAX_LENGTH);
}

/** Throws a ParityError unless v is a finite number greater than 0. */
export function checkPositive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new ParityError(`${name} must be a number greater than 0, not ${JSON.stringify(v)}`);
  }
  return v;
}
const positive = checkPositive;

/** Throws a ParityError unless v is a learning rate we accept: greater than 0, at most LIMITS.lr. */
export function checkLearningRate(v: unknown): number {
  positive('learning rate', v);
  if ((v as number) > LIMITS.lr) throw new ParityError(`learning rate ${v} is far too large: use a value such as 0.01`);
  return v as number;
}

/** Throws a ParityError unless v is a seed: an integer from 0 to 2^32 - 1. */
export const checkSeed = (v: unknown): number => int('seed', v, 0, LIMITS.seed);

/** Fills in defaults and checks every field; throws ParityError naming the first bad one. */
export function validateConfig(partial: Partial<TrainConfig>): TrainConfig {
  const c: TrainConfig = { ...DEFAULT_CONFIG, ...stripUndefined(partial) };
  checkCell(c.cell);
  checkHidden(c.hidden);
  checkLearningRate(c.lr);
  if (c.optimizer !== 'adam' && c.optimizer !== 'sgd') throw new ParityError(`unknown optimizer ${JSON.stringify(c.optimizer)}: use adam or sgd`);
  int('batch', c.batch, 1, LIMITS.batch);
  int('steps', c.steps, 1, LIMITS.steps);
  checkLength('min length', c.minLen);
  checkLength('max length', c.maxLen);
  if (c.minLen > c.maxLen) throw new ParityError(`min length ${c.minLen} is greater than max length ${c.maxLen}`);
  int('eval every', c.evalEvery, 1, LIMITS.steps);
  int('eval count', c.evalCount, 1, LIMITS.count);
  checkLength('eval min length', c.evalMinLen);
  checkLength('eval max length', c.evalMaxLen);
  if (c.evalMinLen > c.evalMaxLen) {
    throw new ParityError(`eval min length ${c.evalMinLen} is greater than eval max length ${c.evalMaxLen}`);
  }
  int('confirm count', c.confirmCount, 1, LIMITS.count);
  if (!(GOALS as readonly unknown[]).includes(c.goal)) throw new ParityError(`unknown goal ${JSON.stringify(c.goal)}: use ${GOALS.join(', ')}`);
  if (c.clip !== null) positive('clip', c.clip);
  checkSeed(c.seed);
  checkSetBits('a training batch', c.batch, c.maxLen, 'use a smaller batch or shorter strings');
  checkSetBits('the generalisation set', c.evalCount, c.evalMaxLen, 'use a smaller eval count or shorter eval strings');
  checkSetBits('the confirmation set', c.confirmCount, c.evalMaxLen, 'use shorter eval strings');
  if (c.datasetSize !== null) checkSetBits('the dataset', c.datasetSize, c.maxLen, 'use a smaller dataset or shorter strings');
  if (c.dataset !== null && c.datasetSize !== null) throw new ParityError('give either a dataset or a dataset size, not both');
  if (c.datasetSize !== null) int('dataset size', c.datasetSize, 1, LIMITS.datasetSize);
  if (c.dataset !== null) {
    if (!Array.isArray(c.dataset) || c.dataset.length === 0) throw new ParityError('the dataset has no strings');
    for (let i = 0; i < c.dataset.length; i++) {
      const s = c.dataset[i];
      checkBits(s, `dataset string ${i + 1}`);
      if (s.length > MAX_LENGTH) throw new ParityError(`dataset string ${i + 1} has ${num(s.length)} bits; at most ${num(MAX_LENGTH)} are supported`);
    }
  }
  return c;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** "1-20" -> [1, 20]; throws ParityError for anything else. */
export function parseLengthRange(s: string | [number, number]): [number, number] {
  if (Array.isArray(s) && s.length === 2) return [s[0], s[1]];
  const m = typeof s === 'string' ? /^\s*(\d+)\s*(?:-|\.\.)\s*(\d+)\s*$/.exec(s) : null;
  if (!m) throw new ParityError(`length range ${JSON.stringify(s)} must look like 1-20 (min-max)`);
  return [Number(m[1]), Number(m[2])];
}
