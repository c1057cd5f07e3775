// The benchmark's configurations (issue 3), shared by the runner and every JS peer; bench/peers/torch_bench.py
// receives the same object as JSON from the runner, so there is one definition.
//
// Every training figure is "sequence-steps per second": the sum of the lengths of the strings trained on
// (forward + backpropagation through time + optimiser step), divided by wall time, one thread.

/** @typedef {{ id: string, kind: 'train' | 'infer', batch: number, minLen: number, maxLen: number, hidden: number, what: string }} BenchConfig */

/** @type {BenchConfig[]} */
export const CONFIGS = [
  { id: 'A', kind: 'train', batch: 10, minLen: 1, maxLen: 20, hidden: 8, what: 'train, batch 10, lengths 1..20, H 8' },
  { id: 'B', kind: 'train', batch: 256, minLen: 50, maxLen: 50, hidden: 8, what: 'train, batch 256, length 50, H 8' },
  { id: 'C', kind: 'train', batch: 256, minLen: 50, maxLen: 50, hidden: 64, what: 'train, batch 256, length 50, H 64' },
  { id: 'infer', kind: 'infer', batch: 1000, minLen: 100, maxLen: 100, hidden: 8, what: 'inference, 1000 strings of length 100, H 8' },
];

/**
 * Time-to-solve: the seed's settings (the library's DEFAULT_CONFIG for these fields), trained until solved: goal
 * 'solved', where the library's default goal, certified, goes on to harden (the peers' own loops stop at solved).
 */
export const SOLVE = {
  goal: 'solved',
  cell: 'lstm',
  hidden: 8,
  lr: 0.01,
  batch: 10,
  minLen: 1,
  maxLen: 20,
  evalEvery: 10,
  evalCount: 100,
  evalMinLen: 50,
  evalMaxLen: 100,
  confirmCount: 1000,
  steps: 5000,
  seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
};

/**
 * How long to measure. Each cell (one peer on one config): one cold call (the very first step, compile and
 * first-call costs included), warm-up for `warmSec`, then up to `reps` repetitions of at least `repSec` each,
 * stopping early once `cellSec` is spent (but never with fewer than `minReps`).
 */
export function timing(quick) {
  return quick
    ? { quick: true, repSec: 0.05, reps: 3, minReps: 1, warmSec: 0.05, cellSec: 0.5, rounds: 3 }
    : { quick: false, repSec: 0.25, reps: 7, minReps: 3, warmSec: 0.4, cellSec: 4, rounds: 15 }; // rounds: ours, round-robin
}

export function configById(id) {
  const c = CONFIGS.find((x) => x.id === id);
  if (!c) throw new Error(`unknown bench config ${id} (expected one of ${CONFIGS.map((x) => x.id).join(', ')})`);
  return c;
}
