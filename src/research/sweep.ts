// Sweeps: a grid of settings x seeds, each run one 'sweep-run' task on a TaskRunner (runner.ts), the results
// file's lines, and the summary. Browser-safe: no node:* here.

import { train } from '../train/train.js';
import { DEFAULT_CONFIG, parseLengthRange, type TrainConfig } from '../train/config.js';
import { ParityError } from '../core/errors.js';
import { median } from '../core/stats.js';
import { int, pct } from '../core/format.js';
import { errorInfo, type TaskRunner } from './runner.js';
import { countJudged, judge, type JudgedCounts, type Judgement } from './judge.js';
import { sweepSpec, type VegaLiteSpec } from '../charts/specs.js';

// In train/config.ts since the CLI parses --lengths with it (without loading sweeps); exported here as before.
export { parseLengthRange };

// ---- the grid ---------------------------------------------------------------------------------------------------

/** The dimensions a sweep can vary, besides seeds. Values are passed through: a bad one fails its runs. */
export interface SweepGrid {
  cell?: unknown[];
  hidden?: unknown[];
  lr?: unknown[];
  batch?: unknown[];
  optimizer?: unknown[];
  clip?: unknown[];
  /** Training length ranges: "1-20" or [1, 20]. */
  lengths?: (string | [number, number])[];
  /** N (seeds 1..N) or the seeds themselves. */
  seeds?: number | number[];
  /** Settings every run shares (TrainConfig fields): steps, untilSolved, evalEvery, ... */
  base?: Partial<TrainConfig>;
}

const DIMENSIONS = ['cell', 'hidden', 'lr', 'batch', 'optimizer', 'clip', 'lengths'] as const;
const GRID_KEYS = new Set<string>([...DIMENSIONS, 'seeds', 'base']);
const BASE_KEYS = new Set<string>(Object.keys(DEFAULT_CONFIG).filter((k) => k !== 'dataset' && k !== 'seed'));


/** Checks the shape of a grid (an object of non-empty arrays with known names), e.g. one read from a JSON file. */
export function parseGrid(json: unknown, what = 'grid'): SweepGrid {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ParityError(`${what} must be a JSON object`);
  const g = json as Record<string, unknown>;
  for (const k of Object.keys(g)) {
    if (!GRID_KEYS.has(k)) throw new ParityError(`${what} has an unknown key ${JSON.stringify(k)}: use ${[...GRID_KEYS].join(', ')}`);
  }
  for (const k of DIMENSIONS) {
    const v = g[k];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.length === 0) throw new ParityError(`${what}: ${k} must be a non-empty array`);
  }
  if (g.lengths) (g.lengths as (string | [number, number])[]).forEach((s) => parseLengthRange(s));
  if (g.seeds !== undefined) {
    const s = g.seeds;
    const ok = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
    if (typeof s === 'number' ? !(ok(s) && s >= 1) : !(Array.isArray(s) && s.length > 0 && s.every(ok))) {
      throw new ParityError(`${what}: seeds must be a count N (seeds 1..N) or a non-empty array of seeds`);
    }
  }
  if (g.base !== undefined) {
    if (typeof g.base !== 'object' || g.base === null || Array.isArray(g.base)) throw new ParityError(`${what}: base must be an object`);
    for (const k of Object.keys(g.base)) {
      if (!BASE_KEYS.has(k)) throw new ParityError(`${what}: base has an unknown setting ${JSON.stringify(k)}`);
    }
  }
  return g as SweepGrid;
}

export interface SweepRun {
  /** Identifies the run in a results file: the canonical JSON of its whole config. */
  key: string;
  /** The setting without the seed, e.g. "lstm h8 lr0.01 b10 len1-20". */
  setting: string;
  seed: number;
  config: Partial<TrainConfig>;
}

/** JSON with sorted keys, so equal configs give equal keys. */
function canonical(o: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]])));
}

