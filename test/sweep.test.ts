// Sweeps: the grid, the results file (torn lines, resume), the worker pool (a dying worker fails its task only), and
// the `sweep` command end to end on worker threads: bad settings become failed runs, the same seeds give the same
// results and a rerun skips them, and `parity-lstm sweep` killed mid-way finishes on rerun with every run exactly once.
// Worker threads run compiled JS from dist/: `npm test` builds first; locally run `npm run build`.
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { expandGrid, parseGrid, parseResults, doneKeys, summarizeSweep, sweepSpeed, runSweep, runTask, workerPool, type SweepResult, type WorkerLike } from '../src/research/index.js';
import { ParityError } from '../src/index.js';
import { runHere } from './cli-here.js';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'parity-sweep-'));
const readLines = (file: string): SweepResult[] =>
  fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as SweepResult);
/** A result without the things that legitimately differ between two runs of it. */
const timeless = ({ seconds: _s, wallSeconds: _w, secondsToSolve: _t, finishedAt: _f, ...rest }: SweepResult) => rest;

describe('grid', () => {
  it('expands every combination, seeds innermost, with unique keys and readable settings', () => {
    const runs = expandGrid({ cell: ['lstm', 'rnn'], hidden: [4, 8], lengths: ['1-20', [1, 50]], seeds: 3, base: { steps: 100 } });
    expect(runs).toHaveLength(2 * 2 * 2 * 3);
    expect(new Set(runs.map((r) => r.key)).size).toBe(runs.length);
    expect(runs[0].setting).toBe('lstm h4 lr0.01 b10 len1-20');
    expect(runs.slice(0, 3).map((r) => r.seed)).toEqual([1, 2, 3]);
    expect(runs[3].setting).toBe('lstm h4 lr0.01 b10 len1-50');
    expect(runs[0].config).toEqual({ goal: 'solved', steps: 100, cell: 'lstm', hidden: 4, minLen: 1, maxLen: 20, seed: 1 });
    expect(expandGrid({ seeds: [7, 9] }).map((r) => r.seed)).toEqual([7, 9]);
    expect(() => parseGrid({ hiden: [4] })).toThrow(ParityError);
    expect(() => parseGrid({ hidden: [] })).toThrow(ParityError);
    expect(() => parseGrid({ lengths: ['1..x'] })).toThrow(ParityError);
    expect(() => parseGrid({ base: { stepz: 3 } })).toThrow(ParityError);
    expect(() => parseGrid([1])).toThrow(ParityError);
  });
});

describe('results file', () => {
  it('reads JSON lines, ignores a torn last line, keeps the latest line per run, and retries crashed runs', () => {
    const a = { key: 'a', status: 'ok', setting: 's', solved: true } as SweepResult;
    const b = { key: 'b', status: 'crashed', setting: 's' } as SweepResult;
    const a2 = { ...a, solved: false };
    const text = [a, b, a2].map((r) => JSON.stringify(r)).join('\n') + '\n{"key":"c","stat';
    const p = parseResults(text);
    expect(p.torn).toBe(true);
    expect(p.completeLength).toBe(text.lastIndexOf('\n') + 1);
    expect(p.results.map((r) => r.key)).toEqual(['b', 'a']);
    expect(p.results[1].solved).toBe(false);
    expect([...doneKeys(p.results)]).toEqual(['a']);
    expect(parseResults('').results).toEqual([]);
    expect(parseResults('garbage\n').bad).toBe(1);
  });
});

