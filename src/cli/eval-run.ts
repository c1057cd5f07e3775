// The run of `parity-lstm eval` (its options and help are in eval.ts): accuracy of a model on fresh random strings,
// overall and by length; with --curve, accuracy against string length as a table and an SVG chart.

import { type Command } from 'commander';
import * as path from 'node:path';
import { ParityError } from '../core/errors.js';
import { type Model } from '../core/model.js';
import { int, pct } from '../core/format.js';
import { evaluate } from '../train/evaluate.js';
import { familyReport, isRobust, FAMILIES } from '../train/families.js';
import { lengthCurve, resolveCurveLengths, type CurveRow } from '../train/curve.js';
import { lengthAccuracySpec } from '../charts/specs.js';
import { renderSvg } from '../charts/render.js';
import { checkWritable, writeFileAtomic } from '../node/files.js';
import { bar, groupByLength, renderFamilyTable, renderLengthTable, rows } from './display.js';
import { seconds, loss } from '../core/format.js';
import { colorsFor, out, outColors, processIO, randomSeed, type CliIO } from './io.js';
import { loadModel } from './load.js';
import { checkBudget, given } from './options.js';
import type { Family } from '../train/families.js';

export interface EvalOpts {
  model: string;
  count?: number;
  minLen: number;
  maxLen: number;
  lengths?: number[];
  seed?: number;
  json?: boolean;
  curve?: boolean;
  curveMax?: number;
  chart?: string;
  family: Family[];
  familyMaxLen: number;
}
export interface CurveCommandOptions {
  model: Model;
  /** Shown in the chart's title and the JSON (e.g. the model file's name). */
  modelName?: string;
  /** The 1-2-5 series up to this length (default 10,000); ignored with `lengths`. */
  max?: number;
  lengths?: number[];
  /** Strings per length (default 100). */
  count?: number;
  seed?: number;
  /** Where to write the SVG chart (default curve.svg); null: no chart. */
  chart?: string | null;
  /** Print JSON instead of the table. */
  json?: boolean;
  io?: CliIO;
}

function describeModel(m: Model, file: string): string {
  const t = m.training as { steps?: unknown; solved?: unknown; seed?: unknown; goal?: { reached?: unknown } } | null;
  let s = `${file} · ${m.cell}, hidden ${m.hiddenSize}`;
  if (t && typeof t.steps === 'number') {
    s += ` · trained ${int(t.steps)} steps`;
    // "Solved" is about random strings: say so, and say when training reached more (robust, certified).
    const reached = t.goal?.reached;
    if (reached === 'robust' || reached === 'certified') s += `, ${reached}`;
    else if (typeof t.solved === 'boolean') s += t.solved ? ', solved on random strings' : ', not solved';
    if (typeof t.seed === 'number') s += `, seed ${t.seed}`;
  }
  return s;
}

