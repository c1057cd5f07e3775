// The table from task kind to handler: the one place that knows every kind of task, so runner.ts stays generic and
// sweep.ts and experiment/ never import each other. A worker serves tasks with `runTask`.

import { errorInfo, inlineRunner as inlineWith, type Task, type TaskOutcome, type TaskRunner } from './runner.js';
import { runSweepRun, type SweepRun } from './sweep.js';
import { runArm, type ArmSpec } from './experiment/index.js';

export type SweepRunTask = { kind: 'sweep-run'; run: SweepRun };
export type ArmTask = { kind: 'experiment-arm'; spec: ArmSpec };

const HANDLERS: Record<string, (task: Task, onEvent?: (event: unknown) => void) => Promise<unknown>> = {
  'sweep-run': (task) => runSweepRun((task as unknown as SweepRunTask).run),
  'experiment-arm': (task, onEvent) => runArm((task as unknown as ArmTask).spec, onEvent),
};

/** Runs one task of any known kind in this thread. Never throws. */
export async function runTask(task: Task, onEvent?: (event: unknown) => void): Promise<TaskOutcome> {
  try {
    const handler = HANDLERS[task.kind];
    if (!handler) throw new Error(`unknown task kind ${JSON.stringify(task.kind)}`);
    return { ok: true, value: await handler(task, onEvent) };
  } catch (e) {
    return { ok: false, error: errorInfo(e) };
  }
}

/** Runs tasks one at a time in this thread: for tests, and for pages without workers. */
export function inlineRunner(): TaskRunner {
  return inlineWith(runTask);
}
