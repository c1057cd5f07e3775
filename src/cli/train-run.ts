// The run of `parity-lstm train` (its options and help are in train.ts): checks across options, the live display,
// the training, the model file and the summary.

import { type Command } from 'commander';
import { ParityError } from '../core/errors.js';
import { type Model } from '../core/model.js';
import { int } from '../core/format.js';
import { validateConfig, type TrainConfig } from '../train/config.js';
import { HARDEN } from '../train/harden.js';
import { train, trainingRecord, type Progress, type TrainResult } from '../train/train.js';
import { checkWritable, openLineLog, writeFileAtomic, type LineLog } from '../node/files.js';
import { LiveLine, progressLine, renderCurves, renderSummary, trainStatus } from './display.js';
import { err, errColors, isLive, onInterrupt, out, outColors, randomSeed, rerunCommand } from './io.js';
import { loadDataset, loadModel } from './load.js';
import { checkBudget, given } from './options.js';
import type { Goal } from '../train/config.js';

export interface TrainOpts {
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

/** Where train puts the certificate of a model it certified: model.json -> model.cert.json. */
export const certificatePath = (modelFile: string): string => modelFile.replace(/(\.json)?$/i, '.cert.json');

export async function trainCommand(o: TrainOpts, cmd: Command): Promise<number> {
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
  let checking = false;
  const hardenStatus = (p: Progress): string => {
    const done = p.step - (hardenFrom ?? 0);
    const round = Math.ceil(done / HARDEN.steps);
    return trainStatus({ ...p, step: done - (round - 1) * HARDEN.steps }, HARDEN.steps, ec).replace(/^/, ec.dim(`harden ${round} `));
  };
  const onProgress = (p: Progress): void => {
    if (p.phase === 'solve') lastSolveStep = p.step;
    // The JSON line only when something reads it: every evaluation calls this.
    const line = json || log ? JSON.stringify({ type: 'progress', ...p }) : '';
    log?.write(line);
    if (json) {
      out(line);
    } else if (display.live) {
      if (p.phase === 'harden' && hardenFrom === null) {
        hardenFrom = lastSolveStep;
        display.log(ec.dim(`  solved on random strings at step ${int(lastSolveStep)}; checking structured strings and hardening toward ${config.goal}`));
      }
      display.update(p.phase === 'harden' ? hardenStatus(p) : trainStatus(p, config.steps, ec));
      checking = false;
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
      if (display.live) {
        display.update(ec.dim(`  ${what}`), true);
        checking = true;
      }
      else if (!json) err(ec.dim(what));
    };
    result = await train(config, { onProgress, signal: ac.signal, init, onCheck });
  } finally {
    // The last progress line stays on screen; a "checking…" line, once the check is done, says nothing.
    if (checking) display.clear();
    else display.done();
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
