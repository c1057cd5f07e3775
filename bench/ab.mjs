// Two builds of the library side by side in one process: the kernel configs of run.mjs (A, B, C, infer; LSTM),
// timed round-robin (one repetition of each build per round), so a burst of load on a shared machine hits both
// alike. For checking a kernel change: build the old tree into another folder with its own dist/, then
//   node bench/ab.mjs --before OTHER/dist [--after dist] [--rounds 9] [--rep 0.25]
// Prints each build's median rate and share of the peak measured in the same run, and after/before.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import { CONFIGS } from './lib/configs.mjs';
import { batchPool, seqSteps } from './lib/data.mjs';
import { parseArgs, stats, now } from './lib/measure.mjs';
import { flopsPerSeqStep } from './lib/flops.mjs';
import { measurePeak } from './lib/peak.mjs';

const args = parseArgs(process.argv.slice(2));
if (!args.before) throw new Error('give --before DIR (a dist/ folder of the build to compare with)');
const rounds = Number(args.rounds ?? 9);
const repSec = Number(args.rep ?? 0.25);
const libOf = (dir) => import(pathToFileURL(path.resolve(dir, 'index.js')).href);
const builds = [
  { name: 'before', lib: await libOf(args.before) },
  { name: 'after', lib: await libOf(args.after ?? 'dist') },
];
console.error(`load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const peak = await measurePeak({ reps: 5, repSec: 0.2 });

const rows = [];
for (const cfg of CONFIGS) {
  const pool = batchPool(cfg);
  const units = [];
  for (const b of builds) {
    const m = await b.lib.Model.create({ cell: 'lstm', hidden: cfg.hidden, seed: 1 });
    m.setOptimizer({ kind: 'adam', lr: 0.01 });
    let i = 0;
    const unit =
      cfg.kind === 'train'
        ? () => {
            const s = pool[i++ % pool.length];
            m.loadBatch(s);
            m.step();
            return seqSteps(s);
          }
        : () => {
            const s = pool[i++ % pool.length];
            m.predictBatch(s);
            return seqSteps(s);
          };
    const t0 = now();
    while (now() - t0 < 300) unit(); // warm-up
    units.push(unit);
  }
  const rates = builds.map(() => []);
  for (let r = 0; r < rounds; r++) {
    units.forEach((unit, k) => {
      const t0 = now();
      let seq = 0;
      do seq += unit();
      while (now() - t0 < repSec * 1000);
      rates[k].push(seq / ((now() - t0) / 1000));
    });
  }
  const med = rates.map((xs) => stats(xs).median);
  const flops = flopsPerSeqStep('lstm', cfg.hidden, cfg.kind, cfg.kind === 'train' ? cfg.batch * ((cfg.minLen + cfg.maxLen) / 2) : Infinity);
  rows.push({ id: cfg.id, before: med[0], after: med[1], ratio: med[1] / med[0], shareBefore: (med[0] * flops) / (peak.max * 1e9), shareAfter: (med[1] * flops) / (peak.max * 1e9) });
}
const si = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`);
console.log(`peak ${peak.max.toFixed(1)} GFLOP/s (median ${peak.gflops.toFixed(1)}); ${rounds} rounds of ${repSec} s per build per config; load average now ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('config  before      after       after/before  share before  share after');
for (const r of rows) {
  console.log(
    `${r.id.padEnd(6)}  ${si(r.before).padEnd(10)}  ${si(r.after).padEnd(10)}  ${r.ratio.toFixed(3).padEnd(12)}  ${(100 * r.shareBefore).toFixed(1).padStart(5)}%        ${(100 * r.shareAfter).toFixed(1).padStart(5)}%`,
  );
}
