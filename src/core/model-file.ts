// The parity-lstm/1 model file: the one check every model passes, whether the CLI, the page or a library user
// loads it. A file that passes gives finite float32 weights of the right shapes, so inference never answers NaN.

import { ParityError } from './errors.js';
import { type CellKind, CELLS, tensorLayout, paramCount, TENSOR_NAMES } from './layout.js';

export const FORMAT = 'parity-lstm/1';
export const MAX_HIDDEN = 1024;

export function checkCell(cell: unknown): CellKind {
  if (!(CELLS as readonly unknown[]).includes(cell)) {
    throw new ParityError(`unknown cell ${JSON.stringify(cell)}: use ${CELLS.slice(0, -1).join(', ')} or ${CELLS.at(-1)}`);
  }
  return cell as CellKind;
}

export function checkHidden(hidden: unknown): number {
  if (typeof hidden !== 'number' || !Number.isInteger(hidden) || hidden < 1 || hidden > MAX_HIDDEN) {
    throw new ParityError(`hidden size must be an integer from 1 to ${MAX_HIDDEN}, not ${JSON.stringify(hidden)}`);
  }
  return hidden;
}

export interface ModelFile {
  cell: CellKind;
  hidden: number;
  /** The flat parameter buffer, layout.ts order. */
  params: Float32Array;
  /** The informational `training` block, or null. */
  training: Record<string, unknown> | null;
}

/** Checks a parity-lstm/1 model (text or parsed object) and returns its parts; throws ParityError saying what is wrong. */
export function parseModelFile(json: string | unknown): ModelFile {
  let obj: unknown = json;
  if (typeof json === 'string') {
    try {
      obj = JSON.parse(json);
    } catch (e) {
      throw new ParityError(`model is not valid JSON (${(e as Error).message})`);
    }
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new ParityError('model must be a JSON object');
  const o = obj as Record<string, unknown>;
  if (o.format !== FORMAT) {
    throw new ParityError(`model format is ${JSON.stringify(o.format)}, expected "${FORMAT}"`);
  }
  const cell = checkCell(o.cell);
  if (o.inputSize !== undefined && o.inputSize !== 1) {
    throw new ParityError(`model inputSize is ${JSON.stringify(o.inputSize)}: parity models read one bit at a time (1)`);
  }
  const hidden = checkHidden(o.hiddenSize);
  const tensors = o.tensors;
  if (typeof tensors !== 'object' || tensors === null) throw new ParityError('model has no "tensors" object');
  const t = tensors as Record<string, unknown>;
  for (const name of Object.keys(t)) {
    if (!(TENSOR_NAMES as readonly string[]).includes(name)) {
      throw new ParityError(`model has an unexpected tensor ${name}: only one-layer ${cell} models with a linear read-out are supported`);
    }
  }
  const params = new Float32Array(paramCount(cell, hidden));
  for (const spec of tensorLayout(cell, hidden)) {
    const entry = t[spec.name] as { shape?: unknown; data?: unknown } | undefined;
    if (!entry || typeof entry !== 'object') throw new ParityError(`model is missing tensor ${spec.name}`);
    const shape = entry.shape;
    if (!Array.isArray(shape) || shape.length !== spec.shape.length || shape.some((d, i) => d !== spec.shape[i])) {
      throw new ParityError(
        `tensor ${spec.name} has shape ${JSON.stringify(shape)}, expected [${spec.shape.join(', ')}] for a ${cell} with hidden size ${hidden}`,
      );
    }
    const data = entry.data;
    if (!Array.isArray(data) || data.length !== spec.size) {
      throw new ParityError(`tensor ${spec.name} must have ${spec.size} numbers in "data"`);
    }
    for (let k = 0; k < spec.size; k++) {
      const v = data[k];
      if (typeof v !== 'number' || !Number.isFinite(Math.fround(v))) {
        throw new ParityError(
          `tensor ${spec.name} has a non-finite or non-number value ${typeof v === 'number' ? v : JSON.stringify(v)} at index ${k}: weights must be finite float32 numbers (beyond 3.4e38 a value loads as Infinity)`,
        );
      }
      params[spec.offset + k] = v;
    }
  }
  const training = o.training && typeof o.training === 'object' && !Array.isArray(o.training) ? (o.training as Record<string, unknown>) : null;
  return { cell, hidden, params, training };
}
