// Time to a certified model, as a person gets it: the default `train --seed N` (goal certified: solve, the families,
// certify, hardening rounds until the proof closes) for seeds 1..10, each a cold process of the built CLI, beside
// `train --goal solved --seed N` (the exercise's "solved", today's stopping point before the goal existed) for the
// same seeds. Per seed: what was reached, the hardening rounds, and from train's --json summary the hardening's and
// the checks' (families and certify) seconds, so their share of the command shows.
//
//   node bench/certified.mjs [--seeds 10] [--json FILE]

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stats } from './lib/measure.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const CLI = path.join(root, 'dist', 'cli', 'main.js');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const seeds = Number(opt('--seeds', '10'));
const jsonOut = opt('--json', null);
if (!fs.existsSync(CLI)) {
  console.error('error: dist/ is not built: run `npm run build` first');
  process.exit(2);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-bench-cert-'));
function run(argv) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...argv, '--out', path.join(tmp, 'model.json'), '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const sec = (performance.now() - t0) / 1000;
  // train exits 0 whatever goal it reached; anything else is a failure of the bench.
  if (r.status !== 0) throw new Error(`train ${argv.join(' ')} exited ${r.status}: ${(r.stderr || '').trim().split('\n').pop()}`);
  return { sec, s: JSON.parse(r.stdout.trim().split('\n').pop()) };
}

const rows = [];
try {
  for (let seed = 1; seed <= seeds; seed++) {
    const solved = run(['train', '--goal', 'solved', '--seed', String(seed)]);
    const full = run(['train', '--seed', String(seed)]);
    const g = full.s.goal;
    rows.push({ seed, solvedSec: solved.sec, certifiedSec: full.sec, reached: g.reached, rounds: g.rounds, hardenSec: g.hardenSeconds, checkSec: g.checkSeconds });
    console.log(
      `seed ${String(seed).padStart(2)}  --goal solved ${solved.sec.toFixed(2)} s   default ${full.sec.toFixed(2)} s: ${g.reached}` +
        ` after ${g.rounds} round(s), hardening ${g.hardenSeconds.toFixed(2)} s, checks ${g.checkSeconds.toFixed(2)} s`,
    );
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
const med = (k) => stats(rows.map((r) => r[k])).median;
const certified = rows.filter((r) => r.reached === 'certified').length;
const share = (k) => rows.reduce((a, r) => a + r[k], 0) / rows.reduce((a, r) => a + r.certifiedSec, 0);
console.log(
  `\n${certified} of ${rows.length} certified. Median whole command: --goal solved ${med('solvedSec').toFixed(2)} s, ` +
    `default (to certified) ${med('certifiedSec').toFixed(2)} s; of the default commands' time, hardening ` +
    `${(100 * share('hardenSec')).toFixed(0)}%, the family and certify checks ${(100 * share('checkSec')).toFixed(0)}%. ` +
    `Load average ${os.loadavg()[0].toFixed(1)} at the end.`,
);
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ rows, load: os.loadavg()[0] }, null, 2) + '\n');
