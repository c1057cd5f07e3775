// The process around a command: its streams and their colours, how it was started, its version, its seed when none
// is given, Ctrl-C. Output streams, decided once here:
//   - stdout carries the results (a run's header, summary, curves and model path; eval's table; predictions; a
//     dataset without --out). With --json, stdout carries only JSON.
//   - stderr carries progress and errors. On a terminal (TERM not "dumb") progress is one live line redrawn in
//     place; otherwise plain lines, throttled, so CI logs stay short.
//   - Colour only on a terminal (decided per stream), never when NO_COLOR is set to anything non-empty.

import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { LiveLine, makeColors, shellJoin, type Colors } from './term.js';

export type Out = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
/** Where a command writes: the process's streams, or a test's. */
export interface CliIO {
  stdout: Out;
  stderr: Out;
}
export const processIO = (): CliIO => ({ stdout: process.stdout, stderr: process.stderr });

const env = process.env;
const noColor = (env.NO_COLOR ?? '') !== '';
const dumbTerm = env.TERM === 'dumb';
export const debug = env.PARITY_LSTM_DEBUG === '1';
export const colorsFor = (stream: Out): Colors => makeColors(!!stream.isTTY && !noColor && !dumbTerm);
export const outColors = (): Colors => colorsFor(process.stdout);
export const errColors = (): Colors => colorsFor(process.stderr);
/** A stream that can show a line redrawn in place. */
export const isLive = (stream: Out): boolean => stream.isTTY === true && !dumbTerm && !env.CI;

export const out = (s = ''): void => {
  process.stdout.write(s + '\n');
};
export const err = (s = ''): void => {
  process.stderr.write(s + '\n');
};

/** How this program was started, for commands a person can paste: "parity-lstm" or "node dist/cli/main.js". */
export function programName(): string {
  const script = process.argv[1] ?? '';
  if (path.basename(script) === 'main.js' && path.basename(path.dirname(script)) === 'cli') {
    // A short relative path when the script is below the current directory, else the absolute one.
    const rel = path.relative(process.cwd(), script);
    const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(script);
    return `node ${shellJoin([shown])}`;
  }
  return 'parity-lstm';
}

/** The command line to run this one again with the same seed: the same arguments, plus --seed when absent. */
export function rerunCommand(seed: number): string {
  const args = process.argv.slice(2);
  const hasSeed = args.some((a) => a === '--seed' || a.startsWith('--seed='));
  return `${programName()} ${shellJoin(hasSeed ? args : [...args, '--seed', String(seed)])}`;
}

let version: string | null = null;
/** The package's version, from its package.json (read once). */
export function packageVersion(): string {
  if (version === null) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
      version = pkg.version ?? '0.0.0';
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}

/**
 * A uniformly random uint32, the seed of a run when none is given. Math.random (V8 seeds it from the OS's entropy
 * per process) rather than crypto.getRandomValues: a training seed needs no secrecy, and Web Crypto's first use
 * costs a command about 3 ms of loading.
 */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}

/**
 * Ctrl-C: the first runs `stop` (the command tidies up and ends with exit code 130); a second, when `again` is
 * given, runs it (leave now). Returns the function that removes the handler.
 */
export function onInterrupt(stop: () => void, again?: () => void): () => void {
  let count = 0;
  const handler = (): void => {
    count++;
    process.exitCode = 130;
    if (count === 1) stop();
    else again?.();
  };
  process.on('SIGINT', handler);
  return () => process.removeListener('SIGINT', handler);
}

/** The one live display on a stream (see display.ts's LiveLine). */
export const liveOn = (stream: Out): LiveLine => new LiveLine(stream, isLive(stream));
