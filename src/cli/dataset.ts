// `parity-lstm dataset`: write a dataset file of random bit strings, one per line.

import { type Command } from 'commander';
import { ParityError } from '../core/errors.js';
import { int } from '../core/format.js';
import { formatDataset, randomStrings } from '../train/data.js';
import { checkWritable, writeFileAtomic, writeStdout } from '../node/files.js';
import { err, errColors, randomSeed } from './io.js';
import { checkBudget, datasetSizeParser, lengthParser, seedParser } from './options.js';

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
    .action(async (opts: DatasetOpts) => setExit(await datasetCommand(opts)));
}
