// Which core our own bench processes run on. This machine is a 2-vCPU guest on a shared host, and at times one of
// its vCPUs runs code that touches memory at 0.6-0.7x of the other (for minutes; the register-only peak does not
// notice): a process that happens to be scheduled there reads 30-40% low. So the runner probes every core with the
// same short workload (ours, config A: memory-touching JS and wasm, a few tenths of a second) and runs ours on the
// fastest with `taskset`. The other peers are not pinned: pinned to one core, TF.js lost 30-45% (V8's helper threads
// use the second core); nor are the whole-command rows, whose compile threads are part of what a person waits for.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export const TASKSET = '/usr/bin/taskset';

/**
 * Probes each core twice, alternating, with `bench/peers/ours.mjs --configs A --quick` pinned there, and returns
 * { core, rates: [per core, best of its probes, seq-steps/s] }, or null where pinning is not possible (not Linux, no
 * taskset, one core) or a probe failed (then nothing is pinned).
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
  const core = rates.indexOf(Math.max(...rates));
  return { core, rates };
}

/** The command and arguments that run `cmd args` on `core` (or as they are when core is null). */
export function pinned(core, cmd, args) {
  return core === null ? [cmd, args] : [TASKSET, ['-c', String(core), cmd, ...args]];
}
