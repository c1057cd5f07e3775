// `parity-lstm worker --queue redis://HOST:PORT[/DB]`: runs sweep and experiment jobs from a BullMQ queue on this
// host, one worker thread per job, until SIGINT or SIGTERM. The first signal stops taking jobs and gives those in
// flight --grace seconds to finish, then hands the rest back to the queue; a second signal hands them back at once.

import { type Command } from 'commander';
import { intIn, secondsIn } from './options.js';
import { defaultWorkers } from '../node/workers.js';

type Out = NodeJS.WritableStream;

interface WorkerFlags {
  queue: string;
  concurrency?: number;
  lockSeconds: number;
  grace: number;
}

const stamp = (): string => new Date().toISOString().slice(11, 19);

async function workerAction(flags: WorkerFlags, out: Out): Promise<void> {
  const say = (line: string): void => void out.write(`${stamp()} ${line}\n`);
  // bullmq (about 0.4 s to load) only for this command, not for every command of the CLI.
  const { startQueueWorker } = await import('../node/queue-worker.js');
  const handle = await startQueueWorker({
    queue: flags.queue,
    concurrency: flags.concurrency ?? defaultWorkers(),
    lockMs: Math.round(flags.lockSeconds * 1000),
    graceMs: Math.round(flags.grace * 1000),
    onLog: say,
  });
  say(`worker: parity-lstm ${handle.version}, ${handle.concurrency} job${handle.concurrency === 1 ? '' : 's'} at once, queue ${handle.display}; Ctrl-C to stop`);
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      say(`${sig}: taking no more jobs (again to hand back the jobs in flight now)`);
      void handle.stop();
    } else {
      void handle.handBack();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const report = setInterval(() => {
    const s = handle.stats();
    if (s.completed + s.failed > 0 || s.inFlight > 0) say(`${s.completed} done, ${s.failed} failed, ${s.inFlight} in flight`);
  }, 60_000);
  report.unref();
  try {
    await handle.closed;
  } finally {
    clearInterval(report);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const s = handle.stats();
  say(`worker stopped: ${s.completed} done, ${s.failed} failed, ${s.handedBack} handed back`);
}

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
    .action((flags: WorkerFlags) => workerAction(flags, out));
}
