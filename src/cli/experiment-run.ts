// The run of `parity-lstm experiment openai` (its options and help are in experiment.ts): fixed length 50 against
// lengths 1..50 (several seeds, on worker threads), and a report folder with tables, charts and the measured
// explanation of the difference.

import * as path from 'node:path';
import { int, pct } from '../core/format.js';
import { ARM_LABEL, settingDifferences, type ArmEvent, type ArmName, type ExperimentOptions, type ExperimentResult } from '../research/experiment/index.js';
import { runExperimentToDir } from '../node/sweep-files.js';
import { defaultWorkers, nodeWorkerPool } from '../node/workers.js';
import { seconds, loss } from '../core/format.js';
import { liveOn, onInterrupt, packageVersion, type CliIO } from './io.js';
import type { CellKind } from '../core/layout.js';

export interface ExperimentFlags {
  datasetSize: number;
  seeds: number;
  epochs: number;
  hidden: number;
  batch: number;
  lr: number;
  cell: CellKind;
  curriculum?: boolean;
  earlyStop?: boolean;
  evalEvery: number;
  workers?: number;
  out: string;
  json?: boolean;
  /** Run the arms as jobs on this Redis queue (node/queue.ts) instead of local worker threads. */
  queue?: string;
}

export async function experimentAction(flags: ExperimentFlags, io: CliIO): Promise<void> {
  const options: Partial<ExperimentOptions> = {
    datasetSize: flags.datasetSize,
    seeds: Array.from({ length: flags.seeds }, (_, i) => i + 1),
    epochs: flags.epochs,
    hidden: flags.hidden,
    batch: flags.batch,
    lr: flags.lr,
    cell: flags.cell,
    curriculum: flags.curriculum === true,
    earlyStop: flags.earlyStop === true,
    evalEvery: flags.evalEvery,
  };
  const arms: ArmName[] = options.curriculum ? ['fixed', 'curriculum', 'varying'] : ['fixed', 'varying'];
  const runsTotal = arms.length * flags.seeds;
  const workers = Math.min(flags.workers ?? defaultWorkers(), runsTotal);
  const L = 50;
  const label = (a: ArmName): string => ARM_LABEL[a](L);
  const live = liveOn(flags.json ? io.stderr : io.stdout);
  const state = new Map<string, ArmEvent>();
  const finished = new Set<string>();
  const t0 = Date.now();
  live.log(
    `experiment openai: ${arms.map(label).join(', ')}; ${flags.seeds} seed${flags.seeds === 1 ? '' : 's'} each = ${runsTotal} runs of ` +
      `${flags.epochs} epoch${flags.epochs === 1 ? '' : 's'} over ${int(flags.datasetSize)} strings, on ${workers} worker${workers === 1 ? '' : 's'}; report in ${flags.out}/`,
  );
  const status = (): string => {
    const running = [...state.entries()]
      .filter(([k]) => !finished.has(k))
      .map(([, e]) => `${e.arm} s${e.seed} ${Math.round((100 * e.step) / e.totalSteps)}%${e.solvedAtStep !== null ? ' ✔' : ''}`);
    return `${finished.size}/${runsTotal} runs done · ${seconds((Date.now() - t0) / 1000)}${running.length ? ' │ ' + running.join(' │ ') : ''}`;
  };
  // bullmq loads only with --queue: every other command starts without it.
  const runner = flags.queue ? await (await import('../node/queue.js')).queueRunner(flags.queue) : nodeWorkerPool(workers);
  let interrupted = false;
  const release = onInterrupt(() => {
    interrupted = true;
    void runner.close();
  });
  let result: ExperimentResult;
  let files: string[];
  try {
    ({ result, files } = await runExperimentToDir({
      options,
      out: flags.out,
      runner,
      env: { version: packageVersion(), runtime: `Node ${process.versions.node}` },
      onEvent: (e) => {
        const k = `${e.arm}/${e.seed}`;
        const prev = state.get(k);
        state.set(k, e);
        if (e.epochRow) {
          const r = e.epochRow;
          live.log(
            `  ${label(e.arm)}, seed ${e.seed}: epoch ${r.epoch}/${flags.epochs}  held-out acc ${pct(r.accFixed)} (len ${L}), ` +
              `${pct(r.accLonger)} (${L}..${2 * L})  loss ${loss(r.lossFixed)}`,
          );
        } else if (e.solvedAtStep !== null && prev?.solvedAtStep == null) {
          live.log(`  ${label(e.arm)}, seed ${e.seed}: solved at step ${int(e.solvedAtStep)}`);
        }
        live.update(status());
      },
      onRun: (run) => {
        finished.add(`${run.arm}/${run.seed}`);
        live.log(
          `${run.solved ? '✔' : '✘'} ${label(run.arm)}, seed ${run.seed}: ` +
            (run.solved ? `solved at step ${int(run.solvedAtStep!)}` : `not solved in ${int(run.steps)} steps`) +
            ` · final ${pct(run.epochs.at(-1)?.accLonger)} on ${L}..${2 * L} · ${seconds(run.wallSeconds)}`,
        );
        live.update(status(), true);
      },
    }));
  } catch (e) {
    live.done();
    if (interrupted) {
      io.stderr.write(`stopped: interrupted before the report was written\n`);
      return;
    }
    throw e;
  } finally {
    release();
    await runner.close();
  }
  live.done();
  if (flags.json) {
    const { runs, ...rest } = result;
    io.stdout.write(
      JSON.stringify({
        ...rest,
        runs: runs.map((r) => ({ arm: r.arm, seed: r.seed, solved: r.solved, solvedAtStep: r.solvedAtStep, steps: r.steps, epochs: r.epochs, seconds: r.seconds })),
        files,
      }) + '\n',
    );
    return;
  }
  const w = Math.max(...result.arms.map((a) => a.label.length));
  const lines = ['', `results (${seconds(result.wallSeconds)}, ${result.workers} workers, ${(result.cpuSeconds / result.wallSeconds).toFixed(1)}x in parallel):`];
  for (const a of result.arms) {
    const s = a.stepsToSolve;
    lines.push(
      `  ${a.label.padEnd(w)}  ${a.solved}/${a.seeds} solved  ` +
        (s ? `median step ${int(s.median)} (${int(s.min)}..${int(s.max)})` : 'never solved').padEnd(32) +
        `  final acc ${pct(a.epochAccFixed.at(-1))} at ${L}, ${pct(a.epochAccLonger.at(-1))} at ${L}..${2 * L}` +
        `  held-out loss at ${L}: ${loss(a.epochLossFixed.at(-1)!)}` +
        (a.judged.judged > 0 ? `  · of ${a.judged.judged} solved at the end: ${a.judged.refuted} refuted, ${a.judged.robust} robust, ${a.judged.certified} certified` : ''),
    );
  }
  const diffs = settingDifferences(result.options);
  if (diffs.length) lines.push(`  (not PyTorch's settings: ${diffs.join('; ')})`);
  for (const c of result.comparison) lines.push(`  PyTorch, ${c.what}: ${c.agrees ? 'agrees' : 'DISAGREES'} (${c.ours})`);
  lines.push('', `report: ${path.join(flags.out, 'report.md')}  (charts: ${files.filter((f) => f.endsWith('.svg')).map((f) => path.basename(f)).join(', ')})`);
  io.stdout.write(lines.join('\n') + '\n');
}
