// The whole experiment: every arm and seed as a task on a runner (worker threads, Web Workers or this thread).

import { ParityError } from '../../core/errors.js';
import type { TaskRunner } from '../runner.js';
import { validateExperimentOptions, type ArmName, type ExperimentOptions } from './options.js';
import { now, type ArmEvent, type ArmRun, type ArmSpec } from './arm.js';
import { summarizeExperiment, type ExperimentResult } from './summary.js';

export interface ExperimentHooks {
  /** Runs the tasks: worker threads in Node (parity-lstm/node), Web Workers in a page, or inlineRunner(). */
  runner: TaskRunner;
  onEvent?: (e: ArmEvent) => void;
  /** Each finished run, as it finishes. */
  onRun?: (r: ArmRun) => void;
}

/** Runs every arm and seed on the runner (in parallel up to its size) and summarises. */
export async function runExperiment(partial: Partial<ExperimentOptions>, hooks: ExperimentHooks): Promise<ExperimentResult> {
  const o = validateExperimentOptions(partial);
  const arms: ArmName[] = o.curriculum ? ['fixed', 'curriculum', 'varying'] : ['fixed', 'varying'];
  const startedAt = new Date().toISOString();
  const t0 = now();
  // Longest tasks first (the fixed arm never stops early), so the last worker to finish is not the slowest task.
  const specs: ArmSpec[] = arms.flatMap((arm) => o.seeds.map((seed) => ({ arm, seed, options: o })));
  const settled = await Promise.allSettled(
    specs.map(async (spec) => {
      const out = await hooks.runner.run({ kind: 'experiment-arm', spec }, (e) => hooks.onEvent?.(e as ArmEvent));
      if (!out.ok) {
        const err = out.error.name === 'ParityError' ? new ParityError(out.error.message) : new Error(out.error.message);
        throw err;
      }
      const run = out.value as ArmRun;
      hooks.onRun?.(run);
      return run;
    }),
  );
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const runs = settled.map((s) => (s as PromiseFulfilledResult<ArmRun>).value);
  return summarizeExperiment({ options: o, startedAt, wallSeconds: (now() - t0) / 1000, workers: hooks.runner.size, runs });
}
