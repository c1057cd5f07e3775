// `parity-lstm eval`: accuracy of a model on fresh random strings, overall and by length; with --curve, accuracy
// against string length as a table and an SVG chart.
// This file is the command's options and help only; the run is in eval-run.ts, loaded when the command runs.

import { type Command } from 'commander';
import { FAMILIES } from '../train/families.js';
import { countParser, familyList, lengthList, lengthParser, seedParser } from './options.js';
import type { EvalOpts, CurveCommandOptions } from './eval-run.js';

export function registerEval(program: Command, name: string, setExit: (code: number) => void): void {
  program
    .command('eval')
    .description('accuracy of a model on fresh random strings, overall and by length')
    .requiredOption('--model <file>', 'the model file')
    .option('--count <n>', 'strings (default 1000; per length with --lengths, default 100)', countParser('count'))
    .option('--min-len <n>', 'shortest string', lengthParser('min length'), 50)
    .option('--max-len <n>', 'longest string', lengthParser('max length'), 100)
    .option('--lengths <list>', 'test these lengths instead, e.g. 100,1000,10000', lengthList)
    .option('--seed <n>', 'random seed of the strings (default: random, printed)', seedParser)
    .option('--curve', 'accuracy against string length (1, 2, 5, 10, 20, ... up to --curve-max) as a table and an SVG chart')
    .option('--curve-max <n>', 'longest length of the curve (default 10,000)', lengthParser('curve max'))
    .option('--chart <file>', 'where --curve writes its SVG chart (default curve.svg)')
    .option('--family <list>', `structured string families to test as well: ${FAMILIES.join(', ')}, all or none`, familyList, [...FAMILIES])
    .option('--family-max-len <n>', 'the longest structured string (n ones then n zeros and the long family go past it: 2x and 10x, at most 1,000,000 bits)', lengthParser('family max length'), 500)
    .option('--json', 'one JSON object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ ${name} eval --model model.json
  $ ${name} eval --model model.json --count 5000 --min-len 1 --max-len 500
  $ ${name} eval --model model.json --lengths 100,1000,10000 --count 20 --json
  $ ${name} eval --model model.json --curve --curve-max 100000 --chart curve.svg`,
    )
    .action(async (opts: EvalOpts, cmd: Command) => setExit(await (await import('./eval-run.js')).evalCommand(opts, cmd)));
}

/** Accuracy against string length for one model: a table (or JSON) on stdout and an SVG chart (eval-run.ts). */
export async function runCurve(opts: CurveCommandOptions): Promise<void> {
  return (await import('./eval-run.js')).runCurve(opts);
}
