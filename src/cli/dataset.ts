// `parity-lstm dataset`: write a dataset file of random bit strings, one per line.
// Options and help only; the run is in dataset-run.ts, loaded when the command runs.

import { type Command } from 'commander';
import { datasetSizeParser, lengthParser, seedParser } from './options.js';
import type { DatasetOpts } from './dataset-run.js';

export function registerDataset(program: Command, name: string, setExit: (code: number) => void): void {
  program
    .command('dataset')
    .description('write a dataset file: random bit strings, one per line')
    .option('--count <n>', 'number of strings', datasetSizeParser('count'), 1000)
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
    .action(async (opts: DatasetOpts) => setExit(await (await import('./dataset-run.js')).datasetCommand(opts)));
}
