// `parity-lstm predict`: the parity a model predicts for each bit string (arguments, or one per line on stdin).
// Options and help only; the run is in predict-run.ts, loaded when the command runs.

import { type Command } from 'commander';
import type { PredictOpts } from './predict-run.js';

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
    .action(async (bits: string[], opts: PredictOpts) => setExit(await (await import('./predict-run.js')).predictCommand(bits, opts)));
}
