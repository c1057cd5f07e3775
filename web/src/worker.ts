// The worker: runs the library's train() off the main thread, so the page stays responsive.
// train() yields to the event loop every ~50 ms, which is when a 'stop' message gets in and aborts the signal.
// The page starts a second instance of this worker for certify, which is synchronous and would otherwise hold up
// either the page or a training run.

import { train, trainingRecord, certify, Model, ParityError, type Progress } from 'parity-lstm';
import type { CertifySummary, FromWorker, ToWorker } from './protocol';

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

async function runCertify(id: number, text: string): Promise<void> {
  try {
    const m = await Model.fromJSON(text);
    const r = certify(m);
    const result: CertifySummary =
      r.verdict === 'certified'
        ? { verdict: 'certified', depth: r.certificate.depth, regions: r.certificate.regions, readoutMargin: r.certificate.margins.readout, ms: r.ms }
        : r.verdict === 'refuted'
          ? { verdict: 'refuted', counterexample: r.counterexample, ms: r.ms }
          : { verdict: 'unknown', reason: r.reason, ms: r.ms };
    post({ type: 'certified', id, hash: m.weightsHash(), result });
    m.dispose();
  } catch (e) {
    post({ type: 'error', id, message: e instanceof Error ? e.message : String(e), userError: e instanceof ParityError });
  }
}

onmessage = (e: MessageEvent<ToWorker>): void => {
  const msg = e.data;
  if (msg.type === 'certify') {
    void runCertify(msg.id, msg.model);
  } else if (msg.type === 'stop') {
    controller?.abort();
  } else if (msg.type === 'train') {
    if (controller) {
      post({ type: 'error', message: 'a training run is already going: stop it first', userError: true });
      return;
    }
    void run(msg.config);
  }
};
