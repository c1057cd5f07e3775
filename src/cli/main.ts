#!/usr/bin/env node
// parity-lstm: the command line. One file per command (train, eval, predict, dataset, experiment, sweep); this one
// builds the program and turns every error into one line and an exit code.
// Exit codes: 0 done; 2 bad input (one `error: ...` line on stderr); 1 a bug (`error: internal error: ...`, the
// stack too with PARITY_LSTM_DEBUG=1); 130 interrupted with Ctrl-C (a training run's model so far is still saved).
// The CLI is reached only through `bin`, so nothing from node:* enters the browser bundle of the library.

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { ParityError } from '../core/errors.js';
import { debug, err, errColors, packageVersion } from './io.js';
import { registerTrain } from './train.js';
import { registerEval } from './eval.js';
import { registerPredict } from './predict.js';
import { registerDataset } from './dataset.js';
import { registerExperiment } from './experiment.js';
import { registerSweep } from './sweep.js';
import { registerWorker } from './worker.js';
import { registerCertifyCommands } from './certify.js';

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command();
  const name = 'parity-lstm';
  program
    .name(name)
    .description('An LSTM (or RNN) that learns the parity of bit strings, on a WebAssembly SIMD core.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .showSuggestionAfterError(true)
    .exitOverride()
    // Commander's own error text is printed by our one handler, as one line; help and version still print here.
    .configureOutput({ outputError: () => {} })
    .addHelpText(
      'after',
      `
Examples:
  $ ${name} train                           # defaults, a random seed; writes model.json
  $ ${name} train --seed 1 --out m.json     # the same run every time
  $ ${name} train --cell rnn --hidden 16 --lr 0.003 --steps 20000
  $ ${name} eval --model m.json --lengths 100,1000,10000
  $ ${name} predict --model m.json 0110 111 1010101
  $ ${name} dataset --count 500 --max-len 16 --seed 7 --out data.txt
  $ ${name} train --dataset data.txt --no-until-solved --steps 2000

Exit codes: 0 done, 2 bad input (one "error: ..." line on stderr), 1 internal error
(PARITY_LSTM_DEBUG=1 shows its stack), 130 training interrupted (the model so far is saved).
Colour only on a terminal; NO_COLOR=1 turns it off.`,
    );

  registerTrain(program, name, setExit);
  registerEval(program, name, setExit);
  registerPredict(program, name, setExit);
  registerDataset(program, name, setExit);
  registerExperiment(program);
  registerSweep(program);
  registerWorker(program);
  registerCertifyCommands(program, setExit);
  return program;
}

// ---- errors ------------------------------------------------------------------------------------------------------

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim();

function isMemoryError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const memoryWords = /memory|allocat|array buffer|invalid array length|invalid typed array length|string length/i;
  return (e instanceof RangeError || e instanceof WebAssembly.RuntimeError) && memoryWords.test(e.message);
}

/** Prints the one error line for `e` and returns the exit code. */
function report(e: unknown): number {
  const ec = errColors();
  const line = (msg: string): void => err(`${ec.red('error:')} ${oneLine(msg)}`);
  if (e instanceof CommanderError) {
    if (e.exitCode === 0) return 0; // --help, --version
    if (e.code === 'commander.help' || e.code === 'commander.executeSubCommandAsync') return 2; // help already shown
    line(e.message.replace(/^error:\s*/, ''));
    return 2;
  }
  if (e instanceof ParityError || (e instanceof Error && e.name === 'ParityError')) {
    line((e as Error).message);
    return 2;
  }
  if (isMemoryError(e)) {
    line(`out of memory (${(e as Error).message}): use shorter strings, a smaller batch or fewer strings`);
    if (debug) err((e as Error).stack ?? '');
    return 2;
  }
  const msg = e instanceof Error ? e.message : String(e);
  line(`internal error: ${msg}`);
  if (debug && e instanceof Error && e.stack) err(e.stack);
  return 1;
}

/**
 * Runs one command line (the arguments after the program's name) and returns its exit code, having printed any
 * error as its one line. The bin runs it on process.argv; tests run it in their own process.
 */
export async function run(args: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    code = report(e);
  }
  return code;
}

async function main(): Promise<void> {
  // A closed pipe (`... | head`) is a normal end, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.exitCode = report(e);
  });
  process.on('uncaughtException', (e) => {
    process.exitCode = report(e);
    process.exit();
  });
  const code = await run(process.argv.slice(2));
  // A command interrupted with Ctrl-C set 130 itself.
  process.exitCode = code || process.exitCode || 0;
}

/** Whether this module is the program (bin, `node dist/cli/main.js`, a symlink to it) rather than imported. */
function isProgram(): boolean {
  const script = process.argv[1];
  if (!script) return true;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return true; // `node dist/cli/main` without the extension: node found this file, realpath did not
  }
}

if (isProgram()) await main();
