// Tasks through a BullMQ queue on Redis, so a sweep or an experiment runs on every host that starts `parity-lstm
// worker`: the producer side (the address, the checks made when connecting, job ids, queueRunner, queueSweep).
// The worker side is queue-worker.ts. BullMQ gives the guarantees: a job is locked by the worker running it and a
// job whose lock expires (its worker was killed) is moved back to wait by another worker's stalled-job check, so
// every job runs at least once; results are appended to the results file by the one producer that waits for them,
// once per run, so the file holds each run exactly once.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { Job, Queue, QueueEvents, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { ParityError } from '../core/errors.js';
import { errorInfo, type Task, type TaskOutcome, type TaskRunner } from '../research/runner.js';
import { type SweepResult, type SweepRun } from '../research/sweep.js';
import { runSweepWithFile, type FileSweepOutcome } from './sweep-files.js';

// ---- the address ------------------------------------------------------------------------------------------------

export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** The URL without its password, for messages. */
  display: string;
}

const URL_FORM = 'redis://HOST:PORT[/DB] (e.g. redis://127.0.0.1:6379/0)';

/** Parses `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]` (or rediss:// for TLS); ParityError for anything else. */
export function parseQueueUrl(url: string): QueueAddress {
  const bad = (why: string): ParityError => new ParityError(`--queue ${JSON.stringify(url)} ${why}: use ${URL_FORM}`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('is not a URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw bad(`has the scheme ${u.protocol.replace(/:$/, '')}`);
  if (!u.hostname) throw bad('has no host');
  if (u.search || u.hash) throw bad('has a query or fragment');
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad('has a bad port');
  const path = u.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,5}$/.test(path)) throw bad(`has ${JSON.stringify(u.pathname)} where a database number belongs`);
  const db = path === '' ? 0 : Number(path);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1'); // IPv6 literals come bracketed
  return {
    host,
    port,
    db,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === 'rediss:',
    display: `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}/${db}`,
  };
}

// ---- settings shared by both sides ------------------------------------------------------------------------------

/** One queue per Redis database: the URL picks the database, so two studies use two databases. */
export const QUEUE_NAME = 'parity-lstm';

/** BullMQ refuses older servers; 6.2 is what it recommends. */
export const MIN_REDIS = '5.0.0';

/** Finished jobs are kept this long, so rerunning a sweep into another results file costs no training. */
const KEEP_SECONDS = 7 * 24 * 3600;

export const JOB_OPTIONS: JobsOptions = {
  // A job that fails did not finish for a reason outside the task (its worker thread died, it stalled twice): the
  // sweep records it as crashed and the next sweep retries it. A config that throws is not a failure (its task
  // returns a 'failed' result), so no retry loop is possible.
  attempts: 1,
  removeOnComplete: { age: KEEP_SECONDS },
  removeOnFail: { age: KEEP_SECONDS },
};

/** The version in package.json: part of every job id, and the queue's owner. */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    if (typeof pkg.version === 'string') return pkg.version;
  } catch {
    // fall through
  }
  throw new Error('cannot read the version in package.json next to dist/');
}

/** JSON with object keys sorted at every depth: equal tasks, equal strings. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * The job id of a task: a hash of the task (for a sweep run, its config and seed) and the package version, so the
 * same run enqueued twice is one job, and a new version (whose numbers may differ) never reuses an old result.
 * The prefix keeps it from being all digits, which BullMQ reserves for its own ids.
 */
export function jobId(task: Task, version: string): string {
  const key = task.kind === 'sweep-run' ? `sweep-run ${(task.run as SweepRun).key}` : stableJson(task);
  return `${task.kind}-${createHash('sha256').update(`${version}\n${key}`).digest('hex').slice(0, 32)}`;
}

/** What a job carries: the task and the version that made it. */
export interface JobData {
  v: string;
  task: Task;
}

/** Options for tests and for hosts with unusual networks; the defaults suit most. */
export interface QueueTimings {
  /** How long to wait for Redis to answer when connecting (default 5000 ms). */
  connectMs?: number;
  /** How often to look up jobs whose finish event may have been missed (default 3000 ms). */
  pollMs?: number;
}

