// The training worker: runs the library's train() off the main thread, so the page stays responsive.
// train() yields to the event loop every ~50 ms, which is when a 'stop' message gets in and aborts the signal.

import { train, trainingRecord, ParityError, type Progress } from 'parity-lstm';
import type { FromWorker, ToWorker } from './protocol';

const post = (m: FromWorker): void => postMessage(m);
const POST_EVERY_MS = 100;
let controller: AbortController | null = null;

async function run(config: Extract<ToWorker, { type: 'train' }>['config']): Promise<void> {
  const ctrl = new AbortController();
  controller = ctrl;
  let pending: Progress[] = [];
  let lastPost = performance.now();
  const flush = (): void => {
    if (pending.length > 0) post({ type: 'progress', points: pending });
    pending = [];
    lastPost = performance.now();
  };
  try {
    const r = await train(config, {
      signal: ctrl.signal,
      onProgress(p) {
        pending.push(p);
        if (p.solved || performance.now() - lastPost >= POST_EVERY_MS) flush();
      },
    });
    flush();
    // The informational block, the same as the CLI writes: how this model came to be.
    r.model.training = trainingRecord(r);
    post({
      type: 'done',
      model: r.model.serialize(),
      hash: r.model.weightsHash(),
      solved: r.solved,
      stopped: r.stopped,
      steps: r.steps,
      solvedAtStep: r.solvedAtStep,
      seconds: r.seconds,
      wallSeconds: r.wallSeconds,
      confirmAccuracy: r.confirmAccuracy,
    });
    r.model.dispose();
  } catch (e) {
    flush();
    post({ type: 'error', message: e instanceof Error ? e.message : String(e), userError: e instanceof ParityError });
  } finally {
    if (controller === ctrl) controller = null;
  }
}

onmessage = (e: MessageEvent<ToWorker>): void => {
  const msg = e.data;
  if (msg.type === 'stop') {
    controller?.abort();
  } else if (msg.type === 'train') {
    if (controller) {
      post({ type: 'error', message: 'a training run is already going: stop it first', userError: true });
      return;
    }
    void run(msg.config);
  }
};
