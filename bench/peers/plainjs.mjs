// The plain scalar JS peer: the library's textbook reference (dist/core/reference.js), float64, one string at a time,
// fresh typed arrays per time step. A training step is refLossAndGrads + refAdamStep; inference is refLogit per string.
// Time-to-solve reuses the library's data streams and initial weights (streamSeed(seed, STREAM.*)), so it sees the
// same batches, evaluation set and starting point as ours; it runs in float64, so trajectories drift apart slowly.
// Usage: node bench/peers/plainjs.mjs [--cell lstm] [--configs A,B,C,infer] [--solve [--seeds 1,2,..]] [--quick] [--out FILE]
import { CONFIGS, SOLVE, timing } from '../lib/configs.mjs';
import { batchPool, seqSteps, parityOf } from '../lib/data.mjs';
import { measure, parseArgs, emit, log, now } from '../lib/measure.mjs';

const args = parseArgs(process.argv.slice(2));
const cell = args.cell ?? 'lstm';
const t = timing(args.quick);
const seeds = args.seeds ? String(args.seeds).split(',').map(Number) : SOLVE.seeds;
const ref = await import('../../dist/core/reference.js');
const lib = await import('../../dist/index.js');

const newAdam = (P) => ({ m: new Float64Array(P), v: new Float64Array(P), t: 0 });

const results = {};
for (const cfg of CONFIGS) {
  if (args.configs && !args.configs.includes(cfg.id)) continue;
  const pool = batchPool(cfg);
  const s0 = now();
  const params = ref.refInitParams(cell, cfg.hidden, 1);
  const adam = newAdam(params.length);
  const setupSeconds = (now() - s0) / 1000;
  let unit;
  if (cfg.kind === 'train') {
    let i = 0;
    unit = () => {
      const strings = pool[i++ % pool.length];
      const { grads } = ref.refLossAndGrads(cell, cfg.hidden, params, strings);
      ref.refAdamStep(params, grads, adam, 0.01);
      return seqSteps(strings);
    };
  } else {
    const strings = pool[0];
    const n = seqSteps(strings);
    unit = () => {
      for (const s of strings) ref.refLogit(cell, cfg.hidden, params, s);
      return n;
    };
  }
  const r = await measure(unit, t);
  results[cfg.id] = { ...r, setupSeconds, seqStepsPerUnit: cfg.kind === 'train' ? seqSteps(pool.flat()) / pool.length : seqSteps(pool[0]) };
  log(`plain JS ${cell} ${cfg.id}: ${(r.warm.median / 1e6).toFixed(4)} M seq-steps/s warm, ${(r.cold.rate / 1e6).toFixed(4)} M cold`);
}

/** The library's train() loop, step for step, on the reference (see src/train/train.ts): same streams, same checks. */
function trainPlain(seed, budgetSec) {
  const S = SOLVE;
  const { makeRng, streamSeed, STREAM, randomStringsFrom } = lib;
  const params = ref.refInitParams(cell, S.hidden, streamSeed(seed, STREAM.init));
  const adam = newAdam(params.length);
  const dataRng = makeRng(streamSeed(seed, STREAM.data));
  const evalSet = randomStringsFrom(makeRng(streamSeed(seed, STREAM.eval)), S.evalCount, S.evalMinLen, S.evalMaxLen);
  const confirmRng = makeRng(streamSeed(seed, STREAM.confirm));
  const accuracy = (strings) => {
    let ok = 0;
    for (const s of strings) if ((ref.refLogit(cell, S.hidden, params, s) > 0 ? 1 : 0) === parityOf(s)) ok++;
    return ok / strings.length;
  };
  const start = now();
  let trainMs = 0;
  let step = 0;
  let solvedAtStep = null;
  let lastConfirm = null;
  let timedOut = false;
  while (step < S.steps) {
    const strings = randomStringsFrom(dataRng, S.batch, S.minLen, S.maxLen);
    const t0 = now();
    const { grads } = ref.refLossAndGrads(cell, S.hidden, params, strings);
    ref.refAdamStep(params, grads, adam, S.lr);
    trainMs += now() - t0;
    step++;
    if (step % S.evalEvery === 0 || step === S.steps) {
      if (accuracy(evalSet) === 1 && solvedAtStep === null) {
        const c = accuracy(randomStringsFrom(confirmRng, S.confirmCount, S.evalMinLen, S.evalMaxLen));
        lastConfirm = { step, accuracy: c };
        if (c === 1) solvedAtStep = step;
      }
      if (solvedAtStep !== null) break;
      if ((now() - start) / 1000 > budgetSec) {
        timedOut = true;
        break;
      }
    }
  }
  const confirmAccuracy =
    lastConfirm && lastConfirm.step === step
      ? lastConfirm.accuracy
      : accuracy(randomStringsFrom(confirmRng, S.confirmCount, S.evalMinLen, S.evalMaxLen));
  return { seed, solved: confirmAccuracy === 1, steps: step, seconds: trainMs / 1000, wallSeconds: (now() - start) / 1000, timedOut };
}

let solve = null;
if (args.solve) {
  // A minute at most for all seeds: each seed gets what is left of it divided by the seeds still to run.
  const totalSec = Number(args['solve-budget'] ?? (args.quick ? 10 : 60));
  const perSeed = [];
  const start = now();
  for (let k = 0; k < seeds.length; k++) {
    const left = totalSec - (now() - start) / 1000;
    if (left <= 0) {
      perSeed.push({ seed: seeds[k], skipped: 'out of the time budget' });
      continue;
    }
    const r = trainPlain(seeds[k], left / (seeds.length - k));
    perSeed.push(r);
    log(`plain JS solve seed ${r.seed}: solved=${r.solved} steps=${r.steps} train ${r.seconds.toFixed(3)} s, wall ${r.wallSeconds.toFixed(3)} s${r.timedOut ? ' (stopped: time budget)' : ''}`);
  }
  solve = {
    perSeed,
    how: `src/train/train.ts's loop on the reference (same data streams and initial weights as ours, float64); budget ${totalSec} s over all seeds`,
  };
}

await emit(
  {
    peers: [
      {
        id: `plain-${cell}`,
        label: `plain JS ${cell.toUpperCase()}`,
        cell,
        notes: ['plain JS: src/core/reference.ts, scalar float64, one string at a time (refLossAndGrads + refAdamStep); inference refLogit per string'],
        results,
        solve,
      },
    ],
  },
  args.out,
);
