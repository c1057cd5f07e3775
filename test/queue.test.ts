// Sweeps and experiments through a BullMQ queue on a real Redis (Debian's redis-server, started here on a free
// loopback port with a temporary directory, stopped after): two `parity-lstm worker` processes give the local
// sweep's results; a worker SIGKILLed mid-sweep loses no run and duplicates none; a rerun enqueues nothing; bad
// addresses and a queue of another version are one line and exit 2. Workers and the CLI run compiled JS from
// dist/ (`npm test` builds first; locally run `npm run build`).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { expandGrid, runSweep, inlineRunner, type SweepResult } from '../src/research/index.js';
import { parseQueueUrl, jobId, checkRedisVersion, queueSweep, QUEUE_NAME, packageVersion } from '../src/node/queue.js';
import { ParityError } from '../src/index.js';
import { runHere } from './cli-here.js';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist/cli/main.js');
const REDIS = '/usr/bin/redis-server';
const haveRedis = fs.existsSync(REDIS);
if (!haveRedis) console.log(`queue tests skipped: ${REDIS} is missing (apt-get install redis-server; .ci/run does)`);

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'parity-queue-'));
const readLines = (file: string): SweepResult[] =>
  fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as SweepResult);
const hashes = (rs: SweepResult[]): Record<string, string | null> => Object.fromEntries(rs.map((r) => [r.key, r.weightsHash]));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.on('error', () => resolve(false));
    c.on('connect', () => c.write('PING\r\n'));
    c.on('data', (d) => {
      resolve(d.toString().startsWith('+PONG'));
      c.destroy();
    });
  });
}

let redis: ChildProcess | null = null;
let port = 0;
let dir = '';
const url = (db: number): string => `redis://127.0.0.1:${port}/${db}`;

interface Proc {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function start(args: string[]): Proc {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, exited };
}

/**
 * A worker with short locks, so a killed one's job is taken over in seconds, not the default 30 s: found stalled at
 * most two lock periods after the kill (the lock runs out, then the other worker's stalled-job check comes round).
 */
async function worker(db: number, extra: string[] = [], lockSeconds = 2): Promise<Proc> {
  const w = start(['worker', '--queue', url(db), '--concurrency', '1', '--lock-seconds', String(lockSeconds), ...extra]);
  const t0 = Date.now();
  while (!/Ctrl-C to stop/.test(w.out())) {
    if (Date.now() - t0 > 15_000) throw new Error(`worker did not start: ${w.out()}`);
    await sleep(50);
  }
  return w;
}

async function run(args: string[]): Promise<{ code: number | null; out: string }> {
  const p = start(args);
  const code = await p.exited;
  return { code, out: p.out() };
}

/** The same, inside this process (cli-here.ts): no child's start-up where the process is not the point. */
async function runIn(args: string[]): Promise<{ code: number | null; out: string }> {
  const r = await runHere(args, root);
  return { code: r.code, out: r.stdout + r.stderr };
}

beforeAll(async () => {
  if (!haveRedis) return;
  dir = tmp();
  port = await freePort();
  redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const t0 = Date.now();
  while (!(await ping(port))) {
    if (Date.now() - t0 > 10_000) throw new Error('redis-server did not start');
    await sleep(50);
  }
});

