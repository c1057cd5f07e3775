// The CLI's research commands: `experiment openai` (fixed length 50 against lengths 1..50, a report folder with
// tables, charts and the measured explanation), `sweep` (a grid of settings x seeds on worker threads, resumable
// from its results file) and runCurve (accuracy against length, for `eval --curve`). src/cli.ts registers them.
// Options are checked in their parsers (InvalidArgumentError); bad input found later throws ParityError. Both end
// as one `error: ...` line and exit 2 in the main CLI.

import { Command, Option, InvalidArgumentError } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParityError } from '../core/errors.js';
import { type Model } from '../core/model.js';
import { validateConfig, type TrainConfig } from '../train/config.js';
import { ARM_LABEL, pct, settingDifferences, type ArmEvent, type ArmName, type ExperimentOptions, type ExperimentResult } from '../research/experiment.js';
import {
  expandGrid,
  parseLengthRange,
  summarizeSweep,
  sweepChart,
  sweepSpeed,
  sweepTable,
  type SweepGrid,
  type SweepResult,
} from '../research/sweep.js';
import { readGridFile, runExperimentToDir, runSweepWithFile } from '../node/sweep-files.js';
import { defaultWorkers, nodeWorkerPool } from '../node/workers.js';
import { lengthCurve, resolveCurveLengths, type CurveRow } from '../train/curve.js';
import { lengthAccuracySpec } from '../charts/specs.js';
import { renderSvg } from '../charts/render.js';
import { writeFileAtomic } from '../node/files.js';
import { int } from '../core/format.js';
// ---- queue (issue 11): the lines marked "queue" are all it adds to this file; bullmq loads only with --queue ----
import type { QueueProgress } from '../node/queue.js';
const queueModule = () => import('../node/queue.js'); // queue

type Out = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
export interface CliIO {
  stdout: Out;
  stderr: Out;
}
const processIO = (): CliIO => ({ stdout: process.stdout, stderr: process.stderr });

// ---- option parsers ---------------------------------------------------------------------------------------------

function intIn(lo: number, hi: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < lo || n > hi) {
      throw new InvalidArgumentError(`must be an integer from ${lo.toLocaleString('en-US')} to ${hi.toLocaleString('en-US')}`);
    }
    return n;
  };
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number greater than 0');
  return n;
}

function learningRate(v: string): number {
  const n = positiveNumber(v);
  if (n > 10) throw new InvalidArgumentError('is far too large: use a value such as 0.01');
  return n;
}

/** A comma-separated list, each item through `item`; the error names the bad item. */
function listOf<T>(item: (v: string) => T): (v: string) => T[] {
  return (v) => {
    const parts = v.split(',').map((s) => s.trim());
    if (parts.some((p) => p === '')) throw new InvalidArgumentError('must be a comma-separated list without empty items');
    return parts.map((p) => {
      try {
        return item(p);
      } catch (e) {
        throw new InvalidArgumentError(`item ${JSON.stringify(p)} ${(e as Error).message}`);
      }
    });
  };
}

const cellItem = (v: string): 'lstm' | 'rnn' => {
  if (v !== 'lstm' && v !== 'rnn') throw new InvalidArgumentError('must be lstm or rnn');
  return v;
};
const optimizerItem = (v: string): 'adam' | 'sgd' => {
  if (v !== 'adam' && v !== 'sgd') throw new InvalidArgumentError('must be adam or sgd');
  return v;
};
const clipItem = (v: string): number | null => (v === 'off' || v === 'none' ? null : positiveNumber(v));
const rangeItem = (v: string): [number, number] => {
  let r: [number, number];
  try {
    r = parseLengthRange(v);
  } catch {
    throw new InvalidArgumentError('must look like 1-20 (min-max)');
  }
  if (r[0] < 1 || r[0] > r[1] || r[1] > 1_000_000) throw new InvalidArgumentError('must have 1 <= min <= max <= 1,000,000');
  return r;
};

// ---- live progress ----------------------------------------------------------------------------------------------

