// The run of `parity-lstm sweep` (its options and help are in sweep.ts): every combination of settings and seeds
// on worker threads, each result appended to a JSON-lines file as it finishes, so a rerun with the same file skips
// what is done; a table and an SVG chart.

import { ParityError } from '../core/errors.js';
import { int, pct } from '../core/format.js';
import { validateConfig, type TrainConfig } from '../train/config.js';
import { expandGrid, summarizeSweep, sweepChart, sweepSpeed, sweepTable, type SweepGrid, type SweepResult } from '../research/sweep.js';
import { renderSvg } from '../charts/render.js';
import { checkWritable, writeFileAtomic } from '../node/files.js';
import { readGridFile, runSweepWithFile } from '../node/sweep-files.js';
import { defaultWorkers } from '../node/workers.js';
import type { QueueProgress } from '../node/queue.js';
import { seconds } from '../core/format.js';
import { liveOn, onInterrupt, type CliIO } from './io.js';
import type { CellKind } from '../core/layout.js';

export interface SweepFlags {
  cell?: CellKind[];
  hidden?: number[];
  lr?: number[];
  batch?: number[];
  optimizer?: ('adam' | 'sgd')[];
  clip?: (number | null)[];
  lengths?: [number, number][];
  seeds?: number;
  grid?: string;
  steps?: number;
  untilSolved?: boolean;
  evalEvery?: number;
  evalCount?: number;
  evalMinLen?: number;
  evalMaxLen?: number;
  confirmCount?: number;
  datasetSize?: number;
  workers?: number;
  results: string;
  chart?: string;
  json?: boolean;
  /** Run the grid as jobs on this Redis queue (node/queue.ts) instead of local worker threads. */
  queue?: string;
}

/** The grid a sweep command describes: the --grid file, with the command line's dimensions and settings on top. */
export function sweepGridFromFlags(flags: SweepFlags): SweepGrid {
  const grid: SweepGrid = flags.grid ? { ...readGridFile(flags.grid) } : {};
  if (flags.cell) grid.cell = flags.cell;
  if (flags.hidden) grid.hidden = flags.hidden;
  if (flags.lr) grid.lr = flags.lr;
  if (flags.batch) grid.batch = flags.batch;
  if (flags.optimizer) grid.optimizer = flags.optimizer;
  if (flags.clip) grid.clip = flags.clip;
  if (flags.lengths) grid.lengths = flags.lengths;
  if (flags.seeds !== undefined) grid.seeds = flags.seeds;
  const base: Partial<TrainConfig> = { ...grid.base };
  const set = <K extends keyof TrainConfig>(k: K, v: TrainConfig[K] | undefined): void => {
    if (v !== undefined) base[k] = v;
  };
  set('steps', flags.steps);
  set('untilSolved', flags.untilSolved);
  set('evalEvery', flags.evalEvery);
  set('evalCount', flags.evalCount);
  set('evalMinLen', flags.evalMinLen);
  set('evalMaxLen', flags.evalMaxLen);
  set('confirmCount', flags.confirmCount);
  set('datasetSize', flags.datasetSize);
  grid.base = base;
  // Settings shared by every run are checked now: one error line instead of every run failing the same way.
  validateConfig(base);
  return grid;
}

