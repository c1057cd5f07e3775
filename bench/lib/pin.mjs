// Which core our own bench processes run on. This machine is a 2-vCPU guest on a shared host, and at times one of
// its vCPUs runs code that touches memory at 0.6-0.7x of the other (for seconds or many minutes, moving from one
// vCPU to the other; the register-only peak does not notice): a process scheduled there reads 30-40% low. So before
// each of our processes the runner probes every core with the same short workload (ours, config A: memory-touching
// JS and wasm, a few tenths of a second), and when one core is at least 10% slower than the fastest, runs the process
// on the fastest with `taskset`. Otherwise it is not pinned: pinned, V8's helper threads share its core, which costs
// ours about 3% and cost TF.js 30-50%, which is why the other peers are never pinned; nor are the whole-command rows,
// whose compile threads are part of what a person waits for.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export const TASKSET = '/usr/bin/taskset';

/** A core this much slower than the fastest in the probe counts as disturbed. */
export const SLOW = 0.9;

/**
 * Probes each core twice, alternating, with `bench/peers/ours.mjs --configs A --quick` pinned there. Returns
 * { core, rates } (rates: per core, the best of its probes, seq-steps/s), core being the fastest when another is
 * below SLOW of it and null when none is; or null where pinning is not possible (not Linux, no taskset, one core) or a
 * probe failed.
 */
export function chooseCore(root, tmp) {
  const cores = os.cpus().length;
  if (process.platform !== 'linux' || cores < 2 || !fs.existsSync(TASKSET)) return null;
  const rates = new Array(cores).fill(0);
  for (let round = 0; round < 2; round++) {
    for (let core = 0; core < cores; core++) {
      const out = path.join(tmp, `probe-${core}.json`);
      const r = spawnSync(TASKSET, ['-c', String(core), process.execPath, 'bench/peers/ours.mjs', '--cell', 'lstm', '--configs', 'A', '--quick', '--out', out], {
        cwd: root,
        stdio: 'ignore',
        timeout: 60_000,
      });
      if (r.status !== 0 || !fs.existsSync(out)) return null;
      const rate = JSON.parse(fs.readFileSync(out, 'utf8')).peers[0].results.A.warm.median;
      rates[core] = Math.max(rates[core], rate);
    }
  }
  const best = Math.max(...rates);
  return { core: Math.min(...rates) < SLOW * best ? rates.indexOf(best) : null, rates };
}

/** One line for the log and the header: the probe and what it decided. */
export function probeLine(pin) {
  const rates = pin.rates.map((r, c) => `cpu ${c} ${(r / 1e6).toFixed(2)} M`).join(', ');
  return pin.core === null ? `unpinned (probe, ours LSTM config A: ${rates})` : `pinned to cpu ${pin.core} (probe, ours LSTM config A: ${rates})`;
}

/** The command and arguments that run `cmd args` on `core` (or as they are when core is null). */
export function pinned(core, cmd, args) {
  return core === null ? [cmd, args] : [TASKSET, ['-c', String(core), cmd, ...args]];
}
