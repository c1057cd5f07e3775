// `parity-lstm sweep`: every combination of settings and seeds on worker threads, each result appended to a
// JSON-lines file as it finishes, so a rerun with the same file skips what is done; a table and an SVG chart.
// Options and help only; the run is in sweep-run.ts, loaded when the command runs.

import { type Command } from 'commander';
import { processIO, type CliIO } from './io.js';
import {
  batchParser,
  cellItem,
  clipItem,
  countParser,
  datasetSizeParser,
  hiddenParser,
  intIn,
  learningRate,
  lengthParser,
  listOf,
  optimizerItem,
  rangeItem,
  stepsParser,
  workersParser,
} from './options.js';
import type { SweepFlags } from './sweep-run.js';

/** Adds `sweep` to a commander program. `io` is for tests (default: process streams). */
export function registerSweep(program: Command, io: CliIO = processIO()): void {
  program
    .command('sweep')
    .description(
      'train every combination of settings and seeds on worker threads; each result is appended to --results as it ' +
        'finishes, and a rerun with the same file skips what is done',
    )
    .option('--cell <list>', 'cells, e.g. lstm,rnn', listOf(cellItem))
    .option('--hidden <list>', 'hidden sizes, e.g. 4,8', listOf(hiddenParser))
    .option('--lr <list>', 'learning rates, e.g. 0.01,0.003', listOf(learningRate))
    .option('--batch <list>', 'batch sizes, e.g. 10,32', listOf(batchParser))
    .option('--lengths <list>', 'training length ranges, e.g. 1-20,1-50', listOf(rangeItem))
    .option('--optimizer <list>', 'optimizers: adam,sgd', listOf(optimizerItem))
    .option('--clip <list>', 'gradient-norm clips, e.g. off,1', listOf(clipItem))
    .option('--seeds <n>', 'seeds 1..N for every setting (default 5)', intIn('seeds', 1, 100_000))
    .option('--grid <file>', 'a JSON grid: {"cell": [...], "hidden": [...], "lengths": ["1-20"], "seeds": 10, "base": {...}}')
    .option('--steps <n>', 'most steps per run', stepsParser('steps'))
    .option('--until-solved', 'stop each run once solved (default)')
    .option('--no-until-solved', 'run every step')
    .option('--eval-every <n>', 'steps between evaluations', stepsParser('eval every'))
    .option('--eval-count <n>', 'generalisation strings', countParser('eval count'))
    .option('--eval-min-len <n>', 'shortest generalisation string', lengthParser('eval min length'))
    .option('--eval-max-len <n>', 'longest generalisation string', lengthParser('eval max length'))
    .option('--confirm-count <n>', 'fresh strings that confirm a solve', countParser('confirm count'))
    .option('--dataset-size <n>', 'train on a fixed dataset of N strings per run', datasetSizeParser('dataset size'))
    .option('--workers <n>', 'worker threads (default: one per core)', workersParser)
    .option('--results <file>', 'JSON-lines results file (appended; reused to resume)', 'sweep-results.jsonl')
    .option('--chart <file>', 'SVG chart (default: the results file with .svg)')
    .option('--json', 'print the summary as JSON on stdout (progress goes to stderr)')
    .option('--queue <url>', 'run the grid as jobs on a Redis queue (redis://HOST:PORT[/DB]) served by `parity-lstm worker` on any hosts')
    .action(async (flags: SweepFlags) => (await import('./sweep-run.js')).sweepAction(flags, io));
}