export function seedList(seeds: number | number[] | undefined): number[] {
  if (seeds === undefined) return [1, 2, 3, 4, 5];
  return typeof seeds === 'number' ? Array.from({ length: seeds }, (_, i) => i + 1) : seeds;
}

/** Every combination of the grid's values, seeds innermost, in the order the values are given. */
export function expandGrid(grid: SweepGrid): SweepRun[] {
  const dims = DIMENSIONS.filter((d) => grid[d] !== undefined);
  let combos: Record<string, unknown>[] = [{}];
  for (const d of dims) combos = combos.flatMap((c) => (grid[d] as unknown[]).map((v) => ({ ...c, [d]: v })));
  const base = grid.base ?? {};
  const runs: SweepRun[] = [];
  for (const c of combos) {
    // A sweep asks how often and how fast a setting solves: goal 'solved' unless the grid asks for more.
    const config: Record<string, unknown> = { goal: 'solved', ...base };
    for (const [k, v] of Object.entries(c)) {
      if (k === 'lengths') [config.minLen, config.maxLen] = parseLengthRange(v as string);
      else config[k] = v;
    }
    const setting = settingLabel(config, dims);
    for (const seed of seedList(grid.seeds)) {
      const full = { ...config, seed };
      runs.push({ key: canonical(full), setting, seed, config: full as Partial<TrainConfig> });
    }
  }
  return runs;
}

function settingLabel(c: Record<string, unknown>, dims: readonly string[]): string {
  const get = (k: keyof TrainConfig): unknown => (c[k] !== undefined ? c[k] : DEFAULT_CONFIG[k]);
  const parts = [`${get('cell')}`, `h${get('hidden')}`, `lr${get('lr')}`, `b${get('batch')}`, `len${get('minLen')}-${get('maxLen')}`];
  if (dims.includes('optimizer')) parts.push(`${get('optimizer')}`);
  if (dims.includes('clip')) parts.push(`clip${get('clip') ?? 'off'}`);
  return parts.join(' ');
}

// ---- one run ----------------------------------------------------------------------------------------------------

