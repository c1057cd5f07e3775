// Writes test/fixtures/solved-lstm.json: the default LSTM trained with seed 1 until solved (goal 'solved': before any
// hardening), saved as `train --seed 1 --goal solved
// --out` saves it. The eval, predict, curve and CLI tests load it instead of training it again; test/train.test.ts
// trains seed 1 once and checks the fixture still holds exactly those weights, so a change to the numerics that
// moves them fails there, with the advice to rerun this script (after `npm run build`).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { train } from '../dist/index.js';
import { trainingRecord } from '../dist/train/train.js';
import { writeFileAtomic } from '../dist/node/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'test', 'fixtures', 'solved-lstm.json');

const r = await train({ seed: 1, goal: 'solved' });
if (!r.solved) throw new Error(`seed 1 did not solve in ${r.steps} steps: the fixture must be a solved model`);
// The training time differs from run to run; without it the file is the same bytes for the same weights.
const { seconds: _seconds, ...training } = trainingRecord(r);
r.model.training = { ...training, writtenBy: 'scripts/make-test-model.mjs' };
writeFileAtomic(out, r.model.serialize() + '\n', 'fixture');
console.log(`wrote test/fixtures/solved-lstm.json: seed 1 solved at step ${r.steps}, weights ${r.model.weightsHash()}`);
