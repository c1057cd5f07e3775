// Sweeps through the Redis queue against the plain local sweep (issue 11), run by hand after `npm run build`:
//
//   node bench/queue.mjs [--runs 200] [--steps 50]
//
// Starts its own redis-server (/usr/bin/redis-server) on a free loopback port with a temporary directory, then
// times the same grid four ways, each in fresh processes: the local `sweep` (one worker thread per core), one
// `worker` process (one thread per core), two `worker` processes (one thread each: the same cores), and a queue
// of no-op jobs (what BullMQ alone costs per job). The per-job overhead of a real run is the wall time one worker
// slot spends per run beyond the run's own time. Every configuration writes its own results file; the script
// checks that all give the same weights per run. Numbers are only as good as the machine is quiet.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents, Worker } from 'bullmq';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const cli = path.join(root, 'dist/cli/main.js');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('runs', 200);
const STEPS = arg('steps', 50);
const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
const log = (...a) => console.error(...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (!fs.existsSync(cli)) throw new Error('run npm run build first');
if (!fs.existsSync('/usr/bin/redis-server')) throw new Error('needs /usr/bin/redis-server (apt-get install redis-server)');

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-bench-queue-'));
const port = await freePort();
const redis = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
for (let ok = false; !ok; ) {
  await sleep(50);
  ok = await new Promise((r) => {
    const c = net.connect(port, '127.0.0.1', () => (c.end(), r(true)));
    c.on('error', () => r(false));
  });
}

function start(args) {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.on('exit', r));
  return { child, out: () => out, exited };
}

async function startWorker(db, concurrency) {
  const w = start(['worker', '--queue', `redis://127.0.0.1:${port}/${db}`, '--concurrency', String(concurrency)]);
  while (!/Ctrl-C to stop/.test(w.out())) await sleep(20);
  return w;
}

// A grid of RUNS runs: hidden sizes x seeds.
const hidden = [3, 4, 5, 6];
const seeds = Math.ceil(RUNS / hidden.length);
const grid = ['--hidden', hidden.join(','), '--seeds', String(seeds), '--steps', String(STEPS), '--eval-every', String(Math.max(1, STEPS / 2))];

async function sweep(label, extra, results) {
  const p = start(['sweep', ...grid, '--results', results, '--json', ...extra]);
  const code = await p.exited;
  if (code !== 0) throw new Error(`${label}: exit ${code}\n${p.out()}`);
  // The sweep's own clock: from its first run (or enqueue) to its last result, without process start-up.
  const { speed } = JSON.parse(p.out().split('\n').find((l) => l.startsWith('{')));
  const lines = fs.readFileSync(results, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { label, runs: lines.length, wall: speed.wallSeconds, runSeconds: speed.runSeconds, lines };
}

const rows = [];
let db = 0;
log(`grid: ${hidden.length * seeds} runs of ${STEPS} steps; ${cores} cores; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

log('local sweep ...');
rows.push({ ...(await sweep(`local sweep, ${cores} threads`, ['--workers', String(cores)], path.join(dir, 'local.jsonl'))), slots: cores });

for (const [label, procs, conc] of [
  [`1 worker x ${cores} threads`, 1, cores],
  [`2 workers x 1 thread`, 2, 1],
  [`1 worker x 1 thread`, 1, 1],
]) {
  db++;
  log(`${label} ...`);
  const ws = [];
  for (let i = 0; i < procs; i++) ws.push(await startWorker(db, conc));
  const r = await sweep(label, ['--queue', `redis://127.0.0.1:${port}/${db}`], path.join(dir, `q${db}.jsonl`));
  for (const w of ws) w.child.kill('SIGTERM');
  await Promise.all(ws.map((w) => w.exited));
  rows.push({ ...r, slots: procs * conc });
}

// What BullMQ alone costs: no-op jobs through one worker, in this process.
db++;
const connection = { host: '127.0.0.1', port, db };
const q = new Queue('noop', { connection });
const qe = new QueueEvents('noop', { connection });
await qe.waitUntilReady();
const w = new Worker('noop', async (job) => ({ ok: true, value: job.data }), { connection, concurrency: cores });
await w.waitUntilReady();
let t = performance.now();
for (let i = 0; i < 50; i++) await (await q.add('t', { i }, { jobId: `seq-${i}` })).waitUntilFinished(qe);
const roundTripMs = (performance.now() - t) / 50;
const N = 2000;
t = performance.now();
const all = new Promise((res) => {
  let n = 0;
  qe.on('completed', () => ++n === N && res());
});
await q.addBulk(Array.from({ length: N }, (_, i) => ({ name: 't', data: { i, pad: 'x'.repeat(600) }, opts: { jobId: `bulk-${i}` } })));
await all;
const noopPerJobMs = (performance.now() - t) / N;
await w.close();
await qe.close();
await q.close();

// Same weights everywhere.
const ref = new Map(rows[0].lines.map((r) => [r.key, r.weightsHash]));
const same = rows.every((r) => r.lines.length === ref.size && r.lines.every((l) => ref.get(l.key) === l.weightsHash));

const f = (x, d = 1) => x.toFixed(d);
const base = rows[0].runs * 60 / rows[0].wall;
console.log(`\n${rows[0].runs} runs of ${STEPS} steps (mean run ${f((rows[0].runSeconds / rows[0].runs) * 1000, 0)} ms), ${cores} cores, Node ${process.version}`);
console.log('how                         runs/min  vs local  overhead per run and slot');
for (const r of rows) {
  const rpm = (r.runs * 60) / r.wall;
  // Wall time each slot spent per run, minus the run's own time: queue, thread messages, process start (amortised).
  const over = ((r.wall * r.slots) / r.runs - r.runSeconds / r.runs) * 1000;
  console.log(`${r.label.padEnd(28)}${f(rpm).padStart(8)}  ${f(rpm / base, 2).padStart(7)}x  ${f(over, 0).padStart(6)} ms`);
}
console.log(`\nBullMQ alone, no-op jobs: ${f(roundTripMs, 1)} ms add-to-finished one at a time; ${f(noopPerJobMs, 2)} ms per job (${f(1000 / noopPerJobMs, 0)} jobs/s) with ${cores} in flight`);
console.log(`same weights per run in every configuration: ${same ? 'yes' : 'NO'}`);
console.log("(runs/min from the sweep's own clock, first enqueue to last result; overhead = slots x wall / runs - mean run)");

redis.kill('SIGTERM');
await new Promise((r) => redis.on('exit', r));
fs.rmSync(dir, { recursive: true, force: true });
if (!same) process.exitCode = 1;