export interface SweepResult {
  key: string;
  setting: string;
  seed: number;
  config: Partial<TrainConfig>;
  /** ok: trained; failed: the run threw (a bad setting); crashed: its worker died (retried by the next sweep). */
  status: 'ok' | 'failed' | 'crashed';
  error: string | null;
  solved: boolean;
  solvedAtStep: number | null;
  steps: number;
  /** Wall seconds from the start of training to the evaluation that confirmed it solved. */
  secondsToSolve: number | null;
  /** Training time (steps only) and the run's wall time. */
  seconds: number;
  wallSeconds: number;
  /** Final accuracy on confirmCount fresh strings of the evaluation lengths. */
  confirmAccuracy: number | null;
  /** Final accuracy on the generalisation set, training-batch accuracy and loss (last evaluation window). */
  genAccuracy: number | null;
  trainAccuracy: number | null;
  loss: number | null;
  /** Hash of the final weights: equal hashes, bit-identical models. */
  weightsHash: string | null;
  /** What a solved final model really learned (judge.ts); null when not solved. */
  judgement: Judgement | null;
  finishedAt: string;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function failedResult(run: SweepRun, status: 'failed' | 'crashed', error: string, wallSeconds: number): SweepResult {
  return {
    key: run.key,
    setting: run.setting,
    seed: run.seed,
    config: run.config,
    status,
    error,
    solved: false,
    solvedAtStep: null,
    steps: 0,
    secondsToSolve: null,
    seconds: 0,
    wallSeconds,
    confirmAccuracy: null,
    genAccuracy: null,
    trainAccuracy: null,
    loss: null,
    weightsHash: null,
    judgement: null,
    finishedAt: new Date().toISOString(),
  };
}

/** Trains one run of a sweep. Never throws: a bad setting gives a 'failed' result with the error's message. */
export async function runSweepRun(run: SweepRun): Promise<SweepResult> {
  const t0 = now();
  try {
    const r = await train(run.config);
    const last = r.history[r.history.length - 1] ?? null;
    const solvedEvent = r.solvedAtStep !== null ? r.history.find((p) => p.step === r.solvedAtStep) : undefined;
    return {
      key: run.key,
      setting: run.setting,
      seed: run.seed,
      config: run.config,
      status: 'ok',
      error: null,
      solved: r.solved,
      solvedAtStep: r.solvedAtStep,
      steps: r.steps,
      secondsToSolve: r.solved ? (solvedEvent?.elapsedSec ?? r.wallSeconds) : null,
      seconds: r.seconds,
      wallSeconds: (now() - t0) / 1000,
      confirmAccuracy: r.confirmAccuracy,
      genAccuracy: last?.genAccuracy ?? null,
      trainAccuracy: last?.trainAccuracy ?? null,
      loss: last?.loss ?? null,
      weightsHash: r.model.weightsHash(),
      judgement: r.solved ? judge(r.model, run.seed) : null,
      finishedAt: new Date().toISOString(),
    };
  } catch (e) {
    const { name, message } = errorInfo(e);
    return failedResult(run, 'failed', name === 'ParityError' ? message : `${name}: ${message}`, (now() - t0) / 1000);
  }
}

// ---- the sweep --------------------------------------------------------------------------------------------------

export interface SweepHooks {
  runner: TaskRunner;
  /** Keys already done (from a results file): skipped. */
  done?: Set<string>;
  /** Each result as it comes in, in finishing order (append it to the results file here). */
  onResult?: (r: SweepResult) => void;
}

export interface SweepOutcome {
  /** The results of the runs this call ran (not the skipped ones), in finishing order. */
  results: SweepResult[];
  skipped: number;
  wallSeconds: number;
}

/** Runs every run not in `done`, up to runner.size at once. */
export async function runSweep(runs: SweepRun[], hooks: SweepHooks): Promise<SweepOutcome> {
  const todo = runs.filter((r) => !hooks.done?.has(r.key));
  const t0 = now();
  const results: SweepResult[] = [];
  await Promise.all(
    todo.map(async (run) => {
      const t = now();
      const out = await hooks.runner.run({ kind: 'sweep-run', run });
      if (!out.ok && out.error.name === 'Stopped') return; // a stopped sweep records nothing for unfinished runs
      // A task that did not come back (its worker died) is a failed run of this sweep, retried by the next one.
      const result = out.ok ? (out.value as SweepResult) : failedResult(run, 'crashed', out.error.message, (now() - t) / 1000);
      results.push(result);
      hooks.onResult?.(result);
    }),
  );
  return { results, skipped: runs.length - todo.length, wallSeconds: (now() - t0) / 1000 };
}

// ---- results files ----------------------------------------------------------------------------------------------

export interface ParsedResults {
  /** The last result per key, in file order; 'crashed' ones are not counted as done. */
  results: SweepResult[];
  /** Characters of the text that are complete lines: a torn last line (a killed writer) starts here. */
  completeLength: number;
  /** A last line without its newline (cut by a kill): ignored, and cut off before appending. */
  torn: boolean;
  /** Complete lines that are not results (corrupt): ignored. */
  bad: number;
}

/** Reads a JSON-lines results file, tolerating a torn last line. */
export function parseResults(text: string): ParsedResults {
  const end = text.lastIndexOf('\n') + 1;
  const torn = end < text.length && text.slice(end).trim() !== '';
  const byKey = new Map<string, SweepResult>();
  let bad = 0;
  for (const line of text.slice(0, end).split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as SweepResult;
      if (typeof r !== 'object' || r === null || typeof r.key !== 'string' || typeof r.status !== 'string') throw new Error('not a result');
      byKey.delete(r.key); // keep file order of the latest line
      byKey.set(r.key, r);
    } catch {
      bad++;
    }
  }
  return { results: [...byKey.values()], completeLength: end, torn, bad };
}

