// `parity-lstm worker --queue redis://HOST:PORT[/DB]`: runs sweep and experiment jobs from a BullMQ queue on this
// host, one worker thread per job, until SIGINT or SIGTERM. The first signal stops taking jobs and gives those in
// flight --grace seconds to finish, then hands the rest back to the queue; a second signal hands them back at once.
// Options and help only; the run is in worker-run.ts, loaded when the command runs.

import { type Command } from 'commander';
import { intIn, secondsIn } from './options.js';
import type { Out, WorkerFlags } from './worker-run.js';

/** Adds `worker` to a commander program. */
export function registerWorker(program: Command, out: Out = process.stdout): void {
  program
    .command('worker')
    .description('run sweep and experiment jobs from a Redis queue (sweep --queue, experiment openai --queue) until stopped')
    .requiredOption('--queue <url>', 'the queue: redis://HOST:PORT[/DB]')
    .option('--concurrency <n>', 'jobs at once, one worker thread each (default: one per core)', intIn('concurrency', 1, 256))
    .option('--lock-seconds <s>', 'how long a job of a worker that stopped answering stays locked before another worker takes it', secondsIn('lock seconds', 0.5, 3600), 30)
    .option('--grace <s>', 'after Ctrl-C or SIGTERM, how long jobs in flight may take to finish before they are handed back', secondsIn('grace', 0, 3600), 10)
    .addHelpText(
      'after',
      `
Start one Redis anywhere (apt-get install redis-server), a worker on every host, and the sweep on any host:
  $ parity-lstm worker --queue redis://10.0.0.5:6379
  $ parity-lstm sweep --hidden 4,8 --seeds 100 --queue redis://10.0.0.5:6379 --results sweep.jsonl`,
    )
    .action(async (flags: WorkerFlags) => (await import('./worker-run.js')).workerAction(flags, out));
}
