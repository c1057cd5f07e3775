// What the CLI shows a person: numbers, progress lines, the live line, the summary with its curves, the table of an
// evaluation, prediction lines. Pure formatting: no node:* imports, no process globals; the CLI decides where the
// text goes and whether it is coloured (a terminal, and NO_COLOR unset).

import * as asciichart from 'asciichart';
import type { Progress } from '../train/train.js';
import type { LengthRow } from '../train/evaluate.js';
import type { FamilyRow } from '../train/families.js';
import type { GoalRecord } from '../train/train.js';
import { bits as shortenBits, int, pct, loss, seconds } from '../core/format.js';

// Colours, visible widths, the live line and shell quoting live in term.ts (light: every command loads it).
export { makeColors, visibleLength, shellJoin, LiveLine, type Colors } from './term.js';
import { visibleLength, type Colors } from './term.js';

const padEndV = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - visibleLength(s)));
const padStartV = (s: string, n: number): string => ' '.repeat(Math.max(0, n - visibleLength(s))) + s;

// ---- numbers -----------------------------------------------------------------------------------------------------

export { int, pct, shortenBits };

/** Sequence steps per second: "820k", "7.41M". */
export function rate(x: number): string {
  if (!Number.isFinite(x) || x <= 0) return '—';
  if (x >= 1e9) return (x / 1e9).toFixed(2) + 'G';
  if (x >= 1e6) return (x / 1e6).toFixed(2) + 'M';
  if (x >= 1e3) return (x / 1e3).toFixed(0) + 'k';
  return x.toFixed(0);
}


// ---- progress ----------------------------------------------------------------------------------------------------

/** One plain progress line, for logs: fixed-width columns so consecutive lines align. */
export function progressLine(p: Progress, steps: number, c: Colors): string {
  const w = int(steps).length;
  return [p.phase === 'harden' ? `harden step ${int(p.step)}` : `step ${padStartV(int(p.step), w)}/${int(steps)}`, ...numbers(p, c)].join('  ');
}

/** The numbers of a progress event in fixed-width columns, for the plain line and the live one alike. */
function numbers(p: Progress, c: Colors): string[] {
  return [
    `loss ${loss(p.loss).padStart(8)}`,
    `train ${pct(p.trainAccuracy).padStart(6)}`,
    `gen ${colorAcc(pct(p.genAccuracy).padStart(6), p.genAccuracy, c)}`,
    `${rate(p.seqStepsPerSec).padStart(6)} seq-steps/s`,
    seconds(p.elapsedSec).padStart(9),
  ];
}

const colorAcc = (s: string, x: number, c: Colors): string => (x === 1 ? c.green(s) : x < 0.6 ? s : c.yellow(s));

/** A bar of `width` cells, `frac` of them full. */
export function bar(frac: number, width: number, c: Colors): string {
  const full = Math.round(Math.min(1, Math.max(0, frac)) * width);
  return c.cyan('█'.repeat(full)) + c.dim('░'.repeat(width - full));
}

/** The live status of a training run: a bar, then the numbers of progressLine. */
export function trainStatus(p: Progress | null, steps: number, c: Colors): string {
  const w = int(steps).length;
  const step = p?.step ?? 0;
  const parts = [`${bar(steps > 0 ? step / steps : 0, 24, c)} ${padStartV(int(step), w)}/${int(steps)}`];
  parts.push(...(p ? numbers(p, c) : [c.dim('starting…')]));
  return parts.join(c.dim(' │ '));
}

// ---- curves ------------------------------------------------------------------------------------------------------

/** Averages `values` into at most `width` buckets of (almost) equal size. */
export function downsample(values: number[], width: number): number[] {
  if (values.length <= width) return values.slice();
  const out: number[] = [];
  for (let b = 0; b < width; b++) {
    const lo = Math.floor((b * values.length) / width);
    const hi = Math.max(lo + 1, Math.floor(((b + 1) * values.length) / width));
    let s = 0;
    for (let i = lo; i < hi; i++) s += values[i];
    out.push(s / (hi - lo));
  }
  return out;
}