export async function sweepAction(flags: SweepFlags, io: CliIO): Promise<void> {
  const grid = sweepGridFromFlags(flags);
  const runs = expandGrid(grid);
  if (runs.length === 0) throw new ParityError('the sweep has no runs');
  const chart = flags.chart ?? flags.results.replace(/\.jsonl?$/i, '') + '.svg';
  checkWritable(flags.results, 'results file');
  checkWritable(chart, 'chart');
  const settings = [...new Set(runs.map((r) => r.setting))];
  const live = liveOn(flags.json ? io.stderr : io.stdout);
  const controller = new AbortController();
  const release = onInterrupt(() => controller.abort());
  const t0 = Date.now();
  let solved = 0;
  let failed = 0;
  let ran = 0;
  let started = false;
  const total = runs.length;
  let alreadyDone = 0;
  const status = (done: number): string => {
    const width = 12;
    const full = Math.round((done / total) * width);
    const el = (Date.now() - t0) / 1000;
    const rate = ran > 0 ? (ran * 60) / el : 0;
    const eta = ran > 0 ? ((total - done) * el) / ran : NaN;
    return (
      `sweep ${'█'.repeat(full)}${'░'.repeat(width - full)} ${done}/${total} · ${solved} solved · ${failed} failed · ` +
      `${rate.toFixed(1)} runs/min · ${seconds(el)}${Number.isFinite(eta) ? ` · ETA ${seconds(eta)}` : ''}`
    );
  };
  const workersWanted = flags.workers ?? defaultWorkers();
  let outcome;
  let queueLine = ''; // with --queue: workers and jobs in flight, on the progress line
  const onQueue = (p: QueueProgress): void => {
    const w = !p.workers
      ? ''
      : p.workers.processes === 0
        ? ' · no worker yet: start `parity-lstm worker --queue URL`'
        : ` · ${p.workers.processes} worker${p.workers.processes === 1 ? '' : 's'}/${p.workers.slots} slots`;
    queueLine = `${w} · ${p.inFlight} running${p.failed ? ` · ${p.failed} crashed` : ''}`;
    live.update(status(total - p.inFlight - p.waiting) + queueLine);
  };
  // bullmq loads only with --queue: every other command starts without it.
  const sweepOn = async (o: Parameters<typeof runSweepWithFile>[0]): ReturnType<typeof runSweepWithFile> =>
    flags.queue ? (await import('../node/queue.js')).queueSweep({ ...o, queue: flags.queue, onProgress: onQueue }) : runSweepWithFile(o);
  try {
    outcome = await sweepOn({
      runs,
      results: flags.results,
      workers: workersWanted,
      signal: controller.signal,
      onResult: (r, done) => {
        if (!started) started = true;
        ran++;
        if (r.status !== 'ok') failed++;
        else if (r.solved) solved++;
        const what =
          r.status !== 'ok'
            ? `${r.status === 'crashed' ? 'crashed' : 'failed'}: ${r.error}`
            : r.solved
              ? `solved at step ${int(r.solvedAtStep ?? r.steps)} in ${seconds(r.secondsToSolve ?? r.wallSeconds)}`
              : `not solved in ${int(r.steps)} steps (confirm ${pct(r.confirmAccuracy)})`;
        if (!live.live || r.status !== 'ok') live.log(`[${done}/${total}] ${r.setting} seed ${r.seed}: ${what}`);
        live.update(status(done) + queueLine, true);
      },
    });
  } finally {
    release();
  }
  live.done();
  alreadyDone = outcome.skipped;
  const rows = summarizeSweep(outcome.all, settings);
  const speed = sweepSpeed(outcome.results, outcome.wallSeconds);
  const svg = await renderSvg(sweepChart(rows));
  writeFileAtomic(chart, svg, 'chart');
  const failedRuns = outcome.all.filter((r: SweepResult) => r.status !== 'ok');
  if (flags.json) {
    io.stdout.write(
      JSON.stringify({
        results: flags.results,
        chart,
        runs: total,
        ranNow: outcome.results.length,
        skipped: alreadyDone,
        stopped: outcome.stopped,
        workers: outcome.workers,
        summary: rows,
        speed,
        failed: failedRuns.map((r) => ({ setting: r.setting, seed: r.seed, status: r.status, error: r.error })),
      }) + '\n',
    );
    return;
  }
  const lines: string[] = [];
  if (outcome.repaired) lines.push(`note: cut off a torn last line in ${flags.results} (a sweep killed while writing)`);
  if (outcome.stopped) lines.push(`stopped: ${outcome.results.length} runs finished now; run the same command again to continue`);
  lines.push(
    `${total} runs (${settings.length} setting${settings.length === 1 ? '' : 's'} x ${runs.filter((r) => r.setting === settings[0]).length} seeds): ` +
      `${outcome.results.length} ran now, ${alreadyDone} already in ${flags.results}`,
    '',
    sweepTable(rows),
    '',
  );
  if (speed.runs > 0) {
    lines.push(
      `speed: ${speed.runsPerMinute.toFixed(1)} runs/min on ${outcome.workers} worker${outcome.workers === 1 ? '' : 's'}; ` +
        `one worker: ${speed.singleWorkerRunsPerMinute.toFixed(1)} runs/min (from the runs' own durations: ` +
        `${seconds(speed.runSeconds)} of runs in ${seconds(speed.wallSeconds)} of wall time = ${speed.speedup.toFixed(2)}x)`,
    );
  }
  if (failedRuns.length) lines.push(`${failedRuns.length} run${failedRuns.length === 1 ? '' : 's'} failed: ${failedRuns[0].setting} seed ${failedRuns[0].seed}: ${failedRuns[0].error}`);
  lines.push(`results: ${flags.results}`, `chart: ${chart}`);
  io.stdout.write(lines.join('\n') + '\n');
}
