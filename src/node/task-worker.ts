// The worker_threads entry of node/workers.ts's pool: runs the tasks it is sent (sweep runs, experiment arms) with
// the same code as the main thread. A browser worker would be the same two lines with `self` as the port.

import { parentPort } from 'node:worker_threads';
import { serveTasks } from '../research/runner.js';
import { runTask } from '../research/tasks.js';

if (!parentPort) throw new Error('task-worker.js runs as a worker thread, started by node/workers.js');
const port = parentPort;
serveTasks(
  {
    postMessage: (msg) => port.postMessage(msg),
    onMessage: (handler) => port.on('message', handler),
  },
  runTask,
);