/** A line under a chart, "└ step 10 ... step 640 ┘" aligned with the plotted columns. */
function xAxis(chart: string, columns: number, first: number, last: number, c: Colors): string {
  const firstLine = chart.split('\n')[0];
  const axisAt = Math.max(0, [...firstLine].findIndex((ch) => ch === '┤' || ch === '┼'));
  const left = `└ step ${int(first)}`;
  const right = `step ${int(last)}`;
  const span = Math.max(left.length + right.length + 1, columns + 1);
  return ' '.repeat(axisAt) + c.dim(left + ' '.repeat(span - left.length - right.length) + right);
}

/**
 * The curves of a run, drawn in the terminal: the training loss (log scale), then training and generalisation
 * accuracy together. Each is averaged down to at most `columns` points.
 */
export function renderCurves(history: Progress[], c: Colors, columns = 70, indent = '  '): string {
  if (history.length < 2) return `${indent}${c.dim('(too few evaluations to draw curves)')}`;
  const first = history[0].step;
  const last = history[history.length - 1].step;
  const loss = downsample(
    history.map((p) => Math.log10(Math.max(p.loss, 1e-7))),
    columns,
  );
  const train = downsample(history.map((p) => p.trainAccuracy * 100), columns);
  const gen = downsample(history.map((p) => p.genAccuracy * 100), columns);
  const pad = indent + '  ';

  // asciichart mislabels a flat series (min = max): keep at least a third of a decade of range.
  let lossMin = Math.min(...loss);
  let lossMax = Math.max(...loss);
  if (lossMax - lossMin < 0.3) {
    const mid = (lossMax + lossMin) / 2;
    lossMin = mid - 0.15;
    lossMax = mid + 0.15;
  }
  const lossChart = asciichart.plot(loss, {
    height: 8,
    min: lossMin,
    max: lossMax,
    padding: '        ',
    colors: [c.code.yellow || undefined],
    format: (x: number) => formatLossLabel(10 ** x).padStart(8),
  });
  const lo = Math.min(...train, ...gen);
  const accMin = Math.min(90, Math.max(0, Math.floor(lo / 10) * 10)); // at least 10 points of range
  const accChart = asciichart.plot([train, gen], {
    height: 8,
    min: accMin,
    max: 100,
    padding: '        ',
    colors: [c.code.cyan || undefined, c.code.magenta || undefined],
    format: (x: number) => `${x.toFixed(0)}%`.padStart(8),
  });
  const indentLines = (s: string): string =>
    s
      .split('\n')
      .map((l) => pad + l)
      .join('\n');
  const legend = `${c.cyan('── train')}  ${c.magenta('── gen')}`;
  return [
    `${indent}${c.bold('loss')} ${c.dim('(training batches, log scale)')}`,
    indentLines(lossChart),
    pad + xAxis(lossChart, loss.length, first, last, c),
    '',
    `${indent}${c.bold('accuracy')}  ${legend}`,
    indentLines(accChart),
    pad + xAxis(accChart, train.length, first, last, c),
  ].join('\n');
}

function formatLossLabel(v: number): string {
  if (v >= 0.01) return v.toFixed(3);
  return v.toExponential(0);
}

// ---- summary -----------------------------------------------------------------------------------------------------

export interface SummaryInfo {
  solved: boolean;
  stopped: boolean;
  steps: number;
  maxSteps: number;
  solvedAtStep: number | null;
  seconds: number;
  wallSeconds: number;
  confirmAccuracy: number | null;
  confirmCount: number;
  evalCount: number;
  evalMinLen: number;
  evalMaxLen: number;
  last: Progress | null;
  seed: number;
  seedWasRandom: boolean;
  rerun: string;
  goal: GoalRecord;
}