/** One line redrawn in place on a terminal (at most 10 times a second); plain lines otherwise. */
class LiveLine {
  private text = '';
  private last = 0;
  private drawn = false;
  readonly tty: boolean;
  constructor(private readonly out: Out) {
    this.tty = out.isTTY === true && !process.env.CI;
  }
  private draw(): void {
    const width = Math.max(20, (this.out.columns || 100) - 1);
    this.out.write(`\r\x1b[2K${this.text.length > width ? this.text.slice(0, width - 1) + '…' : this.text}`);
    this.drawn = true;
    this.last = Date.now();
  }
  /** The live status (terminals only). */
  update(text: string, force = false): void {
    this.text = text;
    if (this.tty && (force || Date.now() - this.last > 100)) this.draw();
  }
  /** A permanent line: above the live line on a terminal, a plain line otherwise. */
  log(line: string): void {
    if (this.tty && this.drawn) this.out.write('\r\x1b[2K');
    this.out.write(line + '\n');
    if (this.tty && this.text) this.draw();
  }
  done(): void {
    if (this.tty && this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }
}

const lossText = (x: number): string => (x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toFixed(4));
const secs = (s: number): string =>
  !Number.isFinite(s) || s < 0 ? '—' : s < 10 ? `${s.toFixed(2)} s` : s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${String(Math.floor(s % 60)).padStart(2, '0')} s`;

/** Stops on the first Ctrl-C: `stop` runs, and the command ends with exit code 130 after tidying up. */
function onInterrupt(stop: () => void): () => void {
  const handler = (): void => {
    process.exitCode = 130;
    stop();
  };
  process.once('SIGINT', handler);
  return () => process.removeListener('SIGINT', handler);
}

function checkDirFor(file: string, what: string): void {
  const dir = path.dirname(path.resolve(file));
  let ok = false;
  try {
    ok = fs.statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new ParityError(`cannot write ${what} ${file}: its directory ${path.dirname(file)} does not exist`);
}

function packageVersion(): string | undefined {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version;
  } catch {
    return undefined;
  }
}

// ---- experiment openai ------------------------------------------------------------------------------------------

interface ExperimentFlags {
  datasetSize: number;
  seeds: number;
  epochs: number;
  hidden: number;
  batch: number;
  lr: number;
  cell: 'lstm' | 'rnn';
  curriculum?: boolean;
  earlyStop?: boolean;
  evalEvery: number;
  workers?: number;
  out: string;
  json?: boolean;
  queue?: string; // queue
}

async function experimentAction(flags: ExperimentFlags, io: CliIO): Promise<void> {
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
  const live = new LiveLine(flags.json ? io.stderr : io.stdout);
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
    return `${finished.size}/${runsTotal} runs done · ${secs((Date.now() - t0) / 1000)}${running.length ? ' │ ' + running.join(' │ ') : ''}`;
  };
  const runner = flags.queue ? await (await queueModule()).queueRunner(flags.queue) : nodeWorkerPool(workers); // queue
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
              `${pct(r.accLonger)} (${L}..${2 * L})  loss ${lossText(r.lossFixed)}`,
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
            ` · final ${pct(run.epochs.at(-1)?.accLonger)} on ${L}..${2 * L} · ${secs(run.wallSeconds)}`,
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
  const lines = ['', `results (${secs(result.wallSeconds)}, ${result.workers} workers, ${(result.cpuSeconds / result.wallSeconds).toFixed(1)}x in parallel):`];
  for (const a of result.arms) {
    const s = a.stepsToSolve;
    lines.push(
      `  ${a.label.padEnd(w)}  ${a.solved}/${a.seeds} solved  ` +
        (s ? `median step ${int(s.median)} (${int(s.min)}..${int(s.max)})` : 'never solved').padEnd(32) +
        `  final acc ${pct(a.epochAccFixed.at(-1))} at ${L}, ${pct(a.epochAccLonger.at(-1))} at ${L}..${2 * L}` +
        `  held-out loss at ${L}: ${lossText(a.epochLossFixed.at(-1)!)}`,
    );
  }
  const diffs = settingDifferences(result.options);
  if (diffs.length) lines.push(`  (not PyTorch's settings: ${diffs.join('; ')})`);
  for (const c of result.comparison) lines.push(`  PyTorch, ${c.what}: ${c.agrees ? 'agrees' : 'DISAGREES'} (${c.ours})`);
  lines.push('', `report: ${path.join(flags.out, 'report.md')}  (charts: ${files.filter((f) => f.endsWith('.svg')).map((f) => path.basename(f)).join(', ')})`);
  io.stdout.write(lines.join('\n') + '\n');
}

// ---- sweep ------------------------------------------------------------------------------------------------------

interface SweepFlags {
  cell?: ('lstm' | 'rnn')[];
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
  queue?: string; // queue
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

async function sweepAction(flags: SweepFlags, io: CliIO): Promise<void> {
  const grid = sweepGridFromFlags(flags);
  const runs = expandGrid(grid);
  if (runs.length === 0) throw new ParityError('the sweep has no runs');
  const chart = flags.chart ?? flags.results.replace(/\.jsonl?$/i, '') + '.svg';
  checkDirFor(flags.results, 'results file');
  checkDirFor(chart, 'chart');
  const settings = [...new Set(runs.map((r) => r.setting))];
  const live = new LiveLine(flags.json ? io.stderr : io.stdout);
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
      `${rate.toFixed(1)} runs/min · ${secs(el)}${Number.isFinite(eta) ? ` · ETA ${secs(eta)}` : ''}`
    );
  };
  const workersWanted = flags.workers ?? defaultWorkers();
  let outcome;
  let queueLine = ''; // queue: workers and jobs in flight, on the progress line
  const onQueue = (p: QueueProgress): void => {
    const w = !p.workers ? '' : p.workers.processes === 0 ? ' · no worker yet: start `parity-lstm worker --queue URL`' : ` · ${p.workers.processes} worker${p.workers.processes === 1 ? '' : 's'}/${p.workers.slots} slots`;
    queueLine = `${w} · ${p.inFlight} running${p.failed ? ` · ${p.failed} crashed` : ''}`;
    live.update(status(total - p.inFlight - p.waiting) + queueLine);
  };
  const sweepOn = async (o: Parameters<typeof runSweepWithFile>[0]) =>
    flags.queue ? (await queueModule()).queueSweep({ ...o, queue: flags.queue, onProgress: onQueue }) : runSweepWithFile(o); // queue
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
              ? `solved at step ${int(r.solvedAtStep ?? r.steps)} in ${secs(r.secondsToSolve ?? r.wallSeconds)}`
              : `not solved in ${int(r.steps)} steps (confirm ${pct(r.confirmAccuracy)})`;
        if (!live.tty || r.status !== 'ok') live.log(`[${done}/${total}] ${r.setting} seed ${r.seed}: ${what}`);
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
        `${secs(speed.runSeconds)} of runs in ${secs(speed.wallSeconds)} of wall time = ${speed.speedup.toFixed(2)}x)`,
    );
  }
  if (failedRuns.length) lines.push(`${failedRuns.length} run${failedRuns.length === 1 ? '' : 's'} failed: ${failedRuns[0].setting} seed ${failedRuns[0].seed}: ${failedRuns[0].error}`);
  lines.push(`results: ${flags.results}`, `chart: ${chart}`);
  io.stdout.write(lines.join('\n') + '\n');
}

