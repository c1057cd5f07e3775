// TensorFlow.js peer: a layers model equivalent to ours, trained with model.trainOnBatch.
//   [Masking(-1)] -> LSTM(H) or GRU(H) (last output) -> Dense(1) logits; loss tf.losses.sigmoidCrossEntropy (BCE with logits,
//   mean over the batch); Adam(0.01).
//   Config A (lengths 1..20): each batch is padded after the bits, to its longest string, with -1 and a
//   Masking(maskValue -1) layer in front: on masked steps tfjs-layers' RNN carries the previous state and output
//   forward, so the LSTM's last output is the state after each string's own last bit (what ours and PyTorch's packed
//   sequences compute), but padded steps still cost a full LSTM step. B, C and inference have no padding and no mask.
//   Inference: model.predict on all 1000 strings as one batch (batchSize 1000), then dataSync.
// Backends: --backend wasm (tfjs-backend-wasm, setWasmPaths to the package's dist folder on disk, so it works
// offline; the SIMD binary is picked when WebAssembly SIMD validates, and we record which .wasm file was actually
// read) or --backend cpu (plain JS kernels). Both single-threaded in Node.
// The GRU: tf.layers.gru, whose only convention is resetAfter false (the reset gate scales h before W_hn, where
// PyTorch and ours scale W_hn h + b_hn): the same flops per step, a slightly different function. Both layers keep
// their default recurrent activation (hard sigmoid), as the LSTM row always has.
// Usage: node bench/peers/tfjs.mjs --backend wasm|cpu [--cell lstm|gru] [--configs A,B,C,infer] [--quick] [--out FILE]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { CONFIGS, timing } from '../lib/configs.mjs';
import { batchPool, seqSteps, parityOf } from '../lib/data.mjs';
import { measure, parseArgs, emit, log, now } from '../lib/measure.mjs';

const args = parseArgs(process.argv.slice(2));
const backend = args.backend ?? 'wasm';
if (backend !== 'wasm' && backend !== 'cpu') throw new Error(`--backend must be wasm or cpu, not ${backend}`);
const cell = args.cell ?? 'lstm';
if (cell !== 'lstm' && cell !== 'gru') throw new Error(`--cell must be lstm or gru, not ${cell}`);
const t = timing(args.quick);
const require = createRequire(import.meta.url);

// Record which .wasm binaries Emscripten reads from disk (the only way to see which one tfjs-backend-wasm chose).
const wasmFilesRead = [];
for (const name of ['readFileSync', 'readFile']) {
  const orig = fs[name];
  fs[name] = function (p, ...rest) {
    if (String(p).endsWith('.wasm')) wasmFilesRead.push(path.basename(String(p)));
    return orig.call(this, p, ...rest);
  };
}

const i0 = now();
const tf = await import('@tensorflow/tfjs');
const env = { tfjs: tf.version.tfjs, backend };
if (backend === 'wasm') {
  const wasmBackend = await import('@tensorflow/tfjs-backend-wasm');
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  wasmBackend.setWasmPaths(dir + path.sep);
  env.wasmDir = dir;
  env.simdSupported = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  env.threadsSupported = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
}
if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
await tf.ready();
env.importAndBackendSeconds = (now() - i0) / 1000;
if (backend === 'wasm') {
  env.wasmFilesRead = [...new Set(wasmFilesRead)];
  env.simdBinary = env.wasmFilesRead.some((f) => f.includes('simd'));
  env.threads = tf.backend().wasm ? 'single (threads unsupported in Node by tfjs-backend-wasm)' : undefined;
  if (!env.simdBinary) log(`warning: tfjs-backend-wasm read ${env.wasmFilesRead.join(', ') || 'no .wasm file'}: not the SIMD binary`);
}
tf.enableProdMode(); // no NaN checks or debug bookkeeping

function buildModel(H, timesteps, masked) {
  const model = tf.sequential();
  if (masked) model.add(tf.layers.masking({ maskValue: -1, inputShape: [timesteps, 1] }));
  model.add(tf.layers[cell]({ units: H, ...(masked ? {} : { inputShape: [timesteps, 1] }) }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: (y, z) => tf.losses.sigmoidCrossEntropy(y, z) });
  return model;
}

