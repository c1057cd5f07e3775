// The worker side of the queue (queue.ts is the producer side): a BullMQ Worker that takes jobs from Redis and runs
// each task on a worker thread (nodeWorkerPool), so training never blocks the event loop that renews the jobs'
// locks. Stopping: no new jobs are taken, the jobs in flight get a grace period to finish, and those still running
// after it are handed back (moved to wait, for another worker) before the process lets go of them.

import * as os from 'node:os';
import { Worker, WaitingError, type Job } from 'bullmq';
import { ParityError } from '../core/errors.js';
import { type TaskOutcome, type TaskRunner } from '../research/runner.js';
import { defaultWorkers, nodeWorkerPool } from './workers.js';
import { QUEUE_NAME, connectionOptions, openQueue, queueOwner, workerName, type JobData, type QueueTimings } from './queue.js';

export interface QueueWorkerOptions {
  /** redis://HOST:PORT[/DB] */
  queue: string;
  /** Jobs at once, one worker thread each (default: one per core). */
  concurrency?: number;
  /**
   * How long a job stays locked by a worker that stopped answering (killed, frozen, cut off) before another worker
   * takes it over; the lock is renewed at half this. Default 30 s.
   */
  lockMs?: number;
  /** How often this worker looks for such jobs (default: lockMs). */
  stalledIntervalMs?: number;
  /** After a stop, how long jobs in flight may take to finish before they are handed back (default 10 s). */
  graceMs?: number;
  timings?: QueueTimings;
  /** A runner to use instead of a thread pool (tests). */
  runner?: TaskRunner;
  onLog?: (line: string) => void;
}

export interface QueueWorkerStats {
  completed: number;
  failed: number;
  handedBack: number;
  inFlight: number;
}

export interface QueueWorkerHandle {
  readonly concurrency: number;
  readonly display: string;
  readonly version: string;
  stats(): QueueWorkerStats;
  /** Takes no more jobs; jobs in flight finish within the grace period or are handed back. Resolves when closed. */
  stop(): Promise<void>;
  /** Hands back the jobs in flight now and closes. */
  handBack(): Promise<void>;
  /** Resolves when the worker has closed: after stop(), handBack(), or a fatal error (rejects with it). */
  readonly closed: Promise<void>;
}

interface InFlight {
  job: Job<JobData, TaskOutcome>;
  token: string;
  handedBack: boolean;
}

