// A model over wasm memory: one core instance, PyTorch-named tensors, training steps on loaded batches, streamed
// inference, and the parity-lstm/1 JSON format.

import { Core } from './wasm.js';
import { type CellKind, tensorLayout, paramCount } from './layout.js';
import { ParityError } from './errors.js';
import { FORMAT, checkCell, checkHidden, parseModelFile } from './model-file.js';

export { FORMAT, MAX_HIDDEN, checkCell, checkHidden } from './model-file.js';
import { checkBits, parity } from './bits.js';
import { initialParams } from './init.js';
import { refRun } from './reference.js';

const CELL_CODE: Record<CellKind, number> = { lstm: 0, rnn: 1, gru: 2 }; // assembly/layout.ts CELL_*
// An inference-only reservation: at most 256 groups of four strings and 2^18 input vectors (4 MiB); longer strings
// are streamed through it in chunks, so memory never depends on a string's length.
const INFER_MAX_GROUPS = 256;
const INFER_VECTORS = 1 << 18;

export type OptimizerKind = 'adam' | 'sgd';
export interface OptimizerSettings {
  kind: OptimizerKind;
  lr: number;
  clip?: number | null;
  beta1?: number;
  beta2?: number;
  eps?: number;
}
export interface Prediction {
  parity: 0 | 1;
  /** Probability that the parity is 1. */
  probability: number;
}
export interface TensorData {
  shape: number[];
  data: Float32Array;
}

const mib = (bytes: number): string => `${Math.ceil(bytes / 2 ** 20)} MiB`;

/** See Model.setRegularizers. */
export interface Regularizers {
  noise?: number;
  forget?: number;
  seed?: number;
}

export class Model {
  readonly inputSize = 1 as const;
  /** The informational `training` block of the model file. */
  training: Record<string, unknown> | null = null;
  private loaded = 0; // strings in the loaded training batch; 0 when none is loaded
  private cap = { groups: 0, steps: 0, train: false };

  private constructor(
    readonly cell: CellKind,
    readonly hiddenSize: number,
    private readonly core: Core,
  ) {}

  /** A new model with PyTorch-style initial weights drawn from `seed`. */
  static async create(opts: { cell?: CellKind; hidden?: number; seed?: number; module?: WebAssembly.Module } = {}): Promise<Model> {
    const cell = checkCell(opts.cell ?? 'lstm');
    const hidden = checkHidden(opts.hidden ?? 8);
    const m = await Model.blank(cell, hidden, opts.module);
    m.setParams(initialParams(cell, hidden, (opts.seed ?? 0) >>> 0));
    return m;
  }

  private static async blank(cell: CellKind, hidden: number, module?: WebAssembly.Module): Promise<Model> {
    const core = await Core.instantiate(module);
    if (core.exports.create(CELL_CODE[cell], hidden) !== 0) {
      throw new ParityError(`not enough memory for a model with hidden size ${hidden}`);
    }
    const m = new Model(cell, hidden, core);
    m.setOptimizer({ kind: 'adam', lr: 0.01 });
    return m;
  }

  /** Reads a parity-lstm/1 model (text or parsed object). Throws ParityError saying what is wrong (model-file.ts). */
  static async fromJSON(json: string | unknown, opts: { module?: WebAssembly.Module } = {}): Promise<Model> {
    const file = parseModelFile(json);
    const m = await Model.blank(file.cell, file.hidden, opts.module);
    m.setParams(file.params);
    m.training = file.training;
    return m;
  }

  /** Number of parameters. */
  get paramCount(): number {
    return paramCount(this.cell, this.hiddenSize);
  }

  /** A copy of the flat parameter buffer (layout.ts order). */
  getParams(): Float32Array {
    const p = this.core.exports.paramsPtr() >> 2;
    return this.core.f32.slice(p, p + this.paramCount);
  }

  setParams(values: ArrayLike<number>): void {
    if (values.length !== this.paramCount) throw new ParityError(`expected ${this.paramCount} parameters, got ${values.length}`);
    this.core.f32.set(values, this.core.exports.paramsPtr() >> 2);
  }

