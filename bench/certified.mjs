// Time to a certified model, as a person gets it: the default `train --seed N` (goal certified: solve, the families,
// certify, hardening rounds until the proof closes) for seeds 1..10, each a cold process of the built CLI, beside
// `train --goal solved --seed N` (the exercise's "solved", today's stopping point before the goal existed) for the
// same seeds. Per seed: what was reached, the hardening rounds, and from train's --json summary the hardening's and
// the checks' (families and certify) seconds, so their share of the command shows.
// Importable: run.mjs calls measureCertified() and prints the same table beside the kernel tables.
//
//   node bench/certified.mjs [--seeds 10] [--json FILE]

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, stats } from './lib/measure.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const CLI = path.join(root, 'dist', 'cli', 'main.js');

/**
 * Runs both commands for seeds 1..`seeds`; returns { rows: [{ seed, solvedSec, certifiedSec, reached, rounds,
 * hardenSec, checkSec, certifySec }], certified, medians, shares, load }.
 */
export function measureCertified({ seeds = 10, log = () => {} } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-bench-cert-'));
  const run = (argv) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, ...argv, '--out', path.join(tmp, 'model.json'), '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
    const sec = (performance.now() - t0) / 1000;
    // train exits 0 whatever goal it reached; anything else is a failure of the bench.
    if (r.status !== 0) throw new Error(`train ${argv.join(' ')} exited ${r.status}: ${(r.stderr || '').trim().split('\n').pop()}`);
    return { sec, s: JSON.parse(r.stdout.trim().split('\n').pop()) };
  };
  const rows = [];
  try {
    for (let seed = 1; seed <= seeds; seed++) {
      const solved = run(['train', '--goal', 'solved', '--seed', String(seed)]);
      const full = run(['train', '--seed', String(seed)]);
      const g = full.s.goal;
      const row = { seed, solvedSec: solved.sec, certifiedSec: full.sec, reached: g.reached, rounds: g.rounds, hardenSec: g.hardenSeconds, checkSec: g.checkSeconds, certifySec: (g.certify?.ms ?? 0) / 1000 };
      rows.push(row);
      log(`  seed ${String(seed).padStart(2)}: --goal solved ${row.solvedSec.toFixed(2)} s, default ${row.certifiedSec.toFixed(2)} s (${row.reached}, ${row.rounds} round(s))`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const med = (k) => stats(rows.map((r) => r[k])).median;
  const share = (k) => rows.reduce((a, r) => a + r[k], 0) / rows.reduce((a, r) => a + r.certifiedSec, 0);
  return {
    rows,
    certified: rows.filter((r) => r.reached === 'certified').length,
    medians: { solvedSec: med('solvedSec'), certifiedSec: med('certifiedSec'), hardenSec: med('hardenSec'), checkSec: med('checkSec') },
    shares: { harden: share('hardenSec'), check: share('checkSec') },
    load: os.loadavg(),
  };
}

/** The table's lines. */
export function certifiedLines(m) {
  const s = (x) => `${x.toFixed(2)} s`;
  const lines = ['  seed  --goal solved  default (goal certified)  reached    rounds  hardening  families + certify (last proof)'];
  for (const r of m.rows) {
    lines.push(
      `  ${String(r.seed).padStart(4)}  ${s(r.solvedSec).padStart(13)}  ${s(r.certifiedSec).padStart(23)}  ${String(r.reached).padEnd(9)}  ${String(r.rounds).padStart(6)}  ` +
        `${s(r.hardenSec).padStart(9)}  ${s(r.checkSec)} (${s(r.certifySec)})`,
    );
  }
  lines.push(
    `  ${m.certified} of ${m.rows.length} certified; medians: --goal solved ${s(m.medians.solvedSec)}, to certified ${s(m.medians.certifiedSec)}; ` +
      `of the default commands' time, hardening ${(100 * m.shares.harden).toFixed(0)}% and the family and certify checks ${(100 * m.shares.check).toFixed(0)}%; ` +
      `load average after ${m.load[0].toFixed(2)}`,
  );
  return lines;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(CLI)) {
    console.error('error: dist/ is not built: run `npm run build` first');
    process.exit(2);
  }
  console.error(`load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const m = measureCertified({ seeds: Number(args.seeds ?? 10), log: (l) => console.error(l) });
  console.log('Time to a certified model: cold processes of dist/cli/main.js, wall time from spawn to exit');
  console.log(certifiedLines(m).join('\n'));
  if (args.json) fs.writeFileSync(args.json, JSON.stringify(m, null, 2) + '\n');
}
