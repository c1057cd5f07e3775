// `parity-lstm train`: train a model on random bit strings (or a dataset file), show it live, save it.
// This file is the command's options and help only; the run is in train-run.ts, loaded when the command runs, so
// every other command (and --help) starts without the training code.

import { Option, type Command } from 'commander';
import { int } from '../core/format.js';
import { DEFAULT_CONFIG, GOALS, LIMITS } from '../train/config.js';
import {
  batchParser,
  cellOption,
  datasetSizeParser,
  hiddenParser,
  intIn,
  learningRate,
  lengthParser,
  optimizerOption,
  positiveNumber,
  seedParser,
  stepsParser,
} from './options.js';
import type { TrainOpts } from './train-run.js';

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
    .action(async (opts: TrainOpts, cmd: Command) => setExit(await (await import('./train-run.js')).trainCommand(opts, cmd)));
}
