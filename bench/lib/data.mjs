// Bench data: seeded random bit strings, made before timing starts. Every training step takes the next batch from
// a pool of pregenerated batches (about 20,000 strings, cycled), so generating strings is never timed, while turning
// them into each engine's input (our loadBatch, a TF.js tensor, a torch tensor) is timed, as it is in training.
// Own small PRNG (mulberry32) so the TF.js peer runs without the library being built.

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` bit strings, lengths uniform in minLen..maxLen. */
export function randomStrings(rand, count, minLen, maxLen) {
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    const L = minLen + Math.floor(rand() * (maxLen - minLen + 1));
    let s = '';
    for (let t = 0; t < L; t++) s += rand() < 0.5 ? '0' : '1';
    out[i] = s;
  }
  return out;
}

/** The pool of training batches of a config (inference: one fixed set of `batch` strings). */
export function batchPool(cfg, seed = 12345) {
  const rand = mulberry32(seed);
  const n = cfg.kind === 'infer' ? 1 : Math.max(8, Math.ceil(20000 / cfg.batch));
  const pool = [];
  for (let i = 0; i < n; i++) pool.push(randomStrings(rand, cfg.batch, cfg.minLen, cfg.maxLen));
  return pool;
}

export const seqSteps = (strings) => {
  let n = 0;
  for (const s of strings) n += s.length;
  return n;
};

export function parityOf(bits) {
  let p = 0;
  for (let t = 0; t < bits.length; t++) p ^= bits.charCodeAt(t) & 1;
  return p;
}