/** Keys of results that need no rerun: trained, or failed on their settings (a crash is retried). */
export function doneKeys(results: SweepResult[]): Set<string> {
  return new Set(results.filter((r) => r.status !== 'crashed').map((r) => r.key));
}

// ---- summary ----------------------------------------------------------------------------------------------------

export interface SweepSummaryRow {
  setting: string;
  runs: number;
  failed: number;
  solved: number;
  /** Solved over runs that trained (failed ones excluded); NaN when none trained. */
  successRate: number;
  medianStepsToSolve: number | null;
  medianSecondsToSolve: number | null;
  /** Of the solved runs: how many final models are refuted, robust and certified. */
  judged: JudgedCounts;
}

/** One row per setting, in the order settings first appear in `order` (the grid's) or in the results. */
export function summarizeSweep(results: SweepResult[], order?: string[]): SweepSummaryRow[] {
  const settings = [...new Set([...(order ?? []), ...results.map((r) => r.setting)])];
  const rows: SweepSummaryRow[] = [];
  for (const setting of settings) {
    const rs = results.filter((r) => r.setting === setting);
    if (rs.length === 0) continue;
    const trained = rs.filter((r) => r.status === 'ok');
    const solved = trained.filter((r) => r.solved);
    rows.push({
      setting,
      runs: rs.length,
      failed: rs.length - trained.length,
      solved: solved.length,
      successRate: trained.length ? solved.length / trained.length : NaN,
      medianStepsToSolve: median(solved.filter((r) => r.solvedAtStep !== null).map((r) => r.solvedAtStep!)),
      medianSecondsToSolve: median(solved.filter((r) => r.secondsToSolve !== null).map((r) => r.secondsToSolve!)),
      judged: countJudged(solved.map((r) => r.judgement)),
    });
  }
  return rows;
}

export interface SweepSpeed {
  runs: number;
  /** Sum of the runs' own wall times: what one worker would need. */
  runSeconds: number;
  wallSeconds: number;
  runsPerMinute: number;
  /** Runs per minute of one worker, from the runs' own durations. */
  singleWorkerRunsPerMinute: number;
  /** runSeconds / wallSeconds. */
  speedup: number;
}

export function sweepSpeed(results: SweepResult[], wallSeconds: number): SweepSpeed {
  const runSeconds = results.reduce((s, r) => s + r.wallSeconds, 0);
  const n = results.length;
  return {
    runs: n,
    runSeconds,
    wallSeconds,
    runsPerMinute: wallSeconds > 0 ? (n * 60) / wallSeconds : 0,
    singleWorkerRunsPerMinute: runSeconds > 0 ? (n * 60) / runSeconds : 0,
    speedup: wallSeconds > 0 ? runSeconds / wallSeconds : 0,
  };
}


/** The summary as a plain-text table. */
export function sweepTable(rows: SweepSummaryRow[]): string {
  const head = ['setting', 'runs', 'failed', 'solved', 'success', 'median steps', 'median s to solve', 'refuted', 'robust', 'certified'];
  const body = rows.map((r) => [
    r.setting,
    String(r.runs),
    String(r.failed),
    String(r.solved),
    pct(r.successRate),
    r.medianStepsToSolve === null ? '—' : int(r.medianStepsToSolve),
    r.medianSecondsToSolve === null ? '—' : r.medianSecondsToSolve.toFixed(2),
    // Older results files have no judgements: their solved runs count as not judged.
    ...(r.judged.judged === 0 ? ['—', '—', '—'] : [r.judged.refuted, r.judged.robust, r.judged.certified].map((n) => `${n}/${r.judged.judged}`)),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

/** The sweep's chart: success rate and median time to solve per setting. */
export function sweepChart(rows: SweepSummaryRow[]): VegaLiteSpec {
  return sweepSpec(
    rows.map((r) => ({
      setting: r.setting,
      successRate: Number.isFinite(r.successRate) ? r.successRate : 0,
      runs: r.runs,
      medianSeconds: r.medianSecondsToSolve,
    })),
  );
}
