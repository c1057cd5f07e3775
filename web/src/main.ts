// The demo page: settings -> a training worker -> live chart and "solved"; a bit box -> prediction and heat map;
// download and load of the CLI's model file. Plain DOM; every failure lands in the error banner, never a dead page.

import * as lib from 'parity-lstm';
import { Model, ParityError, validateConfig, checkBits, type Progress, type TrainConfig } from 'parity-lstm';
import type { FromWorker, ToWorker } from './protocol';
import { LiveChart } from './chart';
import { Heatmap, MAX_COLUMNS } from './heatmap';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

// ---- errors: one banner, one message per source, cleared when that source succeeds -----------------------------

const errors = new Map<string, string>();
function setError(source: string, message: string | null): void {
  if (message === null) errors.delete(source);
  else errors.set(source, message);
  const el = $('error');
  el.textContent = [...errors.values()].join('\n');
  el.hidden = errors.size === 0;
}
/** A ParityError says what the user got wrong; anything else is a bug, and we say so. */
function describe(e: unknown): string {
  if (e instanceof ParityError) return e.message;
  return `${e instanceof Error ? e.message : String(e)} (unexpected: this looks like a bug)`;
}
window.addEventListener('error', (e) => {
  // Chrome reports a ResizeObserver that resized what it observes as an error event; it is harmless.
  if (/ResizeObserver loop/.test(e.message)) return;
  setError('page', `Something went wrong: ${e.message}`);
});
window.addEventListener('unhandledrejection', (e) => setError('page', `Something went wrong: ${describe(e.reason)}`));

// ---- formatting ------------------------------------------------------------------------------------------------

