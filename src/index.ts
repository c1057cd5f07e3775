// parity-lstm: an LSTM (or RNN) that learns the parity of bit strings, on a WebAssembly SIMD core.
// The same entry point runs in Node, browsers and workers; nothing here imports node:*.

export { ParityError } from './errors.js';
export { type CellKind, type TensorSpec, tensorLayout, paramCount, gateCount, TENSOR_NAMES } from './layout.js';
export {
  Model,
  FORMAT,
  MAX_HIDDEN,
  type OptimizerKind,
  type OptimizerSettings,
  type Prediction,
  type TensorData,
} from './model.js';
export { DEFAULT_CONFIG, MAX_LENGTH, validateConfig, type TrainConfig } from './config.js';
export { train, STREAM, type Progress, type TrainResult, type TrainOptions } from './train.js';
export { evaluate, evaluationStrings, score, type EvalResult, type EvalOptions, type LengthRow } from './evaluate.js';
export {
  parity,
  makeRng,
  streamSeed,
  randomBits,
  randomStrings,
  randomStringsFrom,
  parseDataset,
  formatDataset,
  checkBits,
  shuffle,
  type Rng,
} from './data.js';
export { compileCore } from './wasm.js';