  /** A copy of the gradient of the last lossAndGrads/step (before clipping was applied for step). */
  getGrads(): Float32Array {
    const p = this.core.exports.gradsPtr() >> 2;
    return this.core.f32.slice(p, p + this.paramCount);
  }

  /** Copies of the tensors, named as PyTorch's state_dict(). */
  tensors(): Record<string, TensorData> {
    const p = this.getParams();
    const out: Record<string, TensorData> = {};
    for (const s of tensorLayout(this.cell, this.hiddenSize)) {
      out[s.name] = { shape: [...s.shape], data: p.slice(s.offset, s.offset + s.size) };
    }
    return out;
  }

  /** The parity-lstm/1 object. Numbers are float32 values, so they read back bit-exact. */
  toJSON(): Record<string, unknown> {
    const tensors: Record<string, { shape: number[]; data: number[] }> = {};
    for (const [name, t] of Object.entries(this.tensors())) tensors[name] = { shape: t.shape, data: Array.from(t.data) };
    const out: Record<string, unknown> = {
      format: FORMAT,
      cell: this.cell,
      inputSize: 1,
      hiddenSize: this.hiddenSize,
      tensors,
    };
    if (this.training) out.training = this.training;
    return out;
  }

  serialize(): string {
    return JSON.stringify(this.toJSON());
  }

  /** A 64-bit FNV-1a hash of the parameter bytes, as hex: equal hashes mean bit-identical weights. */
  weightsHash(): string {
    const bytes = new Uint8Array(this.getParams().buffer);
    let lo = 0x84222325 >>> 0;
    let hi = 0xcbf29ce4 >>> 0;
    for (let i = 0; i < bytes.length; i++) {
      lo ^= bytes[i];
      // multiply the 64-bit (hi, lo) by the FNV prime 0x100000001b3
      const l = lo * 0x1b3;
      const h = hi * 0x1b3 + lo * 0x100 + Math.floor(l / 0x100000000);
      lo = l >>> 0;
      hi = h >>> 0;
    }
    return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
  }

  // ---- training ---------------------------------------------------------------------------------------------

  setOptimizer(o: OptimizerSettings): void {
    const kind = o.kind === 'sgd' ? 1 : 0;
    const clip = o.clip ?? 0;
    this.core.exports.setOptimizer(kind, o.lr, o.beta1 ?? 0.9, o.beta2 ?? 0.999, o.eps ?? 1e-8, clip);
  }

  /**
   * The hardening phase's regularisers (assembly/regularize.ts), LSTM only, off (0) by default: state noise of
   * standard deviation `noise` on h and c after each training step, and `forget` times the mean squared forget gate
   * added to the loss. `seed` picks the noise; the same seed gives the same noise at every lossAndGrads/step.
   */
  setRegularizers(r: Regularizers): void {
    const noise = r.noise ?? 0;
    const forget = r.forget ?? 0;
    for (const [name, v] of [['noise', noise], ['forget', forget]] as const) {
      if (!(Number.isFinite(v) && v >= 0)) throw new ParityError(`the ${name} regulariser must be a finite number >= 0, not ${v}`);
    }
    if ((noise || forget) && this.cell !== 'lstm') throw new ParityError(`state noise and the forget-gate penalty are for LSTM models, not ${this.cell}`);
    this.core.exports.setRegularizers(noise, forget, (r.seed ?? 1) >>> 0);
  }

  /** The forget-gate penalty of the last step (lastLoss and step() give the BCE alone). */
  lastPenalty(): number {
    return this.core.exports.lastPenalty();
  }

  /** Forgets Adam's moments and step count. */
  resetOptimizer(): void {
    this.core.exports.resetOptimizer();
  }

  private reserve(groups: number, steps: number, train: boolean): void {
    const ex = this.core.exports;
    const status = this.core.call('reserve', () => ex.reserve(groups * 4, steps, train ? 1 : 0));
    if (status !== 0) {
      const bytes = ex.reserveBytes(groups * 4, steps, train ? 1 : 0);
      const what = train ? `a training batch of ${groups * 4} strings of up to ${steps} bits` : `inference over ${steps} bits`;
      throw new ParityError(
        `${what} needs ${mib(bytes)} of WebAssembly memory, ` +
          (status === 2 ? 'more than the 3 GiB a wasm32 module may use' : 'more than this engine would give') +
          (train ? ': use shorter strings (--max-len), a smaller batch (--batch) or fewer hidden units (--hidden)' : ''),
      );
    }
    this.cap = { groups, steps, train };
    this.loaded = 0;
  }

