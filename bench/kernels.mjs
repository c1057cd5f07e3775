// Where the time of a training step goes, for our library on configs B and C (batch 256, length 50, H 8 and 64).
// Run after `npm run build`:   node bench/kernels.mjs [--quick] [--cells lstm,rnn,gru] [--json FILE]
//
// Each piece goes through the public Model API (plus Model.lossAndGrads, which the library has beside step()):
//   loadBatch        m.loadBatch(strings): validate, sort longest first, write bits/lengths/targets into wasm memory
//   forward only     m.predictBatch(strings): the inference path (streamed, keeps no per-step caches), including
//                    writing the inputs and building the result objects; the training forward also stores its caches,
//                    so it costs somewhat more than this
//   forward+backward m.lossAndGrads() on an already loaded batch: training forward (with caches), read-out, BCE,
//                    BPTT and the weight-gradient sums; no optimiser
//   full step        m.step() on an already loaded batch: forward+backward + gradient norm + Adam
//   optimiser        full step - forward+backward, the median of the per-round differences; tiny next to the
//                    rest, so at this resolution it is mostly noise (it can come out negative)
//   train step       loadBatch + step: what bench/run.mjs measures
import { CONFIGS, timing } from './lib/configs.mjs';
import { batchPool, seqSteps } from './lib/data.mjs';
import { parseArgs, stats, now } from './lib/measure.mjs';
import { flopsPerSeqStep, paramCountOf } from './lib/flops.mjs';
import { measurePeak } from './lib/peak.mjs';

const args = parseArgs(process.argv.slice(2));
const t = timing(args.quick);
const cells = args.cells ? String(args.cells).split(',') : ['lstm', 'rnn', 'gru'];
const lib = await import('../dist/index.js');
const log = (...a) => console.error(...a);

const peak = await measurePeak(args.quick ? { reps: 3, repSec: 0.1 } : { reps: 7, repSec: 0.2 });
const peakFlops = peak.max * 1e9;

/** Seconds per call of `fn`, over one repetition of at least `repSec`. */
function perCall(fn, repSec) {
  const t0 = now();
  let n = 0;
  do {
    fn();
    n++;
  } while (now() - t0 < repSec * 1000);
  return (now() - t0) / 1000 / n;
}

// The pieces are timed round-robin (one repetition of each per round), so load from other processes on the
// machine falls on all of them alike; each piece reports the median and the best round.
const rounds = args.quick ? 3 : 9;
const rows = [];
for (const cfg of CONFIGS.filter((c) => c.id === 'B' || c.id === 'C')) {
  const pool = batchPool(cfg);
  const strings = pool[0];
  const n = seqSteps(strings);
  for (const cell of cells) {
    const m = await lib.Model.create({ cell, hidden: cfg.hidden, seed: 1 });
    m.setOptimizer({ kind: 'adam', lr: 0.01 });
    const H = cfg.hidden;
    const fwd = flopsPerSeqStep(cell, H, 'infer') * n;
    const fb = flopsPerSeqStep(cell, H, 'train') * n; // seqStepsPerBatch = Infinity: no Adam share
    const adam = 10 * paramCountOf(cell, H);
    let i = 0;
    const pieces = [
      { piece: 'loadBatch', flops: 0, fn: () => m.loadBatch(strings) },
      { piece: 'forward only (predictBatch)', flops: fwd, fn: () => m.predictBatch(strings) },
      { piece: 'forward+backward (lossAndGrads)', flops: fb, pre: () => m.loadBatch(strings), fn: () => m.lossAndGrads() },
      { piece: 'full step (step)', flops: fb + adam, pre: () => m.loadBatch(strings), fn: () => m.step() },
      { piece: 'train step (loadBatch + step)', flops: fb + adam, fn: () => { m.loadBatch(pool[i++ % pool.length]); m.step(); } },
    ];
    // Warm-up: every piece for warmSec.
    for (const p of pieces) {
      p.pre?.();
      perCall(p.fn, t.warmSec);
      p.secs = [];
    }
    const optDiffs = [];
    for (let r = 0; r < rounds; r++) {
      for (const p of pieces) {
        p.pre?.();
        p.secs.push(perCall(p.fn, t.repSec));
      }
      optDiffs.push(pieces[3].secs[r] - pieces[2].secs[r]);
    }
    for (const p of pieces) {
      const s = stats(p.secs);
      rows.push({ config: cfg.id, cell, piece: p.piece, usPerBatch: s.median * 1e6, bestUs: s.min * 1e6, seqStepsPerSec: n / s.median, gflops: p.flops ? p.flops / s.median / 1e9 : null });
    }
    const o = stats(optDiffs);
    rows.push({ config: cfg.id, cell, piece: 'optimiser (step - fwd+bwd)', usPerBatch: o.median * 1e6, bestUs: null, seqStepsPerSec: null, gflops: o.median > 0 ? adam / o.median / 1e9 : null, paired: true });
    log(`kernels ${cfg.id} ${cell}: done`);
  }
}

const fmtUs = (x) => (Math.abs(x) >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${x.toFixed(1)} us`);
const table = [['config', 'cell', 'piece', 'per batch', 'best', 'seq-steps/s', 'GFLOP/s', 'share of peak']];
for (const r of rows) {
  table.push([
    r.config,
    r.cell,
    r.piece,
    fmtUs(r.usPerBatch),
    r.bestUs != null ? fmtUs(r.bestUs) : '-',
    r.seqStepsPerSec ? `${(r.seqStepsPerSec / 1e6).toFixed(3)}M` : '-',
    r.gflops != null ? r.gflops.toFixed(2) : '-',
    r.gflops != null ? `${((100 * r.gflops * 1e9) / peakFlops).toFixed(1)}%` : '-',
  ]);
}
const w = table[0].map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
const line = (r) => r.map((c, i) => (i <= 2 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ');
console.log(`Kernels: where a training step's time goes (batch 256 x length 50 = 12,800 sequence-steps per batch; median of ${rounds} round-robin rounds, best round beside it; peak ${peak.max.toFixed(1)} GFLOP/s, best repetition)`);
console.log(line(table[0]));
console.log(w.map((x) => '-'.repeat(x)).join('  '));
for (const r of table.slice(1)) console.log(line(r));
console.log('GFLOP/s counts the algorithm\'s flops (bench/lib/flops.mjs): forward terms for predictBatch, forward+backward terms for lossAndGrads, plus 10 per parameter for Adam.');
console.log('optimiser: full step minus forward+backward, median of the per-round differences: Adam over a few thousand parameters takes microseconds, so this row is noise around zero (negative when load shifted between the two).');
if (args.json) {
  const fs = await import('node:fs');
  fs.writeFileSync(args.json, JSON.stringify({ peak, rows }, null, 2));
}