describe('worker pool', () => {
  it('a worker that dies fails only its own task; the others finish and the sweep completes', async () => {
    // Fake workers in this thread: a task for hidden 13 kills its worker, the rest run normally.
    const spawned: number[] = [];
    const spawnFake = (): WorkerLike => {
      let onMsg: (m: unknown) => void = () => {};
      let onFail: (e: Error) => void = () => {};
      spawned.push(1);
      return {
        postMessage(msg) {
          const m = msg as { id: number; task: { kind: 'sweep-run'; run: { config: { hidden?: number } } } };
          if (m.task.run.config.hidden === 13) setTimeout(() => onFail(new Error('out of memory')), 1);
          else void runTask(m.task).then((outcome) => onMsg({ type: 'done', id: m.id, outcome }));
        },
        onMessage: (h) => (onMsg = h),
        onFailure: (h) => (onFail = h),
        terminate: () => undefined,
      };
    };
    const runner = workerPool(spawnFake, 2);
    const runs = expandGrid({ hidden: [4, 13, 0], seeds: 2, base: { steps: 20, evalEvery: 10, untilSolved: false } });
    const out = await runSweep(runs, { runner });
    await runner.close();
    expect(out.results).toHaveLength(6);
    const by = (h: number) => out.results.filter((r) => r.config.hidden === h);
    expect(by(4).every((r) => r.status === 'ok' && r.steps === 20)).toBe(true);
    expect(by(13).every((r) => r.status === 'crashed' && /worker died: out of memory/.test(r.error!))).toBe(true);
    expect(by(0).every((r) => r.status === 'failed' && /hidden size must be an integer/.test(r.error!))).toBe(true);
    expect(spawned.length).toBeGreaterThanOrEqual(3); // a replacement for a worker that died while tasks were queued
    const rows = summarizeSweep(out.results, [...new Set(runs.map((r) => r.setting))]);
    expect(rows.map((r) => [r.runs, r.failed])).toEqual([[2, 0], [2, 2], [2, 2]]);
    expect(Number.isNaN(rows[1].successRate)).toBe(true);
    const speed = sweepSpeed(out.results, out.wallSeconds);
    expect(speed.runs).toBe(6);
    expect(speed.speedup).toBeCloseTo(speed.runSeconds / speed.wallSeconds, 9);
  });
});

// ---- the command, on worker threads -----------------------------------------------------------------------------

/** A commander program with the experiment commands, as src/cli.ts will have them; `--json` output parsed. */
async function sweep(args: string[]): Promise<{ json: Record<string, unknown>; stderr: string }> {
  const { registerSweep } = (await import(path.join(dist, 'cli/sweep.js'))) as typeof import('../src/cli/sweep.js');
  let stdout = '';
  let stderr = '';
  const stream = (f: (s: string) => void) => ({ write: (s: string) => (f(s), true), isTTY: false }) as unknown as NodeJS.WritableStream;
  const program = new Command('parity-lstm').exitOverride().configureOutput({ writeErr: (s) => (stderr += s) });
  registerSweep(program, { stdout: stream((s) => (stdout += s)), stderr: stream((s) => (stderr += s)) });
  await program.parseAsync(['sweep', '--json', ...args], { from: 'user' });
  return { json: JSON.parse(stdout), stderr };
}

/** The CLI as users run it, in a child process (so it can be killed). */
const CLI = path.join(dist, 'cli/main.js');