  /**
   * Reserves memory for training batches of up to `batch` strings of up to `maxLen` bits, so a shape that cannot
   * fit fails at once with a ParityError rather than after the strings were made.
   */
  prepareTraining(batch: number, maxLen: number): void {
    const groups = (batch + 3) >> 2;
    if (!this.cap.train || this.cap.groups < groups || this.cap.steps < maxLen) {
      this.reserve(Math.max(groups, this.cap.train ? this.cap.groups : 0), Math.max(maxLen, this.cap.train ? this.cap.steps : 0), true);
    }
  }

  /** Writes a training batch into wasm memory: sorted longest first, four strings per SIMD group. */
  loadBatch(strings: string[]): void {
    if (strings.length === 0) throw new ParityError('a batch needs at least one string');
    for (const s of strings) checkBits(s, 'training string');
    this.loadBatchUnchecked(strings);
  }

  /** loadBatch without validating the strings (the trainer makes them itself). */
  loadBatchUnchecked(strings: string[]): void {
    const B = strings.length;
    const order = sortedByLength(strings);
    const maxLen = strings[order[0]].length;
    this.prepareTraining(B, maxLen);
    this.writeStrings(strings, order, 0, B, 0, maxLen);
    this.loaded = B;
  }

  /** Writes strings order[i0 .. i0+n) as lanes 0..n-1, steps t0 .. t0+steps-1 at X[g][0 ..). */
  private writeStrings(strings: string[], order: Int32Array | number[], i0: number, n: number, t0: number, steps: number): void {
    const ex = this.core.exports;
    const f32 = this.core.f32;
    const i32 = this.core.i32;
    const lengths = ex.lengthsPtr() >> 2;
    const targets = ex.targetsPtr() >> 2;
    const x = ex.inputPtr() >> 2;
    const stride = ex.inputStride();
    const lanes = ((n + 3) >> 2) << 2;
    if (t0 === 0) {
      for (let s = 0; s < lanes; s++) {
        const bits = s < n ? strings[order[i0 + s]] : '';
        i32[lengths + s] = bits.length;
        f32[targets + s] = s < n ? parity(bits) : 0;
      }
    }
    for (let g = 0; g < lanes >> 2; g++) {
      const first = strings[order[i0 + 4 * g]];
      const end = Math.min(first.length, t0 + steps); // the group's longest string: sorted, so its first
      if (end <= t0) break;
      for (let lane = 0; lane < 4; lane++) {
        const s = 4 * g + lane;
        const bits = s < n ? strings[order[i0 + s]] : '';
        const L = bits.length;
        let a = x + (g * stride) * 4 + lane;
        for (let t = t0; t < end; t++, a += 4) f32[a] = t < L ? bits.charCodeAt(t) - 48 : 0;
      }
    }
  }

  /** A non-zero status from the core means the JS side broke the contract: a bug, not bad input. */
  private check(what: string, status: number): void {
    if (status !== 0) throw new Error(`parity-lstm core refused ${what} (status ${status}): the batch exceeds its reservation; this is a bug`);
  }

  private requireBatch(): number {
    if (this.loaded === 0) throw new Error('no training batch is loaded: call loadBatch first (inference reuses its memory)');
    return this.loaded;
  }

  /** Forward + BPTT + clip + optimiser step on the loaded batch; returns the loss before the update. */
  step(): number {
    const B = this.requireBatch();
    const ex = this.core.exports;
    this.check('trainStep', this.core.call('trainStep', () => ex.trainStep(B)));
    const loss = ex.lastLoss();
    if (!Number.isFinite(loss) || !Number.isFinite(ex.lastGradNorm())) {
      throw new ParityError(`training diverged: the loss became ${loss}; try a smaller learning rate (--lr) or clipping (--clip 1)`);
    }
    return loss;
  }

