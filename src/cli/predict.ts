// `parity-lstm predict`: the parity a model predicts for each bit string (arguments, or one per line on stdin).

import { type Command } from 'commander';
import { ParityError } from '../core/errors.js';
import { checkBits, parity } from '../core/bits.js';
import { readStdin, writeStdout } from '../node/files.js';
import { renderPredictions, shortenBits } from './display.js';
import { err, errColors, outColors } from './io.js';
import { loadModel } from './load.js';

interface PredictOpts {
  model: string;
  json?: boolean;
}

async function predictCommand(bitsArgs: string[], o: PredictOpts): Promise<number> {
  let strings: string[];
  if (bitsArgs.length > 0) {
    strings = bitsArgs;
    strings.forEach((s) => checkBits(s, `bit string ${JSON.stringify(shortenBits(s))}`));
  } else {
    if (process.stdin.isTTY) err(errColors().dim('reading bit strings from standard input, one per line (Ctrl-D to end)'));
    const text = await readStdin();
    strings = [];
    text.split(/\r?\n/).forEach((line, i) => {
      const s = line.trim();
      if (s === '') return;
      checkBits(s, `input line ${i + 1}`);
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


export function registerPredict(program: Command, name: string, setExit: (code: number) => void): void {
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
}
