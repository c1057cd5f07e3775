// Timing one cell of the table: one peer on one config. `unit()` does one training step (or one inference call)
// and returns the sequence-steps it processed; it may return a Promise (TF.js trainOnBatch), otherwise nothing is
// awaited, so a synchronous step pays no microtask.
//
//   cold   the very first call on a fresh model in a fresh process (wasm tier-up, kernel compiles, first
//          allocations included): its rate and its seconds
//   warm   after `warmSec` of discarded warm-up, repetitions of >= repSec each: median, min, max of their rates

export const now = () => performance.now();

export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { median, min: s[0], max: s[n - 1], n };
}

async function call(unit) {
  const r = unit();
  return typeof r === 'number' ? r : await r;
}

/** The first call (its rate and seconds), then calls for warmSec, discarded: { cold, warmupUnits }. */
async function coldAndWarm(unit, warmSec) {
  let t0 = now();
  const seq = await call(unit);
  const seconds = (now() - t0) / 1000;
  t0 = now();
  let warmupUnits = 0;
  while (warmupUnits < 1 || now() - t0 < warmSec * 1000) {
    await call(unit);
    warmupUnits++;
  }
  return { cold: { rate: seq / seconds, seconds }, warmupUnits };
}

/** One repetition: calls of `unit` for at least repSec. { rate, units, seconds }. */
async function repetition(unit, repSec) {
  const r0 = now();
  let seq = 0;
  let units = 0;
  do {
    const q = unit();
    seq += typeof q === 'number' ? q : await q;
    units++;
  } while (now() - r0 < repSec * 1000);
  const seconds = (now() - r0) / 1000;
  return { rate: seq / seconds, units, seconds };
}

/** The result both measures return, from the first call, the warm-up and the repetitions. */
function summary({ cold, warmupUnits }, reps) {
  const st = stats(reps.map((r) => r.rate));
  return {
    cold,
    warm: { median: st.median, min: st.min, max: st.max, reps: st.n, unitsPerRep: stats(reps.map((r) => r.units)).median },
    warmupUnits,
  };
}

/** Measures `unit` with the settings of configs.mjs timing(). Returns { cold, warm, warmupUnits }. */
export async function measure(unit, t) {
  const start = await coldAndWarm(unit, t.warmSec);
  const reps = [];
  const cellStart = now();
  while (reps.length < t.reps && (reps.length < t.minReps || now() - cellStart < t.cellSec * 1000)) reps.push(await repetition(unit, t.repSec));
  return summary(start, reps);
}

/**
 * measure() for several units at once, round-robin: every unit's first call and warm-up, then `rounds` rounds of
 * one repetition of each. A spell in which the machine runs slow (this shared host has them: one vCPU's
 * memory-touching code at 0.6-0.7x while the register-only peak does not move) then costs each unit a few of its
 * repetitions instead of all of them, and the median stands. Returns one result per unit, as measure().
 */
export async function measureRoundRobin(units, t, rounds) {
  const starts = [];
  for (const unit of units) starts.push(await coldAndWarm(unit, t.warmSec));
  const reps = units.map(() => []);
  for (let r = 0; r < rounds; r++) for (let k = 0; k < units.length; k++) reps[k].push(await repetition(units[k], t.repSec));
  return units.map((_, k) => summary(starts[k], reps[k]));
}

/** Small command-line parser shared by the JS peers: --quick, --out FILE, --configs A,B, --solve, --key value. */
export function parseArgs(argv) {
  const o = { quick: false, out: null, configs: null, solve: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--solve') o.solve = true;
    else if (a === '--no-solve') o.solve = false;
    else if (a.startsWith('--')) {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      o[a.slice(2)] = v;
    } else throw new Error(`unexpected argument ${a}`);
  }
  if (typeof o.configs === 'string') o.configs = o.configs.split(',').filter(Boolean);
  return o;
}

/** Writes a peer's result where the runner asked (--out FILE), or prints it when run by hand. */
export async function emit(result, out) {
  const text = JSON.stringify(result, null, 2);
  if (out) {
    const fs = await import('node:fs');
    fs.writeFileSync(out, text);
  } else {
    console.log(text);
  }
}

export const log = (...a) => console.error(...a);
