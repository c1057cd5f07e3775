// `npm run bench`: training and inference throughput of ours against its peers, measured in one run, printed side
// by side with ratios and shares of the machine's measured SIMD peak. See bench/README.md.
//
//   node bench/run.mjs [--quick] [--json FILE] [--peers ours,plain,tfjs-wasm,tfjs-cpu,torch,command,certified] [--no-solve] [--no-pin]
//
// Each peer runs in its own fresh Node (or Python) process, one after another, so every "cold" figure is a first
// call in a fresh process and no peer's JIT, heap or threads disturb another's. Each of our processes runs on the
// fastest core of a short probe when another core is measurably slow (lib/pin.mjs; --no-pin: never). Progress goes
// to stderr; the tables go to stdout.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CONFIGS, SOLVE, timing } from './lib/configs.mjs';
import { flopsPerSeqStep, FLOPS_FORMULA } from './lib/flops.mjs';
import { measurePeak } from './lib/peak.mjs';
import { stats, parseArgs } from './lib/measure.mjs';
import { measureCommands, commandLines } from './command.mjs';
import { measureCertified, certifiedLines } from './certified.mjs';
import { chooseCore, pinned, probeLine, SLOW } from './lib/pin.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
// The Python with PyTorch (issue 3: /usr/bin/python3); PARITY_BENCH_PYTHON overrides it (e.g. to test the skip path).
const PYTHON = process.env.PARITY_BENCH_PYTHON || '/usr/bin/python3';
const args = parseArgs(process.argv.slice(2));
const quick = args.quick;
const wantSolve = !process.argv.includes('--no-solve');
const only = args.peers ? String(args.peers).split(',') : null;
const want = (p) => !only || only.includes(p);
const t = timing(quick);
const log = (...a) => console.error(...a);
const started = Date.now();

// Seeds for time-to-solve: all ten in a full run, one in --quick (a smoke test of the path).
const solveSeeds = quick ? SOLVE.seeds.slice(0, 1) : SOLVE.seeds;

const meta = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  loadAverageAtStart: os.loadavg().map((x) => +x.toFixed(2)),
  quick,
  timing: t,
  commit: (() => {
    const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  })(),
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-bench-'));
const pinning = !process.argv.includes('--no-pin');
meta.pins = {}; // per ours-* process: its probe and the core it ran on (lib/pin.mjs)
const peers = [];
const skipped = []; // { id, label, why }
const failures = [];

/**
 * Runs one peer process; its JSON result lands in a temp file. Returns its peers or null on failure. Our own
 * processes (name ours-*) run on the probed core; the others where the scheduler puts them (pinned to one core,
 * TF.js lost 30-50%: V8's helper threads use the second core).
 */
function runPeer(name, cmd, cmdArgs, timeoutSec = 600) {
  const out = path.join(tmp, `${name}.json`);
  log(`\n== ${name}: ${path.basename(cmd)} ${cmdArgs.join(' ')}`);
  let core = null;
  if (pinning && name.startsWith('ours-')) {
    const pin = chooseCore(root, tmp);
    if (pin) {
      meta.pins[name] = pin;
      core = pin.core;
      log(`${name}: ${probeLine(pin)}`);
    }
  }
  const [run, runArgs] = pinned(core, cmd, [...cmdArgs, ...(cmd === PYTHON ? [out] : ['--out', out])]);
  const r = spawnSync(run, runArgs, {
    cwd: root,
    stdio: ['ignore', 2, 2], // a peer's own chatter (TF.js greets on stdout) goes to stderr with the progress
    timeout: timeoutSec * 1000,
  });
  if (r.status !== 0 || !fs.existsSync(out)) {
    const why = r.error ? String(r.error) : `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}`;
    failures.push({ name, why });
    log(`!! ${name} failed: ${why}`);
    return null;
  }
  const got = JSON.parse(fs.readFileSync(out, 'utf8')).peers;
  peers.push(...got);
  return got;
}

// ---- the machine's peak --------------------------------------------------------------------------------------
// Measured before and after the peers. Other work on the machine can only slow the kernel down, so the peak used
// for shares is the best repetition of both series; their medians are printed too, as a gauge of the noise.
const peakSettings = quick ? { reps: 3, repSec: 0.1 } : { reps: 7, repSec: 0.2 };
log('== peak: f32x4 mul+add chains (bench/peak.ts)');
const peakStart = await measurePeak(peakSettings);
log(`peak at start: median ${peakStart.gflops.toFixed(1)} GFLOP/s (min ${peakStart.min.toFixed(1)}, max ${peakStart.max.toFixed(1)})`);

