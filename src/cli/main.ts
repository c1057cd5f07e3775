#!/usr/bin/env node
// parity-lstm: the command line. train, eval, predict, dataset.
//
// Output streams, decided once here:
//   - stdout carries the results: the run's header, summary, curves and model path; eval's table; predictions;
//     a dataset without --out. With --json, stdout carries only JSON lines.
//   - stderr carries progress and errors. When stderr is a terminal (and TERM is not "dumb"), training shows a
//     live bar there; otherwise it prints a plain progress line at most about once a second, so CI logs stay short.
//   - Colour only on a terminal (decided per stream), never when NO_COLOR is set to anything non-empty.
// Exit codes: 0 done; 2 bad input (one `error: ...` line on stderr); 1 a bug (`error: internal error: ...`, the
// stack too with PARITY_LSTM_DEBUG=1); 130 training interrupted with Ctrl-C (the model so far is still saved).

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import {
  Model,
  ParityError,
  evaluate,
  formatDataset,
  parity,
  parseDataset,
  randomStrings,
  train,
  validateConfig,
  type Progress,
  type TrainConfig,
} from '../index.js';
import { registerExperimentCommands, runCurve } from './experiments.js';
import { registerWorkerCommand } from './worker.js'; // queue (issue 11)
import { checkWritable, openLineLog, readStdin, readTextFile, writeFileAtomic, writeStdout, type LineLog } from '../node/files.js';
import {
  LiveBar,
  groupByLength,
  int,
  lossStr,
  makeColors,
  pct,
  progressLine,
  renderCurves,
  renderLengthTable,
  renderPredictions,
  renderSummary,
  rows,
  shellJoin,
  shortenBits,
  type Colors,
} from './display.js';

// ---- limits ------------------------------------------------------------------------------------------------------

const MAX_LEN = 1_000_000; // longest string anywhere (the library's MAX_LENGTH)
const MAX_HIDDEN = 1024;
const MAX_BATCH = 65536;
const MAX_STEPS = 100_000_000;
const MAX_COUNT = 1_000_000;
const MAX_DATASET = 10_000_000;
const CONFIRM_COUNT = 1000;
/**
 * The most bits of random strings one command generates at once. The library builds each string in JS memory
 * before scoring it (about 40 bytes per bit while it is being built), so a million strings of a million bits would
 * exhaust the JS heap, which is a crash, not an error. Beyond this we refuse with a line that says what to shrink.
 */
const BIT_BUDGET = 20_000_000;

// ---- the environment ---------------------------------------------------------------------------------------------

const env = process.env;
const noColor = (env.NO_COLOR ?? '') !== '';
const dumbTerm = env.TERM === 'dumb';
const outColors = (): Colors => makeColors(!!process.stdout.isTTY && !noColor && !dumbTerm);
const errColors = (): Colors => makeColors(!!process.stderr.isTTY && !noColor && !dumbTerm);
const liveTerminal = (): boolean => !!process.stderr.isTTY && !dumbTerm;

const out = (s = ''): void => {
  process.stdout.write(s + '\n');
};
const err = (s = ''): void => {
  process.stderr.write(s + '\n');
};

/** How this program was started, for commands a person can paste: "parity-lstm" or "node dist/cli/main.js". */
function programName(): string {
  const script = process.argv[1] ?? '';
  if (path.basename(script) === 'main.js') {
    // A short relative path when the script is below the current directory, else the absolute one.
    const rel = path.relative(process.cwd(), script);
    const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(script);
    return `node ${shellJoin([shown])}`;
  }
  return 'parity-lstm';
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** A uniformly random uint32 from the platform's CSPRNG (the seed of a run when none is given). */
function randomSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0];
}

// ---- option parsers (each throws InvalidArgumentError with a message a person understands) ------------------------

/** 1024 -> "1024", 1000000 -> "1,000,000": separators only where they help. */
const num = (n: number): string => (Math.abs(n) >= 10000 ? int(n) : String(n));

