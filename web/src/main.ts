// The demo page: settings -> a training worker -> live chart and the goal reached (solved on random strings,
// robust on structured ones, certified); a Certify button -> a second worker -> the verdict and its evidence; a bit
// box -> prediction, heat map and a picture of state space; download and load of the CLI's model file. Plain DOM;
// every failure lands in the error banner, never a dead page.

import * as lib from 'parity-lstm';
import { Model, ParityError, validateConfig, checkBits, type Goal, type Progress, type TrainConfig } from 'parity-lstm';
import type { CertifySummary, FromWorker, ToWorker } from './protocol';
import { LiveChart } from './chart';
import { Heatmap, MAX_COLUMNS } from './heatmap';
import { StateSpace, MAX_POINTS, wrongCount, type RegionView } from './statespace';

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
  showGoal(goalOf(m));
  resetCertify();
  predictNow();
}

// ---- the goal a model reached ----------------------------------------------------------------------------------

/** The model file's `training.goal` (trainingRecord): the same for a model trained here and one loaded. */
interface GoalInfo {
  wanted: Goal | null;
  reached: Goal | null;
  rounds: number;
  hardenSteps: number;
  families: { family: string; count: number; correct: number }[] | null;
  certify: { verdict: 'certified' | 'refuted' | 'unknown'; counterexample: string | null; reason: string | null } | null;
  /** From the training block: solved on random strings, and when (null: not known for a loaded file). */
  solved: boolean;
  solvedAtStep: number | null;
}

function goalOf(m: Model, solvedAtStep: number | null = null): GoalInfo | null {
  const t = m.training as { solved?: unknown; goal?: Partial<GoalInfo> | null } | null;
  if (!t || typeof t.goal !== 'object' || t.goal === null) return null;
  const g = t.goal;
  return {
    wanted: g.wanted ?? null,
    reached: g.reached ?? null,
    rounds: g.rounds ?? 0,
    hardenSteps: g.hardenSteps ?? 0,
    families: Array.isArray(g.families) ? g.families : null,
    certify: g.certify ?? null,
    solved: t.solved === true,
    solvedAtStep,
  };
}

/** A long bit string as its start and end, so a counterexample fits a line (the try-it box gets all of it). */
function shortBits(b: string): string {
  return b.length <= 24 ? b : `${b.slice(0, 10)}…${b.slice(-6)} (${b.length.toLocaleString('en-US')} bits)`;
}
const oneLine = (s: string, n = 160): string => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

type Segment = [text: string, kind: 'ok' | 'bad' | 'unsure' | ''];

/**
 * What holds for a model, claim by claim. "Solved" always says it is about random strings: a model that is not
 * robust or certified may still be wrong on a string of one 1 and fifty 0s.
 */
function goalSegments(g: GoalInfo, full: boolean): Segment[] {
  const out: Segment[] = [];
  const at = g.solvedAtStep === null ? '' : ` at step ${g.solvedAtStep.toLocaleString('en-US')}`;
  out.push(g.solved ? [`Solved${at} on random strings`, 'ok'] : ['Not solved on random strings', 'bad']);
  if (g.families) {
    const wrong = g.families.filter((f) => f.correct < f.count);
    out.push(
      wrong.length === 0
        ? ['robust: every structured family right', 'ok']
        : [`not robust: wrong on ${wrong.map((f) => `${f.family} (${f.count - f.correct} of ${f.count})`).join(', ')}`, 'bad'],
    );
  }
  if (g.certify) {
    const c = g.certify;
    if (c.verdict === 'certified') out.push(['certified: proved right on every string of every length', 'ok']);
    else if (c.verdict === 'refuted') out.push([`refuted by ${shortBits(c.counterexample ?? '')}`, 'bad']);
    else out.push([`proof: unknown (${full ? (c.reason ?? '') : oneLine(c.reason ?? '', 100)})`, 'unsure']);
  }
  if (g.wanted === null) out.push(['no goal (every step ran): press Certify to judge it', '']);
  else if (g.reached === g.wanted) out.push([`goal ${g.wanted}: reached`, 'ok']);
  else out.push([`goal ${g.wanted}: not reached`, 'bad']);
  if (g.rounds > 0) out.push([`${g.rounds} hardening round${g.rounds === 1 ? '' : 's'}, ${g.hardenSteps.toLocaleString('en-US')} steps`, '']);
  if (!g.families && !g.certify && g.solved) out.push(['structured strings and the proof not checked: press Certify', '']);
  return out;
}
const segmentsText = (segs: Segment[]): string => segs.map(([t]) => t).join(' · ');

