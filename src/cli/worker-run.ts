// The run of `parity-lstm worker` (its options and help are in worker.ts).

import { defaultWorkers } from '../node/workers.js';

export type Out = NodeJS.WritableStream;
export interface WorkerFlags {
  queue: string;
  concurrency?: number;
  lockSeconds: number;
  grace: number;
}

const stamp = (): string => new Date().toISOString().slice(11, 19);

export async function workerAction(flags: WorkerFlags, out: Out): Promise<void> {
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
