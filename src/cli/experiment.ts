// `parity-lstm experiment openai`: fixed length 50 against lengths 1..50 (several seeds, on worker threads), and a
// report folder with tables, charts and the measured explanation of the difference.
// Options and help only; the run is in experiment-run.ts, loaded when the command runs.

import { type Command } from 'commander';
import { processIO, type CliIO } from './io.js';
import { batchParser, cellOption, datasetSizeParser, hiddenParser, intIn, learningRate, stepsParser, workersParser } from './options.js';
import type { ExperimentFlags } from './experiment-run.js';

/** Adds `experiment openai` to a commander program. `io` is for tests (default: process streams). */
export function registerExperiment(program: Command, io: CliIO = processIO()): void {
  const experiment = program.command('experiment').description('reproducible experiments with a report folder');
  experiment
    .command('openai')
    .description(
      'train on 100,000 strings of length 50 and on 100,000 of lengths 1..50 (several seeds, in parallel); ' +
        'write a report with tables, charts and the measured explanation of the difference',
    )
    .option('--dataset-size <n>', 'strings per dataset', datasetSizeParser('dataset size'), 100_000)
    .option('--seeds <n>', 'seeds 1..N for every arm', intIn('seeds', 1, 1000), 3)
    .option('--epochs <n>', 'passes over each dataset', intIn('epochs', 1, 10_000), 10)
    .option('--hidden <n>', 'hidden size', hiddenParser, 8)
    .option('--batch <n>', 'strings per step', batchParser, 64)
    .option('--lr <x>', 'Adam learning rate', learningRate, 0.01)
    .addOption(cellOption())
    .option('--curriculum', 'add a third arm: lengths growing 1..50 over the first epoch, then 50 only')
    .option('--early-stop', 'stop the varying-length arms once solved (the fixed arm always runs every epoch)')
    .option('--eval-every <n>', 'steps between held-out checks', stepsParser('eval every'), 50)
    .option('--workers <n>', 'worker threads (default: one per core)', workersParser)
    .option('--out <dir>', 'report folder', 'report')
    .option('--json', 'print the results as JSON on stdout (progress goes to stderr)')
    .option('--queue <url>', 'run the arms as jobs on a Redis queue (redis://HOST:PORT[/DB]) served by `parity-lstm worker`')
    .action(async (flags: ExperimentFlags) => (await import('./experiment-run.js')).experimentAction(flags, io));
}

