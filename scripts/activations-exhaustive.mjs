// The exhaustive check of the core's tanh4 and sigmoid4 behind certify's error model (docs/certify.md): every
// float32 bit pattern but the NaNs, through the core's own applyActivation, against float64 Math.tanh and
// 1 / (1 + exp(-x)). float64 libm errs by ~1e-16, so the measured error is the core's (plus the float32 rounding of
// its result, which is part of what certify must cover). Shared by scripts/check-activations.mjs and
// test/slow/activations-exhaustive.test.ts so the two cannot check different things.
//
// The reference at the ends, where the core clamps its argument: tanh(+-Infinity) = +-1, sigmoid(-Infinity) = 0,
// sigmoid(+Infinity) = 1 (Math.tanh and 1 / (1 + exp(-x)) give exactly these in float64, so the loop needs no case).

/** Floats per applyActivation call: 4 MB of wasm memory, and 4096 calls cover all 2^32 patterns. */
export const CHUNK = 1 << 20;
/** Patterns with exponent 255 and a nonzero mantissa, of either sign. */
export const NAN_PATTERNS = 2 * (2 ** 23 - 1);

const KINDS = [
  { name: 'tanh', kind: 0 },
  { name: 'sigmoid', kind: 1 },
];

/**
 * Runs the check on `core` (a Core from src/core/wasm or dist/core/wasm: the release build). Returns, per function,
 * the largest absolute error and the first argument (bit pattern and value) where it occurs, how many patterns
 * were compared and skipped as NaN, how many gave a NaN or out-of-range result, and the outputs at +-0, +-Infinity.
 * `onProgress(done, total)` is called after each chunk.
 */
export function checkActivations(core, onProgress) {
  const ex = core.exports;
  ex.create(0, 4);
  if (ex.reserve(4, CHUNK / 4, 0) !== 0) throw new Error('the core could not reserve a chunk of input');
  const ptr = ex.inputPtr();
  const buf = ex.memory.buffer; // no growth below: applyActivation allocates nothing
  const wasmU32 = new Uint32Array(buf, ptr, CHUNK);
  const wasmF32 = new Float32Array(buf, ptr, CHUNK);
  const inU32 = new Uint32Array(CHUNK);
  const inF32 = new Float32Array(inU32.buffer);
  const results = [];
  const total = KINDS.length * 2 ** 32;
  let done = 0;
  for (const { name, kind } of KINDS) {
    let maxErr = 0;
    let maxBits = 0;
    let compared = 0;
    let nan = 0;
    let bad = 0; // NaN result or outside the function's range, for a non-NaN argument
    const lo = kind === 0 ? -1 : 0;
    const specials = {};
    for (let base = 0; base < 2 ** 32; base += CHUNK) {
      for (let i = 0; i < CHUNK; i++) inU32[i] = base + i;
      wasmU32.set(inU32); // copy bits, not values: NaN payloads survive
      ex.applyActivation(kind, ptr, CHUNK);
      for (let i = 0; i < CHUNK; i++) {
        const x = inF32[i];
        if (x !== x) {
          nan++;
          continue;
        }
        compared++;
        const y = wasmF32[i];
        // The reference inline, not through a function value that differs between the two passes: this line runs
        // 2^33 times, and the closure call took the whole check from 212 s to 248 s of CPU.
        const err = Math.abs(y - (kind === 0 ? Math.tanh(x) : 1 / (1 + Math.exp(-x))));
        // `!(err <= maxErr)` rather than `err > maxErr`: a NaN result must not pass unseen.
        if (!(err <= maxErr)) {
          if (err !== err) bad++;
          else {
            maxErr = err;
            maxBits = base + i;
          }
        }
        if (y < lo || y > 1) bad++;
      }
      if (base === 0) specials['+0'] = wasmF32[0];
      if (base === 0x7f800000) specials['+Infinity'] = wasmF32[0];
      if (base === 0x80000000) specials['-0'] = wasmF32[0];
      if (base === 0xff800000) specials['-Infinity'] = wasmF32[0];
      done += CHUNK;
      if (onProgress) onProgress(done, total);
    }
    inU32[0] = maxBits;
    results.push({ name, maxErr, argBits: maxBits, arg: inF32[0], compared, nan, bad, specials });
  }
  return results;
}

/** One line per function, as the script prints it and the test compares it. */
export function formatResult(r) {
  const hex = '0x' + r.argBits.toString(16).padStart(8, '0');
  return (
    `${r.name}: max abs error ${r.maxErr.toExponential(4)} at x = ${r.arg} (bits ${hex}); ` +
    `${r.compared} arguments compared, ${r.nan} NaN patterns skipped, ${r.bad} NaN or out-of-range results; ` +
    Object.entries(r.specials)
      .map(([k, v]) => `f(${k}) = ${Object.is(v, -0) ? '-0' : v}`)
      .join(', ')
  );
}