// ---- registration -----------------------------------------------------------------------------------------------

/** Adds `experiment openai` and `sweep` to a commander program. `io` is for tests (default: process streams). */
export function registerExperimentCommands(program: Command, io: CliIO = processIO()): void {
  const experiment = program.command('experiment').description('reproducible experiments with a report folder');
  experiment
    .command('openai')
    .description(
      'train on 100,000 strings of length 50 and on 100,000 of lengths 1..50 (several seeds, in parallel); ' +
        'write a report with tables, charts and the measured explanation of the difference',
    )
    .option('--dataset-size <n>', 'strings per dataset', intIn(1, 10_000_000), 100_000)
    .option('--seeds <n>', 'seeds 1..N for every arm', intIn(1, 1000), 3)
    .option('--epochs <n>', 'passes over each dataset', intIn(1, 10_000), 10)
    .option('--hidden <n>', 'hidden size', intIn(1, 1024), 8)
    .option('--batch <n>', 'strings per step', intIn(1, 65536), 64)
    .option('--lr <x>', 'Adam learning rate', learningRate, 0.01)
    .addOption(new Option('--cell <cell>', 'recurrent cell').choices(['lstm', 'rnn']).default('lstm'))
    .option('--curriculum', 'add a third arm: lengths growing 1..50 over the first epoch, then 50 only')
    .option('--early-stop', 'stop the varying-length arms once solved (the fixed arm always runs every epoch)')
    .option('--eval-every <n>', 'steps between held-out checks', intIn(1, 1_000_000), 50)
    .option('--workers <n>', 'worker threads (default: one per core)', intIn(1, 256))
    .option('--out <dir>', 'report folder', 'report')
    .option('--json', 'print the results as JSON on stdout (progress goes to stderr)')
    .option('--queue <url>', 'run the arms as jobs on a Redis queue (redis://HOST:PORT[/DB]) served by `parity-lstm worker`') // queue
    .action((flags: ExperimentFlags) => experimentAction(flags, io));

  program
    .command('sweep')
    .description(
      'train every combination of settings and seeds on worker threads; each result is appended to --results as it ' +
        'finishes, and a rerun with the same file skips what is done',
    )
    .option('--cell <list>', 'cells, e.g. lstm,rnn', listOf(cellItem))
    .option('--hidden <list>', 'hidden sizes, e.g. 4,8', listOf(intIn(1, 1024)))
    .option('--lr <list>', 'learning rates, e.g. 0.01,0.003', listOf(learningRate))
    .option('--batch <list>', 'batch sizes, e.g. 10,32', listOf(intIn(1, 65536)))
    .option('--lengths <list>', 'training length ranges, e.g. 1-20,1-50', listOf(rangeItem))
    .option('--optimizer <list>', 'optimizers: adam,sgd', listOf(optimizerItem))
    .option('--clip <list>', 'gradient-norm clips, e.g. off,1', listOf(clipItem))
    .option('--seeds <n>', 'seeds 1..N for every setting (default 5)', intIn(1, 100_000))
    .option('--grid <file>', 'a JSON grid: {"cell": [...], "hidden": [...], "lengths": ["1-20"], "seeds": 10, "base": {...}}')
    .option('--steps <n>', 'most steps per run', intIn(1, 100_000_000))
    .option('--until-solved', 'stop each run once solved (default)')
    .option('--no-until-solved', 'run every step')
    .option('--eval-every <n>', 'steps between evaluations', intIn(1, 100_000_000))
    .option('--eval-count <n>', 'generalisation strings', intIn(1, 1_000_000))
    .option('--eval-min-len <n>', 'shortest generalisation string', intIn(1, 1_000_000))
    .option('--eval-max-len <n>', 'longest generalisation string', intIn(1, 1_000_000))
    .option('--confirm-count <n>', 'fresh strings that confirm a solve', intIn(1, 1_000_000))
    .option('--dataset-size <n>', 'train on a fixed dataset of N strings per run', intIn(1, 10_000_000))
    .option('--workers <n>', 'worker threads (default: one per core)', intIn(1, 256))
    .option('--results <file>', 'JSON-lines results file (appended; reused to resume)', 'sweep-results.jsonl')
    .option('--chart <file>', 'SVG chart (default: the results file with .svg)')
    .option('--json', 'print the summary as JSON on stdout (progress goes to stderr)')
    .option('--queue <url>', 'run the grid as jobs on a Redis queue (redis://HOST:PORT[/DB]) served by `parity-lstm worker` on any hosts') // queue
    .action((flags: SweepFlags) => sweepAction(flags, io));
}

