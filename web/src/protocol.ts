// Messages between the page and the training worker. Everything here is structured-clone safe.

import type { Counterexample, Progress, TrainConfig } from 'parity-lstm';
import type { RegionView } from './statespace';

export type ToWorker =
  /** Start training with a validated config (the page validates first, so bad settings never reach the worker). */
  | { type: 'train'; config: TrainConfig }
  /** Stop between steps; the worker answers with 'done' for the model so far. */
  | { type: 'stop' }
  /**
   * Prove the model right on every string or find one it gets wrong. Sent to a worker of its own (certify is
   * synchronous and can take seconds), so training and the page go on meanwhile. `id` pairs the answer with the ask.
   */
  | { type: 'certify'; id: number; model: string };

/** What certify found: the verdict and its evidence (of a certificate, what the page shows: depth, margin, regions). */
export type CertifySummary =
  | { verdict: 'certified'; depth: number; regions: RegionView[]; readoutMargin: number; ms: number }
  | { verdict: 'refuted'; counterexample: Counterexample; ms: number }
  | { verdict: 'unknown'; reason: string; ms: number };

export type FromWorker =
  /** Progress events since the last message, batched so a fast run does not flood the page (about 10 a second). */
  | { type: 'progress'; points: Progress[] }
  | {
      type: 'done';
      /** The trained model as parity-lstm/1 JSON text (what the CLI writes): the page loads it for predictions. */
      model: string;
      /** weightsHash() of the model in the worker, before the trip through JSON. */
      hash: string;
      solved: boolean;
      stopped: boolean;
      steps: number;
      solvedAtStep: number | null;
      seconds: number;
      wallSeconds: number;
      confirmAccuracy: number | null;
    }
  | { type: 'certified'; id: number; hash: string; result: CertifySummary }
  /** userError: a ParityError (bad settings, divergence); otherwise a bug. `id` when it answers a certify. */
  | { type: 'error'; message: string; userError: boolean; id?: number };
