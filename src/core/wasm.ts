// Loads the AssemblyScript core. The bytes are inlined (src/generated/core-wasm.ts, made by the build), compiled
// once per process and instantiated once per model. Works unchanged in Node, browsers, workers and bundlers: no fs,
// no fetch, no asset URL.
// Compiled synchronously where the engine allows it (Node, workers): an async compile and instantiate cost a
// CLI run about 10 ms of event-loop hops and background-thread waits on a loaded machine, against under 1 ms for
// the sync calls. Chrome refuses sync compiles over 4 KB on a page's main thread; there the async path runs.
// Why not @assemblyscript/loader: its maintainers deprecated it; the core's contract is a dozen functions on
// numbers and pointers, so a small typed loader is clearer than generated bindings.

import { CORE_WASM_BASE64 } from '../generated/core-wasm.js';

/**
 * The exports of assembly/index.ts. Pointers are byte offsets into memory. Functions that can refuse return a
 * status (0 ok, 1 out of memory, 2 too large, 3 not laid out); the loss they compute is read with lastLoss().
 */
export interface CoreExports {
  memory: WebAssembly.Memory;
  create(cell: number, hidden: number): number;
  reserve(batch: number, steps: number, train: number): number;
  reserveBytes(batch: number, steps: number, train: number): number;
  reserveInference(batch: number, steps: number): number;
  reserveInferenceBytes(batch: number, steps: number): number;
  useRegion(region: number): number;
  paramsPtr(): number;
  gradsPtr(): number;
  paramCount(): number;
  paramCountPadded(): number;
  lengthsPtr(): number;
  targetsPtr(): number;
  logitsPtr(): number;
  inputPtr(): number;
  inputStride(): number;
  groupCapacity(): number;
  lastGradNorm(): number;
  lastGradsFinite(): number;
  lastLoss(): number;
  lastPenalty(): number;
  setRegularizers(noise: number, forget: number, seed: number): void;
  tensorOffset(i: number): number;
  lossAndGrads(batch: number): number;
  setOptimizer(kind: number, lr: number, beta1: number, beta2: number, eps: number, clip: number): void;
  resetOptimizer(): void;
  update(): void;
  trainStep(batch: number): number;
  inferBegin(batch: number): number;
  inferChunk(batch: number, t0: number, steps: number): number;
  inferEnd(batch: number): number;
  applyActivation(kind: number, ptr: number, n: number): void;
}

let compiled: Promise<WebAssembly.Module> | null = null;

/** Node's Buffer decodes base64 natively (about 0.3 ms for the core, against 2 ms for atob and a loop). */
interface BufferLike {
  from(s: string, encoding: 'base64'): Uint8Array<ArrayBuffer>;
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;
  if (typeof NodeBuffer?.from === 'function') return NodeBuffer.from(b64, 'base64');
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A sync compile where allowed; null where the engine refuses it (a page's main thread), so the caller waits. */
function compileNow(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(bytes);
  } catch (e) {
    if (e instanceof RangeError) return null; // Chrome: "WebAssembly.Module is disallowed on the main thread, ..."
    throw e;
  }
}

function compileBytes(bytes: Uint8Array<ArrayBuffer>): Promise<WebAssembly.Module> {
  try {
    const mod = compileNow(bytes);
    return mod ? Promise.resolve(mod) : WebAssembly.compile(bytes);
  } catch (e) {
    return Promise.reject(e);
  }
}

/** The compiled core, compiled on first use. Pass bytes to use another build (tests load the debug build). */
export function compileCore(bytes?: Uint8Array<ArrayBuffer>): Promise<WebAssembly.Module> {
  if (bytes) return compileBytes(bytes);
  if (!compiled) {
    compiled = compileBytes(decodeBase64(CORE_WASM_BASE64)).catch((e: unknown) => {
      compiled = null;
      throw new Error(
        `parity-lstm: this JavaScript engine could not compile the core (${String(e)}). ` +
          'It needs WebAssembly with SIMD: Node 16.4+, Chrome 91+, Firefox 89+, Safari 16.4+.',
      );
    });
  }
  return compiled;
}

/** A sync instantiation where allowed (as compileNow), else the async one. */
function instantiateModule(mod: WebAssembly.Module, imports: WebAssembly.Imports): WebAssembly.Instance | Promise<WebAssembly.Instance> {
  try {
    return new WebAssembly.Instance(mod, imports);
  } catch (e) {
    if (e instanceof RangeError) return WebAssembly.instantiate(mod, imports);
    throw e;
  }
}

function abortMessage(memory: WebAssembly.Memory | undefined, msgPtr: number, filePtr: number, line: number): string {
  // AssemblyScript strings: UTF-16, length in bytes at ptr - 4.
  const read = (p: number): string => {
    if (!memory || !p) return '?';
    const len = new Uint32Array(memory.buffer, p - 4, 1)[0] >>> 1;
    return String.fromCharCode(...new Uint16Array(memory.buffer, p, len));
  };
  return `${read(msgPtr)} at ${read(filePtr)}:${line}`;
}

/** One instance of the core: one model's memory. */
export class Core {
  readonly exports: CoreExports;
  private f32View = new Float32Array(0);
  private i32View = new Int32Array(0);

  private constructor(exports: CoreExports) {
    this.exports = exports;
  }

  static async instantiate(module?: WebAssembly.Module): Promise<Core> {
    const mod = module ?? (await compileCore());
    let memory: WebAssembly.Memory | undefined;
    const imports = {
      env: {
        abort(msg: number, file: number, line: number, _col: number): never {
          throw new Error(`parity-lstm core aborted: ${abortMessage(memory, msg, file, line)}. This is a bug; please report it.`);
        },
      },
    };
    const instance = await instantiateModule(mod, imports);
    const exports = instance.exports as unknown as CoreExports;
    memory = exports.memory;
    return new Core(exports);
  }

  /** Float32 view of all memory, rebuilt when memory has grown (growth detaches old views). */
  get f32(): Float32Array {
    if (this.f32View.buffer !== this.exports.memory.buffer) this.f32View = new Float32Array(this.exports.memory.buffer);
    return this.f32View;
  }

  get i32(): Int32Array {
    if (this.i32View.buffer !== this.exports.memory.buffer) this.i32View = new Int32Array(this.exports.memory.buffer);
    return this.i32View;
  }

  /** Runs a core function, turning a trap into an Error that says what happened and what to do. */
  call<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        const oom = /memory|bounds/i.test(e.message);
        throw new Error(
          `parity-lstm core trapped in ${what}: ${e.message}. ` +
            (oom
              ? 'The batch is probably too large for WebAssembly memory: use fewer or shorter strings.'
              : 'This is a bug; please report it with the model and settings that caused it.'),
        );
      }
      if (e instanceof RangeError && /memory/i.test(e.message)) {
        throw new Error(`parity-lstm ran out of memory in ${what}: use fewer or shorter strings.`);
      }
      throw e;
    }
  }
}
