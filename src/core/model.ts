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
  private cap = { groups: 0, steps: 0, train: false }; // the training region (0)
  private icap = { groups: 0, steps: 0 }; // the inference region (1), after it
  private region = 0; // the region the core's pointers and kernels use now
  /** Float indices into memory of the training region's inputs: fixed from one reserve to the next. */
  private ptr = { lengths: 0, targets: 0, x: 0, stride: 0 };
  /** A frozen string set whose bits the inference region holds whole (one batch, one chunk), and its order. */
  private held: { strings: readonly string[]; order: Int32Array; maxLen: number } | null = null;
  private order = new Int32Array(16); // loadBatch's sort, reused

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
    // The core dropped the inference region (it lay after this one) and selected this one, even on failure.
    this.region = 0;
    this.icap = { groups: 0, steps: 0 };
    this.held = null;
    this.loaded = 0;
    if (status !== 0) {
      this.cap = { groups: 0, steps: 0, train: false };
      const bytes = ex.reserveBytes(groups * 4, steps, train ? 1 : 0);
      throw new ParityError(this.tooLarge(train, groups, steps, bytes, status));
    }
    this.cap = { groups, steps, train };
    this.ptr = { lengths: ex.lengthsPtr() >> 2, targets: ex.targetsPtr() >> 2, x: ex.inputPtr() >> 2, stride: ex.inputStride() };
  }

  private tooLarge(train: boolean, groups: number, steps: number, bytes: number, status: number): string {
    const what = train ? `a training batch of ${groups * 4} strings of up to ${steps} bits` : `inference over ${steps} bits`;
    return (
      `${what} needs ${mib(bytes)} of WebAssembly memory, ` +
      (status === 2 ? 'more than the 3 GiB a wasm32 module may use' : 'more than this engine would give') +
      (train ? ': use shorter strings (--max-len), a smaller batch (--batch) or fewer hidden units (--hidden)' : '')
    );
  }

  /** The inference region, at least `groups` groups by `steps` steps (kept when it is already as large), selected. */
  private reserveInference(groups: number, steps: number): void {
    const have = this.icap;
    if (have.groups >= groups && have.steps >= steps) return this.use(1);
    // Grow to cover both shapes where that stays within the streaming budget, so sets of two shapes (train()'s
    // checks and its confirmations) do not lay the region out afresh each time.
    if (have.groups * steps <= INFER_VECTORS && groups * have.steps <= INFER_VECTORS) {
      groups = Math.max(groups, have.groups);
      steps = Math.max(steps, have.steps);
    }
    const ex = this.core.exports;
    const status = this.core.call('reserveInference', () => ex.reserveInference(groups * 4, steps));
    this.held = null;
    if (status !== 0) {
      this.region = 0;
      this.icap = { groups: 0, steps: 0 };
      throw new ParityError(this.tooLarge(false, groups, steps, ex.reserveInferenceBytes(groups * 4, steps), status));
    }
    this.region = 1;
    this.icap = { groups, steps };
  }

  /** Points the core at region 0 (training) or 1 (inference); both must be laid out. */
  private use(region: 0 | 1): void {
    if (this.region === region) return;
    this.check('useRegion', this.core.exports.useRegion(region));
    this.region = region;
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

  /**
   * Writes a training batch into wasm memory: sorted longest first, four strings per SIMD group. The bits are
   * checked as they are written, in the one pass over each string that writing makes. A bad batch leaves no batch
   * loaded, and checkBits names its first bad string and place.
   */
  loadBatch(strings: string[]): void {
    if (strings.length === 0) throw new ParityError('a batch needs at least one string');
    if (allNonEmpty(strings) && this.writeBatch(strings)) return;
    this.loaded = 0;
    checkEach(strings, 'training string'); // throws, naming the first bad string and place
  }

  /** loadBatch without validating the strings (the trainer makes them itself). */
  loadBatchUnchecked(strings: readonly string[]): void {
    this.writeBatch(strings);
  }

  /** Sorts and writes a batch of non-empty strings; false when a character was not 0 or 1. */
  private writeBatch(strings: readonly string[]): boolean {
    const B = strings.length;
    if (this.order.length < B) this.order = new Int32Array(Math.max(B, 2 * this.order.length));
    const order = this.order;
    const maxLen = sortByLength(strings, order);
    this.prepareTraining(B, maxLen);
    this.use(0);
    const p = this.ptr;
    const bitsOnly = this.writeStrings(strings, order, 0, B, 0, maxLen, p.lengths, p.targets, p.x, p.stride);
    this.loaded = B;
    return bitsOnly;
  }

  /**
   * Writes strings order[i0 .. i0+n) as lanes 0..n-1, steps t0 .. t0+steps-1 at X[g][0 ..), and with t0 = 0 their
   * lengths and targets. lengths, targets, x: float indices of the selected region's arrays; stride: its TCAP.
   * Returns false when a character written was not 0 or 1.
   */
  private writeStrings(strings: readonly string[], order: Int32Array, i0: number, n: number, t0: number, steps: number, lengths: number, targets: number, x: number, stride: number): boolean {
    const f32 = this.core.f32;
    const i32 = this.core.i32;
    const groups = (n + 3) >> 2;
    const last = t0 + steps;
    let bitsOnly = true;
    for (let g = 0; g < groups; g++) {
      const first = strings[order[i0 + 4 * g]];
      const end = Math.min(first.length, last); // the group's longest string: sorted, so its first
      if (end <= t0) break; // this group and every later one ended before the chunk (t0 > 0 only)
      for (let lane = 0; lane < 4; lane++) {
        const s = 4 * g + lane;
        const bits = s < n ? strings[order[i0 + s]] : '';
        const L = bits.length;
        const stop = L < end ? L : end;
        const p = writeLane(f32, x + g * stride * 4 + lane, bits, t0, stop, end);
        if (p < 0) bitsOnly = false;
        if (t0 === 0) {
          i32[lengths + s] = L;
          f32[targets + s] = L <= end ? p : parity(bits); // p is the parity when the chunk held the whole string
        }
      }
    }
    return bitsOnly;
  }

  /** A non-zero status from the core means the JS side broke the contract: a bug, not bad input. */
  private check(what: string, status: number): void {
    if (status !== 0) throw new Error(`parity-lstm core refused ${what} (status ${status}): the batch exceeds its reservation; this is a bug`);
  }

  private requireBatch(): number {
    if (this.loaded === 0) throw new Error('no training batch is loaded: call loadBatch first');
    this.use(0);
    return this.loaded;
  }

  /** Forward + BPTT + clip + optimiser step on the loaded batch; returns the loss before the update. */
  step(): number {
    const B = this.requireBatch();
    const ex = this.core.exports;
    this.check('trainStep', this.core.call('trainStep', () => ex.trainStep(B)));
    const loss = ex.lastLoss();
    if (!Number.isFinite(loss) || !ex.lastGradsFinite()) {
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
    if (!allNonEmpty(strings)) checkEach(strings); // throws, naming the first bad string
    return this.inferLogits(strings, true);
  }

  /**
   * logits without validating the strings. In a region of its own, so a loaded training batch stays loaded. A
   * frozen array (train()'s generalisation set) that fits the region whole is written once: asked again, only the
   * kernels run (a frozen array of strings cannot change).
   */
  logitsUnchecked(given: readonly string[]): Float32Array {
    return this.inferLogits(given, false);
  }

  /**
   * logits, and with `check` the bits checked as they are written (the one pass over them that writing makes, as
   * loadBatch does): at the first chunk that holds a character other than 0 or 1, checkBits names the string and place.
   */
  private inferLogits(given: readonly string[], check: boolean): Float32Array {
    let strings = given;
    const n = strings.length;
    const out = new Float32Array(n);
    if (n === 0) return out;
    const ex = this.core.exports;
    const held = this.held;
    if (held !== null && held.strings === given) {
      this.use(1);
      this.runInference(n, held.maxLen, out, held.order, 0);
      return out;
    }
    const frozen = Object.isFrozen(strings);
    // A frozen array's elements have a map of their own: written through a copy, writeStrings and the sort keep
    // the one map their optimised code was made for (the first check deoptimised them, the confirmation paid).
    if (frozen) strings = strings.slice();
    const order = new Int32Array(n);
    const maxLen = sortByLength(strings, order);
    const groups = Math.min((n + 3) >> 2, INFER_MAX_GROUPS);
    this.reserveInference(groups, Math.max(1, Math.min(maxLen, Math.floor(INFER_VECTORS / groups))));
    this.held = null;
    const perBatch = this.icap.groups * 4;
    const stride = this.icap.steps;
    const lengths = ex.lengthsPtr() >> 2;
    const targets = ex.targetsPtr() >> 2;
    const x = ex.inputPtr() >> 2;
    for (let i0 = 0; i0 < n; i0 += perBatch) {
      const Bs = Math.min(perBatch, n - i0);
      const len = strings[order[i0]].length;
      if (len <= stride) {
        if (!this.writeStrings(strings, order, i0, Bs, 0, len, lengths, targets, x, stride) && check) checkEach(strings);
        this.runInference(Bs, len, out, order, i0);
        continue;
      }
      this.check('inferBegin', this.core.call('inferBegin', () => ex.inferBegin(Bs)));
      for (let t0 = 0; t0 < len; t0 += stride) {
        const steps = Math.min(stride, len - t0);
        if (!this.writeStrings(strings, order, i0, Bs, t0, steps, lengths, targets, x, stride) && check) checkEach(strings);
        this.check('inferChunk', this.core.call('inferChunk', () => ex.inferChunk(Bs, t0, steps)));
      }
      this.check('inferEnd', this.core.call('inferEnd', () => ex.inferEnd(Bs)));
      this.readLogits(Bs, out, order, i0);
    }
    if (n <= perBatch && maxLen <= stride && frozen) this.held = { strings: given, order, maxLen };
    return out;
  }

  /** Runs Bs strings already written whole (maxLen <= the region's steps) and scatters their logits. */
  private runInference(Bs: number, maxLen: number, out: Float32Array, order: Int32Array, i0: number): void {
    const ex = this.core.exports;
    this.check('inferBegin', this.core.call('inferBegin', () => ex.inferBegin(Bs)));
    this.check('inferChunk', this.core.call('inferChunk', () => ex.inferChunk(Bs, 0, maxLen)));
    this.check('inferEnd', this.core.call('inferEnd', () => ex.inferEnd(Bs)));
    this.readLogits(Bs, out, order, i0);
  }

  private readLogits(Bs: number, out: Float32Array, order: Int32Array, i0: number): void {
    const lg = this.core.exports.logitsPtr() >> 2;
    const f32 = this.core.f32;
    for (let k = 0; k < Bs; k++) out[order[i0 + k]] = f32[lg + k];
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

/** True when every element is a non-empty string (the part of checkBits that writing a string cannot do). */
function allNonEmpty(strings: readonly unknown[]): boolean {
  for (const s of strings) if (typeof s !== 'string' || s.length === 0) return false;
  return true;
}

/** checkBits on each string in order: throws for the first that is not a non-empty string of 0s and 1s. */
function checkEach(strings: readonly string[], what?: string): void {
  for (const s of strings) checkBits(s, what);
}

/**
 * Writes bits[t0 .. stop) as 0.0/1.0 at f32[a], f32[a + 4], ... (one lane of X), then 0.0 up to step `end`, and
 * returns the parity of the bits written, or -1 when one of the characters was not 0 or 1. No branch per bit: '0'
 * and '1' are 48 and 49, so c & 1 is the bit and (c | 1) ^ 49 is 0 for them alone: checkBits' rule in the form a
 * hot loop wants (test/model.test.ts holds the two to each other on every UTF-16 code unit). A function of its own
 * so that its optimised code, hot after a few training steps, serves a large inference set even when the caller's
 * code is deoptimised by it (in a cold process that cost the confirmation ~5 ms).
 */
function writeLane(f32: Float32Array, a: number, bits: string, t0: number, stop: number, end: number): number {
  let p = 0;
  let other = 0;
  for (let t = t0; t < stop; t++, a += 4) {
    const c = bits.charCodeAt(t);
    other |= (c | 1) ^ 49;
    f32[a] = c & 1;
    p ^= c & 1;
  }
  for (let t = stop < t0 ? t0 : stop; t < end; t++, a += 4) f32[a] = 0;
  return other === 0 ? p : -1;
}

/**
 * Fills order[0 .. n) with the indices of strings sorted by length, longest first, ties in index order (a stable
 * sort), and returns the longest length. Insertion sort for a few strings, a counting sort for many, the engine's
 * sort when lengths are too spread for buckets: the same order every way.
 */
function sortByLength(strings: readonly string[], order: Int32Array): number {
  const n = strings.length;
  let longest = 0;
  if (n <= 32) {
    for (let i = 0; i < n; i++) {
      const L = strings[i].length;
      if (L > longest) longest = L;
      let j = i;
      for (; j > 0 && strings[order[j - 1]].length < L; j--) order[j] = order[j - 1];
      order[j] = i;
    }
    return longest;
  }
  for (let i = 0; i < n; i++) if (strings[i].length > longest) longest = strings[i].length;
  if (longest <= 4 * n + 1024) {
    // Keyed by longest - L (0 first); counted one slot up, so after the prefix sums start[k] is where key k begins.
    const start = new Int32Array(longest + 2);
    for (let i = 0; i < n; i++) start[longest - strings[i].length + 1]++;
    for (let k = 1; k <= longest + 1; k++) start[k] += start[k - 1];
    for (let i = 0; i < n; i++) order[start[longest - strings[i].length]++] = i;
    return longest;
  }
  const idx = Int32Array.from(strings.keys());
  idx.sort((a, b) => strings[b].length - strings[a].length || a - b);
  order.set(idx);
  return longest;
}