// ---- the peers -----------------------------------------------------------------------------------------------
const quickArgs = quick ? ['--quick'] : [];
const haveLib = fs.existsSync(path.join(root, 'dist', 'index.js')) && fs.existsSync(path.join(root, 'dist', 'core', 'reference.js'));
if (!haveLib) {
  for (const [id, label] of [['ours-lstm', 'ours LSTM'], ['ours-rnn', 'ours RNN'], ['ours-gru', 'ours GRU'], ['plain-lstm', 'plain JS LSTM']]) {
    skipped.push({ id, label, why: 'dist/ is not built: run `npm run build` (npm run bench does)' });
  }
} else {
  if (want('ours')) {
    // Time-to-solve for all three of our cells, at the seed's settings.
    for (const cell of ['lstm', 'rnn', 'gru']) {
      runPeer(`ours-${cell}`, process.execPath, ['bench/peers/ours.mjs', '--cell', cell, ...(wantSolve ? ['--solve', '--seeds', solveSeeds.join(',')] : []), ...quickArgs]);
    }
  }
  if (want('plain')) {
    runPeer('plain-lstm', process.execPath, ['bench/peers/plainjs.mjs', '--cell', 'lstm', ...(wantSolve ? ['--solve', '--seeds', solveSeeds.join(',')] : []), ...quickArgs]);
  }
}
for (const backend of ['wasm', 'cpu']) {
  if (!want(`tfjs-${backend}`)) continue;
  for (const cell of ['lstm', 'gru']) {
    runPeer(`tfjs-${backend}${cell === 'lstm' ? '' : '-' + cell}`, process.execPath, ['bench/peers/tfjs.mjs', '--backend', backend, '--cell', cell, ...quickArgs]);
  }
}
if (want('torch')) {
  const probe = fs.existsSync(PYTHON) ? spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }) : null;
  if (!probe || probe.status !== 0) {
    const why = !probe ? `${PYTHON} not found` : `${PYTHON} -c 'import torch' failed: ${(probe.stderr || '').trim().split('\n').pop()}`;
    skipped.push({ id: 'torch-dense', label: 'PyTorch dense', why }, { id: 'torch-packed', label: 'PyTorch packed', why });
  } else {
    const budgetSec = quick ? 30 : 120;
    for (const cell of ['lstm', 'gru']) {
      // Time-to-solve for PyTorch's LSTM only (the README's comparison); the GRU rows are throughput.
      const spec = path.join(tmp, `torch-spec-${cell}.json`);
      const solve = wantSolve && cell === 'lstm' ? { ...SOLVE, seeds: solveSeeds, budgetSec } : null;
      fs.writeFileSync(spec, JSON.stringify({ configs: CONFIGS, timing: t, cell, solve }));
      runPeer(`torch-${cell}`, PYTHON, ['bench/peers/torch_bench.py', spec]);
    }
  }
}
fs.rmSync(tmp, { recursive: true, force: true });

// The whole command, cold processes as a person runs them (bench/command.mjs), beside the kernels' tables.
let command = null;
if (want('command')) {
  if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
    skipped.push({ id: 'command', label: 'whole-command figures', why: 'dist/ is not built: run `npm run build` (npm run bench does)' });
  } else {
    log('\n== whole command, cold processes');
    try {
      command = measureCommands({ reps: quick ? 3 : 11, defaultReps: quick ? 1 : 3, log });
    } catch (e) {
      failures.push({ name: 'command', why: e.message });
    }
  }
}

// Time to a certified model over seeds (bench/certified.mjs): the default goal as a person runs it.
let certified = null;
if (want('certified') && fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
  const seeds = quick ? 2 : 10;
  log(`\n== time to a certified model, seeds 1..${seeds}, cold processes`);
  try {
    certified = measureCertified({ seeds, log });
  } catch (e) {
    failures.push({ name: 'certified', why: e.message });
  }
}

log('\n== peak again, after the peers');
const peakEnd = await measurePeak(peakSettings);
log(`peak at end: median ${peakEnd.gflops.toFixed(1)} GFLOP/s (min ${peakEnd.min.toFixed(1)}, max ${peakEnd.max.toFixed(1)})`);
const peak = {
  gflops: Math.max(peakStart.max, peakEnd.max),
  how: 'best repetition of the two series (start and end of the run)',
  start: peakStart,
  end: peakEnd,
  kernel: peakStart.kernel,
  build: peakStart.build,
};

