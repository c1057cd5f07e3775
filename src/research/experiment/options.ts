// What an experiment is: its arms, its options (defaults and checks) and what PyTorch did with the same settings.

import { ParityError } from '../../core/errors.js';
import { type CellKind } from '../../core/layout.js';
import { int } from '../../core/format.js';
import { LIMITS } from '../../train/config.js';

export type ArmName = 'fixed' | 'varying' | 'curriculum';
export const ARMS: readonly ArmName[] = ['fixed', 'varying', 'curriculum'];

export interface ExperimentOptions {
  /** Strings in each dataset (the fixed-length and the varying-length one). */
  datasetSize: number;
  seeds: number[];
  /** Passes over the dataset; the curriculum arm draws as many fresh strings per epoch. */
  epochs: number;
  cell: CellKind;
  hidden: number;
  lr: number;
  batch: number;
  /** The fixed length; the varying arm draws lengths uniform in 1..length. */
  length: number;
  /** Run the third arm: lengths growing 1..length over the first epoch, then length only. */
  curriculum: boolean;
  /** Stop the varying and curriculum arms once solved (the fixed arm always runs every epoch). */
  earlyStop: boolean;
  /** Training steps between evaluations on the generalisation strings (and probes). */
  evalEvery: number;
  /** Generalisation strings checked every evalEvery steps (lengths length..2*length, fixed per run). */
  evalCount: number;
  /** Held-out strings per set at each epoch's end: of length `length`, and of length..2*length. */
  heldOut: number;
  /** Fresh strings (length..2*length) that must all be right to call a run solved. */
  confirmCount: number;
  /** The final curve runs over 1, 2, 5, ... up to this length. */
  curveMax: number;
  /** Strings per length on the final curve. */
  curveCount: number;
  /** Strings of length `length` for the gradient-by-step measurement (float64 reference BPTT). */
  gradientStrings: number;
}

export const DEFAULT_EXPERIMENT: Readonly<ExperimentOptions> = Object.freeze({
  datasetSize: 100_000,
  seeds: [1, 2, 3],
  epochs: 10,
  cell: 'lstm',
  hidden: 8,
  lr: 0.01,
  batch: 64,
  length: 50,
  curriculum: false,
  earlyStop: false,
  evalEvery: 50,
  evalCount: 200,
  heldOut: 1000,
  confirmCount: 1000,
  curveMax: 10_000,
  curveCount: 100,
  gradientStrings: 16,
});

/** What PyTorch did (issue 5): nn.LSTM, batch 64, Adam 1e-2, H 8 and 32, three seeds, 10 epochs. */
export const PYTORCH_REFERENCE = {
  setup: 'PyTorch nn.LSTM, batch 64, Adam 1e-2, hidden 8 and 32, three seeds, 100,000 strings, 10 epochs',
  fixed: 'the loss stays at ln 2 and accuracy at chance for all 10 epochs',
  varying: 'every run reaches 100% on held-out strings of length 50 and 50..100 within the first epoch (750 to 1,500 steps)',
  varyingSteps: [750, 1500] as const,
};

export const ARM_LABEL: Record<ArmName, (L: number) => string> = {
  fixed: (L) => `fixed length ${L}`,
  varying: (L) => `lengths 1..${L}`,
  curriculum: (L) => `curriculum 1→${L}`,
};

const posInt = (name: string, v: unknown, lo: number, hi: number): void => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new ParityError(`${name} must be an integer from ${int(lo)} to ${int(hi)}, not ${JSON.stringify(v)}`);
  }
};

/** Fills in defaults and checks every field; throws ParityError naming the first bad one. */
export function validateExperimentOptions(partial: Partial<ExperimentOptions>): ExperimentOptions {
  const o: ExperimentOptions = { ...DEFAULT_EXPERIMENT, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) };
  posInt('dataset size', o.datasetSize, 1, LIMITS.datasetSize);
  if (!Array.isArray(o.seeds) || o.seeds.length === 0) throw new ParityError('give at least one seed');
  for (const s of o.seeds) posInt('seed', s, 0, LIMITS.seed);
  if (new Set(o.seeds).size !== o.seeds.length) throw new ParityError('the seeds must differ from one another');
  posInt('epochs', o.epochs, 1, 10_000);
  if (o.cell !== 'lstm' && o.cell !== 'rnn') throw new ParityError(`unknown cell ${JSON.stringify(o.cell)}: use lstm or rnn`);
  posInt('hidden size', o.hidden, 1, LIMITS.hidden);
  if (typeof o.lr !== 'number' || !(o.lr > 0) || o.lr > LIMITS.lr) throw new ParityError(`learning rate must be a number above 0 and at most ${LIMITS.lr}, not ${JSON.stringify(o.lr)}`);
  posInt('batch', o.batch, 1, LIMITS.batch);
  posInt('length', o.length, 2, 100_000);
  posInt('eval every', o.evalEvery, 1, LIMITS.steps);
  posInt('eval count', o.evalCount, 1, LIMITS.count);
  posInt('held-out count', o.heldOut, 1, LIMITS.count);
  posInt('confirm count', o.confirmCount, 1, LIMITS.count);
  posInt('curve max', o.curveMax, 1, LIMITS.length);
  posInt('curve count', o.curveCount, 1, LIMITS.count);
  posInt('gradient strings', o.gradientStrings, 1, 10_000);
  return o;
}

/** Differences between our settings and PyTorch's that make the comparison not like for like. */
export function settingDifferences(o: ExperimentOptions): string[] {
  const d: string[] = [];
  if (o.cell !== 'lstm') d.push(`cell ${o.cell} (PyTorch: LSTM)`);
  if (o.hidden !== 8 && o.hidden !== 32) d.push(`hidden ${o.hidden} (PyTorch: 8 and 32)`);
  if (o.batch !== 64) d.push(`batch ${o.batch} (PyTorch: 64)`);
  if (o.lr !== 0.01) d.push(`learning rate ${o.lr} (PyTorch: 0.01)`);
  if (o.datasetSize !== 100_000) d.push(`${int(o.datasetSize)} strings per dataset (PyTorch: 100,000)`);
  if (o.epochs !== 10) d.push(`${o.epochs} epochs (PyTorch: 10)`);
  if (o.length !== 50) d.push(`length ${o.length} (PyTorch: 50)`);
  return d;
}