describe('sweep command', () => {
  it('reports a bad setting from a --grid file as failed runs and completes; writes a valid SVG chart', async () => {
    const dir = tmp();
    const grid = path.join(dir, 'grid.json');
    fs.writeFileSync(grid, JSON.stringify({ cell: ['rnn'], hidden: [0, 4], seeds: 2, base: { steps: 30, evalEvery: 10 } }));
    const results = path.join(dir, 'results.jsonl');
    const { json, stderr } = await sweep(['--grid', grid, '--workers', '2', '--results', results, '--no-until-solved']);
    const lines = readLines(results);
    expect(lines).toHaveLength(4);
    const failed = lines.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.config.hidden)).toEqual([0, 0]);
    expect(failed[0].error).toMatch(/hidden size must be an integer from 1/);
    expect(lines.filter((r) => r.status === 'ok').every((r) => r.steps === 30 && r.weightsHash)).toBe(true);
    expect(json.workers).toBe(2);
    const summary = json.summary as { setting: string; runs: number; failed: number }[];
    expect(summary.map((r) => [r.setting, r.runs, r.failed])).toEqual([
      ['rnn h0 lr0.01 b10 len1-20', 2, 2],
      ['rnn h4 lr0.01 b10 len1-20', 2, 0],
    ]);
    expect(stderr).toMatch(/failed: hidden size/);
    const svg = fs.readFileSync(path.join(dir, 'results.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('rnn h4 lr0.01 b10 len1-20');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same results for the same seeds (timings aside), and skips everything on a rerun', async () => {
    const dir = tmp();
    const args = ['--cell', 'lstm,rnn', '--hidden', '3', '--lengths', '1-8', '--seeds', '2', '--steps', '40', '--eval-every', '20', '--workers', '2'];
    await sweep([...args, '--results', path.join(dir, 'a.jsonl')]);
    await sweep([...args, '--results', path.join(dir, 'b.jsonl'), '--workers', '1']);
    const key = (r: SweepResult) => r.key;
    const a = readLines(path.join(dir, 'a.jsonl')).sort((x, y) => key(x).localeCompare(key(y)));
    const b = readLines(path.join(dir, 'b.jsonl')).sort((x, y) => key(x).localeCompare(key(y)));
    expect(a).toHaveLength(4);
    expect(a.map(timeless)).toEqual(b.map(timeless));
    const again = await sweep([...args, '--results', path.join(dir, 'a.jsonl')]);
    expect(again.json.ranNow).toBe(0);
    expect(again.json.skipped).toBe(4);
    expect(readLines(path.join(dir, 'a.jsonl'))).toHaveLength(4);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a sweep killed mid-way finishes on rerun with every run present exactly once', async () => {
    const dir = tmp();
    const results = path.join(dir, 'r.jsonl');
    const args = ['sweep', '--hidden', '4,5,6,7', '--seeds', '4', '--steps', '400', '--no-until-solved', '--eval-every', '100', '--workers', '2', '--results', results];
    const child = spawn(process.execPath, [CLI, ...args], { cwd: root, stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    // Kill it once a few runs are in the file, well before all 16 are.
    const t0 = Date.now();
    while (Date.now() - t0 < 20_000) {
      await new Promise((r) => setTimeout(r, 50));
      if (fs.existsSync(results) && readLines(results).length >= 3) break;
    }
    child.kill('SIGKILL');
    await exited;
    const before = readLines(results).length;
    expect(before).toBeGreaterThanOrEqual(3);
    expect(before).toBeLessThan(16);
    // A kill can tear the line being written: simulate one.
    fs.appendFileSync(results, '{"key":"{\\"hidden\\":4');
    const rerun = await runHere([...args, '--json'], root); // the rerun need not be a child: nothing kills it
    expect(rerun.code, rerun.stderr).toBe(0);
    const json = JSON.parse(rerun.stdout) as { skipped: number; ranNow: number };
    expect(json.skipped).toBe(before);
    expect(json.ranNow).toBe(16 - before);
    const lines = readLines(results); // every line parses: the torn one was cut off
    expect(lines).toHaveLength(16);
    expect(new Set(lines.map((r) => r.key)).size).toBe(16);
    expect(lines.every((r) => r.status === 'ok' && r.steps === 400)).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('rejects bad flags and bad grid files with one line', async () => {
    await expect(sweep(['--hidden', '4,x'])).rejects.toThrow(/item "x": hidden size must be an integer from 1 to 1024/);
    await expect(sweep(['--lengths', '5-2'])).rejects.toThrow(/item "5-2": must have min <= max/);
    await expect(sweep(['--cell', 'elman'])).rejects.toThrow(/item "elman": must be lstm/);
    await expect(sweep(['--grid', '/nonexistent/grid.json'])).rejects.toThrow(/cannot read grid file \/nonexistent\/grid.json: no such file/);
    await expect(sweep(['--eval-min-len', '9', '--eval-max-len', '3'])).rejects.toThrow(/eval min length 9 is greater than eval max length 3/);
  });
});
