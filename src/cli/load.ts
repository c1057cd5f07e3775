// Reading what a user points a command at: a model file, a dataset file. Every problem is a ParityError that names
// the file; the checks themselves are the library's (parseModelFile, parseDataset), the same as the page's.

import { Model } from '../core/model.js';
import { ParityError } from '../core/errors.js';
import { parseDataset } from '../train/data.js';
import { readTextFile } from '../node/files.js';

/** Reads and loads a model file. */
export async function loadModel(file: string, what = 'model file'): Promise<Model> {
  const text = readTextFile(file, what);
  try {
    return await Model.fromJSON(text);
  } catch (e) {
    if (e instanceof ParityError) throw new ParityError(`${what} ${file}: ${e.message}`);
    throw e;
  }
}

/** Reads a dataset file: one 0/1 string per line. */
export function loadDataset(file: string): string[] {
  const text = readTextFile(file, 'dataset file');
  try {
    return parseDataset(text);
  } catch (e) {
    // The library says "dataset line 3 has ..."; after the file name, "line 3 has ..." reads better.
    if (e instanceof ParityError) throw new ParityError(`dataset file ${file}: ${e.message.replace(/^dataset line/, 'line')}`);
    throw e;
  }
}