// ---- connecting -------------------------------------------------------------------------------------------------

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** ParityError unless `version` (Redis's INFO redis_version) is new enough for BullMQ. */
export function checkRedisVersion(version: string, display: string): void {
  if (compareVersions(version, MIN_REDIS) < 0) {
    throw new ParityError(`Redis at ${display} is version ${version}; BullMQ needs ${MIN_REDIS} or newer (6.2+ recommended): upgrade it`);
  }
}

export function connectionOptions(a: QueueAddress, oneShot: boolean, connectMs: number): ConnectionOptions {
  return {
    host: a.host,
    port: a.port,
    db: a.db,
    username: a.username,
    password: a.password,
    tls: a.tls ? {} : undefined,
    connectTimeout: connectMs,
    // The first connection gives up at once, so a wrong address is one error line; the long-lived ones reconnect
    // (a Redis restart or a network blip must not end a sweep or a worker). null: never fail a command for it.
    ...(oneShot ? { retryStrategy: () => null, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null }),
  };
}

function connectionProblem(e: unknown, a: QueueAddress): ParityError {
  const { message } = errorInfo(e);
  const code = (e as NodeJS.ErrnoException)?.code;
  if (/Redis version needs/i.test(message)) return new ParityError(`Redis at ${a.display}: ${message}; upgrade it`);
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) {
    return new ParityError(`cannot reach Redis at ${a.display}: connection refused (is redis-server running there?)`);
  }
  if (code === 'ENOTFOUND' || /ENOTFOUND|EAI_AGAIN/.test(message)) return new ParityError(`cannot reach Redis at ${a.display}: unknown host ${a.host}`);
  if (/NOAUTH|WRONGPASS|invalid password|AUTH/i.test(message)) return new ParityError(`Redis at ${a.display} refused the login: ${message.split('\n')[0]}`);
  if (/DB index is out of range/i.test(message)) return new ParityError(`Redis at ${a.display} has no database ${a.db} (see its "databases" setting)`);
  if (/Protocol error/i.test(message)) return new ParityError(`${a.host}:${a.port} does not answer like a Redis server: check the host and port`);
  return new ParityError(`cannot reach Redis at ${a.display}: ${message.split('\n')[0]}`);
}

type RedisClient = Awaited<Queue['client']>;