/** Label/value rows with the labels padded to one width. */
export function rows(pairs: [string, string][], c: Colors, indent = '    '): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${indent}${c.dim(k.padEnd(w))}  ${v}`).join('\n');
}

export function renderSummary(s: SummaryInfo, c: Colors): string {
  let head: string;
  const g = s.goal;
  if (s.solved) {
    const at = s.solvedAtStep ?? s.steps;
    // "Solved" is about random strings only: the head says which stronger claim holds, if any.
    if (g.reached === 'certified') head = c.green(c.bold('✔ certified: right on every string of every length, proved'));
    else if (g.reached === 'robust') head = c.green(c.bold('✔ robust: right on every structured string family')) + c.yellow(' (not proved)');
    // Asked for more and not reached: no green tick for a model that fails a string shown below.
    else if (g.wanted !== null && g.wanted !== 'solved') head = c.yellow(c.bold(`■ solved at step ${int(at)} on random strings only`));
    else head = c.green(c.bold(`✔ solved at step ${int(at)}`)) + c.dim(' (on random strings)');
    if (g.reached !== 'solved') head += c.dim(` · solved at step ${int(at)}`);
    if (s.steps !== at && g.rounds === 0) head += c.green(` (ran ${int(s.steps)} steps)`);
    if (s.stopped) head += c.yellow(' · interrupted');
  } else if (s.stopped) {
    head = c.yellow(c.bold(`■ stopped at step ${int(s.steps)}`)) + c.yellow(' (interrupted), not solved');
  } else {
    head = c.red(c.bold(`✘ not solved`)) + c.red(` after ${int(s.steps)} steps`);
    if (s.steps >= s.maxSteps) head += c.dim(' (the most --steps allows)');
  }
  head += c.dim(` · ${seconds(s.seconds)} training · ${seconds(s.wallSeconds)} in all`);
  const confirmOk = s.confirmAccuracy === 1;
  const lines: [string, string][] = [];
  if (g.wanted !== null && s.solved) {
    const ok = g.reached === g.wanted;
    lines.push(['goal', `${g.wanted}: ${ok ? c.green('reached') : c.red(`not reached (${g.reached ?? 'not solved'} only)`)}`]);
    if (g.rounds > 0) lines.push(['hardening', `${g.rounds} round${g.rounds === 1 ? '' : 's'}, ${int(g.hardenSteps)} steps, ${seconds(g.hardenSeconds)} training`]);
    if (g.families) {
      const wrong = g.families.filter((f) => f.correct < f.count);
      lines.push([
        'structured',
        wrong.length === 0
          ? `${c.green('all right')}  ${c.dim(g.families.map((f) => f.family).join(', '))}`
          : c.red(wrong.map((f) => `${f.family} ${f.correct}/${f.count}`).join(', ')) + (wrong[0].firstWrong ? c.dim(` e.g. ${shortenBits(wrong[0].firstWrong)}`) : ''),
      ]);
    }
    if (g.certify) {
      const v = g.certify;
      lines.push([
        'proof',
        v.verdict === 'certified'
          ? `${c.green('certified')}  ${c.dim(`in ${seconds(v.ms / 1000)}; check it with verify`)}`
          : v.verdict === 'refuted'
            ? `${c.red('refuted')}  ${c.dim(`${shortenBits(v.counterexample!.bits)} has parity ${v.counterexample!.parity}, the model says ${v.counterexample!.answer}`)}`
            : `${c.yellow('unknown')}  ${c.dim(oneLineShort(v.reason ?? ''))}`,
      ]);
    }
  } else if (g.wanted === null && s.solved) {
    lines.push(['goal', c.dim('none (--no-until-solved runs every step); `eval` and `certify` judge the model')]);
  }
  lines.push(
    [
      'confirm accuracy',
      `${(confirmOk ? c.green : c.yellow)(pct(s.confirmAccuracy))}  ${c.dim(
        `on ${int(s.confirmCount)} fresh strings of ${int(s.evalMinLen)}..${int(s.evalMaxLen)} bits`,
      )}`,
    ],
  );
  if (s.last) {
    lines.push(
      ['gen accuracy', `${pct(s.last.genAccuracy)}  ${c.dim(`on the ${int(s.evalCount)} strings checked every evaluation`)}`],
      ['train accuracy', `${pct(s.last.trainAccuracy)}  ${c.dim('last training batches')}`],
      ['loss', `${loss(s.last.loss)}  ${c.dim('last training batches')}`],
      ['speed', `${rate(s.last.seqStepsPerSec)} seq-steps/s`],
    );
  }
  lines.push(['seed', `${s.seed}${s.seedWasRandom ? c.dim(' (chosen at random)') : ''}`], ['rerun', c.cyan(s.rerun)]);
  return `  ${head}\n${rows(lines, c)}`;
}

const oneLineShort = (x: string, max = 110): string => (x.length > max ? x.slice(0, max - 1) + '…' : x);

// ---- evaluation --------------------------------------------------------------------------------------------------

export interface GroupRow {
  from: number;
  to: number;
  count: number;
  correct: number;
  accuracy: number;
}

/**
 * Rows by length, merged into at most `maxRows` groups of consecutive length ranges of equal width when there are
 * more distinct lengths than that.
 */
export function groupByLength(byLength: LengthRow[], maxRows = 20): GroupRow[] {
  if (byLength.length <= maxRows) {
    return byLength.map((r) => ({ from: r.length, to: r.length, count: r.count, correct: r.correct, accuracy: r.accuracy }));
  }
  const lo = byLength[0].length;
  const hi = byLength[byLength.length - 1].length;
  const width = Math.ceil((hi - lo + 1) / maxRows);
  const groups = new Map<number, GroupRow>();
  for (const r of byLength) {
    const k = Math.floor((r.length - lo) / width);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { from: lo + k * width, to: Math.min(hi, lo + (k + 1) * width - 1), count: 0, correct: 0, accuracy: 0 }));
    g.count += r.count;
    g.correct += r.correct;
  }
  const out = [...groups.values()].sort((a, b) => a.from - b.from);
  for (const g of out) g.accuracy = g.count ? g.correct / g.count : 0;
  return out;
}

/** The table of an evaluation: length (range), strings, right, accuracy, and a bar. */
export function renderLengthTable(groups: GroupRow[], c: Colors, indent = '  '): string {
  const label = (g: GroupRow): string => (g.from === g.to ? int(g.from) : `${int(g.from)}–${int(g.to)}`);
  const head = ['length', 'strings', 'right', 'accuracy'];
  const body = groups.map((g) => [label(g), int(g.count), int(g.correct), pct(g.accuracy)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const barWidth = 20;
  const lines = [indent + c.dim(head.map((h, i) => (i === 0 ? h.padEnd(w[i]) : h.padStart(w[i]))).join('  '))];
  groups.forEach((g, k) => {
    const r = body[k];
    const colour = g.accuracy === 1 ? c.green : g.accuracy >= 0.9 ? c.yellow : c.red;
    // Floor, so anything short of 100% shows at least one empty cell.
    const full = Math.floor(g.accuracy * barWidth);
    const bar = colour('█'.repeat(full)) + c.dim('░'.repeat(barWidth - full));
    lines.push(
      indent +
        [r[0].padEnd(w[0]), r[1].padStart(w[1]), r[2].padStart(w[2]), padStartV(colour(r[3]), w[3])].join('  ') +
        '  ' +
        bar,
    );
  });
  return lines.join('\n');
}

/** One row per structured family: how many right, and the shortest string the model gets wrong. */
export function renderFamilyTable(rowsIn: FamilyRow[], c: Colors, indent = '  '): string {
  const head = ['family', 'strings', 'right', 'accuracy', 'longest', 'shortest wrong string'];
  const body = rowsIn.map((r) => [
    r.family,
    int(r.count),
    int(r.correct),
    r.correct === r.count ? c.green(pct(r.accuracy)) : c.red(pct(r.accuracy)),
    int(r.longest),
    r.firstWrong === null ? c.dim('—') : shortenBits(r.firstWrong, 44),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => visibleLength(b[i]))));
  const line = (cells: string[]): string =>
    indent + cells.map((x, i) => (i === 0 || i === cells.length - 1 ? padEndV(x, w[i]) : padStartV(x, w[i]))).join('  ');
  return [c.dim(line(head)), ...body.map(line)].join('\n');
}

// ---- prediction --------------------------------------------------------------------------------------------------

export interface PredictionRow {
  bits: string;
  parity: 0 | 1;
  probability: number;
  truth: 0 | 1;
}

/** One compact line per string, the strings padded to one width: "0110  parity 0  probability 0.0003". */
export function renderPredictions(rowsIn: PredictionRow[], c: Colors, max = 40): string {
  const shown = rowsIn.map((r) => shortenBits(r.bits, max));
  const w = Math.max(...shown.map((s) => s.length));
  return rowsIn
    .map((r, i) => {
      const wrong = r.parity !== r.truth;
      const line = `${padEndV(shown[i], w)}  parity ${c.bold(String(r.parity))}  probability ${formatProbability(r.probability)}`;
      return wrong ? `${line}  ${c.red(`✘ wrong: the parity is ${r.truth}`)}` : line;
    })
    .join('\n');
}

/** A probability with 4 decimals, but never rounded to exactly 0 or 1 unless it is. */
export function formatProbability(p: number): string {
  const s = p.toFixed(4);
  if (s === '1.0000' && p < 1) return '>0.9999';
  if (s === '0.0000' && p > 0) return '<0.0001';
  return s;
}