function parseInteger(v: string): number | null {
  const s = v.trim().replace(/_/g, '');
  if (!/^\+?(\d+(\.\d+)?e\+?\d+|\d+)$/i.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

function intIn(what: string, lo: number, hi: number): (v: string) => number {
  return (v: string): number => {
    const n = parseInteger(v);
    if (n === null || n < lo || n > hi) throw new InvalidArgumentError(`${what} must be an integer from ${num(lo)} to ${num(hi)}`);
    return n;
  };
}

function positiveNumber(what: string, example: string): (v: string) => number {
  return (v: string): number => {
    const s = v.trim();
    const n = s === '' ? NaN : Number(s);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a number greater than 0, such as ${example}`);
    return n;
  };
}

const lengthParser = (what: string): ((v: string) => number) => intIn(what, 1, MAX_LEN);
const seedParser = intIn('seed', 0, 0xffffffff);

function lengthList(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((s) => s === '')) {
    throw new InvalidArgumentError('lengths must be a comma-separated list of integers, such as 100,1000,10000');
  }
  const each = lengthParser('each length');
  const seen = new Set<number>();
  const out: number[] = [];
  for (const p of parts) {
    const n = each(p);
    if (!seen.has(n)) out.push(n);
    seen.add(n);
  }
  return out.sort((a, b) => a - b);
}

/** Throws unless generating `count` strings of up to `maxLen` bits stays within BIT_BUDGET. */
function checkBudget(what: string, count: number, maxLen: number, advice: string): void {
  const bits = count * maxLen;
  if (bits > BIT_BUDGET) {
    throw new ParityError(
      `${what} would be ${int(bits)} bits of strings, more than the ${int(BIT_BUDGET)} that fit in memory at once: ${advice}`,
    );
  }
}

// ---- shared steps ------------------------------------------------------------------------------------------------

/** Reads and loads a model file; every problem with it is a ParityError naming the file. */
async function loadModel(file: string, what = 'model file'): Promise<Model> {
  const text = readTextFile(file, what);
  try {
    return await Model.fromJSON(text);
  } catch (e) {
    if (e instanceof ParityError) throw new ParityError(`${what} ${file}: ${e.message}`);
    throw e;
  }
}

function loadDataset(file: string): string[] {
  const text = readTextFile(file, 'dataset file');
  try {
    return parseDataset(text);
  } catch (e) {
    // The library says "dataset line 3 has ..."; after the file name, "line 3 has ..." reads better.
    if (e instanceof ParityError) throw new ParityError(`dataset file ${file}: ${e.message.replace(/^dataset line/, 'line')}`);
    throw e;
  }
}

/** Was this option given on the command line (as opposed to its default)? */
const given = (cmd: Command, key: string): boolean => {
  const src = cmd.getOptionValueSource(key);
  return src !== undefined && src !== 'default' && src !== 'implied';
};

// ---- train -------------------------------------------------------------------------------------------------------

interface TrainOpts {
  cell: 'lstm' | 'rnn';
  hidden: number;
  lr: number;
  optimizer: 'adam' | 'sgd';
  batch: number;
  steps: number;
  minLen: number;
  maxLen: number;
  dataset?: string;
  datasetSize?: number;
  evalEvery: number;
  evalCount: number;
  evalMinLen: number;
  evalMaxLen: number;
  untilSolved?: boolean;
  clip?: number;
  seed?: number;
  init?: string;
  out: string;
  log?: string;
  json?: boolean;
}

/** The command line to run this training again with the same seed: the same arguments, plus --seed when absent. */
function rerunCommand(seed: number): string {
  const args = process.argv.slice(2);
  const hasSeed = args.some((a) => a === '--seed' || a.startsWith('--seed='));
  return `${programName()} ${shellJoin(hasSeed ? args : [...args, '--seed', String(seed)])}`;
}

async function trainCommand(o: TrainOpts, cmd: Command): Promise<number> {
  // Cross-option checks, with the flags' own names.
  if (o.dataset !== undefined && o.datasetSize !== undefined) throw new ParityError('give --dataset FILE or --dataset-size N, not both');
  if (o.dataset !== undefined && (given(cmd, 'minLen') || given(cmd, 'maxLen'))) {
    throw new ParityError('--min-len and --max-len set the lengths of generated strings: leave them out with --dataset FILE');
  }
  if (o.minLen > o.maxLen) throw new ParityError(`--min-len ${o.minLen} is greater than --max-len ${o.maxLen}`);
  if (o.evalMinLen > o.evalMaxLen) throw new ParityError(`--eval-min-len ${o.evalMinLen} is greater than --eval-max-len ${o.evalMaxLen}`);

  let init: Model | undefined;
  let cell = o.cell;
  let hidden = o.hidden;
  if (o.init !== undefined) {
    init = await loadModel(o.init, '--init model');
    if (given(cmd, 'cell') && o.cell !== init.cell) {
      throw new ParityError(`--cell ${o.cell} disagrees with the --init model ${o.init}, which is an ${init.cell}: leave --cell out to use the model's`);
    }
    if (given(cmd, 'hidden') && o.hidden !== init.hiddenSize) {
      throw new ParityError(
        `--hidden ${o.hidden} disagrees with the --init model ${o.init}, which has hidden size ${init.hiddenSize}: leave --hidden out to use the model's`,
      );
    }
    cell = init.cell;
    hidden = init.hiddenSize;
  }
  const dataset = o.dataset !== undefined ? loadDataset(o.dataset) : null;

  const seedWasRandom = o.seed === undefined;
  const seed = o.seed ?? randomSeed();
  const config: TrainConfig = validateConfig({
    cell,
    hidden,
    lr: o.lr,
    optimizer: o.optimizer,
    batch: o.batch,
    steps: o.steps,
    minLen: o.minLen,
    maxLen: o.maxLen,
    dataset,
    datasetSize: o.datasetSize ?? null,
    evalEvery: o.evalEvery,
    evalCount: o.evalCount,
    evalMinLen: o.evalMinLen,
    evalMaxLen: o.evalMaxLen,
    untilSolved: o.untilSolved ?? true,
    confirmCount: CONFIRM_COUNT,
    clip: o.clip ?? null,
    seed,
  });

  // What the run will hold in JS memory at once (see BIT_BUDGET).
  if (dataset === null) {
    checkBudget(`a training batch of ${int(config.batch)} strings of up to ${int(config.maxLen)} bits`, config.batch, config.maxLen, 'use a smaller --batch or --max-len');
  }
  if (config.datasetSize !== null) {
    checkBudget(`a dataset of ${int(config.datasetSize)} strings of up to ${int(config.maxLen)} bits`, config.datasetSize, config.maxLen, 'use a smaller --dataset-size or --max-len');
  }
  checkBudget(`the evaluation set of ${int(config.evalCount)} strings of up to ${int(config.evalMaxLen)} bits`, config.evalCount, config.evalMaxLen, 'use a smaller --eval-count or --eval-max-len');
  checkBudget(
    `confirming a solve on ${int(CONFIRM_COUNT)} strings of up to ${int(config.evalMaxLen)} bits`,
    CONFIRM_COUNT,
    config.evalMaxLen,
    `use an --eval-max-len of at most ${int(Math.floor(BIT_BUDGET / CONFIRM_COUNT))}`,
  );

  checkWritable(o.out, 'model file');
  if (o.log !== undefined) checkWritable(o.log, 'log file');

  const json = !!o.json;
  const oc = outColors();
  const ec = errColors();
  const live = !json && liveTerminal();

  if (!json) {
    const data =
      dataset !== null
        ? `dataset ${o.dataset} (${int(dataset.length)} strings)`
        : config.datasetSize !== null
          ? `dataset of ${int(config.datasetSize)} strings of ${config.minLen}..${int(config.maxLen)} bits`
          : `fresh strings of ${config.minLen}..${int(config.maxLen)} bits`;
    const parts = [
      `${config.cell}, hidden ${config.hidden}${init ? ` (from ${o.init})` : ''}`,
      `${config.optimizer} lr ${config.lr}${config.clip !== null ? `, clip ${config.clip}` : ''}`,
      `batch ${config.batch}`,
      data,
      `seed ${seed}${seedWasRandom ? ' (random)' : ''}`,
    ];
    out(`${oc.bold('parity-lstm train')}  ${parts.join(oc.dim(' · '))}`);
    out(
      oc.dim(
        `  up to ${int(config.steps)} steps; every ${int(config.evalEvery)} checks ${int(config.evalCount)} strings of ${config.evalMinLen}..${int(config.evalMaxLen)} bits` +
          (config.untilSolved ? '; stops once solved' : '; runs every step'),
      ),
    );
  }

  let log: LineLog | null = null;
  let bar: LiveBar | null = null;
  const ac = new AbortController();
  const onSigint = (): void => {
    if (ac.signal.aborted) {
      // A second Ctrl-C: leave now, without saving.
      bar?.stop();
      err('\ninterrupted again: exiting without saving');
      process.exit(130);
    }
    ac.abort();
  };

  let lastPrinted = -Infinity;
  let lastPrintedStep = -1;
  const onProgress = (p: Progress): void => {
    const line = JSON.stringify({ type: 'progress', ...p });
    log?.write(line);
    if (json) {
      out(line);
    } else if (bar) {
      bar.update(p);
    } else {
      // At most one line about every second at first, and less often for long runs (1/20 of the time so far, up
      // to 30 s apart): a CI log of an hour's run stays a few hundred lines.
      const interval = Math.min(30, Math.max(1, p.elapsedSec / 20));
      if (lastPrintedStep < 0 || p.elapsedSec - lastPrinted >= interval) {
        err(progressLine(p, config.steps, ec));
        lastPrinted = p.elapsedSec;
        lastPrintedStep = p.step;
      }
    }
  };

  let result: Awaited<ReturnType<typeof train>>;
  process.on('SIGINT', onSigint);
  try {
    if (o.log !== undefined) log = openLineLog(o.log);
    if (live) {
      bar = new LiveBar(config.steps, process.stderr, ec);
      bar.start();
    }
    result = await train(config, { onProgress, signal: ac.signal, init });
  } finally {
    bar?.stop();
    log?.close();
    process.off('SIGINT', onSigint);
  }

  const last = result.history.at(-1) ?? null;
  if (!json && !live && last && last.step !== lastPrintedStep) err(progressLine(last, config.steps, ec));

  const savedConfig = {
    ...result.config,
    // The strings of a dataset file would make the model file as large as the dataset: name the file instead.
    dataset: dataset !== null ? { file: o.dataset, strings: dataset.length } : null,
  };
  const final = {
    loss: last?.loss ?? null,
    trainAccuracy: last?.trainAccuracy ?? null,
    genAccuracy: last?.genAccuracy ?? null,
    confirmAccuracy: result.confirmAccuracy,
  };
  const model = result.model;
  model.training = {
    config: savedConfig,
    seed,
    steps: result.steps,
    solved: result.solved,
    seconds: result.seconds,
    final,
  };
  writeFileAtomic(o.out, model.serialize(), 'model file');

  if (json) {
    out(
      JSON.stringify({
        type: 'summary',
        solved: result.solved,
        stopped: result.stopped,
        steps: result.steps,
        solvedAtStep: result.solvedAtStep,
        seconds: result.seconds,
        wallSeconds: result.wallSeconds,
        seed,
        seedWasRandom,
        rerun: rerunCommand(seed),
        final,
        model: o.out,
        config: savedConfig,
      }),
    );
  } else {
    out();
    out(
      renderSummary(
        {
          solved: result.solved,
          stopped: result.stopped,
          steps: result.steps,
          maxSteps: config.steps,
          solvedAtStep: result.solvedAtStep,
          seconds: result.seconds,
          wallSeconds: result.wallSeconds,
          confirmAccuracy: result.confirmAccuracy,
          confirmCount: CONFIRM_COUNT,
          evalCount: config.evalCount,
          evalMinLen: config.evalMinLen,
          evalMaxLen: config.evalMaxLen,
          last,
          seed,
          seedWasRandom,
          rerun: rerunCommand(seed),
        },
        oc,
      ),
    );
    out();
    out(renderCurves(result.history, oc));
    out();
    out(`  model written to ${oc.bold(o.out)}`);
  }
  return result.stopped ? 130 : 0;
}

// ---- eval --------------------------------------------------------------------------------------------------------

interface EvalOpts {
  model: string;
  count?: number;
  minLen: number;
  maxLen: number;
  lengths?: number[];
  seed?: number;
  json?: boolean;
  curve?: boolean;
  curveMax?: number;
  chart?: string;
}

function describeModel(m: Model, file: string): string {
  const t = m.training as { steps?: unknown; solved?: unknown; seed?: unknown } | null;
  let s = `${file} · ${m.cell}, hidden ${m.hiddenSize}`;
  if (t && typeof t.steps === 'number') {
    s += ` · trained ${int(t.steps)} steps`;
    if (typeof t.solved === 'boolean') s += t.solved ? ', solved' : ', not solved';
    if (typeof t.seed === 'number') s += `, seed ${t.seed}`;
  }
  return s;
}

async function evalCommand(o: EvalOpts, cmd: Command): Promise<number> {
  if (o.curve) {
    if (given(cmd, 'minLen') || given(cmd, 'maxLen')) throw new ParityError('--curve tests a series of lengths: use --curve-max or --lengths, not --min-len/--max-len');
    if (o.lengths && given(cmd, 'curveMax')) throw new ParityError('give --lengths or --curve-max, not both');
    const count = o.count ?? 100;
    const longest = o.lengths ? Math.max(...o.lengths) : (o.curveMax ?? 10_000);
    checkBudget(`${int(count)} strings of each length up to ${int(longest)} bits`, count, longest * 3, 'use a smaller --count or --curve-max');
    const model = await loadModel(o.model);
    const seed = o.seed ?? randomSeed();
    await runCurve({ model, modelName: path.basename(o.model), max: o.curveMax, lengths: o.lengths, count, seed, chart: o.chart ?? 'curve.svg', json: o.json });
    return 0;
  }
  if (given(cmd, 'curveMax') || given(cmd, 'chart')) throw new ParityError('--curve-max and --chart go with --curve');
  if (o.lengths && (given(cmd, 'minLen') || given(cmd, 'maxLen'))) {
    throw new ParityError('give --lengths or --min-len/--max-len, not both');
  }
  if (!o.lengths && o.minLen > o.maxLen) throw new ParityError(`--min-len ${o.minLen} is greater than --max-len ${o.maxLen}`);
  const count = o.count ?? (o.lengths ? 100 : 1000);
  if (o.lengths) {
    const total = o.lengths.reduce((a, b) => a + b, 0);
    checkBudget(`${int(count)} strings of each length (${o.lengths.map(int).join(', ')})`, count, total, 'use a smaller --count or shorter --lengths');
  } else {
    checkBudget(`${int(count)} strings of up to ${int(o.maxLen)} bits`, count, o.maxLen, 'use a smaller --count or --max-len');
  }
  const model = await loadModel(o.model);
  const seedWasRandom = o.seed === undefined;
  const seed = o.seed ?? randomSeed();
  const r = o.lengths
    ? evaluate(model, { lengths: o.lengths, count, seed })
    : evaluate(model, { count, minLen: o.minLen, maxLen: o.maxLen, seed });
  const correct = r.byLength.reduce((a, b) => a + b.correct, 0);

  if (o.json) {
    const extra = r as unknown as { loss?: number };
    out(
      JSON.stringify({
        model: o.model,
        cell: model.cell,
        hidden: model.hiddenSize,
        seed,
        ...(o.lengths ? { lengths: o.lengths, countPerLength: count } : { minLen: o.minLen, maxLen: o.maxLen }),
        count: r.count,
        correct,
        accuracy: r.accuracy,
        ...(typeof extra.loss === 'number' ? { loss: extra.loss } : {}),
        byLength: r.byLength,
      }),
    );
    return 0;
  }
  const c = outColors();
  const what = o.lengths
    ? `${int(count)} fresh strings of each length ${o.lengths.map(int).join(', ')}`
    : `${int(r.count)} fresh strings of ${int(o.minLen)}..${int(o.maxLen)} bits`;
  const accColour = r.accuracy === 1 ? c.green : r.accuracy >= 0.9 ? c.yellow : c.red;
  const loss = (r as unknown as { loss?: number }).loss;
  out(
    rows(
      [
        ['model', describeModel(model, o.model)],
        ['strings', `${what} · seed ${seed}${seedWasRandom ? c.dim(' (random)') : ''}`],
        [
          'accuracy',
          `${c.bold(accColour(pct(r.accuracy)))}  ${c.dim(`${int(correct)} of ${int(r.count)} right${typeof loss === 'number' ? ` · loss ${lossStr(loss)}` : ''}`)}`,
        ],
      ],
      c,
      '  ',
    ),
  );
  out();
  out(renderLengthTable(groupByLength(r.byLength, 20), c));
  return 0;
}

// ---- predict -----------------------------------------------------------------------------------------------------

interface PredictOpts {
  model: string;
  json?: boolean;
}

/** Throws a ParityError unless s is a non-empty string of 0s and 1s; `where` says which input it was. */
function checkBitString(s: string, where: string): void {
  if (s.length === 0) throw new ParityError(`${where} is empty: give at least one bit (0 or 1)`);
  const bad = s.search(/[^01]/);
  if (bad >= 0) {
    const ch = String.fromCodePoint(s.codePointAt(bad) ?? 63);
    throw new ParityError(`${where} has ${JSON.stringify(ch)} at position ${bad + 1}: only 0 and 1 are allowed`);
  }
}

async function predictCommand(bitsArgs: string[], o: PredictOpts): Promise<number> {
  let strings: string[];
  if (bitsArgs.length > 0) {
    strings = bitsArgs;
    strings.forEach((s) => checkBitString(s, `bit string ${JSON.stringify(shortenBits(s))}`));
  } else {
    if (process.stdin.isTTY) err(errColors().dim('reading bit strings from standard input, one per line (Ctrl-D to end)'));
    const text = await readStdin();
    strings = [];
    text.split(/\r?\n/).forEach((line, i) => {
      const s = line.trim();
      if (s === '') return;
      checkBitString(s, `input line ${i + 1}`);
      strings.push(s);
    });
    if (strings.length === 0) throw new ParityError('no bit strings given: pass them as arguments or one per line on standard input');
  }
  const model = await loadModel(o.model);
  const c = outColors();
  const chunk = 1024;
  for (let i = 0; i < strings.length; i += chunk) {
    const part = strings.slice(i, i + chunk);
    const preds = model.predictBatch(part);
    const rowsOut = part.map((bits, k) => ({ bits, parity: preds[k].parity, probability: preds[k].probability, truth: parity(bits) }));
    if (o.json) {
      await writeStdout(
        rowsOut
          .map((r) => JSON.stringify({ bits: r.bits, length: r.bits.length, parity: r.parity, probability: r.probability, correct: r.parity === r.truth }) + '\n')
          .join(''),
      );
    } else {
      await writeStdout(renderPredictions(rowsOut, c) + '\n');
    }
  }
  return 0;
}

// ---- dataset -----------------------------------------------------------------------------------------------------

interface DatasetOpts {
  count: number;
  minLen: number;
  maxLen: number;
  seed?: number;
  out?: string;
}

async function datasetCommand(o: DatasetOpts): Promise<number> {
  if (o.minLen > o.maxLen) throw new ParityError(`--min-len ${o.minLen} is greater than --max-len ${o.maxLen}`);
  checkBudget(`${int(o.count)} strings of up to ${int(o.maxLen)} bits`, o.count, o.maxLen, 'use a smaller --count or --max-len');
  if (o.out !== undefined) checkWritable(o.out, 'dataset file');
  const seedWasRandom = o.seed === undefined;
  const seed = o.seed ?? randomSeed();
  const text = formatDataset(randomStrings(o.count, o.minLen, o.maxLen, seed));
  const c = errColors();
  if (o.out !== undefined) {
    writeFileAtomic(o.out, text, 'dataset file');
    err(`wrote ${int(o.count)} strings of ${int(o.minLen)}..${int(o.maxLen)} bits (seed ${seed}${seedWasRandom ? ', random' : ''}) to ${c.bold(o.out)}`);
  } else {
    await writeStdout(text);
    if (seedWasRandom) err(c.dim(`dataset seed ${seed} (random)`));
  }
  return 0;
}

// ---- the program -------------------------------------------------------------------------------------------------

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command();
  const name = 'parity-lstm';
  program
    .name(name)
    .description('An LSTM (or RNN) that learns the parity of bit strings, on a WebAssembly SIMD core.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .showSuggestionAfterError(true)
    .exitOverride()
    // Commander's own error text is printed by our one handler, as one line; help and version still print here.
    .configureOutput({ outputError: () => {} })
    .addHelpText(
      'after',
      `
Examples:
  $ ${name} train                           # defaults, a random seed; writes model.json
  $ ${name} train --seed 1 --out m.json     # the same run every time
  $ ${name} train --cell rnn --hidden 16 --lr 0.003 --steps 20000
  $ ${name} eval --model m.json --lengths 100,1000,10000
  $ ${name} predict --model m.json 0110 111 1010101
  $ ${name} dataset --count 500 --max-len 16 --seed 7 --out data.txt
  $ ${name} train --dataset data.txt --no-until-solved --steps 2000

Exit codes: 0 done, 2 bad input (one "error: ..." line on stderr), 1 internal error
(PARITY_LSTM_DEBUG=1 shows its stack), 130 training interrupted (the model so far is saved).
Colour only on a terminal; NO_COLOR=1 turns it off.`,
    );

  const trainCmd = program
    .command('train')
    .description('train a model on random bit strings (or a dataset file) and save it')
    .addOption(new Option('--cell <kind>', 'recurrent cell').choices(['lstm', 'rnn']).default('lstm'))
    .option('--hidden <n>', 'hidden size (1..1024)', intIn('hidden size', 1, MAX_HIDDEN), 8)
    .option('--lr <x>', 'learning rate (> 0)', positiveNumber('learning rate', '0.01'), 0.01)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(['adam', 'sgd']).default('adam'))
    .option('--batch <n>', 'strings per training step (1..65536)', intIn('batch size', 1, MAX_BATCH), 10)
    .option('--steps <n>', 'the most training steps to run', intIn('steps', 1, MAX_STEPS), 5000)
    .option('--min-len <n>', 'shortest training string', lengthParser('min length'), 1)
    .option('--max-len <n>', 'longest training string (at most 1,000,000)', lengthParser('max length'), 20)
    .option('--dataset <file>', 'train on this file (one 0/1 string per line), walked in shuffled epochs')
    .option('--dataset-size <n>', 'train on a fixed set of N random strings instead of fresh ones', intIn('dataset size', 1, MAX_DATASET))
    .option('--eval-every <n>', 'evaluate (and report progress) every N steps', intIn('eval every', 1, MAX_STEPS), 10)
    .option('--eval-count <n>', 'strings in the generalisation set', intIn('eval count', 1, MAX_COUNT), 100)
    .option('--eval-min-len <n>', 'shortest generalisation string', lengthParser('eval min length'), 50)
    .option('--eval-max-len <n>', 'longest generalisation string', lengthParser('eval max length'), 100)
    .option('--until-solved', 'stop once solved: 100% on the generalisation set, confirmed on 1,000 fresh strings (default)')
    .option('--no-until-solved', 'run every step, even once solved')
    .option('--clip <x>', 'clip the global gradient norm to X (default: off)', positiveNumber('clip', '1'))
    .option('--seed <n>', 'random seed, 0..4294967295 (default: random, printed and saved in the model)', seedParser)
    .option('--init <model>', 'start from the weights of this model file (its cell and hidden size)')
    .option('--out <model>', 'where to write the model', 'model.json')
    .option('--log <file>', 'write one JSON line per evaluation to this file')
    .option('--json', 'JSON lines on stdout (one per evaluation, then a summary) instead of the live display')
    .addHelpText(
      'after',
      `
"Solved": the generalisation set (--eval-count strings of --eval-min-len..--eval-max-len bits,
fixed for the run) scores 100%, and 1,000 further fresh strings of those lengths do too.

Display: when stderr is a terminal, a live progress bar there; otherwise a plain progress line
on stderr about once a second. The summary, the curves and the model path go to stdout.

Examples:
  $ ${name} train --seed 1
  $ ${name} train --hidden 16 --steps 20000 --no-until-solved --log run.jsonl
  $ ${name} train --init model.json --lr 0.001 --out model2.json
  $ ${name} train --seed 1 --json | tail -n 1`,
    )
    .action(async (opts: TrainOpts, cmd: Command) => setExit(await trainCommand(opts, cmd)));
  void trainCmd;

  program
    .command('eval')
    .description('accuracy of a model on fresh random strings, overall and by length')
    .requiredOption('--model <file>', 'the model file')
    .option('--count <n>', 'strings (default 1000; per length with --lengths, default 100)', intIn('count', 1, MAX_COUNT))
    .option('--min-len <n>', 'shortest string', lengthParser('min length'), 50)
    .option('--max-len <n>', 'longest string', lengthParser('max length'), 100)
    .option('--lengths <list>', 'test these lengths instead, e.g. 100,1000,10000', lengthList)
    .option('--seed <n>', 'random seed of the strings (default: random, printed)', seedParser)
    .option('--curve', 'accuracy against string length (1, 2, 5, 10, 20, ... up to --curve-max) as a table and an SVG chart')
    .option('--curve-max <n>', 'longest length of the curve (default 10,000)', lengthParser('curve max'))
    .option('--chart <file>', 'where --curve writes its SVG chart (default curve.svg)')
    .option('--json', 'one JSON object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ ${name} eval --model model.json
  $ ${name} eval --model model.json --count 5000 --min-len 1 --max-len 500
  $ ${name} eval --model model.json --lengths 100,1000,10000 --count 20 --json
  $ ${name} eval --model model.json --curve --curve-max 100000 --chart curve.svg`,
    )
    .action(async (opts: EvalOpts, cmd: Command) => setExit(await evalCommand(opts, cmd)));

  program
    .command('predict')
    .description('the parity a model predicts for each bit string (arguments, or one per line on stdin)')
    .argument('[bits...]', 'bit strings such as 0110; none: read one per line from standard input')
    .requiredOption('--model <file>', 'the model file')
    .option('--json', 'one JSON line per string')
    .addHelpText(
      'after',
      `
Each line shows the string (long ones shortened), the predicted parity and the probability
that the parity is 1; a wrong prediction is marked.

Examples:
  $ ${name} predict --model model.json 0110 1 1110101
  $ ${name} dataset --count 5 --seed 3 | ${name} predict --model model.json`,
    )
    .action(async (bits: string[], opts: PredictOpts) => setExit(await predictCommand(bits, opts)));

  program
    .command('dataset')
    .description('write a dataset file: random bit strings, one per line')
    .option('--count <n>', 'number of strings', intIn('count', 1, MAX_DATASET), 1000)
    .option('--min-len <n>', 'shortest string', lengthParser('min length'), 1)
    .option('--max-len <n>', 'longest string', lengthParser('max length'), 20)
    .option('--seed <n>', 'random seed (default: random)', seedParser)
    .option('--out <file>', 'write here (default: standard output)')
    .addHelpText(
      'after',
      `
Examples:
  $ ${name} dataset --count 1000 --min-len 1 --max-len 20 --seed 7 --out data.txt
  $ ${name} dataset --count 3 --seed 1`,
    )
    .action(async (opts: DatasetOpts) => setExit(await datasetCommand(opts)));

  registerExperimentCommands(program);
  registerWorkerCommand(program); // queue (issue 11)
  return program;
}

// ---- errors ------------------------------------------------------------------------------------------------------

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim();

function isMemoryError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const memoryWords = /memory|allocat|array buffer|invalid array length|invalid typed array length|string length/i;
  return (e instanceof RangeError || e instanceof WebAssembly.RuntimeError) && memoryWords.test(e.message);
}

/** Prints the one error line for `e` and returns the exit code. */
function report(e: unknown): number {
  const ec = errColors();
  const line = (msg: string): void => err(`${ec.red('error:')} ${oneLine(msg)}`);
  if (e instanceof CommanderError) {
    if (e.exitCode === 0) return 0; // --help, --version
    if (e.code === 'commander.help' || e.code === 'commander.executeSubCommandAsync') return 2; // help already shown
    line(e.message.replace(/^error:\s*/, ''));
    return 2;
  }
  if (e instanceof ParityError || (e instanceof Error && e.name === 'ParityError')) {
    line((e as Error).message);
    return 2;
  }
  if (isMemoryError(e)) {
    line(`out of memory (${(e as Error).message}): use shorter strings, a smaller batch or fewer strings`);
    if (env.PARITY_LSTM_DEBUG === '1') err((e as Error).stack ?? '');
    return 2;
  }
  const msg = e instanceof Error ? e.message : String(e);
  line(`internal error: ${msg}`);
  if (env.PARITY_LSTM_DEBUG === '1' && e instanceof Error && e.stack) err(e.stack);
  return 1;
}

async function main(): Promise<void> {
  // A closed pipe (`... | head`) is a normal end, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.exitCode = report(e);
  });
  process.on('uncaughtException', (e) => {
    process.exitCode = report(e);
    process.exit();
  });
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    code = report(e);
  }
  process.exitCode = code;
}

await main();
