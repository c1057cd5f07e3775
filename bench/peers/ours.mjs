// Our library, through its public API in dist/index.js (run `npm run build` first).
//   training step:  m.loadBatch(strings); m.step()      (loadBatch every step: that is what training does)
//   inference:      m.predictBatch(strings)             (1000 strings of length 100 per call)
//   time-to-solve:  train({ seed, ...seed settings }).seconds (training steps only; wallSeconds adds evaluation)
// Usage: node bench/peers/ours.mjs --cell lstm|rnn|gru [--configs A,B,C,infer] [--solve [--seeds 1,2,..]] [--quick] [--out FILE]
import { CONFIGS, SOLVE, timing } from '../lib/configs.mjs';
import { batchPool, seqSteps } from '../lib/data.mjs';
import { measureRoundRobin, parseArgs, emit, log, now } from '../lib/measure.mjs';

const args = parseArgs(process.argv.slice(2));
const cell = args.cell ?? 'lstm';
const t = timing(args.quick);
const seeds = args.seeds ? String(args.seeds).split(',').map(Number) : SOLVE.seeds;
const lib = await import('../../dist/index.js');

// The configs are timed round-robin in this one process (measureRoundRobin), each repetition of one beside one of
// every other, so a slow spell of the machine falls on all of them alike and on few repetitions of each.
const results = {};
const cells = [];
for (const cfg of CONFIGS) {
  if (args.configs && !args.configs.includes(cfg.id)) continue;
  const pool = batchPool(cfg);
  const s0 = now();
  const m = await lib.Model.create({ cell, hidden: cfg.hidden, seed: 1 });
  m.setOptimizer({ kind: 'adam', lr: 0.01 });
  const setupSeconds = (now() - s0) / 1000;
  let unit;
  if (cfg.kind === 'train') {
    let i = 0;
    unit = () => {
      const strings = pool[i++ % pool.length];
      m.loadBatch(strings);
      m.step();
      return seqSteps(strings);
    };
  } else {
    const strings = pool[0];
    const n = seqSteps(strings);
    unit = () => {
      m.predictBatch(strings);
      return n;
    };
  }
  cells.push({ cfg, pool, m, unit, setupSeconds });
}
const measured = await measureRoundRobin(cells.map((c) => c.unit), t, t.rounds);
cells.forEach(({ cfg, pool, m, setupSeconds }, k) => {
  const r = measured[k];
  results[cfg.id] = { ...r, setupSeconds, seqStepsPerUnit: cfg.kind === 'train' ? seqSteps(pool.flat()) / pool.length : seqSteps(pool[0]) };
  log(`ours ${cell} ${cfg.id}: ${(r.warm.median / 1e6).toFixed(3)} M seq-steps/s warm (${r.warm.reps} reps, min-max ${(r.warm.min / 1e6).toFixed(3)}-${(r.warm.max / 1e6).toFixed(3)}), ${(r.cold.rate / 1e6).toFixed(3)} M cold`);
  m.dispose();
});

let solve = null;
if (args.solve) {
  const perSeed = [];
  for (const seed of seeds) {
    const { seeds: _all, ...cfg } = SOLVE;
    const r = await lib.train({ ...cfg, cell, optimizer: 'adam', untilSolved: true, seed });
    perSeed.push({ seed, solved: r.solved, steps: r.steps, seconds: r.seconds, wallSeconds: r.wallSeconds });
    log(`ours ${cell} solve seed ${seed}: solved=${r.solved} steps=${r.steps} train ${r.seconds.toFixed(3)} s, wall ${r.wallSeconds.toFixed(3)} s`);
  }
  solve = { perSeed, how: 'library train(): training seconds exclude evaluation (wallSeconds include it)' };
}

await emit(
  {
    peers: [
      {
        id: `ours-${cell}`,
        label: `ours ${cell.toUpperCase()}`,
        cell,
        notes: [
          'our library (dist/index.js): loadBatch + step per training step (strings sorted longest first, 4 per SIMD vector); predictBatch for inference',
        ],
        results,
        solve,
      },
    ],
  },
  args.out,
);
