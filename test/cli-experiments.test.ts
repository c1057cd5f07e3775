// The experiment commands through the built CLI: `eval --curve`, and `experiment openai` end to end on worker
// threads (its report's tables agree with its JSON-lines results), as users run it, `node dist/cli/main.js`; the
// error cases inside this process (cli-here.ts). Their logic is tested in experiments.test.ts; `sweep` end to end,
// killed and resumed, in sweep.test.ts. This checks the wiring into the CLI, its files and its error contract.
// `npm test` builds dist/ first; locally run `npm run build`.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runHere } from './cli-here.js';

const CLI = resolve(__dirname, '../dist/cli/main.js');
let dir = '';

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI in this process, in the temporary directory. */
const here = (...args: string[]) => runHere(args, dir);

function expectOneErrorLine(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  const errLines = r.stderr.split('\n').filter((l) => l !== '');
  expect(errLines, `stderr was: ${r.stderr}`).toHaveLength(1);
  expect(errLines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.code).toBe(2);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'parity-lstm-cli-exp-'));
  copyFileSync(resolve(__dirname, 'fixtures/solved-lstm.json'), join(dir, 'm.json')); // the defaults, seed 1, solved
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('eval --curve', () => {
  it('prints accuracy by length up to --curve-max and writes an SVG chart', async () => {
    const r = await here('eval', '--model', 'm.json', '--curve', '--curve-max', '1000', '--count', '20', '--seed', '2', '--json', '--chart', 'c.svg');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { rows: { length: number; count: number; accuracy: number }[] };
    expect(out.rows.map((x) => x.length)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
    expect(out.rows.every((x) => x.count === 20)).toBe(true);
    expect(out.rows.find((x) => x.length === 1000)!.accuracy).toBe(1); // seed 1's model generalises
    expect(readFileSync(join(dir, 'c.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('rejects --curve with --min-len, and --chart without --curve, with one line and exit 2', async () => {
    expectOneErrorLine(await here('eval', '--model', 'm.json', '--curve', '--min-len', '5'), /^error: --curve tests a series of lengths/);
    expectOneErrorLine(await here('eval', '--model', 'm.json', '--chart', 'x.svg'), /^error: --curve-max and --chart go with --curve/);
  });
});

/** Cells of the markdown table that follows `heading`. */
function tableAfter(md: string, heading: string): string[][] {
  const lines = md.split('\n');
  let i = lines.findIndex((l) => l.startsWith(heading));
  expect(i).toBeGreaterThanOrEqual(0);
  while (!lines[i].startsWith('|')) i++;
  const rows: string[][] = [];
  for (i += 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i].split('|').slice(1, -1).map((c) => c.trim()));
  return rows;
}

const pctText = (x: number): string => (x === 1 ? '100%' : `${(x * 100).toFixed(1)}%`);

describe('experiment openai (worker threads)', () => {
  it('writes report.md whose tables match runs.jsonl, valid SVG charts, the models, and JSON on request', () => {
    const out = join(dir, 'report');
    const r = cli('experiment', 'openai', '--dataset-size', '640', '--seeds', '2', '--epochs', '2', '--eval-every', '5', '--workers', '2', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.workers).toBe(2);
    expect(r.stderr).toContain('experiment openai:');
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    const lines = readFileSync(join(out, 'runs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    // The per-run table, row by row, against the JSON lines.
    const rows = tableAfter(md, '### Every run');
    expect(rows).toHaveLength(lines.length);
    rows.forEach((row, k) => {
      const l = lines[k];
      expect(row[0]).toBe(l.arm === 'fixed' ? 'fixed length 50' : 'lengths 1..50');
      expect(Number(row[1])).toBe(l.seed);
      expect(row[2]).toBe(l.solvedAtStep === null ? '—' : String(l.solvedAtStep));
      expect(Number(row[3])).toBe(l.steps);
      expect(row[4]).toBe(pctText(l.accFixed));
      expect(row[5]).toBe(pctText(l.accLonger));
      expect(row[6]).toBe(pctText(l.long['200']));
    });
    // The summary table: success counts per arm.
    const summary = tableAfter(md, '## Results');
    expect(summary.map((row) => row[0])).toEqual(['fixed length 50', 'lengths 1..50']);
    for (const row of summary) {
      const arm = row[0] === 'fixed length 50' ? 'fixed' : 'varying';
      const mine = lines.filter((l) => l.arm === arm);
      expect(row[1]).toBe(`${mine.filter((l) => l.solved).length}/${mine.length}`);
    }
    for (const f of ['curves.svg', 'length-accuracy.svg', 'gradient-by-step.svg', 'probe-loss.svg']) {
      const svg = readFileSync(join(out, f), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    }
    expect(readFileSync(join(out, 'curves.svg'), 'utf8')).toContain('seed 2');
    expect(readFileSync(join(out, 'length-accuracy.svg'), 'utf8')).toContain('lengths 1..50');
    for (const m of ['fixed-seed1', 'fixed-seed2', 'varying-seed1', 'varying-seed2']) expect(existsSync(join(out, 'models', `${m}.json`))).toBe(true);
  });

  it('rejects bad options, and a report folder it cannot create, with one line and exit 2', async () => {
    expectOneErrorLine(await here('experiment', 'openai', '--seeds', '0'), /^error: .*seed/);
    expectOneErrorLine(await here('experiment', 'openai', '--lr', 'fast'), /^error: .*(learning rate|number)/);
    writeFileSync(join(dir, 'a-file'), 'x');
    expectOneErrorLine(
      await here('experiment', 'openai', '--out', join(dir, 'a-file', 'report'), '--dataset-size', '64', '--seeds', '1', '--epochs', '1'),
      /^error: cannot create report folder .*: a part of the path is not a directory$/,
    );
  });
});

describe('sweep', () => {
  it('reports a bad grid file with one line and exit 2', async () => {
    writeFileSync(join(dir, 'grid.json'), '{not json');
    expectOneErrorLine(await here('sweep', '--grid', 'grid.json', '--results', 'g.jsonl'), /^error: /);
  });
});
