// `parity-lstm train`: train a model on random bit strings (or a dataset file), show it live, save it.

import { Option, type Command } from 'commander';
import { ParityError } from '../core/errors.js';
import { type Model } from '../core/model.js';
import { int } from '../core/format.js';
import { validateConfig, DEFAULT_CONFIG, GOALS, LIMITS, type Goal, type TrainConfig } from '../train/config.js';
import { HARDEN } from '../train/harden.js';
import { train, trainingRecord, type Progress, type TrainResult } from '../train/train.js';
import { checkWritable, openLineLog, writeFileAtomic, type LineLog } from '../node/files.js';
import { LiveLine, progressLine, renderCurves, renderSummary, trainStatus } from './display.js';
import { err, errColors, isLive, onInterrupt, out, outColors, randomSeed, rerunCommand } from './io.js';
import { loadDataset, loadModel } from './load.js';
import {
  batchParser,
  cellOption,
  checkBudget,
  datasetSizeParser,
  given,
  hiddenParser,
  intIn,
  learningRate,
  lengthParser,
  optimizerOption,
  positiveNumber,
  seedParser,
  stepsParser,
} from './options.js';

interface TrainOpts {
  cell: TrainConfig['cell'];
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
  goal: Goal;
  clip?: number;
  seed?: number;
  init?: string;
  out: string;
  log?: string;
  json?: boolean;
}

const D = DEFAULT_CONFIG;

export function registerTrain(program: Command, name: string, setExit: (code: number) => void): void {
  program
    .command('train')
    .description('train a model on random bit strings (or a dataset file) and save it')
    .addOption(cellOption())
    .option('--hidden <n>', `hidden size (1..${LIMITS.hidden})`, hiddenParser, D.hidden)
    .option('--lr <x>', 'learning rate (> 0)', learningRate, D.lr)
    .addOption(optimizerOption())
    .option('--batch <n>', `strings per training step (1..${LIMITS.batch})`, batchParser, D.batch)
    .option('--steps <n>', 'the most training steps to run', stepsParser('steps'), D.steps)
    .option('--min-len <n>', 'shortest training string', lengthParser('min length'), D.minLen)
    .option('--max-len <n>', `longest training string (at most ${int(LIMITS.length)})`, lengthParser('max length'), D.maxLen)
    .option('--dataset <file>', 'train on this file (one 0/1 string per line), walked in shuffled epochs')
    .option('--dataset-size <n>', 'train on a fixed set of N random strings instead of fresh ones', datasetSizeParser('dataset size'))
    .option('--eval-every <n>', 'evaluate (and report progress) every N steps', stepsParser('eval every'), D.evalEvery)
    .option('--eval-count <n>', 'strings in the generalisation set', intIn('eval count', 1, LIMITS.count), D.evalCount)
    .option('--eval-min-len <n>', 'shortest generalisation string', lengthParser('eval min length'), D.evalMinLen)
    .option('--eval-max-len <n>', 'longest generalisation string', lengthParser('eval max length'), D.evalMaxLen)
    .option('--until-solved', `stop once solved: 100% on the generalisation set, confirmed on ${int(D.confirmCount)} fresh strings (default)`)
    .option('--no-until-solved', 'run every step, even once solved (no goal)')
    .addOption(
      new Option('--goal <goal>', 'once solved, go on until: solved (stop there), robust (right on every structured string family) or certified (proved right on every string)')
        .choices([...GOALS])
        .default(D.goal),
    )
    .option('--clip <x>', 'clip the global gradient norm to X (default: off)', positiveNumber('clip'))
    .option('--seed <n>', 'random seed, 0..4294967295 (default: random, printed and saved in the model)', seedParser)
    .option('--init <model>', 'start from the weights of this model file (its cell and hidden size)')
    .option('--out <model>', 'where to write the model', 'model.json')
    .option('--log <file>', 'write one JSON line per evaluation to this file')
    .option('--json', 'JSON lines on stdout (one per evaluation, then a summary) instead of the live display')
    .addHelpText(
      'after',
      `
"Solved": the generalisation set (--eval-count strings of --eval-min-len..--eval-max-len bits,
fixed for the run) scores 100%, and ${int(D.confirmCount)} further fresh strings of those lengths do too.

Display: when stderr is a terminal, a live progress line there; otherwise a plain progress line
on stderr about once a second. The summary, the curves and the model path go to stdout.

Examples:
  $ ${name} train --seed 1
  $ ${name} train --hidden 16 --steps 20000 --no-until-solved --log run.jsonl
  $ ${name} train --init model.json --lr 0.001 --out model2.json
  $ ${name} train --seed 1 --json | tail -n 1`,
    )
    .action(async (opts: TrainOpts, cmd: Command) => setExit(await trainCommand(opts, cmd)));
}

