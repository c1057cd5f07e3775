// Where tasks run: a TaskRunner takes a task (plain data that can cross a thread) and gives back its outcome. It
// knows nothing of what a task does: `handle` (tasks.ts's table) does. Runners: this thread (inlineRunner), Node
// worker_threads (node/workers.ts), Web Workers in a page (workerPool over a Worker wrapped as a WorkerLike; the
// worker script calls serveTasks). Browser-safe: no node:* here.

import { ParityError } from '../core/errors.js';

/** A unit of work: its kind picks the handler, the rest is its plain-data input. */
export interface Task {
  kind: string;
  [field: string]: unknown;
}

/** A task's outcome crosses threads as plain data: the value, or the error's name and message. */
export type TaskOutcome = { ok: true; value: unknown } | { ok: false; error: { name: string; message: string } };

/** Runs one task in this thread; never throws (failures come back as { ok: false }). */
export type TaskHandler = (task: Task, onEvent?: (event: unknown) => void) => Promise<TaskOutcome>;

export interface TaskRunner {
  /** How many tasks run at once. */
  readonly size: number;
  /** Runs a task (queued until a slot is free); never rejects: failures come back as { ok: false }. */
  run(task: Task, onEvent?: (event: unknown) => void): Promise<TaskOutcome>;
  /** Stops: queued tasks resolve as failed, running ones are abandoned, workers are terminated. */
  close(): Promise<void>;
}

export const errorInfo = (e: unknown): { name: string; message: string } =>
  e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };

const STOPPED: TaskOutcome = { ok: false, error: { name: 'Stopped', message: 'the runner was closed' } };

/** The message side of a worker, as seen from inside it (Node's parentPort, a Web Worker's self). */
export interface PortLike {
  postMessage(msg: unknown): void;
  onMessage(handler: (msg: unknown) => void): void;
}

type ToWorker = { type: 'task'; id: number; task: Task };
type FromWorker = { type: 'event'; id: number; event: unknown } | { type: 'done'; id: number; outcome: TaskOutcome };

/** Inside a worker: runs each task it is sent with `handle` and posts its events and outcome back. */
export function serveTasks(port: PortLike, handle: TaskHandler): void {
  port.onMessage((msg) => {
    const m = msg as ToWorker;
    if (!m || m.type !== 'task') return;
    void handle(m.task, (event) => port.postMessage({ type: 'event', id: m.id, event } satisfies FromWorker)).then((outcome) =>
      port.postMessage({ type: 'done', id: m.id, outcome } satisfies FromWorker),
    );
  });
}

/** A worker as seen from the page or main thread: Node's Worker or a Web Worker, wrapped. */
export interface WorkerLike {
  postMessage(msg: unknown): void;
  onMessage(handler: (msg: unknown) => void): void;
  /** The worker died (an uncaught error, an exit): its task is lost. */
  onFailure(handler: (err: Error) => void): void;
  terminate(): unknown;
}

interface Job {
  id: number;
  task: Task;
  onEvent?: (event: unknown) => void;
  resolve: (o: TaskOutcome) => void;
}

/** `size` workers from `spawn`, started on first use; a worker that dies fails its task and is replaced. */
export function workerPool(spawn: () => WorkerLike, size: number): TaskRunner {
  if (!Number.isInteger(size) || size < 1) throw new ParityError(`workers must be a positive integer, not ${size}`);
  const slots: { worker: WorkerLike | null; job: Job | null }[] = Array.from({ length: size }, () => ({ worker: null, job: null }));
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  const start = (slot: (typeof slots)[number]): WorkerLike => {
    const w = spawn();
    w.onMessage((msg) => {
      const m = msg as FromWorker;
      const job = slot.job;
      if (!job || slot.worker !== w || m.id !== job.id) return;
      if (m.type === 'event') job.onEvent?.(m.event);
      else if (m.type === 'done') {
        slot.job = null;
        job.resolve(m.outcome);
        pump();
      }
    });
    w.onFailure((err) => {
      if (slot.worker !== w) return;
      slot.worker = null;
      void w.terminate();
      const job = slot.job;
      slot.job = null;
      job?.resolve({ ok: false, error: { name: 'WorkerError', message: `the worker died: ${err.message}` } });
      pump();
    });
    return w;
  };

  const pump = (): void => {
    if (closed) return;
    for (const slot of slots) {
      if (slot.job || queue.length === 0) continue;
      const job = queue.shift()!;
      slot.job = job;
      try {
        slot.worker ??= start(slot);
        slot.worker.postMessage({ type: 'task', id: job.id, task: job.task } satisfies ToWorker);
      } catch (e) {
        slot.job = null;
        slot.worker = null;
        job.resolve({ ok: false, error: { name: 'WorkerError', message: `could not start a worker: ${errorInfo(e).message}` } });
      }
    }
  };

  return {
    size,
    run(task, onEvent) {
      return new Promise<TaskOutcome>((resolve) => {
        if (closed) return resolve(STOPPED);
        queue.push({ id: nextId++, task, onEvent, resolve });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.resolve(STOPPED);
      await Promise.all(
        slots.map(async (slot) => {
          const w = slot.worker;
          const job = slot.job;
          slot.worker = null;
          slot.job = null;
          job?.resolve(STOPPED);
          if (w) await w.terminate();
        }),
      );
    },
  };
}

/** Runs tasks one at a time in this thread with `handle`: for tests, and for pages without workers. */
export function inlineRunner(handle: TaskHandler): TaskRunner {
  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    size: 1,
    run(task, onEvent) {
      const p = chain.then(() =>
        closed ? STOPPED : handle(task, onEvent),
      );
      chain = p;
      return p;
    },
    async close() {
      closed = true;
    },
  };
}