const pct = (x: number | null): string => (x === null ? '—' : `${Number((x * 100).toFixed(1))}%`);
const si = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0));
const secs = (s: number): string => (s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`);

// ---- the current model -----------------------------------------------------------------------------------------

let model: Model | null = null;

function setModel(m: Model, info: string): void {
  model?.dispose();
  model = m;
  $('model-info').textContent = info;
  $('model-info').classList.remove('muted');
  $('weights-hash').textContent = m.weightsHash();
  $<HTMLButtonElement>('download').disabled = false;
  predictNow();
}

// ---- settings --------------------------------------------------------------------------------------------------

function num(id: string, label: string): number {
  const raw = $<HTMLInputElement>(id).value.trim();
  if (raw === '') throw new ParityError(`${label} is empty or not a number`);
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new ParityError(`${label} must be a number, not "${raw}"`);
  return v;
}

/** The settings as a validated config; throws ParityError naming the first bad field. */
function readConfig(): TrainConfig {
  return validateConfig({
    cell: $<HTMLSelectElement>('cell').value as TrainConfig['cell'],
    hidden: num('hidden', 'hidden size'),
    lr: num('lr', 'learning rate'),
    optimizer: $<HTMLSelectElement>('optimizer').value as TrainConfig['optimizer'],
    batch: num('batch', 'batch size'),
    steps: num('steps', 'max steps'),
    minLen: num('min-len', 'training min length'),
    maxLen: num('max-len', 'training max length'),
    evalMinLen: num('eval-min-len', 'evaluation min length'),
    evalMaxLen: num('eval-max-len', 'evaluation max length'),
    untilSolved: $<HTMLInputElement>('until-solved').checked,
    goal: 'solved',
    seed: num('seed', 'seed'),
  });
}

$('reseed').addEventListener('click', () => {
  $<HTMLInputElement>('seed').value = String(crypto.getRandomValues(new Uint32Array(1))[0]);
});

// ---- training --------------------------------------------------------------------------------------------------

const chart = new LiveChart($('chart'));
void chart.rebuild();

let worker: Worker | null = null;
let running: {
  config: TrainConfig;
  stopping: boolean;
  stopTimer: number;
  /** The progress event at which the run was confirmed solved. */
  solved: Progress | null;
} | null = null;

function setStatus(text: string, kind: 'idle' | 'running' | 'solved'): void {
  const el = $('status');
  el.textContent = text;
  el.className = `status ${kind}`;
}

function setRunning(on: boolean): void {
  $<HTMLFieldSetElement>('settings-fields').disabled = on;
  $<HTMLButtonElement>('train').disabled = on;
  $<HTMLButtonElement>('stop').disabled = !on;
  $<HTMLInputElement>('model-file').disabled = on;
}

function showProgress(p: Progress): void {
  $('step').textContent = p.step.toLocaleString('en-US');
  $('loss').textContent = p.loss.toPrecision(3);
  $('train-accuracy').textContent = pct(p.trainAccuracy);
  $('gen-accuracy').textContent = pct(p.genAccuracy);
  $('speed').textContent = si(p.seqStepsPerSec);
  $('elapsed').textContent = secs(p.elapsedSec);
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  w.onmessage = (e: MessageEvent<FromWorker>) => void onWorkerMessage(e.data);
  w.onerror = (e) => {
    e.preventDefault();
    workerFailed(`The training worker failed: ${e.message || 'it could not start'}`);
  };
  w.onmessageerror = () => workerFailed('The training worker sent a message the page could not read');
  worker = w;
  return w;
}

function workerFailed(message: string): void {
  worker?.terminate();
  worker = null;
  finishRun();
  setError('train', message);
  setStatus('Training stopped with an error (see above).', 'idle');
}

function finishRun(): void {
  if (running) clearTimeout(running.stopTimer);
  running = null;
  $('stop').textContent = 'Stop';
  setRunning(false);
}

/** The status line of a solved run. */
function solvedText(config: TrainConfig, step: number, time: { wall: number; train: number } | null): string {
  const after = time ? ` after ${secs(time.wall)} (${secs(time.train)} of it in training steps)` : '';
  return (
    `solved ✓ at step ${step.toLocaleString('en-US')}${after}: ` +
    `100% on ${config.evalCount} strings of ${config.evalMinLen}–${config.evalMaxLen} bits, confirmed on ` +
    `${config.confirmCount.toLocaleString('en-US')} fresh ones.`
  );
}
const capital = (s: string): string => s[0].toUpperCase() + s.slice(1);

async function onWorkerMessage(msg: FromWorker): Promise<void> {
  if (!running) return; // a late message from a run we gave up on
  const run = running;
  const config = run.config;
  if (msg.type === 'progress') {
    chart.push(msg.points);
    for (const p of msg.points) {
      if (p.solved && !run.solved) {
        run.solved = p; // the moment: the generalisation set hit 100% and the confirmation strings agreed
        chart.mark(p.step, `solved at step ${p.step}`);
      }
    }
    const last = msg.points[msg.points.length - 1];
    showProgress(last);
    if (run.stopping) return; // keep saying "Stopping…"
    if (run.solved && !config.untilSolved) {
      setStatus(`Training… step ${last.step.toLocaleString('en-US')}; ${solvedText(config, run.solved.step, null)}`, 'solved');
    } else if (!run.solved) {
      setStatus(`Training… step ${last.step.toLocaleString('en-US')}, generalisation ${pct(last.genAccuracy)}`, 'running');
    }
  } else if (msg.type === 'error') {
    chart.finish();
    finishRun();
    setError('train', `Training failed: ${msg.message}${msg.userError ? '' : ' (unexpected: this looks like a bug)'}`);
    setStatus('Training stopped with an error (see above).', 'idle');
  } else {
    chart.finish();
    finishRun();
    try {
      const m = await Model.fromJSON(msg.model);
      const how = msg.solved ? `solved at step ${msg.solvedAtStep}` : `${msg.steps} steps, ${pct(msg.confirmAccuracy)} on confirmation`;
      setModel(m, `Trained here: ${config.cell}, ${config.hidden} hidden units, seed ${config.seed} (${how}).`);
      if (m.weightsHash() !== msg.hash) {
        setError('train', `The model changed on its way from the worker (hash ${msg.hash} became ${m.weightsHash()}): this is a bug`);
      }
    } catch (e) {
      setError('train', `Could not read the trained model: ${describe(e)}`);
    }
    const steps = msg.steps.toLocaleString('en-US');
    const fresh = `${pct(msg.confirmAccuracy)} of ${config.confirmCount.toLocaleString('en-US')} fresh strings of ${config.evalMinLen}–${config.evalMaxLen} bits right`;
    if (msg.solved) {
      const at = msg.solvedAtStep ?? msg.steps;
      if (!run.solved) chart.mark(at, `solved at step ${at}`);
      // Training time to the solved moment: the whole run when it stopped there.
      const text = solvedText(config, at, at === msg.steps ? { wall: msg.wallSeconds, train: msg.seconds } : null);
      setStatus(msg.stopped ? `Stopped at step ${steps}; ${text}` : at === msg.steps ? capital(text) : `Ran all ${steps} steps; ${text}`, 'solved');
    } else if (msg.stopped) {
      setStatus(
        msg.confirmAccuracy === null ? `Stopped at step ${steps}, not solved.` : `Stopped at step ${steps}: the model so far gets ${fresh}.`,
        'idle',
      );
    } else {
      setStatus(`Ran all ${steps} steps: the model gets ${fresh}, not yet 100%.`, 'idle');
    }
  }
}

$('settings').addEventListener('submit', (e) => {
  e.preventDefault();
  if (running) return;
  let config: TrainConfig;
  try {
    config = readConfig();
  } catch (err) {
    setError('settings', `Settings: ${describe(err)}`);
    return;
  }
  setError('settings', null);
  setError('train', null);
  chart.reset();
  for (const id of ['step', 'loss', 'train-accuracy', 'gen-accuracy', 'speed', 'elapsed']) $(id).textContent = '–';
  setStatus('Training… starting', 'running');
  running = { config, stopping: false, stopTimer: 0, solved: null };
  setRunning(true);
  try {
    getWorker().postMessage({ type: 'train', config } satisfies ToWorker);
  } catch (err) {
    workerFailed(`Could not start the training worker: ${describe(err)}`);
  }
});

$('stop').addEventListener('click', () => {
  if (!running || !worker) return;
  const stop = $<HTMLButtonElement>('stop');
  if (running.stopping) {
    // Force stop: the only way to end a worker busy in one long synchronous computation.
    worker.terminate();
    worker = null;
    finishRun();
    setStatus('Force-stopped: the worker was ended, and the model of this run was not kept.', 'idle');
    return;
  }
  running.stopping = true;
  worker.postMessage({ type: 'stop' } satisfies ToWorker);
  stop.disabled = true;
  setStatus('Stopping…', 'running');
  // The library checks the signal between steps and yields every ~50 ms, then checks the final model on
  // confirmCount fresh strings, which takes seconds for a big model. If that is still going after 3 s, offer to end
  // the worker instead of waiting.
  running.stopTimer = window.setTimeout(() => {
    if (!running) return;
    stop.textContent = 'Force stop';
    stop.disabled = false;
    setStatus(
      `Stopping… the worker is still busy (a long step, or the final check on ${running.config.confirmCount.toLocaleString('en-US')} ` +
        'fresh strings). Force stop ends it without keeping the model.',
      'running',
    );
  }, 3000);
});

// ---- download and load -----------------------------------------------------------------------------------------

$('download').addEventListener('click', () => {
  if (!model) return;
  const url = URL.createObjectURL(new Blob([model.serialize()], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'model.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});

$<HTMLInputElement>('model-file').addEventListener('change', async (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = ''; // choosing the same file again still fires 'change'
  if (!file) return;
  try {
    const m = await Model.fromJSON(await file.text());
    const t = m.training as { seed?: unknown; steps?: unknown } | null;
    const extra = t && typeof t.seed === 'number' ? `, trained with seed ${t.seed}${typeof t.steps === 'number' ? ` for ${t.steps} steps` : ''}` : '';
    setModel(m, `Loaded ${file.name}: ${m.cell}, ${m.hiddenSize} hidden units${extra}.`);
    setError('model', null);
  } catch (err) {
    setError('model', `Could not load ${file.name}: ${describe(err)}`);
  }
});

// ---- prediction and heat map -----------------------------------------------------------------------------------

const heatmap = new Heatmap($<HTMLCanvasElement>('heatmap'), $('heatmap-readout'));
/** Longest string whose state we trace for the heat map (the trace runs the whole string in plain JS). */
const MAX_TRACE = 50_000;
let predictTimer = 0;

function predictNow(): void {
  clearTimeout(predictTimer);
  const bits = $<HTMLTextAreaElement>('bits').value.replace(/\s+/g, '');
  const out = $('prediction');
  const truth = $('truth');
  const note = $('heatmap-note');
  out.dataset.bits = bits; // what the prediction below is for (tests wait on it)
  try {
    checkBits(bits);
  } catch (e) {
    setError('bits', `Bits: ${describe(e)}`);
    out.textContent = '–';
    truth.textContent = '';
    note.textContent = '';
    heatmap.clear();
    return;
  }
  setError('bits', null);
  const ones = [...bits].reduce((k, ch) => k + (ch === '1' ? 1 : 0), 0);
  const actual = lib.parity(bits);
  if (!model) {
    out.textContent = '–';
    truth.textContent = `${bits.length} bits, ${ones} ones: parity ${actual}. Train or load a model to see what the network says.`;
    note.textContent = '';
    heatmap.clear();
    return;
  }
  try {
    const p = model.predict(bits);
    out.textContent = `${p.parity} (p = ${p.probability.toFixed(4)})`;
    out.title = 'p is the probability the network gives to parity 1';
    truth.textContent = `${p.parity === actual ? '✓ right' : '✗ wrong'}: ${bits.length.toLocaleString('en-US')} bits, ${ones.toLocaleString('en-US')} ones, parity ${actual}. p is the network's probability that the parity is 1.`;
    if (bits.length > MAX_TRACE) {
      heatmap.clear();
      note.textContent = `No heat map for strings over ${MAX_TRACE.toLocaleString('en-US')} bits (the prediction above covers all of them).`;
      return;
    }
    const start = Math.max(0, bits.length - MAX_COLUMNS);
    const tr = model.trace(bits);
    const t = model.tensors();
    heatmap.draw({
      bits,
      start,
      h: tr.h.slice(start),
      c: tr.c ? tr.c.slice(start) : null,
      readout: { w: t['linear.weight'].data, b: t['linear.bias'].data[0] },
    });
    note.textContent =
      (start > 0 ? `Showing the last ${MAX_COLUMNS} of ${bits.length.toLocaleString('en-US')} bits. ` : '') +
      `State after each bit: blue negative, red positive${tr.c ? '; c is scaled by its largest magnitude shown' : ` (the ${model.cell.toUpperCase()} has one state, h)`}. ` +
      'A unit that changes colour on every 1 and holds on every 0 is the flip-flop that carries the parity.';
  } catch (e) {
    setError('bits', `Bits: ${describe(e)}`);
    out.textContent = '–';
    heatmap.clear();
  }
}

$('bits').addEventListener('input', () => {
  clearTimeout(predictTimer);
  // Short strings answer on every key; long pastes wait for a pause in typing.
  const n = $<HTMLTextAreaElement>('bits').value.length;
  predictTimer = window.setTimeout(predictNow, n > 5000 ? 150 : 0);
});
let lastWidth = window.innerWidth;
window.addEventListener('resize', () => {
  if (Math.abs(window.innerWidth - lastWidth) > 40 && model) predictNow();
  lastWidth = window.innerWidth;
});
predictNow();

// ---- for tests and the curious: the library and the page's model ------------------------------------------------

declare global {
  interface Window {
    __parity: { lib: typeof lib; model(): Model | null };
  }
}
window.__parity = { lib, model: () => model };
document.documentElement.dataset.ready = 'true';
