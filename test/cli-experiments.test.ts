// The experiment commands as users run them, through `node dist/cli/main.js`: `eval --curve`, a small
// `experiment openai`, and a small `sweep`. (Their logic is tested in experiments.test.ts and sweep.test.ts;
// this checks the wiring into the CLI, its files and its error contract.)
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve(__dirname, '../dist/cli/main.js');
let dir = '';

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOneErrorLine(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  const errLines = r.stderr.split('\n').filter((l) => l !== '');
  expect(errLines).toHaveLength(1);
  expect(errLines[0]).toMatch(pattern);
  expect(r.code).toBe(2);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'parity-lstm-cli-exp-'));
  expect(cli('train', '--seed', '1', '--json', '--out', 'm.json').code).toBe(0);
});

describe('eval --curve', () => {
  it('prints accuracy by length up to --curve-max and writes an SVG chart', () => {
    const r = cli('eval', '--model', 'm.json', '--curve', '--curve-max', '1000', '--count', '20', '--seed', '2', '--json', '--chart', 'c.svg');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { rows: { length: number; count: number; accuracy: number }[] };
    expect(out.rows.map((x) => x.length)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
    expect(out.rows.every((x) => x.count === 20)).toBe(true);
    expect(out.rows.find((x) => x.length === 1000)!.accuracy).toBe(1); // seed 1's model generalises
    expect(readFileSync(join(dir, 'c.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('rejects --curve with --min-len, and --chart without --curve, with one line and exit 2', () => {
    expectOneErrorLine(cli('eval', '--model', 'm.json', '--curve', '--min-len', '5'), /^error: --curve tests a series of lengths/);
    expectOneErrorLine(cli('eval', '--model', 'm.json', '--chart', 'x.svg'), /^error: --curve-max and --chart go with --curve/);
  });
});

describe('experiment openai', () => {
  it('runs a small version and writes a report folder', () => {
    const r = cli('experiment', 'openai', '--dataset-size', '2000', '--seeds', '1', '--epochs', '1', '--out', 'rep', '--json');
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['report.md', 'curves.svg', 'length-accuracy.svg', 'runs.jsonl']) expect(existsSync(join(dir, 'rep', f))).toBe(true);
    expect(readFileSync(join(dir, 'rep', 'report.md'), 'utf8')).toMatch(/fixed length 50/i);
  });

  it('rejects a bad flag with one line and exit 2', () => {
    expectOneErrorLine(cli('experiment', 'openai', '--seeds', '0'), /^error: /);
  });
});

describe('sweep', () => {
  it('runs a small grid, writes one JSON line per run, and a rerun skips them all', () => {
    const args = ['sweep', '--cell', 'lstm,rnn', '--hidden', '4', '--seeds', '2', '--steps', '20', '--eval-every', '10', '--results', 'r.jsonl'];
    const first = cli(...args);
    expect(first.code, first.stderr).toBe(0);
    const runs = readFileSync(join(dir, 'r.jsonl'), 'utf8').trim().split('\n');
    expect(runs).toHaveLength(4);
    const again = cli(...args);
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'r.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('reports a bad grid file with one line and exit 2', () => {
    writeFileSync(join(dir, 'grid.json'), '{not json');
    expectOneErrorLine(cli('sweep', '--grid', 'grid.json', '--results', 'g.jsonl'), /^error: /);
  });
});