  /** Forward + BPTT on the loaded batch without updating: the loss, and gradients in getGrads(). */
  lossAndGrads(): number {
    const B = this.requireBatch();
    const ex = this.core.exports;
    this.check('lossAndGrads', this.core.call('lossAndGrads', () => ex.lossAndGrads(B)));
    return ex.lastLoss();
  }

  /** Global gradient norm (before clipping) of the last step. */
  lastGradNorm(): number {
    return this.core.exports.lastGradNorm();
  }

  /** Accuracy on the loaded batch, from the logits of the last step (computed before its update). */
  loadedBatchAccuracy(): number {
    const B = this.requireBatch();
    const f32 = this.core.f32;
    const lg = this.core.exports.logitsPtr() >> 2;
    const tg = this.core.exports.targetsPtr() >> 2;
    let correct = 0;
    for (let s = 0; s < B; s++) if ((f32[lg + s] > 0 ? 1 : 0) === f32[tg + s]) correct++;
    return correct / B;
  }

  // ---- inference ------------------------------------------------------------------------------------------

  /**
   * The logit of each string, in the given order. Streams bits through the reserved memory in chunks and keeps no
   * per-step activations, so a string of a million bits needs no more memory than one of ten.
   */
  logits(strings: string[]): Float32Array {
    for (const s of strings) checkBits(s);
    return this.logitsUnchecked(strings);
  }

  logitsUnchecked(strings: string[]): Float32Array {
    const n = strings.length;
    const out = new Float32Array(n);
    if (n === 0) return out;
    const order = sortedByLength(strings);
    if (this.cap.groups === 0) {
      const groups = Math.min((n + 3) >> 2, INFER_MAX_GROUPS);
      const steps = Math.max(1, Math.min(strings[order[0]].length, Math.floor(INFER_VECTORS / groups)));
      this.reserve(groups, steps, false);
    }
    this.loaded = 0;
    const ex = this.core.exports;
    const perBatch = this.cap.groups * 4;
    const stride = this.cap.steps;
    for (let i0 = 0; i0 < n; i0 += perBatch) {
      const Bs = Math.min(perBatch, n - i0);
      const maxLen = strings[order[i0]].length;
      this.check('inferBegin', this.core.call('inferBegin', () => ex.inferBegin(Bs)));
      for (let t0 = 0; t0 < maxLen; t0 += stride) {
        const steps = Math.min(stride, maxLen - t0);
        this.writeStrings(strings, order, i0, Bs, t0, steps);
        this.check('inferChunk', this.core.call('inferChunk', () => ex.inferChunk(Bs, t0, steps)));
      }
      this.check('inferEnd', this.core.call('inferEnd', () => ex.inferEnd(Bs)));
      const lg = ex.logitsPtr() >> 2;
      const f32 = this.core.f32;
      for (let k = 0; k < Bs; k++) out[order[i0 + k]] = f32[lg + k];
    }
    return out;
  }

  predict(bits: string): Prediction {
    return this.predictBatch([bits])[0];
  }

  predictBatch(strings: string[]): Prediction[] {
    return Array.from(this.logits(strings), (z) => ({ parity: z > 0 ? 1 : 0, probability: 1 / (1 + Math.exp(-z)) }));
  }

  /** Hidden (and, for the LSTM, cell) state after each bit, for pictures of what the network does. */
  trace(bits: string): { h: Float32Array[]; c: Float32Array[] | null } {
    checkBits(bits);
    const steps = refRun(this.cell, this.hiddenSize, this.getParams(), bits);
    return {
      h: steps.map((s) => Float32Array.from(s.h)),
      c: this.cell === 'lstm' ? steps.map((s) => Float32Array.from(s.c)) : null,
    };
  }

  /** Bytes of WebAssembly memory this model holds. */
  memoryBytes(): number {
    return this.core.exports.memory.buffer.byteLength;
  }

  /**
   * Forgets the loaded batch. WebAssembly has no explicit free: the instance and its memory go when the model is
   * garbage-collected, so drop your references to it.
   */
  dispose(): void {
    this.loaded = 0;
  }
}

/** Indices of strings sorted by length, longest first (stable). */
function sortedByLength(strings: string[]): Int32Array {
  const order = Int32Array.from(strings.keys());
  order.sort((a, b) => strings[b].length - strings[a].length || a - b);
  return order;
}