/** Strings -> x [B, T, 1] (bits, padded after the end with -1 when lengths differ) and y [B, 1]. */
function encode(strings) {
  const B = strings.length;
  let T = 0;
  for (const s of strings) if (s.length > T) T = s.length;
  const x = new Float32Array(B * T).fill(-1);
  const y = new Float32Array(B);
  for (let b = 0; b < B; b++) {
    const s = strings[b];
    for (let k = 0; k < s.length; k++) x[b * T + k] = s.charCodeAt(k) - 48;
    y[b] = parityOf(s);
  }
  return { x: tf.tensor3d(x, [B, T, 1]), y: tf.tensor2d(y, [B, 1]) };
}

const results = {};
for (const cfg of CONFIGS) {
  if (args.configs && !args.configs.includes(cfg.id)) continue;
  const pool = batchPool(cfg);
  const masked = cfg.minLen !== cfg.maxLen;
  const s0 = now();
  tf.util.seedrandom?.(1);
  const model = buildModel(cfg.hidden, masked ? null : cfg.maxLen, masked);
  const setupSeconds = (now() - s0) / 1000;
  let unit;
  if (cfg.kind === 'train') {
    let i = 0;
    unit = async () => {
      const strings = pool[i++ % pool.length];
      const { x, y } = encode(strings);
      await model.trainOnBatch(x, y); // resolves with the loss read back from the backend
      x.dispose();
      y.dispose();
      return seqSteps(strings);
    };
  } else {
    const strings = pool[0];
    const n = seqSteps(strings);
    unit = () => {
      const { x, y } = encode(strings);
      const z = model.predict(x, { batchSize: strings.length });
      z.dataSync();
      tf.dispose([x, y, z]);
      return n;
    };
  }
  // Tensor-leak check: Adam creates its moment variables on the first step, so count from the second call on.
  let calls = 0;
  let base = 0;
  const inner = unit;
  unit = () => {
    if (++calls === 2) base = tf.memory().numTensors;
    return inner();
  };
  // TF.js on the cpu backend needs seconds per step on C: fewer, shorter repetitions there.
  const tt = backend === 'cpu' ? { ...t, warmSec: Math.min(t.warmSec, 0.2), cellSec: Math.min(t.cellSec, 3), minReps: Math.min(t.minReps, 2) } : t;
  const r = await measure(unit, tt);
  const leaked = tf.memory().numTensors - base;
  const padded = masked
    ? pool.reduce((a, b) => a + b.length * Math.max(...b.map((s) => s.length)), 0) / pool.length
    : seqSteps(pool[0]);
  results[cfg.id] = {
    ...r,
    setupSeconds,
    seqStepsPerUnit: cfg.kind === 'train' ? seqSteps(pool.flat()) / pool.length : seqSteps(pool[0]),
    paddedStepsPerUnit: padded,
    leakedTensors: leaked,
  };
  log(`TF.js ${backend} ${cell} ${cfg.id}: ${(r.warm.median / 1e6).toFixed(4)} M seq-steps/s warm, ${(r.cold.rate / 1e6).toFixed(4)} M cold${leaked ? `, ${leaked} tensors leaked` : ''}`);
  model.dispose();
}

await emit(
  {
    peers: [
      {
        id: cell === 'lstm' ? `tfjs-${backend}` : `tfjs-${backend}-${cell}`,
        label: cell === 'lstm' ? `TF.js ${backend}` : `TF.js ${backend} ${cell.toUpperCase()}`,
        cell,
        env,
        notes: [
          `TF.js ${tf.version.tfjs} ${backend} backend${backend === 'wasm' ? ` (${env.simdBinary ? 'SIMD binary' : 'NOT the SIMD binary'}: read ${env.wasmFilesRead.join(', ')})` : ''}: layers ${cell.toUpperCase()}(H) -> Dense(1), model.trainOnBatch, sigmoidCrossEntropy, Adam 0.01${cell === 'gru' ? ' (TF.js GRU: resetAfter false, the reset gate applied before W_hn)' : ''}`,
          'TF.js config A: batch padded to its longest string with -1 + Masking layer (padded steps are computed, then masked; only real bits are counted)',
        ],
        results,
        solve: null,
        solveSkipped: 'TF.js: time-to-solve not measured (not cheap: the layers training loop is far slower than the others)',
      },
    ],
  },
  args.out,
);
