// A pool of Node worker_threads for research tasks: one per core by default, each running task-worker.js, which
// serves tasks with the same code as the main thread.

import { Worker } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { workerPool, type TaskRunner, type WorkerLike } from '../research/runner.js';

/** One worker per core. */
export function defaultWorkers(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** The compiled worker script, next to this file (dist/node/task-worker.js). */
export const WORKER_URL = new URL('./task-worker.js', import.meta.url);

/** A pool of `size` worker_threads running task-worker.js. Close it when done, or the process stays alive. */
export function nodeWorkerPool(size: number = defaultWorkers()): TaskRunner {
  if (!fs.existsSync(WORKER_URL)) {
    throw new Error(`the worker script ${WORKER_URL.pathname} is missing: run npm run build (workers run compiled JS)`);
  }
  const execArgv = workerExecArgv(process.execArgv);
  return workerPool((): WorkerLike => {
    const w = new Worker(WORKER_URL, { execArgv });
    return {
      postMessage: (msg) => w.postMessage(msg),
      onMessage: (handler) => w.on('message', handler),
      onFailure: (handler) => {
        w.on('error', (err) => handler(err));
        w.on('messageerror', (err) => handler(err));
        w.on('exit', (code) => handler(new Error(`it exited with code ${code}`)));
      },
      terminate: () => w.terminate(),
    };
  }, size);
}

/**
 * The parent's Node flags minus those that only make sense for the parent's own entry (`-e CODE`, `--input-type`):
 * a worker inherits execArgv, and `--input-type` makes a worker with a file entry fail to start.
 */
export function workerExecArgv(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print') {
      i++; // and its code
      continue;
    }
    if (a.startsWith('--input-type') || a.startsWith('--eval=') || a.startsWith('--print=')) continue;
    out.push(a);
  }
  return out;
}