/** Where train puts the certificate of a model it certified: model.json -> model.cert.json. */
export const certificatePath = (modelFile: string): string => modelFile.replace(/(\.json)?$/i, '.cert.json');

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
    goal: o.goal,
    clip: o.clip ?? null,
    seed,
  });
  // validateConfig checks the same budget; here the advice names the flags.
  if (dataset === null) {
    checkBudget(`a training batch of ${int(config.batch)} strings of up to ${int(config.maxLen)} bits`, config.batch, config.maxLen, 'use a smaller --batch or --max-len');
  }
  if (config.datasetSize !== null) {
    checkBudget(`a dataset of ${int(config.datasetSize)} strings of up to ${int(config.maxLen)} bits`, config.datasetSize, config.maxLen, 'use a smaller --dataset-size or --max-len');
  }
  checkBudget(`the evaluation set of ${int(config.evalCount)} strings of up to ${int(config.evalMaxLen)} bits`, config.evalCount, config.evalMaxLen, 'use a smaller --eval-count or --eval-max-len');
  checkBudget(`confirming a solve on ${int(config.confirmCount)} strings of up to ${int(config.evalMaxLen)} bits`, config.confirmCount, config.evalMaxLen, 'use a smaller --eval-max-len');

  checkWritable(o.out, 'model file');
  checkWritable(certificatePath(o.out), 'certificate');
  if (o.log !== undefined) checkWritable(o.log, 'log file');

  const json = !!o.json;
  const oc = outColors();
  const ec = errColors();
  const display = new LiveLine(process.stderr, !json && isLive(process.stderr));

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
          (!config.untilSolved
            ? '; runs every step'
            : config.goal === 'solved'
              ? '; stops once solved'
              : `; once solved, hardens (rounds of ${int(HARDEN.steps)} steps) until ${config.goal === 'robust' ? 'every structured string is right' : 'certify proves it right on every string'}`),
      ),
    );
  }

  let log: LineLog | null = null;
  const ac = new AbortController();
  let lastPrinted = -Infinity;
  let lastPrintedStep = -1;
  let lastSolveStep = 0;
  let hardenFrom: number | null = null;
  const hardenStatus = (p: Progress): string => {
    const done = p.step - (hardenFrom ?? 0);
    const round = Math.ceil(done / HARDEN.steps);
    return trainStatus({ ...p, step: done - (round - 1) * HARDEN.steps }, HARDEN.steps, ec).replace(/^/, ec.dim(`harden ${round} `));
  };
  const onProgress = (p: Progress): void => {
    if (p.phase === 'solve') lastSolveStep = p.step;
    const line = JSON.stringify({ type: 'progress', ...p });
    log?.write(line);
    if (json) {
      out(line);
    } else if (display.live) {
      if (p.phase === 'harden' && hardenFrom === null) {
        hardenFrom = lastSolveStep;
        display.log(ec.dim(`  solved on random strings at step ${int(lastSolveStep)}; checking structured strings and hardening toward ${config.goal}`));
      }
      display.update(p.phase === 'harden' ? hardenStatus(p) : trainStatus(p, config.steps, ec));
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

  let result: TrainResult;
  const release = onInterrupt(
    () => ac.abort(),
    () => {
      // A second Ctrl-C: leave now, without saving.
      display.clear();
      err('\ninterrupted again: exiting without saving');
      process.exit(130);
    },
  );
  try {
    if (o.log !== undefined) log = openLineLog(o.log);
    display.update(trainStatus(null, config.steps, ec), true);
    const onCheck = (check: 'families' | 'proof'): void => {
      const what = check === 'families' ? 'checking the structured string families…' : 'certify: trying to prove it right on every string…';
      if (display.live) display.update(ec.dim(`  ${what}`), true);
      else if (!json) err(ec.dim(what));
    };
    result = await train(config, { onProgress, signal: ac.signal, init, onCheck });
  } finally {
    display.done();
    log?.close();
    release();
  }

  const last = result.history.at(-1) ?? null;
  if (!json && !display.live && last && last.step !== lastPrintedStep) err(progressLine(last, config.steps, ec));

  // The strings of a dataset file would make the model file as large as the dataset: name the file instead.
  const datasetRef = dataset !== null ? { file: o.dataset, strings: dataset.length } : null;
  const model = result.model;
  model.training = trainingRecord(result, datasetRef);
  writeFileAtomic(o.out, model.serialize(), 'model file');
  // A certificate is checked against these exact weights (their hash): it sits beside the model file.
  const certFile = result.goal.certificate ? certificatePath(o.out) : null;
  if (certFile) writeFileAtomic(certFile, JSON.stringify(result.goal.certificate), 'certificate');

  const summary = {
    solved: result.solved,
    stopped: result.stopped,
    steps: result.steps,
    solvedAtStep: result.solvedAtStep,
    seconds: result.seconds,
    wallSeconds: result.wallSeconds,
    seed,
    seedWasRandom,
    rerun: rerunCommand(seed),
  };
  if (json) {
    const { certificate, ...goal } = result.goal;
    out(
      JSON.stringify({ type: 'summary', ...summary, goal, certificate: certFile, final: result.final, model: o.out, config: { ...result.config, dataset: datasetRef } }),
    );
  } else {
    out();
    out(
      renderSummary(
        {
          ...summary,
          maxSteps: config.steps,
          confirmAccuracy: result.confirmAccuracy,
          confirmCount: config.confirmCount,
          evalCount: config.evalCount,
          evalMinLen: config.evalMinLen,
          evalMaxLen: config.evalMaxLen,
          last,
          goal: result.goal,
        },
        oc,
      ),
    );
    out();
    out(renderCurves(result.history, oc));
    out();
    out(`  model written to ${oc.bold(o.out)}`);
    if (certFile) out(`  certificate written to ${oc.bold(certFile)}  ${oc.dim(`(check it: verify --model ${o.out} --certificate ${certFile})`)}`);
  }
  return result.stopped ? 130 : 0;
}
