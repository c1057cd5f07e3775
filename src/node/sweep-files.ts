// Sweeps and experiments on files: the JSON-lines results file (append and flush per run, resume after a kill) and
// the experiment's report folder. The browser-safe logic is in research/; this file only moves it onto files.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParityError } from '../core/errors.js';
import {
  doneKeys,
  parseGrid,
  parseResults,
  runSweep,
  type SweepGrid,
  type SweepOutcome,
  type SweepResult,
  type SweepRun,
} from '../research/sweep.js';
import { type TaskRunner } from '../research/runner.js';
import {
  experimentCharts,
  experimentReport,
  longLengths,
  runExperiment,
  runLine,
  validateExperimentOptions,
  type ArmEvent,
  type ArmRun,
  type ExperimentOptions,
  type ExperimentResult,
} from '../research/experiment/index.js';
import { renderSvg } from '../charts/render.js';
import { fsReason, writeFileAtomic } from './files.js';
import { defaultWorkers, nodeWorkerPool } from './workers.js';


/** A sweep grid from a JSON file; ParityError naming the file when it cannot be read or has the wrong shape. */
export function readGridFile(file: string): SweepGrid {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ParityError(`cannot read grid file ${file}: ${fsReason(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ParityError(`grid file ${file} is not valid JSON (${(e as Error).message})`);
  }
  return parseGrid(json, `grid file ${file}`);
}

// ---- the results file -------------------------------------------------------------------------------------------

export interface ResultsFile {
  /** Results already in the file (the last line per run). */
  existing: SweepResult[];
  /** True when a torn last line (from a killed sweep) was cut off. */
  repaired: boolean;
  /** Appends one result as a line and flushes it to the disk before returning. */
  append(r: SweepResult): void;
  close(): void;
}

/**
 * Opens (or creates) a JSON-lines results file for appending. A torn last line, left by a sweep killed while
 * writing, is cut off first, so the file stays one complete JSON object per line.
 */
export function openResultsFile(file: string): ResultsFile {
  let text = '';
  try {
    if (fs.statSync(file).isDirectory()) throw new ParityError(`cannot use results file ${file}: it is a directory`);
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ParityError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new ParityError(`cannot read results file ${file}: ${fsReason(e)}`);
  }
  const parsed = parseResults(text);
  let fd: number;
  try {
    if (parsed.torn) fs.truncateSync(file, Buffer.byteLength(text.slice(0, parsed.completeLength), 'utf8'));
    fd = fs.openSync(file, 'a', 0o644);
  } catch (e) {
    throw new ParityError(`cannot write results file ${file}: ${fsReason(e)}`);
  }
  let open = true;
  return {
    existing: parsed.results,
    repaired: parsed.torn,
    append(r) {
      if (!open) return;
      try {
        fs.writeSync(fd, JSON.stringify(r) + '\n');
        fs.fdatasyncSync(fd);
      } catch (e) {
        throw new ParityError(`cannot write results file ${file}: ${fsReason(e)}`);
      }
    },
    close() {
      if (!open) return;
      open = false;
      fs.closeSync(fd);
    },
  };
}

export interface FileSweepOptions {
  runs: SweepRun[];
  results: string;
  workers?: number;
  /** A runner to use instead of a new worker pool (closed by the caller). */
  runner?: TaskRunner;
  onResult?: (r: SweepResult, done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface FileSweepOutcome extends SweepOutcome {
  /** Every run of the grid with a result in the file (old and new), grid order. */
  all: SweepResult[];
  workers: number;
  stopped: boolean;
  repaired: boolean;
}

/** Runs the sweep's missing runs on worker threads, appending each result to the file as it finishes. */
export async function runSweepWithFile(o: FileSweepOptions): Promise<FileSweepOutcome> {
  const file = openResultsFile(o.results);
  const done = doneKeys(file.existing);
  const todo = o.runs.filter((r) => !done.has(r.key)).length;
  const workers = Math.max(1, Math.min(o.workers ?? defaultWorkers(), todo || 1));
  const runner = o.runner ?? nodeWorkerPool(workers);
  const onAbort = (): void => void runner.close();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let finished = o.runs.length - todo;
  try {
    const outcome = await runSweep(o.runs, {
      runner,
      done,
      onResult: (r) => {
        file.append(r);
        finished++;
        o.onResult?.(r, finished, o.runs.length);
      },
    });
    const byKey = new Map(file.existing.map((r) => [r.key, r]));
    for (const r of outcome.results) byKey.set(r.key, r);
    const all = o.runs.map((r) => byKey.get(r.key)).filter((r): r is SweepResult => r !== undefined);
    return { ...outcome, all, workers: runner.size, stopped: o.signal?.aborted ?? false, repaired: file.repaired };
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    file.close();
    if (!o.runner) await runner.close();
  }
}

// ---- the experiment's report folder -----------------------------------------------------------------------------

/** Whole files of the report go through a temporary file and a rename: never half a report in place of one. */
function writeFile(file: string, text: string): void {
  writeFileAtomic(file, text);
}

/** Creates the report folder (and models/ in it), or says why it cannot. */
export function prepareReportDir(dir: string): void {
  try {
    fs.mkdirSync(path.join(dir, 'models'), { recursive: true });
  } catch (e) {
    throw new ParityError(`cannot create report folder ${dir}: ${fsReason(e)}`);
  }
}

export interface ExperimentFilesOptions {
  options: Partial<ExperimentOptions>;
  out: string;
  workers?: number;
  runner?: TaskRunner;
  onEvent?: (e: ArmEvent) => void;
  onRun?: (r: ArmRun) => void;
  env?: { version?: string; runtime?: string };
}

/**
 * Runs the experiment on worker threads and writes the report folder: report.md, runs.jsonl (a line per run,
 * appended as each finishes), results.json (everything measured), the SVG charts and the final models.
 */
export async function runExperimentToDir(o: ExperimentFilesOptions): Promise<{ result: ExperimentResult; files: string[] }> {
  const options = validateExperimentOptions(o.options);
  prepareReportDir(o.out);
  const jsonl = path.join(o.out, 'runs.jsonl');
  writeFile(jsonl, '');
  const runner = o.runner ?? nodeWorkerPool(o.workers ?? defaultWorkers());
  let result: ExperimentResult;
  try {
    result = await runExperiment(options, {
      runner,
      onEvent: o.onEvent,
      onRun: (run) => {
        fs.appendFileSync(jsonl, JSON.stringify(runLine(run, longLengths({ options, runs: [run] }))) + '\n');
        o.onRun?.(run);
      },
    });
  } finally {
    if (!o.runner) await runner.close();
  }
  // runs.jsonl in the report's order, so the file and the table read alike.
  const long = longLengths(result);
  writeFile(jsonl, result.runs.map((r) => JSON.stringify(runLine(r, long)) + '\n').join(''));
  const files = [path.join(o.out, 'report.md'), jsonl, path.join(o.out, 'results.json')];
  for (const run of result.runs) {
    const f = path.join(o.out, 'models', `${run.arm}-seed${run.seed}.json`);
    writeFile(f, JSON.stringify({ ...run.model, training: { experiment: 'openai', arm: run.arm, seed: run.seed, steps: run.steps, solvedAtStep: run.solvedAtStep } }));
  }
  const charts = experimentCharts(result);
  for (const [name, spec] of Object.entries(charts)) {
    const f = path.join(o.out, name);
    writeFile(f, await renderSvg(spec));
    files.push(f);
  }
  writeFile(path.join(o.out, 'report.md'), experimentReport(result, o.env));
  const { runs, ...rest } = result;
  writeFile(path.join(o.out, 'results.json'), JSON.stringify({ ...rest, runs: runs.map(({ model: _m, ...r }) => r) }, null, 1));
  return { result, files };
}