// ---- eval --curve -----------------------------------------------------------------------------------------------

export interface CurveCommandOptions {
  model: Model;
  /** Shown in the chart's title and the JSON (e.g. the model file's name). */
  modelName?: string;
  /** The 1-2-5 series up to this length (default 10,000); ignored with `lengths`. */
  max?: number;
  lengths?: number[];
  /** Strings per length (default 100). */
  count?: number;
  seed?: number;
  /** Where to write the SVG chart (default curve.svg); null: no chart. */
  chart?: string | null;
  /** Print JSON instead of the table. */
  json?: boolean;
  io?: CliIO;
}

/** Accuracy against string length for one model: a table (or JSON) on stdout and an SVG chart. */
export async function runCurve(opts: CurveCommandOptions): Promise<void> {
  const io = opts.io ?? processIO();
  const chart = opts.chart === undefined ? 'curve.svg' : opts.chart;
  if (chart !== null) checkDirFor(chart, 'chart');
  const lengths = resolveCurveLengths({ lengths: opts.lengths, maxLength: opts.max });
  const count = opts.count ?? 100;
  const t0 = Date.now();
  const rows: CurveRow[] = lengthCurve(opts.model, { lengths, count, seed: opts.seed ?? 0 });
  const seconds = (Date.now() - t0) / 1000;
  const name = opts.modelName ?? 'model';
  if (chart !== null) {
    const spec = lengthAccuracySpec(
      rows.map((r) => ({ series: name, length: r.length, accuracy: r.accuracy })),
      `Accuracy by string length: ${name} (${int(count)} fresh strings per length)`,
    );
    writeFileAtomic(chart, await renderSvg(spec), 'chart');
  }
  if (opts.json) {
    io.stdout.write(JSON.stringify({ model: name, count, seed: opts.seed ?? 0, rows, chart, seconds }) + '\n');
    return;
  }
  const head = ['length', 'strings', 'right', 'accuracy', 'loss'];
  const body = rows.map((r) => [int(r.length), int(r.count), int(r.correct), pct(r.accuracy), lossText(r.loss)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells: string[]): string => '  ' + cells.map((c, i) => c.padStart(w[i])).join('  ');
  const bar = (a: number): string => '█'.repeat(Math.round(a * 20)) + '░'.repeat(20 - Math.round(a * 20));
  const lines = [fmt(head), ...body.map((b, k) => `${fmt(b)}  ${bar(rows[k].accuracy)}`)];
  const firstWrong = rows.find((r) => r.accuracy < 1);
  lines.push(
    '',
    firstWrong
      ? `  all right up to length ${rows.filter((r) => r.length < firstWrong.length).at(-1)?.length ?? '—'}; first error at length ${int(firstWrong.length)} (${pct(firstWrong.accuracy)})`
      : `  every string right, up to length ${int(rows.at(-1)!.length)}`,
    `  ${secs(seconds)}${chart !== null ? ` · chart: ${chart}` : ''}`,
  );
  io.stdout.write(lines.join('\n') + '\n');
}
