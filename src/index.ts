// parity-lstm: an LSTM (or RNN) that learns the parity of bit strings, on a WebAssembly SIMD core.
// This is the core a web app needs: the model, training, evaluation and the strings they use. It runs unchanged in
// Node, browsers and workers (nothing here imports node:*), and has no side effects, so a bundler keeps only what
// an app uses. Experiments and sweeps are in parity-lstm/research, charts in parity-lstm/charts, files and
// worker threads in parity-lstm/node.

export { ParityError } from './core/errors.js';
export { type CellKind, type TensorSpec, tensorLayout, paramCount, gateCount, TENSOR_NAMES } from './core/layout.js';
export { Model, FORMAT, type OptimizerKind, type OptimizerSettings, type Prediction, type TensorData } from './core/model.js';
export { compileCore } from './core/wasm.js';
export { parity, checkBits } from './core/bits.js';
export { makeRng, streamSeed, type Rng } from './core/rng.js';
export { DEFAULT_CONFIG, LIMITS, validateConfig, type TrainConfig } from './train/config.js';
export { parseModelFile, type ModelFile } from './core/model-file.js';
export { train, trainingRecord, STREAM, type Progress, type TrainResult, type TrainOptions, type FinalRecord } from './train/train.js';
export { evaluate, evaluationStrings, score, type EvalResult, type EvalOptions, type LengthRow } from './train/evaluate.js';
export { lengthCurve, curveLengths, type CurveOptions, type CurveRow } from './train/curve.js';
export { randomBits, randomStrings, randomStringsFrom, parseDataset, formatDataset } from './train/data.js';
export { certify, verify, refute, CERT_FORMAT, type CertifyResult, type CertifyOptions, type VerifyResult, type Counterexample, type Certificate } from './certify/index.js';
export { FAMILIES, familyStrings, familyReport, isRobust, type Family, type FamilyRow } from './train/families.js';
export { GOALS, type Goal } from './train/config.js';
export { harden, type GoalRecord } from './train/train.js';
