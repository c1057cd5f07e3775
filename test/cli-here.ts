// The CLI run inside the test's own process: the built program (dist/cli/main.js, `npm test` builds first) through
// its exported `run`, the function the bin calls, with the process's streams captured. A child's start-up costs
// more than most cases do; the tests keep a child process where the process is the point.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const CLI = resolve(__dirname, '../dist/cli/main.js');
type Write = typeof process.stdout.write;
let turn: Promise<unknown> = Promise.resolve();

/**
 * Runs the CLI inside this process, as the bin would (main.ts's `run`; the exit code the bin would set), in `cwd`,
 * its streams captured and not terminals. One at a time: it borrows the process's working directory, streams and
 * exit code, and gives them back.
 */
export function runHere(args: string[], cwd: string): Promise<CliRun> {
  const go = async (): Promise<CliRun> => {
    const cli = (await import(pathToFileURL(CLI).href)) as { run(args: string[]): Promise<number> };
    const before = process.cwd();
    const exitCode = process.exitCode;
    const captured = { stdout: '', stderr: '' };
    const restore: (() => void)[] = [];
    for (const name of ['stdout', 'stderr'] as const) {
      const stream = process[name];
      const write = stream.write;
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        captured[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        cb?.();
        return true;
      }) as Write;
      const own = Object.getOwnPropertyDescriptor(stream, 'isTTY');
      Object.defineProperty(stream, 'isTTY', { value: false, configurable: true, writable: true });
      restore.push(() => {
        stream.write = write;
        if (own) Object.defineProperty(stream, 'isTTY', own);
        else delete (stream as { isTTY?: boolean }).isTTY;
      });
    }
    process.chdir(cwd);
    try {
      const code = await cli.run(args);
      return { code: code || Number(process.exitCode ?? 0), ...captured };
    } finally {
      process.chdir(before);
      process.exitCode = exitCode;
      for (const r of restore) r();
    }
  };
  const result = turn.then(go);
  turn = result.catch(() => {});
  return result;
}
