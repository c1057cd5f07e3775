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

/** Measures `unit` with the settings of configs.mjs timing(). Returns { cold, warm, reps }. */
export async function measure(unit, t) {
  let t0 = now();
  const coldSeq = await call(unit);
  const coldSec = (now() - t0) / 1000;

  t0 = now();
  let warmUnits = 0;
  while (warmUnits < 1 || now() - t0 < t.warmSec * 1000) {
    await call(unit);
    warmUnits++;
  }

  const reps = [];
  const cellStart = now();
  while (reps.length < t.reps && (reps.length < t.minReps || now() - cellStart < t.cellSec * 1000)) {
    const r0 = now();
    let seq = 0;
    let units = 0;
    do {
      const q = unit();
      seq += typeof q === 'number' ? q : await q;
      units++;
    } while (now() - r0 < t.repSec * 1000);
    const seconds = (now() - r0) / 1000;
    reps.push({ rate: seq / seconds, units, seconds });
  }
  const st = stats(reps.map((r) => r.rate));
  return {
    cold: { rate: coldSeq / coldSec, seconds: coldSec },
    warm: { median: st.median, min: st.min, max: st.max, reps: st.n, unitsPerRep: stats(reps.map((r) => r.units)).median },
    warmupUnits: warmUnits,
  };
}

/**
 * measure() for several units at once, round-robin: every unit's cold call and warm-up first, then `rounds` rounds of
 * one repetition of each. A window of a few seconds in which the machine runs slow (this shared host has them, up to
 * ~10 s in which code that touches memory runs 0.6-0.7x while the register-only peak does not move) then costs each
 * unit a few of its repetitions instead of all of them, and the median stands. Returns one result per unit, as measure().
 */
export async function measureRoundRobin(units, t, rounds) {
  const cold = [];
  const warmupUnits = [];
  for (const unit of units) {
    let t0 = now();
    const seq = await call(unit);
    cold.push({ rate: seq / ((now() - t0) / 1000), seconds: (now() - t0) / 1000 });
    t0 = now();
    let n = 0;
    while (n < 1 || now() - t0 < t.warmSec * 1000) {
      await call(unit);
      n++;
    }
    warmupUnits.push(n);
  }
  const reps = units.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < units.length; k++) {
      const r0 = now();
      let seq = 0;
      let n = 0;
      do {
        const q = units[k]();
        seq += typeof q === 'number' ? q : await q;
        n++;
      } while (now() - r0 < t.repSec * 1000);
      const seconds = (now() - r0) / 1000;
      reps[k].push({ rate: seq / seconds, units: n, seconds });
    }
  }
  return units.map((_, k) => {
    const st = stats(reps[k].map((x) => x.rate));
    return {
      cold: cold[k],
      warm: { median: st.median, min: st.min, max: st.max, reps: st.n, unitsPerRep: stats(reps[k].map((x) => x.units)).median },
      warmupUnits: warmupUnits[k],
    };
  });
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
