// The run of `parity-lstm predict` (its options and help are in predict.ts).

import { ParityError } from '../core/errors.js';
import { checkBits, parity } from '../core/bits.js';
import { readStdin, writeStdout } from '../node/files.js';
import { renderPredictions, shortenBits } from './display.js';
import { err, errColors, outColors } from './io.js';
import { loadModel } from './load.js';

export interface PredictOpts {
  model: string;
  json?: boolean;
}

export async function predictCommand(bitsArgs: string[], o: PredictOpts): Promise<number> {
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