/** Connects once with no retries and checks the server: the one place a bad address becomes a clear line. */
async function probe(a: QueueAddress, connectMs: number): Promise<void> {
  const q = new Queue(QUEUE_NAME, { connection: connectionOptions(a, true, connectMs) });
  // ioredis reports a failed AUTH or SELECT as an error event and still becomes ready (on database 0!): keep them.
  const errors: unknown[] = [];
  q.on('error', (e) => errors.push(e));
  let timer: NodeJS.Timeout | undefined;
  try {
    const client = await Promise.race([
      q.client,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${connectMs / 1000} s`)), connectMs);
      }),
    ]);
    const info = String(await client.info());
    if (errors.length) throw errors[0];
    const version = /redis_version:(\S+)/.exec(info)?.[1];
    if (version) checkRedisVersion(version, a.display);
  } catch (e) {
    throw e instanceof ParityError ? e : connectionProblem(e, a);
  } finally {
    clearTimeout(timer);
    await q.close().catch(() => {});
  }
}

/** The key holding the package version that owns the queue's jobs. */
const ownerKey = (q: Queue): string => `${q.qualifiedName}:parity-lstm-version`;

const PENDING = ['wait', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused'] as const;

/**
 * Claims the queue for this version. A producer may take over a queue whose unfinished jobs are all gone (finished
 * jobs of another version are harmless: their ids carry their version); a worker never runs another version's
 * jobs, which could give other numbers.
 */
export async function claimQueue(q: Queue, version: string, a: QueueAddress, side: 'producer' | 'worker'): Promise<void> {
  const client: RedisClient = await q.client;
  const key = ownerKey(q);
  const owner = await client.get(key);
  if (owner === null) await client.set(key, version); // two first producers of two versions at once: both may pass
  if (owner === version || owner === null) return;
  if (side === 'worker') {
    throw new ParityError(
      `the queue at ${a.display} holds jobs of parity-lstm ${owner}; this worker is ${version}: run a ${owner} worker, or use another database (redis://HOST:PORT/N)`,
    );
  }
  const counts = await q.getJobCounts(...PENDING);
  const pending = Object.values(counts).reduce((s, n) => s + n, 0);
  if (pending > 0) {
    throw new ParityError(
      `the queue at ${a.display} holds ${pending} unfinished job${pending === 1 ? '' : 's'} of parity-lstm ${owner}; this is ${version}: ` +
        `let ${owner} workers finish them, or use another database (redis://HOST:PORT/N)`,
    );
  }
  await client.set(key, version);
}

/** The version that owns the queue now (workers check it between jobs). */
export async function queueOwner(q: Queue): Promise<string | null> {
  return (await q.client).get(ownerKey(q));
}

/** Opens a queue at `url` after checking the address, the server and the owner; the caller closes it. */
export async function openQueue(url: string, side: 'producer' | 'worker', timings: QueueTimings = {}): Promise<{ queue: Queue; address: QueueAddress; version: string }> {
  const address = parseQueueUrl(url);
  const connectMs = timings.connectMs ?? 5000;
  await probe(address, connectMs);
  const version = packageVersion();
  const queue = new Queue<JobData, TaskOutcome>(QUEUE_NAME, { connection: connectionOptions(address, false, connectMs) });
  queue.on('error', () => {}); // ioredis reconnects by itself; commands wait meanwhile
  try {
    await claimQueue(queue, version, address, side);
  } catch (e) {
    await queue.close().catch(() => {});
    throw e instanceof ParityError ? e : connectionProblem(e, address);
  }
  return { queue, address, version };
}

// ---- workers as seen from the producer --------------------------------------------------------------------------

/** A worker's BullMQ name: `c<concurrency>@<host>#<pid>`, so a producer can count the slots from CLIENT LIST. */
export const workerName = (concurrency: number, host: string, pid: number): string => `c${concurrency}@${host}#${pid}`;

export interface WorkersSeen {
  /** Worker processes connected (BullMQ Worker instances). */
  processes: number;
  /** Their total concurrency: tasks they can run at once. */
  slots: number;
}

export async function workersSeen(q: Queue): Promise<WorkersSeen | null> {
  try {
    const list = await q.getWorkers();
    let slots = 0;
    for (const w of list) {
      const raw = String((w as Record<string, unknown>).rawname ?? '');
      const m = /:w:c(\d+)@/.exec(raw);
      slots += m ? Number(m[1]) : 1;
    }
    return { processes: list.length, slots };
  } catch {
    return null; // a managed Redis without CLIENT LIST
  }
}

// ---- the runner -------------------------------------------------------------------------------------------------

export interface QueueProgress {
  /** Tasks of this runner finished (completed or failed) since it opened. */
  done: number;
  /** Of those, failed jobs (crashed runs), not runs whose config failed. */
  failed: number;
  /** This runner's tasks a worker is running now. */
  inFlight: number;
  /** This runner's tasks waiting for a worker. */
  waiting: number;
  /** Finished per minute over the last minute (or since the first finish, if sooner). */
  runsPerMinute: number;
  /** null when the server does not list its clients. */
  workers: WorkersSeen | null;
}

export interface QueueRunner extends TaskRunner {
  readonly address: QueueAddress;
  readonly version: string;
  progress(): Promise<QueueProgress>;
  /** Jobs this runner added to the queue (not those it found there already). */
  readonly enqueued: number;
}

interface Waiter {
  id: string;
  task: Task;
  onEvent?: (event: unknown) => void;
  resolve: (o: TaskOutcome) => void;
  active: boolean;
}

const STOPPED: TaskOutcome = { ok: false, error: { name: 'Stopped', message: 'the runner was closed' } };

function asOutcome(v: unknown): TaskOutcome {
  const o = v as TaskOutcome | null;
  if (o && typeof o === 'object' && typeof o.ok === 'boolean') return o;
  return { ok: false, error: { name: 'QueueError', message: 'the job finished without an outcome (not made by a parity-lstm worker?)' } };
}

const failedOutcome = (reason: string | undefined): TaskOutcome => ({
  ok: false,
  error: { name: 'QueueError', message: `the job failed in the queue: ${reason || 'no reason given'}` },
});

/**
 * A TaskRunner whose tasks run on `parity-lstm worker` processes anywhere: each task is a BullMQ job whose id is
 * jobId(task, version). A job already finished in the queue gives its outcome without running again; one that
 * failed before is retried; one waiting or running is waited for. Closing stops waiting (jobs stay queued).
 */
export async function queueRunner(url: string, timings: QueueTimings = {}): Promise<QueueRunner> {
  const { queue, address, version } = await openQueue(url, 'producer', timings);
  const events = new QueueEvents(QUEUE_NAME, { connection: connectionOptions(address, false, timings.connectMs ?? 5000) });
  events.on('error', () => {});
  try {
    await events.waitUntilReady();
  } catch (e) {
    await Promise.allSettled([events.close(), queue.close()]);
    throw connectionProblem(e, address);
  }
  const waiters = new Map<string, Waiter[]>();
  const finishTimes: number[] = [];
  let done = 0;
  let failed = 0;
  let enqueued = 0;
  let closed = false;
  /** The most worker slots seen while this runner was open: its `size`, for a summary's "on N workers". */
  let slots = 0;

  const settle = (id: string, outcome: TaskOutcome): void => {
    const ws = waiters.get(id);
    if (!ws) return;
    waiters.delete(id);
    done += ws.length;
    if (!outcome.ok && outcome.error.name === 'QueueError') failed += ws.length;
    const t = Date.now();
    for (const w of ws) {
      finishTimes.push(t);
      w.resolve(outcome);
    }
  };

  events.on('completed', ({ jobId: id, returnvalue }) => {
    if (!waiters.has(id)) return;
    if (returnvalue !== undefined && returnvalue !== null) settle(id, asOutcome(returnvalue));
    else void lookUp([id]); // the event came without its value: read the job
  });
  events.on('failed', ({ jobId: id, failedReason }) => settle(id, failedOutcome(failedReason)));
  events.on('active', ({ jobId: id }) => waiters.get(id)?.forEach((w) => (w.active = true)));
  events.on('waiting', ({ jobId: id }) => waiters.get(id)?.forEach((w) => (w.active = false))); // handed back, stalled
  events.on('progress', ({ jobId: id, data }) => waiters.get(id)?.forEach((w) => w.onEvent?.(data)));

  /** Settles the given jobs that have finished; retries those that failed before this runner asked for them. */
  const lookUp = async (ids: string[], retryFailed = false): Promise<string[]> => {
    const missing: string[] = [];
    const one = async (id: string): Promise<void> => {
      const state = await queue.getJobState(id);
      if (state === 'unknown') missing.push(id);
      if (state === 'active') waiters.get(id)?.forEach((w) => (w.active = true));
      if (state !== 'completed' && state !== 'failed') return;
      const job = await Job.fromId<JobData, TaskOutcome>(queue, id);
      if (!job) missing.push(id); // removed between the two calls
      else if (state === 'completed') settle(id, asOutcome(job.returnvalue));
      else if (!retryFailed) settle(id, failedOutcome(job.failedReason));
      else await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    };
    // A job that changes state under us (retried or removed by someone else) is left to the next poll.
    await Promise.all(ids.map((id) => one(id).catch(() => {})));
    return missing;
  };

  // Tasks asked for in the same turn are enqueued together: one round trip for a whole grid.
  let batch: Waiter[] = [];
  const flush = async (): Promise<void> => {
    const ws = batch;
    batch = [];
    try {
      const byId = new Map(ws.map((w) => [w.id, w]));
      const missing = await lookUp([...byId.keys()], true);
      const add = missing.map((id) => {
        const w = byId.get(id)!;
        return { name: w.task.kind, data: { v: version, task: w.task } satisfies JobData, opts: { ...JOB_OPTIONS, jobId: id } };
      });
      if (add.length) {
        await queue.addBulk(add);
        enqueued += add.length;
      }
    } catch (e) {
      const outcome: TaskOutcome = { ok: false, error: { name: 'QueueError', message: `could not enqueue: ${errorInfo(e).message}` } };
      for (const w of ws) settle(w.id, outcome);
    }
  };

  // The safety net under the events: a finish event can be missed (the events stream is capped, a reconnect),
  // so jobs still waited for are looked up now and then, a slice at a time.
  let cursor = 0;
  const poll = setInterval(() => {
    const ids = [...waiters.keys()];
    if (ids.length === 0) return;
    const slice = ids.length <= 1000 ? ids : ids.slice(cursor % ids.length, (cursor % ids.length) + 1000);
    cursor += 1000;
    void lookUp(slice).then(
      // A job that vanished (removed by hand, or Redis lost it) is enqueued again: it is deterministic.
      (gone) => gone.forEach((id) => {
        const w = waiters.get(id)?.[0];
        if (w) void queue.add(w.task.kind, { v: version, task: w.task }, { ...JOB_OPTIONS, jobId: id }).then(() => enqueued++, () => {});
      }),
      () => {},
    );
  }, timings.pollMs ?? 3000);
  poll.unref();

  const runner: QueueRunner = {
    address,
    version,
    get size() {
      return slots;
    },
    get enqueued() {
      return enqueued;
    },
    run(task, onEvent) {
      return new Promise<TaskOutcome>((resolve) => {
        if (closed) return resolve(STOPPED);
        const w: Waiter = { id: jobId(task, version), task, onEvent, resolve, active: false };
        const ws = waiters.get(w.id);
        if (ws) ws.push(w);
        else waiters.set(w.id, [w]);
        batch.push(w);
        if (batch.length === 1) setImmediate(() => void flush());
      });
    },
    async progress() {
      const t = Date.now();
      while (finishTimes.length && finishTimes[0] < t - 60_000) finishTimes.shift();
      const span = finishTimes.length ? Math.max(1, t - finishTimes[0]) : 0;
      const all = [...waiters.values()].flat();
      const inFlight = all.filter((w) => w.active).length;
      const seen = await workersSeen(queue);
      if (seen) slots = Math.max(slots, seen.slots);
      return {
        done,
        failed,
        inFlight,
        waiting: all.length - inFlight,
        runsPerMinute: span > 0 ? Math.min(finishTimes.length * 60_000 / span, Number.MAX_SAFE_INTEGER) : 0,
        workers: seen,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(poll);
      for (const ws of waiters.values()) for (const w of ws) w.resolve(STOPPED);
      waiters.clear();
      await Promise.allSettled([events.close(), queue.close()]);
    },
  };
  // The worker count is known before the first progress call, for the "on N workers" line of a summary.
  const seen = await workersSeen(queue);
  if (seen) slots = seen.slots;
  return runner;
}

// ---- a sweep through the queue ----------------------------------------------------------------------------------

export interface QueueSweepOptions {
  runs: SweepRun[];
  /** The JSON-lines results file, as for runSweepWithFile. */
  results: string;
  /** redis://HOST:PORT[/DB] */
  queue: string;
  onResult?: (r: SweepResult, done: number, total: number) => void;
  /** About once a second while waiting. */
  onProgress?: (p: QueueProgress) => void;
  signal?: AbortSignal;
  timings?: QueueTimings;
}

export interface QueueSweepOutcome extends FileSweepOutcome {
  /** Jobs this sweep added (the rest were in the results file, or already finished or queued in Redis). */
  enqueued: number;
}

/**
 * A sweep whose runs are jobs on the queue: runs in the results file are skipped, the rest are enqueued (or found
 * there), and each result is appended to the file once as it comes back. Same outcome as runSweepWithFile.
 */
export async function queueSweep(o: QueueSweepOptions): Promise<QueueSweepOutcome> {
  const runner = await queueRunner(o.queue, o.timings);
  let ticking = false;
  const tick = setInterval(() => {
    if (ticking || !o.onProgress) return;
    ticking = true;
    void runner.progress().then(o.onProgress, () => {}).finally(() => (ticking = false));
  }, 1000);
  try {
    const outcome = await runSweepWithFile({ runs: o.runs, results: o.results, runner, onResult: o.onResult, signal: o.signal });
    return { ...outcome, enqueued: runner.enqueued };
  } finally {
    clearInterval(tick);
    await runner.close();
  }
}