export async function evalCommand(o: EvalOpts, cmd: Command): Promise<number> {
  if (o.curve) {
    if (given(cmd, 'minLen') || given(cmd, 'maxLen')) throw new ParityError('--curve tests a series of lengths: use --curve-max or --lengths, not --min-len/--max-len');
    if (o.lengths && given(cmd, 'curveMax')) throw new ParityError('give --lengths or --curve-max, not both');
    const count = o.count ?? 100;
    const longest = o.lengths ? Math.max(...o.lengths) : (o.curveMax ?? 10_000);
    checkBudget(`${int(count)} strings of each length up to ${int(longest)} bits`, count, longest * 3, 'use a smaller --count or --curve-max');
    const model = await loadModel(o.model);
    const seed = o.seed ?? randomSeed();
    await runCurve({ model, modelName: path.basename(o.model), max: o.curveMax, lengths: o.lengths, count, seed, chart: o.chart ?? 'curve.svg', json: o.json });
    return 0;
  }
  if (given(cmd, 'curveMax') || given(cmd, 'chart')) throw new ParityError('--curve-max and --chart go with --curve');
  if (o.lengths && (given(cmd, 'minLen') || given(cmd, 'maxLen'))) {
    throw new ParityError('give --lengths or --min-len/--max-len, not both');
  }
  if (!o.lengths && o.minLen > o.maxLen) throw new ParityError(`--min-len ${o.minLen} is greater than --max-len ${o.maxLen}`);
  const count = o.count ?? (o.lengths ? 100 : 1000);
  if (o.lengths) {
    const total = o.lengths.reduce((a, b) => a + b, 0);
    checkBudget(`${int(count)} strings of each length (${o.lengths.map(int).join(', ')})`, count, total, 'use a smaller --count or shorter --lengths');
  } else {
    checkBudget(`${int(count)} strings of up to ${int(o.maxLen)} bits`, count, o.maxLen, 'use a smaller --count or --max-len');
  }
  const model = await loadModel(o.model);
  const seedWasRandom = o.seed === undefined;
  const seed = o.seed ?? randomSeed();
  const r = o.lengths
    ? evaluate(model, { lengths: o.lengths, count, seed })
    : evaluate(model, { count, minLen: o.minLen, maxLen: o.maxLen, seed });
  const correct = r.byLength.reduce((a, b) => a + b.correct, 0);
  const families = familyReport(model, o.family, { maxLen: o.familyMaxLen, seed });

  if (o.json) {
    out(
      JSON.stringify({
        model: o.model,
        cell: model.cell,
        hidden: model.hiddenSize,
        seed,
        ...(o.lengths ? { lengths: o.lengths, countPerLength: count } : { minLen: o.minLen, maxLen: o.maxLen }),
        count: r.count,
        correct,
        accuracy: r.accuracy,
        loss: r.loss,
        byLength: r.byLength,
        families,
        robust: o.family.length === FAMILIES.length ? isRobust(families) : null,
      }),
    );
    return 0;
  }
  const c = outColors();
  const what = o.lengths
    ? `${int(count)} fresh strings of each length ${o.lengths.map(int).join(', ')}`
    : `${int(r.count)} fresh strings of ${int(o.minLen)}..${int(o.maxLen)} bits`;
  const accColour = r.accuracy === 1 ? c.green : r.accuracy >= 0.9 ? c.yellow : c.red;
  out(
    rows(
      [
        ['model', describeModel(model, o.model)],
        ['strings', `${what} · seed ${seed}${seedWasRandom ? c.dim(' (random)') : ''}`],
        [
          'accuracy',
          `${c.bold(accColour(pct(r.accuracy)))}  ${c.dim(`${int(correct)} of ${int(r.count)} right · loss ${loss(r.loss)}`)}`,
        ],
      ],
      c,
      '  ',
    ),
  );
  out();
  out(renderLengthTable(groupByLength(r.byLength, 20), c));
  if (families.length > 0) {
    out();
    out(renderFamilyTable(families, c));
    if (o.family.length === FAMILIES.length) {
      out();
      out(
        isRobust(families)
          ? `  ${c.green('right on every structured string')} (runs, sparse, dense, alternating, long): robust, not yet proved; \`certify\` proves it or finds a string that breaks it`
          : `  ${c.red('wrong on structured strings')}: this model did not learn parity, whatever its random-string accuracy; \`predict\` one of the strings above to see it`,
      );
    }
  }
  return 0;
}


/** Accuracy against string length for one model: a table (or JSON) on stdout and an SVG chart. */
export async function runCurve(opts: CurveCommandOptions): Promise<void> {
  const io = opts.io ?? processIO();
  const chart = opts.chart === undefined ? 'curve.svg' : opts.chart;
  if (chart !== null) checkWritable(chart, 'chart');
  const lengths = resolveCurveLengths({ lengths: opts.lengths, maxLength: opts.max });
  const count = opts.count ?? 100;
  const t0 = Date.now();
  const rows: CurveRow[] = lengthCurve(opts.model, { lengths, count, seed: opts.seed ?? 0 });
  const took = (Date.now() - t0) / 1000;
  const name = opts.modelName ?? 'model';
  if (chart !== null) {
    const spec = lengthAccuracySpec(
      rows.map((r) => ({ series: name, length: r.length, accuracy: r.accuracy })),
      `Accuracy by string length: ${name} (${int(count)} fresh strings per length)`,
    );
    writeFileAtomic(chart, await renderSvg(spec), 'chart');
  }
  if (opts.json) {
    io.stdout.write(JSON.stringify({ model: name, count, seed: opts.seed ?? 0, rows, chart, seconds: took }) + '\n');
    return;
  }
  const head = ['length', 'strings', 'right', 'accuracy', 'loss'];
  const body = rows.map((r) => [int(r.length), int(r.count), int(r.correct), pct(r.accuracy), loss(r.loss)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells: string[]): string => '  ' + cells.map((c, i) => c.padStart(w[i])).join('  ');
  const c = colorsFor(io.stdout);
  const lines = [fmt(head), ...body.map((b, k) => `${fmt(b)}  ${bar(rows[k].accuracy, 20, c)}`)];
  const firstWrong = rows.find((r) => r.accuracy < 1);
  lines.push(
    '',
    firstWrong
      ? `  all right up to length ${rows.filter((r) => r.length < firstWrong.length).at(-1)?.length ?? '—'}; first error at length ${int(firstWrong.length)} (${pct(firstWrong.accuracy)})`
      : `  every string right, up to length ${int(rows.at(-1)!.length)}`,
    `  ${seconds(took)}${chart !== null ? ` · chart: ${chart}` : ''}`,
  );
  io.stdout.write(lines.join('\n') + '\n');
}
