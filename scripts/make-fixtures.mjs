// Regenerates test/fixtures/models/*.json from the built package (npm run build first):
//   solved-seed1.json    train({ seed: 1, goal: 'solved' }): solved on random strings, refuted by certify
//   hardened-seed1.json  that model after harden() without the regularisers: right on every structured string we
//                        try, but an integrator cell state keeps certify at unknown
//   certified-seed1.json train({ seed: 1 }) with the defaults (goal certified): certify proves it
//   flipflop-lstm.json, flipflop-rnn.json   the hand-built saturated flip-flops, which certify proves
// Deterministic: the same package gives the same bytes. Usage: node scripts/make-fixtures.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { train, harden } from '../dist/train/train.js';
import { flipFlopModel } from '../dist/certify/flipflop.js';

const dir = fileURLToPath(new URL('../test/fixtures/models/', import.meta.url));
mkdirSync(dir, { recursive: true });
const save = (name, model) => {
  writeFileSync(dir + name, JSON.stringify(model.toJSON()) + '\n');
  console.log(`${name}: ${model.weightsHash()}`);
};
const solved = await train({ seed: 1, goal: 'solved' });
if (!solved.solved) throw new Error('seed 1 did not solve with the defaults');
save('solved-seed1.json', solved.model);
save('hardened-seed1.json', (await harden(solved.model, { seed: 1, regularize: false })).model);
const certified = await train({ seed: 1 });
if (certified.goal.reached !== 'certified') throw new Error(`seed 1 reached ${certified.goal.reached}, not certified`);
save('certified-seed1.json', certified.model);
save('flipflop-lstm.json', await flipFlopModel('lstm'));
save('flipflop-rnn.json', await flipFlopModel('rnn'));