/** Connects (ParityError for a bad address, an old Redis or a queue of another version) and starts taking jobs. */
export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  const concurrency = o.concurrency ?? defaultWorkers();
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ParityError(`concurrency must be a positive integer, not ${concurrency}`);
  const lockMs = o.lockMs ?? 30_000;
  const graceMs = o.graceMs ?? 10_000;
  const log = o.onLog ?? (() => {});
  const { queue, address, version } = await openQueue(o.queue, 'worker', o.timings);
  const pool = o.runner ?? nodeWorkerPool(concurrency);
  const inFlight = new Map<string, InFlight>();
  const stats = { completed: 0, failed: 0, handedBack: 0 };
  let fatal: Error | null = null;
  let stopping: Promise<void> | null = null;

  const worker = new Worker<JobData, TaskOutcome>(
    QUEUE_NAME,
    async (job, token) => {
      if (job.data?.v !== version) {
        // The queue changed hands after this worker started (a producer of another version took it over while it
        // was empty): stop rather than run jobs whose numbers this version may not reproduce.
        fatal ??= new ParityError(`the queue at ${address.display} now holds jobs of parity-lstm ${job.data?.v}; this worker is ${version}: run a matching worker`);
        void stop(0);
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const entry: InFlight = { job, token: token!, handedBack: false };
      inFlight.set(job.id!, entry);
      try {
        const out = await pool.run(job.data.task, (event) => void job.updateProgress(event as object).catch(() => {}));
        if (entry.handedBack) throw new WaitingError();
        // The task did not come back (its thread died, or the pool was closed): a failed job, not an outcome.
        if (!out.ok && (out.error.name === 'WorkerError' || out.error.name === 'Stopped')) throw new Error(out.error.message);
        return out;
      } finally {
        inFlight.delete(job.id!);
      }
    },
    {
      connection: connectionOptions(address, false, o.timings?.connectMs ?? 5000),
      concurrency,
      name: workerName(concurrency, os.hostname(), process.pid),
      lockDuration: lockMs,
      stalledInterval: o.stalledIntervalMs ?? lockMs,
      // A job whose worker vanished goes back to wait twice before it counts as failed (a crash, not a loop).
      maxStalledCount: 2,
      autorun: false,
    },
  );
  worker.on('error', (e) => log(`queue: ${e.message}`));
  worker.on('completed', () => stats.completed++);
  worker.on('failed', (job, e) => {
    stats.failed++;
    log(`job ${job?.id ?? '?'} failed: ${e.message}`);
  });

  const handBackNow = async (): Promise<void> => {
    const entries = [...inFlight.values()].filter((e) => !e.handedBack);
    await Promise.all(
      entries.map(async (e) => {
        e.handedBack = true;
        try {
          await e.job.moveToWait(e.token);
          stats.handedBack++;
        } catch (err) {
          // The lock was lost already (another worker has it, or it will be found stalled): nothing to hand back.
          log(`could not hand back job ${e.job.id}: ${(err as Error).message}`);
        }
      }),
    );
    // The processors waiting on these tasks return (and throw WaitingError) once the threads are gone.
    await pool.close();
  };

  let resolveClosed!: () => void;
  let rejectClosed!: (e: Error) => void;
  const closed = new Promise<void>((res, rej) => {
    resolveClosed = res;
    rejectClosed = rej;
  });
  closed.catch(() => {});

  const stop = (grace: number): Promise<void> => {
    stopping ??= (async () => {
      const closing = worker.close(); // takes no more jobs; resolves once the jobs in flight are done or handed back
      if (inFlight.size > 0 && grace > 0) {
        log(`stopping: waiting up to ${Math.round(grace / 1000)} s for ${inFlight.size} job${inFlight.size === 1 ? '' : 's'} in flight`);
        await Promise.race([closing, new Promise((r) => setTimeout(r, grace).unref())]);
      }
      if (inFlight.size > 0) {
        log(`handing back ${inFlight.size} job${inFlight.size === 1 ? '' : 's'} in flight`);
        await handBackNow();
      }
      await closing.catch(() => {});
      if (!o.runner) await pool.close();
      await queue.close().catch(() => {});
      if (fatal) rejectClosed(fatal);
      else resolveClosed();
    })();
    return stopping;
  };

  // The owner is checked now and then as well, so an idle worker of the wrong version says so instead of idling.
  const ownerCheck = setInterval(() => {
    void queueOwner(queue).then(
      (owner) => {
        if (owner !== null && owner !== version && !fatal) {
          fatal = new ParityError(`the queue at ${address.display} now holds jobs of parity-lstm ${owner}; this worker is ${version}: run a matching worker`);
          void stop(graceMs);
        }
      },
      () => {},
    );
  }, 5000);
  ownerCheck.unref();
  void closed.finally(() => clearInterval(ownerCheck)).catch(() => {});

  void worker.run().catch((e: Error) => {
    fatal ??= e;
    void stop(0);
  });
  try {
    await worker.waitUntilReady();
  } catch (e) {
    fatal ??= new ParityError(`lost Redis at ${address.display} while starting: ${(e as Error).message}`);
    void stop(0);
    await closed.catch(() => {});
    throw fatal;
  }

  return {
    concurrency,
    display: address.display,
    version,
    stats: () => ({ ...stats, inFlight: inFlight.size }),
    stop: () => stop(graceMs),
    handBack: async () => {
      if (stopping) {
        await handBackNow();
        return stopping;
      }
      return stop(0);
    },
    closed,
  };
}
