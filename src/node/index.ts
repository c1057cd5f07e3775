// parity-lstm/node: what needs Node: atomic file writes and checked reads, the worker-thread pool, sweeps with a
// resumable results file, and the experiment's report folder.

export { readTextFile, writeFileAtomic, checkWritable, openLineLog, MAX_INPUT_BYTES, type LineLog } from './files.js';
export { nodeWorkerPool, defaultWorkers } from './workers.js';
export { readGridFile, openResultsFile, runSweepWithFile, runExperimentToDir, prepareReportDir,
  type ResultsFile, type FileSweepOptions, type FileSweepOutcome, type ExperimentFilesOptions } from './sweep-files.js';
