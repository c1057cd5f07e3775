// The command as a person runs it: whole cold processes of the built CLI (dist/cli/main.js), wall time from spawn to
// exit, so module loading, wasm compile, setup, training, evaluation, writing the model and printing all count.
//
//   node bench/command.mjs [--quick] [--json FILE]
//
// Rows: `node -e 0` (the floor any command pays), `--version` (loading and parsing only), `train --goal solved
// --seed 4` (the seed's settings, stopping once solved; once as a person runs it, once with --json for its
// summary), and the default `train --seed 4` (goal certified: it hardens and runs the checks after solving). From
// train's --json summaries, measured inside the process: for --goal solved, train()'s wall time (wallSeconds) and
// its steps (seconds), so evaluation is the difference and the rest of the process beyond node's own start is
// loading, setup and output; for the default goal, hardening (goal.hardenSeconds), the family and certify checks
// (goal.checkSeconds) and certify alone (goal.certify.ms).
// Every row runs its repetitions round-robin with the others, so a burst of load on this shared machine hits every
// row alike. Importable: run.mjs calls measureCommands() and prints the same table beside the kernel tables.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, stats } from './lib/measure.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const CLI = path.join(root, 'dist', 'cli', 'main.js');

/** One cold process; returns its wall seconds and its stdout. Throws when it exits non-zero. */
function runOnce(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } });
  const sec = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${(r.stderr || '').trim().split('\n').pop()}`);
  return { sec, stdout: r.stdout };
}

/** The summary line of train --json (its last line). */
const summaryOf = (stdout) => JSON.parse(stdout.trim().split('\n').pop());

/**
 * Times the rows, `reps` cold processes each (the default goal's row `defaultReps`), round-robin. Returns
 * { rows: [{ id, command, median, min, max, n }], solved: { ... }, defaultGoal: { ... }, load }: medians of where the
 * time goes, from the --json summaries (measured inside the process).
 */
export function measureCommands({ reps = 5, defaultReps = 3, log = () => {} } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-bench-cmd-'));
  const model = path.join(tmp, 'model.json');
  const rows = [
    { id: 'node', command: 'node -e 0', args: ['-e', '0'], reps },
    { id: 'version', command: 'parity-lstm --version', args: [CLI, '--version'], reps },
    { id: 'solved', command: 'parity-lstm train --goal solved --seed 4', args: [CLI, 'train', '--goal', 'solved', '--seed', '4', '--out', model], reps },
    // The same run with --json, for its summary: how much of the process is train() and, of that, the steps.
    { id: 'solvedJson', command: 'parity-lstm train --goal solved --seed 4 --json', args: [CLI, 'train', '--goal', 'solved', '--seed', '4', '--out', model, '--json'], reps },
    { id: 'default', command: 'parity-lstm train --seed 4 --json (goal certified)', args: [CLI, 'train', '--seed', '4', '--out', model, '--json'], reps: defaultReps },
  ];
  const times = Object.fromEntries(rows.map((r) => [r.id, []]));
  const solvedParts = [];
  const parts = [];
  try {
    // One discarded round first: the OS file cache and node's own caches warm, as for a person's second run.
    for (const r of rows.slice(0, 3)) runOnce(r.args);
    for (let i = 0; i < Math.max(reps, defaultReps); i++) {
      for (const r of rows) {
        if (i >= r.reps) continue;
        const { sec, stdout } = runOnce(r.args);
        times[r.id].push(sec);
        if (r.id === 'solvedJson') {
          const s = summaryOf(stdout);
          solvedParts.push({ wall: sec, trainWall: s.wallSeconds, steps: s.seconds, stepCount: s.steps });
        }
        if (r.id === 'default') {
          const s = summaryOf(stdout);
          parts.push({
            wall: sec,
            trainWall: s.wallSeconds,
            harden: s.goal.hardenSeconds,
            check: s.goal.checkSeconds,
            // The summary keeps the last proof attempt's time; --seed 4 runs one proof, so this is all of certify.
            certify: (s.goal.certify?.ms ?? 0) / 1000,
            reached: s.goal.reached,
            steps: s.steps,
          });
        }
        log(`  ${r.command}: ${sec.toFixed(3)} s`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const med = (xs) => stats(xs).median;
  const nodeFloor = med(times.node);
  const solved = solvedParts.length
    ? {
        wallMedian: med(solvedParts.map((p) => p.wall)),
        trainWallMedian: med(solvedParts.map((p) => p.trainWall)),
        stepsSecondsMedian: med(solvedParts.map((p) => p.steps)),
        evaluationSecondsMedian: med(solvedParts.map((p) => p.trainWall - p.steps)),
        // What is neither node's own start nor train(): loading our modules, setup, writing the model, printing.
        restSecondsMedian: med(solvedParts.map((p) => p.wall - p.trainWall)) - nodeFloor,
        stepCount: [...new Set(solvedParts.map((p) => p.stepCount))],
      }
    : null;
  const defaultGoal = parts.length
    ? {
        wallMedian: med(parts.map((p) => p.wall)),
        trainWallMedian: med(parts.map((p) => p.trainWall)),
        hardenSecondsMedian: med(parts.map((p) => p.harden)),
        checkSecondsMedian: med(parts.map((p) => p.check)),
        certifySecondsMedian: med(parts.map((p) => p.certify)),
        hardenShare: med(parts.map((p) => p.harden / p.wall)),
        checkShare: med(parts.map((p) => p.check / p.wall)),
        certifyShare: med(parts.map((p) => p.certify / p.wall)),
        reached: [...new Set(parts.map((p) => p.reached))],
        steps: [...new Set(parts.map((p) => p.steps))],
      }
    : null;
  return { rows: rows.map((r) => ({ id: r.id, command: r.command, ...stats(times[r.id]) })), solved, defaultGoal, load: os.loadavg() };
}

/** The table's lines. */
export function commandLines(m) {
  const s = (x) => `${x.toFixed(3)} s`;
  const pc = (x) => `${(100 * x).toFixed(0)}%`;
  const lines = [];
  const w = Math.max(...m.rows.map((r) => r.command.length));
  lines.push(`  ${'command'.padEnd(w)}  median     min-max              n`);
  for (const r of m.rows) lines.push(`  ${r.command.padEnd(w)}  ${s(r.median).padEnd(9)}  ${`${s(r.min)}-${s(r.max)}`.padEnd(19)}  ${r.n}`);
  const v = m.solved;
  if (v) {
    lines.push(
      `  --goal solved (${v.stepCount.join('/')} steps), medians of the --json row: ${s(v.wallMedian)} whole process = node's start (node -e 0) ` +
        `+ train() ${s(v.trainWallMedian)} (steps ${s(v.stepsSecondsMedian)}, evaluation ${s(v.evaluationSecondsMedian)}) ` +
        `+ the rest ${s(v.restSecondsMedian)} (loading our modules, setup, the model file, printing)`,
    );
  }
  const d = m.defaultGoal;
  if (d) {
    lines.push(
      `  default goal (reached ${d.reached.join('/')}, ${d.steps.join('/')} steps): ${s(d.wallMedian)} whole process, of which hardening ${s(d.hardenSecondsMedian)} ` +
        `(${pc(d.hardenShare)}), the family and certify checks ${s(d.checkSecondsMedian)} (${pc(d.checkShare)}), certify alone ${s(d.certifySecondsMedian)} ` +
        `(${pc(d.certifyShare)}); medians`,
    );
  }
  lines.push(`  load average after: ${m.load.map((x) => x.toFixed(2)).join(' ')}`);
  return lines;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(CLI)) {
    console.error('dist/ is not built: run `npm run build`');
    process.exit(1);
  }
  console.error(`load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const m = measureCommands({ reps: args.quick ? 3 : 11, defaultReps: args.quick ? 1 : 3, log: (l) => console.error(l) });
  console.log('Whole command, cold processes (wall time from spawn to exit)');
  console.log(commandLines(m).join('\n'));
  if (args.json) fs.writeFileSync(args.json, JSON.stringify(m, null, 2));
}