// ---- the tables ----------------------------------------------------------------------------------------------
const COLS = [
  ['ours-lstm', 'ours LSTM'],
  ['ours-rnn', 'ours RNN'],
  ['ours-gru', 'ours GRU'],
  ['plain-lstm', 'plain JS'],
  ['tfjs-wasm', 'TF.js wasm'],
  ['tfjs-cpu', 'TF.js cpu'],
  ['torch-dense', 'PyTorch dense'],
  ['torch-packed', 'PyTorch packed'],
];
const RATIO_PEERS = [
  ['plain-lstm', 'x plain'],
  ['tfjs-wasm', 'x TF wasm'],
  ['tfjs-cpu', 'x TF cpu'],
  ['torch-dense', 'x torch dense'],
  ['torch-packed', 'x torch packed'],
];
// The GRU side by side: ours against TF.js's gru layer and PyTorch's nn.GRU, ratios ours GRU / peer.
const GRU_COLS = [
  ['ours-gru', 'ours GRU'],
  ['tfjs-wasm-gru', 'TF.js wasm'],
  ['tfjs-cpu-gru', 'TF.js cpu'],
  ['torch-dense-gru', 'PyTorch dense'],
  ['torch-packed-gru', 'PyTorch packed'],
];
const byId = Object.fromEntries(peers.map((p) => [p.id, p]));
const cellOf = (id, cfg) => byId[id]?.results?.[cfg];