afterAll(async () => {
  if (redis) {
    const gone = new Promise((r) => redis!.on('exit', r));
    redis.kill('SIGTERM');
    await gone;
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('queue address and ids', () => {
  it('parses redis URLs and refuses others with one line', () => {
    expect(parseQueueUrl('redis://10.0.0.5:6380/3')).toMatchObject({ host: '10.0.0.5', port: 6380, db: 3, tls: false, display: 'redis://10.0.0.5:6380/3' });
    expect(parseQueueUrl('redis://localhost')).toMatchObject({ port: 6379, db: 0 });
    expect(parseQueueUrl('rediss://u:p%40ss@h:1/0')).toMatchObject({ username: 'u', password: 'p@ss', tls: true, display: 'rediss://u@h:1/0' });
    for (const bad of ['localhost:6379', 'http://h:1', 'redis://h:1/x', 'redis://h:99999', 'redis://h:1/0?x=1', '']) {
      expect(() => parseQueueUrl(bad)).toThrow(ParityError);
    }
    expect(() => parseQueueUrl('redis://h:1/x')).toThrow(/where a database number belongs: use redis:\/\/HOST:PORT\[\/DB\]/);
    expect(() => checkRedisVersion('4.0.9', 'redis://h:1/0')).toThrow(/version 4.0.9; BullMQ needs 5.0.0 or newer/);
    expect(() => checkRedisVersion('7.0.15', 'redis://h:1/0')).not.toThrow();
  });

  it('gives a run the same job id every time, and another id in another version', () => {
    const [a, b] = expandGrid({ hidden: [4], seeds: 2 });
    const task = (r: typeof a) => ({ kind: 'sweep-run', run: r });
    expect(jobId(task(a), '1.0.0')).toBe(jobId(task({ ...a, config: { ...a.config } }), '1.0.0'));
    expect(jobId(task(a), '1.0.0')).not.toBe(jobId(task(b), '1.0.0'));
    expect(jobId(task(a), '1.0.0')).not.toBe(jobId(task(a), '1.0.1'));
    expect(jobId(task(a), '1.0.0')).toMatch(/^sweep-run-[0-9a-f]{32}$/);
    const arm = { kind: 'experiment-arm', spec: { arm: 'fixed', seed: 1, options: { b: 1, a: 2 } } };
    expect(jobId(arm, '1')).toBe(jobId({ kind: 'experiment-arm', spec: { options: { a: 2, b: 1 }, seed: 1, arm: 'fixed' } }, '1'));
  });
});

describe.skipIf(!haveRedis)('sweeps through a real Redis', () => {
  it('two workers give the local sweep\'s results (a bad setting is a failed run, not a retry), and the experiment\'s', async () => {
    const w = await Promise.all([worker(1), worker(1)]);
    const d = tmp();
    const grid = path.join(d, 'grid.json'); // hidden 0 through a file: the command line refuses it
    fs.writeFileSync(grid, JSON.stringify({ hidden: [0, 3, 4], seeds: 4, lengths: ['1-8'], base: { steps: 50, evalEvery: 25 } }));
    const localRun = runSweep(expandGrid({ hidden: [0, 3, 4], seeds: 4, lengths: ['1-8'], base: { steps: 50, evalEvery: 25 } }), { runner: inlineRunner() });
    const res = await runIn(['sweep', '--grid', grid, '--queue', url(1), '--results', path.join(d, 'q.jsonl'), '--json']);
    expect(res.code).toBe(0);
    const json = JSON.parse(res.out.split('\n').find((l) => l.startsWith('{'))!);
    expect(json.ranNow).toBe(12);
    const got = readLines(path.join(d, 'q.jsonl'));
    expect(got).toHaveLength(12);
    const local = await localRun;
    expect(hashes(got)).toEqual(hashes(local.results));
    expect(got.filter((r) => r.weightsHash).length).toBe(8);
    const failed = got.filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(4);
    expect(failed[0].error).toMatch(/hidden size must be an integer from 1/);
    // Each run was one job, run once: the failed config completed as a job and was not retried.
    const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port, db: 1 } });
    const jobs = await q.getJobs(['completed', 'failed']);
    expect(jobs).toHaveLength(12);
    expect(jobs.every((j) => j.attemptsMade <= 1 && j.finishedOn)).toBe(true);
    expect(new Set(jobs.map((j) => j.processedBy)).size).toBe(2); // both workers took jobs
    await q.close();

    // The experiment's arms through the same workers equal those of a local run.
    const exp = ['experiment', 'openai', '--dataset-size', '320', '--seeds', '1', '--epochs', '1', '--eval-every', '5', '--json'];
    const [viaQueue, here] = await Promise.all([
      run([...exp, '--queue', url(1), '--out', path.join(d, 'eq')]),
      runIn([...exp, '--workers', '1', '--out', path.join(d, 'el')]),
    ]);
    expect(viaQueue.code).toBe(0);
    const arms = (o: string) => (JSON.parse(o.split('\n').find((l) => l.startsWith('{'))!).runs as { arm: string; epochs: unknown }[]).map((r) => [r.arm, r.epochs]);
    expect(arms(viaQueue.out)).toEqual(arms(here.out));
    expect(arms(viaQueue.out)).toHaveLength(2);

    // SIGTERM: the workers stop cleanly.
    for (const p of w) p.child.kill('SIGTERM');
    expect(await Promise.all(w.map((p) => p.exited))).toEqual([0, 0]);
    expect(w[0].out()).toMatch(/worker stopped: \d+ done, 0 failed/);
    fs.rmSync(d, { recursive: true, force: true });
  }, 60_000);

  it('a bad URL, an unreachable Redis and a queue of another version: one line and exit 2', async () => {
    const closed = await freePort();
    const cases: [string[], RegExp][] = [
      [['sweep', '--seeds', '1', '--queue', 'http://127.0.0.1:1'], /^error: --queue "http:\/\/127.0.0.1:1" has the scheme http: use redis:\/\//],
      [['sweep', '--seeds', '1', '--queue', `redis://127.0.0.1:${closed}`], /^error: cannot reach Redis at redis:\/\/127.0.0.1:\d+\/0: connection refused/],
      [['worker', '--queue', `redis://127.0.0.1:${closed}/0`], /^error: cannot reach Redis at .*connection refused/],
      [['worker', '--queue', url(999)], /^error: Redis at .* has no database 999/],
    ];
    // Database 3 holds a waiting job of another version.
    const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port, db: 3 } });
    await (await q.client).set(`${q.qualifiedName}:parity-lstm-version`, '0.0.0-other');
    await q.add('sweep-run', { v: '0.0.0-other', task: { kind: 'sweep-run' } }, { jobId: 'old-1' });
    await q.close();
    cases.push(
      [['sweep', '--seeds', '1', '--queue', url(3)], /^error: the queue at .*\/3 holds 1 unfinished job of parity-lstm 0.0.0-other; this is \S+: /],
      [['worker', '--queue', url(3)], /^error: the queue at .*\/3 holds jobs of parity-lstm 0.0.0-other; this worker is \S+: run a 0.0.0-other worker/],
    );
    const d = tmp();
    // The two that wait for a refused connection run as child processes, at once; the others inside this process.
    const inChild = (args: string[]) => args.some((a) => a.includes(`:${closed}`));
    const outs = await Promise.all(
      cases.map(async ([args]) => {
        const full = [...args, ...(args[0] === 'sweep' ? ['--results', path.join(d, 'x.jsonl')] : [])];
        if (inChild(args)) return run(full);
        return runIn(full);
      }),
    );
    outs.forEach((o, i) => {
      expect(o.code, o.out).toBe(2);
      expect(o.out.trim().split('\n'), o.out).toHaveLength(1);
      expect(o.out.trim()).toMatch(cases[i][1]);
    });
    expect(packageVersion()).not.toBe('0.0.0-other');
    fs.rmSync(d, { recursive: true, force: true });
  }, 60_000);

  it('a worker SIGKILLed mid-sweep: its job is taken over, and every run appears exactly once', async () => {
    const d = tmp();
    const results = path.join(d, 'k.jsonl');
    // 1-s locks: the killed worker's job is back on the queue within about 2 s, not 4 (2-s locks elsewhere, where a
    // lock lost to a busy machine would show as a second attempt; here a second attempt is what is checked for).
    const [a, b] = await Promise.all([worker(2, [], 1), worker(2, [], 1)]);
    // The reference, here while the workers run the queue's copy.
    const localRun = runSweep(expandGrid({ hidden: [4, 5], seeds: 6, base: { steps: 500, untilSolved: false, evalEvery: 250 } }), { runner: inlineRunner() });
    const grid = ['--hidden', '4,5', '--seeds', '6', '--steps', '500', '--no-until-solved', '--eval-every', '250'];
    const sweep = runIn(['sweep', ...grid, '--queue', url(2), '--results', results, '--json']);
    // Kill `a` mid-job for certain: once it holds an active job, stop it (SIGSTOP), and kill it only if the job is
    // still unfinished once stopped; else let it go on and wait for its next job. (Jobs take tens of milliseconds, so
    // killing "after two results" could land between jobs, or after the last, on a busy machine.)
    const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port, db: 2 } });
    const mine = (j: { processedBy?: string } | undefined): boolean => j?.processedBy?.endsWith(`#${a.child.pid}`) ?? false;
    const t0 = Date.now();
    for (let killed = false; !killed; ) {
      if (Date.now() - t0 > 30_000) throw new Error('worker a never held a job');
      const held = (await q.getJobs(['active'])).find(mine);
      if (!held) {
        await sleep(2);
        continue;
      }
      a.child.kill('SIGSTOP');
      await sleep(100);
      if (await held.isActive()) {
        a.child.kill('SIGKILL');
        killed = true;
      } else a.child.kill('SIGCONT');
    }
    const res = await sweep;
    expect(res.code).toBe(0);
    const lines = readLines(results);
    expect(lines).toHaveLength(12);
    expect(new Set(lines.map((r) => r.key)).size).toBe(12);
    expect(lines.every((r) => r.status === 'ok' && r.steps === 500)).toBe(true);
    // The kill landed mid-job: one job was found stalled and run again by the other worker.
    const jobs = await q.getJobs(['completed']);
    expect(jobs).toHaveLength(12);
    expect(jobs.filter((j) => j.stalledCounter > 0 || j.attemptsStarted > 1).length).toBeGreaterThanOrEqual(1);
    const local = await localRun;
    expect(hashes(lines)).toEqual(hashes(local.results));

    // A rerun with the same file enqueues nothing; with a new file (and no worker left) the queue's results serve it.
    b.child.kill('SIGTERM');
    await b.exited;
    const runs = expandGrid({ hidden: [4, 5], seeds: 6, base: { steps: 500, untilSolved: false, evalEvery: 250 } });
    const again = await queueSweep({ runs, results, queue: url(2) });
    expect([again.enqueued, again.results.length, again.skipped]).toEqual([0, 0, 12]);
    const fresh = await queueSweep({ runs, results: path.join(d, 'fresh.jsonl'), queue: url(2) });
    expect([fresh.enqueued, fresh.results.length]).toEqual([0, 12]);
    expect(hashes(readLines(path.join(d, 'fresh.jsonl')))).toEqual(hashes(lines));
    expect(await q.getJobCounts('wait', 'active', 'completed', 'failed')).toEqual({ wait: 0, active: 0, completed: 12, failed: 0 });
    await q.close();
    fs.rmSync(d, { recursive: true, force: true });
  }, 60_000);

  it('a stopped worker hands back the job it is running (no grace), and another worker finishes it', async () => {
    const d = tmp();
    const results = path.join(d, 'h.jsonl');
    const a = await worker(4, ['--grace', '0']);
    const runs = expandGrid({ hidden: [6], seeds: 1, base: { steps: 2000, untilSolved: false, evalEvery: 1000 } });
    const sweep = queueSweep({ runs, results, queue: url(4) });
    const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port, db: 4 } });
    for (let t0 = Date.now(); (await q.getJobCounts('active')).active === 0; ) {
      if (Date.now() - t0 > 15_000) throw new Error('the job never started');
      await sleep(50);
    }
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(a.out()).toMatch(/0 done, 0 failed, 1 handed back/);
    expect(await q.getJobCounts('wait', 'active')).toEqual({ wait: 1, active: 0 });
    const b = await worker(4);
    const out = await sweep;
    expect(out.results.map((r) => [r.status, r.steps])).toEqual([['ok', 2000]]);
    expect(readLines(results)).toHaveLength(1);
    b.child.kill('SIGTERM');
    await b.exited;
    await q.close();
    fs.rmSync(d, { recursive: true, force: true });
  }, 60_000);
});
