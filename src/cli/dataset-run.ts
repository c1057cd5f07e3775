// The run of `parity-lstm dataset` (its options and help are in dataset.ts).

import { ParityError } from '../core/errors.js';
import { int } from '../core/format.js';
import { formatDataset, randomStrings } from '../train/data.js';
import { checkWritable, writeFileAtomic, writeStdout } from '../node/files.js';
import { err, errColors, randomSeed } from './io.js';
import { checkBudget } from './options.js';

export interface DatasetOpts {
  count: number;
  minLen: number;
  maxLen: number;
  seed?: number;
  out?: string;
}

export async function datasetCommand(o: DatasetOpts): Promise<number> {
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