function showGoal(g: GoalInfo | null): void {
  const el = $('goal-info');
  if (!g) {
    el.textContent = 'No training record in this model: press Certify to find out whether it computes parity.';
    el.hidden = false;
    return;
  }
  el.replaceChildren();
  el.title = segmentsText(goalSegments(g, true));
  goalSegments(g, false).forEach(([t, kind], i) => {
    if (i > 0) el.append(' · ');
    const span = document.createElement('span');
    span.textContent = t;
    if (kind) span.className = kind;
    el.append(span);
  });
  el.hidden = false;
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
    goal: $<HTMLSelectElement>('goal').value as Goal,
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

function setStatus(text: string, kind: 'idle' | 'running' | 'solved' | 'partial'): void {
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
    `solved ✓ at step ${step.toLocaleString('en-US')} on random strings${after}: ` +
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
    if (last.phase === 'harden') {
      const at = run.solved ? ` at step ${run.solved.step.toLocaleString('en-US')}` : '';
      setStatus(
        `Solved${at} on random strings; hardening toward ${config.goal === 'robust' ? 'robust (every structured string right)' : 'certified (a proof)'}… ` +
          `step ${last.step.toLocaleString('en-US')}, generalisation ${pct(last.genAccuracy)}`,
        'running',
      );
    } else if (run.solved && config.untilSolved && config.goal !== 'solved') {
      setStatus(`Solved at step ${run.solved.step.toLocaleString('en-US')} on random strings; checking structured strings${config.goal === 'certified' ? ' and trying the proof' : ''}…`, 'running');
    } else if (run.solved && !config.untilSolved) {
      setStatus(`Training… step ${last.step.toLocaleString('en-US')}; ${solvedText(config, run.solved.step, null)}`, 'solved');
    } else if (!run.solved) {
      setStatus(`Training… step ${last.step.toLocaleString('en-US')}, generalisation ${pct(last.genAccuracy)}`, 'running');
    }
  } else if (msg.type === 'error') {
    chart.finish();
    finishRun();
    setError('train', `Training failed: ${msg.message}${msg.userError ? '' : ' (unexpected: this looks like a bug)'}`);
    setStatus('Training stopped with an error (see above).', 'idle');
  } else if (msg.type === 'done') {
    chart.finish();
    finishRun();
    let goal: GoalInfo | null = null;
    try {
      const m = await Model.fromJSON(msg.model);
      goal = goalOf(m, msg.solvedAtStep);
      const reached = goal?.reached;
      const how = !msg.solved
        ? `${msg.steps} steps, ${pct(msg.confirmAccuracy)} on confirmation`
        : reached === 'certified' || reached === 'robust'
          ? `${reached}; solved at step ${msg.solvedAtStep}`
          : `solved at step ${msg.solvedAtStep} on random strings`;
      setModel(m, `Trained here: ${config.cell}, ${config.hidden} hidden units, seed ${config.seed} (${how}).`);
      if (goal) showGoal(goal);
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
      // After hardening, the steps past the solved moment are the goal's rounds (listed below), not "all steps".
      const hardened = goal !== null && goal.rounds > 0;
      const head = msg.stopped
        ? `Stopped at step ${steps}; ${text}`
        : at === msg.steps || hardened
          ? capital(text) + (hardened ? ` (${secs(msg.wallSeconds)} in all)` : '')
          : `Ran all ${steps} steps; ${text}`;
      if (goal && goal.wanted !== null && goal.wanted !== 'solved') {
        // Past the random strings: the claims beyond them, and whether the goal asked for holds.
        const segs = goalSegments(goal, false).slice(1);
        setStatus(`${head} · ${segmentsText(segs)}`, goal.reached === goal.wanted ? 'solved' : 'partial');
      } else {
        setStatus(head, 'solved');
      }
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
  $('goal-info').hidden = true;
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

// ---- certify: in a worker of its own, so neither the page nor a training run waits on it ------------------------

let certifyWorker: Worker | null = null;
/** The ask in flight: its id and the hash of the model it is for (a newer model makes its answer stale). */
let certifying: { id: number; hash: string; started: number } | null = null;
let certifyIds = 0;
/** The certified regions of the current model, for the state picture (empty unless certify proved it here). */
let regions: RegionView[] = [];

function certifyEl(text: string, kind: '' | CertifySummary['verdict']): void {
  const el = $('certify-result');
  el.textContent = text;
  el.className = `certify-result small ${kind}`;
  el.hidden = text === '';
}

function resetCertify(): void {
  certifying = null;
  regions = [];
  const b = $<HTMLButtonElement>('certify');
  b.disabled = model === null;
  b.textContent = 'Certify';
  certifyEl('', '');
}

function certifyFailed(message: string): void {
  certifyWorker?.terminate();
  certifyWorker = null;
  certifying = null;
  $<HTMLButtonElement>('certify').disabled = model === null;
  $('certify').textContent = 'Certify';
  certifyEl(message, 'unknown');
}

function getCertifyWorker(): Worker {
  if (certifyWorker) return certifyWorker;
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  w.onmessage = (e: MessageEvent<FromWorker>) => onCertifyMessage(e.data);
  w.onerror = (e) => {
    e.preventDefault();
    certifyFailed(`The certify worker failed: ${e.message || 'it could not start'} (unexpected: this looks like a bug)`);
  };
  certifyWorker = w;
  return w;
}

function onCertifyMessage(msg: FromWorker): void {
  if (msg.type !== 'certified' && msg.type !== 'error') return;
  if (!certifying || msg.id !== certifying.id || !model) return; // an answer for a model no longer shown
  const ask = certifying;
  certifying = null;
  $<HTMLButtonElement>('certify').disabled = false;
  $('certify').textContent = 'Certify';
  if (msg.type === 'error') {
    certifyEl(`Certify failed: ${msg.message}${msg.userError ? '' : ' (unexpected: this looks like a bug)'}`, 'unknown');
    return;
  }
  if (msg.hash !== ask.hash || model.weightsHash() !== ask.hash) return;
  const r = msg.result;
  const took = secs(r.ms / 1000);
  if (r.verdict === 'certified') {
    certifyEl(
      `✓ certified in ${took}: proved right on every string of every length (every string up to ${r.depth} bits checked exactly; ` +
        `beyond, ${r.regions.length} regions of state space each map into one of their parity; read-out margin ${r.readoutMargin.toPrecision(3)}). ` +
        'The state picture below shades them.',
      'certified',
    );
    regions = r.regions;
    predictNow();
  } else if (r.verdict === 'refuted') {
    const cx = r.counterexample;
    certifyEl(
      `✗ refuted in ${took}: ${shortBits(cx.bits)} has parity ${cx.parity}, the model says ${cx.answer} (logit ${cx.logit.toFixed(3)}; found by ${cx.found}). ` +
        'It is in the try-it box below.',
      'refuted',
    );
    // The evidence, where a person can check it: the prediction below must be wrong.
    $<HTMLTextAreaElement>('bits').value = cx.bits;
    predictNow();
  } else {
    certifyEl(`? unknown after ${took}: ${r.reason}`, 'unknown');
  }
}

$('certify').addEventListener('click', () => {
  if (!model || certifying) return;
  const id = ++certifyIds;
  certifying = { id, hash: model.weightsHash(), started: performance.now() };
  $<HTMLButtonElement>('certify').disabled = true;
  $('certify').textContent = 'Certifying…';
  certifyEl('Certifying in a worker: looking for a string the model gets wrong, then trying to prove there is none…', '');
  try {
    getCertifyWorker().postMessage({ type: 'certify', id, model: model.serialize() } satisfies ToWorker);
  } catch (err) {
    certifyFailed(`Could not start the certify worker: ${describe(err)}`);
  }
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
const stateSpace = new StateSpace(document.getElementById('state-space') as unknown as SVGSVGElement);
function clearPictures(): void {
  heatmap.clear();
  stateSpace.clear();
  $('state-space-note').textContent = '';
}
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
    clearPictures();
    return;
  }
  setError('bits', null);
  const ones = [...bits].reduce((k, ch) => k + (ch === '1' ? 1 : 0), 0);
  const actual = lib.parity(bits);
  if (!model) {
    out.textContent = '–';
    truth.textContent = `${bits.length} bits, ${ones} ones: parity ${actual}. Train or load a model to see what the network says.`;
    note.textContent = '';
    clearPictures();
    return;
  }
  try {
    const p = model.predict(bits);
    out.textContent = `${p.parity} (p = ${p.probability.toFixed(4)})`;
    out.title = 'p is the probability the network gives to parity 1';
    truth.textContent = `${p.parity === actual ? '✓ right' : '✗ wrong'}: ${bits.length.toLocaleString('en-US')} bits, ${ones.toLocaleString('en-US')} ones, parity ${actual}. p is the network's probability that the parity is 1.`;
    if (bits.length > MAX_TRACE) {
      clearPictures();
      note.textContent = `No heat map or state picture for strings over ${MAX_TRACE.toLocaleString('en-US')} bits (the prediction above covers all of them).`;
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
    const pr = stateSpace.draw({ bits, h: tr.h, c: tr.c, readout: { w: t['linear.weight'].data, b: t['linear.bias'].data[0] } }, regions);
    const wrongSide = wrongCount(pr);
    const prefixes = bits.length + 1;
    const answers = pr.x.length - (pr.first === 0 ? 1 : 0);
    $('state-space-note').textContent =
      `State space: one dot per prefix${pr.first > 0 ? ` (the last ${MAX_POINTS.toLocaleString('en-US')} of ${prefixes.toLocaleString('en-US')})` : ''}, ` +
      'blue where the bits so far hold an even number of ones, orange where odd; the white one is the start, the ringed one after the last bit. ' +
      'Across is the read-out: right of the dashed line the network says 1. Up is the direction the states vary most besides it. ' +
      'A network that computes parity keeps two clusters apart, one each side; a leaky one lets the odd state drift back across the line on a run of zeros. ' +
      (wrongSide === 0 ? 'Here every dot is on its side.' : `Here ${wrongSide} of ${answers} dots are on the wrong side (black rings).`) +
      (regions.length > 0 ? ` Shaded: boxes around the ${regions.length} certified regions (their shadows here), blue even, orange odd; every long enough string ends in one of its parity.` : '');
    $('state-space-note').dataset.wrong = String(wrongSide);
  } catch (e) {
    setError('bits', `Bits: ${describe(e)}`);
    out.textContent = '–';
    clearPictures();
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