const si = (x) => {
  if (x == null || !Number.isFinite(x)) return '-';
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)}G`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
};
const ratio = (a, b) => (a > 0 && b > 0 ? (a / b >= 100 ? `${(a / b).toFixed(0)}x` : `${(a / b).toFixed(1)}x`) : '-');
const pct = (x) => (x >= 0.1 ? `${(100 * x).toFixed(0)}%` : `${(100 * x).toFixed(1)}%`);

function table(title, header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [title, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const rateOf = (id, cfg, which) => {
  const c = cellOf(id, cfg);
  if (!c || c.skipped) return null;
  return which === 'cold' ? c.cold.rate : c.warm.median;
};
const header = ['config', ...COLS.map((c) => c[1]), ...RATIO_PEERS.map((r) => r[1])];
const rowsFor = (which) =>
  CONFIGS.map((cfg) => {
    const ours = rateOf('ours-lstm', cfg.id, which);
    return [
      cfg.id,
      ...COLS.map(([id]) => si(rateOf(id, cfg.id, which))),
      ...RATIO_PEERS.map(([id]) => ratio(ours, rateOf(id, cfg.id, which))),
    ];
  });
const rangeRows = CONFIGS.map((cfg) => [
  cfg.id,
  ...COLS.map(([id]) => {
    const c = cellOf(id, cfg.id);
    return c && !c.skipped ? `${si(c.warm.min)}-${si(c.warm.max)} n${c.warm.reps}` : '-';
  }),
]);

const gruRowsFor = (which) =>
  CONFIGS.map((cfg) => {
    const ours = rateOf('ours-gru', cfg.id, which);
    return [
      cfg.id,
      ...GRU_COLS.map(([id]) => si(rateOf(id, cfg.id, which))),
      ...GRU_COLS.slice(1).map(([id]) => ratio(ours, rateOf(id, cfg.id, which))),
    ];
  });
const gruHeader = ['config', ...GRU_COLS.map((c) => c[1]), ...GRU_COLS.slice(1).map((c) => `x ${c[1]}`)];

// Share of peak: counted flops per sequence-step (the algorithm's, not the engine's) x rate / measured peak.
const flopsOf = (id, cfg) => {
  const cell = byId[id]?.cell ?? (id.endsWith('-gru') ? 'gru' : id === 'ours-rnn' ? 'rnn' : 'lstm');
  const c = cellOf(id, cfg.id);
  const perBatch = c?.seqStepsPerUnit ?? cfg.batch * ((cfg.minLen + cfg.maxLen) / 2);
  return flopsPerSeqStep(cell, cfg.hidden, cfg.kind, perBatch);
};
const shareRows = CONFIGS.map((cfg) => [
  cfg.id,
  ...COLS.map(([id]) => {
    const r = rateOf(id, cfg.id, 'warm');
    return r ? pct((r * flopsOf(id, cfg)) / (peak.gflops * 1e9)) : '-';
  }),
]);
const flopRows = CONFIGS.map((cfg) => [
  cfg.id,
  cfg.what,
  flopsOf('ours-lstm', cfg).toFixed(0),
  flopsOf('ours-rnn', cfg).toFixed(0),
  flopsOf('ours-gru', cfg).toFixed(0),
]);

// Time-to-solve.
const solveRows = [];
const solveJson = {};
for (const p of peers) {
  if (!p.solve) continue;
  const ran = p.solve.perSeed.filter((s) => !s.skipped);
  const solvedRuns = ran.filter((s) => s.solved);
  const st = solvedRuns.length ? stats(solvedRuns.map((s) => s.seconds)) : null;
  const wall = solvedRuns.length ? stats(solvedRuns.map((s) => s.wallSeconds)).median : null;
  const steps = solvedRuns.length ? stats(solvedRuns.map((s) => s.steps)).median : null;
  const timedOut = ran.filter((s) => !s.solved && s.timedOut).length;
  solveJson[p.id] = { ...p.solve, solved: solvedRuns.length, ran: ran.length, of: p.solve.perSeed.length, medianSeconds: st?.median ?? null, minSeconds: st?.min ?? null, maxSeconds: st?.max ?? null, medianWallSeconds: wall, medianSteps: steps };
  solveRows.push([
    p.label,
    `${solvedRuns.length}/${p.solve.perSeed.length}${ran.length < p.solve.perSeed.length ? ` (${p.solve.perSeed.length - ran.length} not run)` : ''}${timedOut ? ` (${timedOut} stopped by the time budget)` : ''}`,
    st ? st.median.toFixed(3) : '-',
    st ? `${st.min.toFixed(3)}-${st.max.toFixed(3)}` : '-',
    wall != null ? wall.toFixed(3) : '-',
    steps != null ? String(steps) : '-',
  ]);
}
const oursSolve = solveJson['ours-lstm']?.medianSeconds;
for (const row of solveRows) {
  const id = peers.find((p) => p.label === row[0]).id;
  const m = solveJson[id].medianSeconds;
  row.push(id === 'ours-lstm' || !m || !oursSolve ? '' : `${ratio(m, oursSolve)} ours`);
}

const out = [];
out.push(`parity-lstm bench (${quick ? 'QUICK: few repetitions, smoke test only' : 'full'}) - ${meta.date}, commit ${meta.commit ?? '?'}, Node ${meta.node}, ${meta.cpu}, ${meta.cores} cores, load average at start ${meta.loadAverageAtStart.join(' ')}`);
out.push(
  Object.keys(meta.pins).length
    ? `Before each of our processes each core was probed (this host at times slows one core's memory-touching code 0.6-0.7x); a process ran on the fastest (taskset) when another was more than ${Math.round((1 - SLOW) * 100)}% slower: ${Object.entries(meta.pins).map(([name, pin]) => `${name} ${probeLine(pin)}`).join('; ')}. The other peers and the whole-command rows ran where the scheduler put them.`
    : 'Ours not pinned to a core (--no-pin, or taskset or a second core missing).',
);
out.push('Sequence-steps/s = sum of the lengths of the strings processed per second of wall time, one thread. Training = forward + BPTT + optimiser (Adam 0.01), plus turning strings into the engine\'s input; inference = forward only.');
out.push(`Each figure: warm = median of up to ${t.reps} repetitions of >= ${t.repSec} s after ${t.warmSec} s warm-up (ours: ${t.rounds}, its four configs round-robin); cold = the first call in a fresh process. Ratios: ours LSTM / peer.`);
out.push('');
out.push(`Peak: ${peak.gflops.toFixed(1)} GFLOP/s f32, one core (${peak.how}; medians ${peak.start.gflops.toFixed(1)} at start, ${peak.end.gflops.toFixed(1)} at end, cold first call ${peak.start.cold.toFixed(1)})`);
out.push(`  kernel: ${peak.kernel}; built with \`${peak.build}\``);
out.push('');
for (const c of CONFIGS) out.push(`  ${c.id.padEnd(5)} ${c.what}`);
out.push('');
out.push(table('Warm throughput, sequence-steps/s (median)', header, rowsFor('warm')));
out.push('');
out.push(table('Cold throughput, sequence-steps/s (first call in a fresh process: compile, tier-up and first allocations included)', header, rowsFor('cold')));
out.push('');
out.push(table('GRU, warm throughput, sequence-steps/s (median): ours GRU against TF.js gru and PyTorch nn.GRU; ratios ours GRU / peer', gruHeader, gruRowsFor('warm')));
out.push('');
out.push(table('GRU, cold throughput, sequence-steps/s (first call in a fresh process)', gruHeader, gruRowsFor('cold')));
out.push('');
out.push(table('Warm spread: min-max of the repetitions, n = repetitions', ['config', ...COLS.map((c) => c[1])], rangeRows));
out.push('');
out.push(FLOPS_FORMULA);
out.push(table('Counted flops per sequence-step', ['config', 'what', 'LSTM', 'RNN', 'GRU'], flopRows));
out.push('');
out.push(table(`Share of peak (${peak.gflops.toFixed(1)} GFLOP/s): warm rate x counted flops / peak`, ['config', ...COLS.map((c) => c[1])], shareRows));
// Issue 12's targets for ours LSTM, what the engine allows here being about 59% (H 8 training), 90% (H 64) and 32%
// (H 8 inference), the activations counted at their measured cost.
const TARGETS = { A: 0.35, B: 0.47, C: 0.65, infer: 0.26 };
const targetParts = CONFIGS.filter((cfg) => TARGETS[cfg.id] !== undefined).map((cfg) => {
  const r = rateOf('ours-lstm', cfg.id, 'warm');
  const share = r ? (r * flopsOf('ours-lstm', cfg)) / (peak.gflops * 1e9) : null;
  return `${cfg.id} ${share === null ? '-' : pct(share)} (target ${pct(TARGETS[cfg.id])}${share === null ? '' : share >= TARGETS[cfg.id] ? ', met' : ', NOT met'})`;
});
out.push(`Ours LSTM against the targets: ${targetParts.join(', ')}`);
out.push('');
out.push(table('GRU share of peak', ['config', ...GRU_COLS.map((c) => c[1])], CONFIGS.map((cfg) => [
  cfg.id,
  ...GRU_COLS.map(([id]) => {
    const r = rateOf(id, cfg.id, 'warm');
    return r ? pct((r * flopsOf(id, cfg)) / (peak.gflops * 1e9)) : '-';
  }),
])));
out.push('');
if (solveRows.length) {
  out.push(
    table(
      `Time to solve: H 8, Adam 0.01, batch 10, lengths 1..20, eval every 10 on 100 strings of 50..100, confirm on 1000; seeds ${solveSeeds.join(',')} (medians over the solved seeds; seconds of training steps only, wall includes evaluation)`,
      ['peer', 'solved', 'median s', 'min-max s', 'median wall s', 'median steps', 'peer s / ours s'],
      solveRows,
    ),
  );
  out.push('');
}
if (command) {
  out.push('Whole command: cold processes of dist/cli/main.js, wall time from spawn to exit (median, min-max, n), repetitions round-robin');
  out.push(...commandLines(command));
  out.push('');
}
if (certified) {
  out.push('Time to a certified model: the default train --seed N and train --goal solved --seed N, cold processes, wall time');
  out.push(...certifiedLines(certified));
  out.push('');
}
out.push('Notes:');
const notes = new Set();
for (const p of peers) for (const n of [...(p.notes ?? []), ...(p.solveSkipped ? [p.solveSkipped] : [])]) notes.add(n);
for (const n of notes) out.push(`  - ${n}`);
if (!byId['plain-lstm']?.solve && byId['plain-lstm']) out.push('  - plain JS time-to-solve not run (--no-solve)');
for (const s of skipped) out.push(`  - skipped ${s.label}: ${s.why}`);
if (only) out.push(`  - --peers ${only.join(',')}: the other columns were not run`);
for (const f of failures) out.push(`  - FAILED ${f.name}: ${f.why} (its progress above, on stderr, says why)`);
out.push(`  - total bench time ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(out.join('\n'));

if (args.json) {
  const cells = {};
  for (const cfg of CONFIGS) {
    cells[cfg.id] = {};
    for (const [id] of [...COLS, ...GRU_COLS.slice(1)]) {
      const c = cellOf(id, cfg.id);
      if (!c) continue;
      cells[cfg.id][id] = c.skipped ? c : { ...c, flopsPerSeqStep: flopsOf(id, cfg), shareOfPeak: (c.warm.median * flopsOf(id, cfg)) / (peak.gflops * 1e9) };
    }
    const ours = rateOf('ours-lstm', cfg.id, 'warm');
    cells[cfg.id].ratiosOursLstmTo = Object.fromEntries(RATIO_PEERS.map(([id]) => [id, ours && rateOf(id, cfg.id, 'warm') ? ours / rateOf(id, cfg.id, 'warm') : null]));
    const oursGru = rateOf('ours-gru', cfg.id, 'warm');
    cells[cfg.id].ratiosOursGruTo = Object.fromEntries(GRU_COLS.slice(1).map(([id]) => [id, oursGru && rateOf(id, cfg.id, 'warm') ? oursGru / rateOf(id, cfg.id, 'warm') : null]));
  }
  const doc = { meta, peak, flopsFormula: FLOPS_FORMULA, configs: CONFIGS, cells, solve: solveJson, command, certified, peers, skipped, failures };
  fs.writeFileSync(args.json, JSON.stringify(doc, null, 2));
  log(`wrote ${args.json}`);
}
if (failures.length) process.exitCode = 1;
