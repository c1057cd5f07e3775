// Checks the core's tanh4 and sigmoid4 on every float32 argument but NaN (scripts/activations-exhaustive.mjs), from
// the built package (npm run build first): prints each function's largest absolute error and where, exits 1 if
// either reaches 1e-6, the bound certify's error model assumes (docs/certify.md). A few minutes on one core.
// Usage: node scripts/check-activations.mjs
import { Core } from '../dist/core/wasm.js';
import { checkActivations, formatResult } from './activations-exhaustive.mjs';

const BOUND = 1e-6;
const t0 = performance.now();
let shown = -1;
const results = checkActivations(await Core.instantiate(), (done, total) => {
  const pct = Math.floor((100 * done) / total);
  if (process.stderr.isTTY && pct !== shown) process.stderr.write(`\r${(shown = pct)}%`);
});
if (process.stderr.isTTY) process.stderr.write('\r');
let ok = true;
for (const r of results) {
  console.log(formatResult(r));
  if (!(r.maxErr < BOUND) || r.bad > 0) ok = false;
}
console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s; ${ok ? 'both within' : 'NOT within'} ${BOUND}`);
process.exit(ok ? 0 : 1);
