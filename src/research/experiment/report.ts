// The markdown report: the answer, the tables, the charts and the explanation, every number measured by the run;
// and runs.jsonl's lines, which carry what the per-run table shows.

import { bits as bitsText, int, loss, pct, seconds } from '../../core/format.js';
import { learnedAtStep, type Probe } from '../diagnostics.js';
import { ARM_LABEL, PYTORCH_REFERENCE, settingDifferences, type ArmName, type ExperimentOptions } from './options.js';
import { curriculumLength, type ArmRun } from './arm.js';
import { type ArmSummary, type ExperimentResult } from './summary.js';

/** A gradient-sized number: three significant digits in 0.01..1000, scientific outside. */
const sci = (x: number): string => (x === 0 ? '0' : Math.abs(x) >= 0.01 && Math.abs(x) < 1000 ? x.toPrecision(3) : x.toExponential(1));

export interface Relapse {
  /** The first check after solving at which the generalisation strings were not all right. */
  step: number;
  /** Training loss at the check before, and at this one. */
  lossBefore: number;
  lossAfter: number;
  /** Gradient norm of the last step before each of the two checks. */
  gradBefore: number;
  gradAfter: number;
  genAccuracy: number;
}

/** What happened after a run solved: its first relapse (or null), and its loss spikes (x10 from one check to the next). */
export function afterSolving(run: ArmRun): { relapse: Relapse | null; spikes: number; recovered: boolean } {
  let relapse: Relapse | null = null;
  let spikes = 0;
  if (run.solvedAtStep === null) return { relapse, spikes, recovered: false };
  const h = run.history;
  for (let i = 1; i < h.length; i++) {
    if (h[i].step <= run.solvedAtStep) continue;
    if (h[i].loss > 10 * h[i - 1].loss) spikes++;
    if (!relapse && h[i].genAccuracy < 1) {
      relapse = {
        step: h[i].step,
        lossBefore: h[i - 1].loss,
        lossAfter: h[i].loss,
        gradBefore: h[i - 1].gradNorm,
        gradAfter: h[i].gradNorm,
        genAccuracy: h[i].genAccuracy,
      };
    }
  }
  return { relapse, spikes, recovered: run.finalConfirmAccuracy === 1 };
}

/** "length 1, 2 for good by step 8,300" from [{len, at}], lengths with the same step together. */
function groupBy(xs: { len: number; at: number | null }[]): string[] {
  const by = new Map<number, number[]>();
  for (const x of xs) by.set(x.at!, [...(by.get(x.at!) ?? []), x.len]);
  return [...by.entries()].map(([at, lens]) => `length${lens.length > 1 ? 's' : ''} ${lens.join(', ')} for good by step ${int(at)}`);
}

export interface RunLine {
  arm: ArmName;
  seed: number;
  solved: boolean;
  solvedAtStep: number | null;
  steps: number;
  accFixed: number;
  accLonger: number;
  /** Final accuracy at the long lengths, by length. */
  long: Record<string, number>;
  seconds: number;
  wallSeconds: number;
}

/** The long lengths reported in tables: 4L, 20L and 200L when the curve reaches them (200, 1,000, 10,000). */
export function longLengths(r: { options: ExperimentOptions; runs: ArmRun[] }): number[] {
  const have = new Set(r.runs[0]?.curve.map((c) => c.length) ?? []);
  return [4, 20, 200].map((k) => k * r.options.length).filter((L) => have.has(L));
}

/** One line of runs.jsonl: what the per-run table of the report shows. */
export function runLine(run: ArmRun, long: number[]): RunLine {
  const last = run.epochs[run.epochs.length - 1];
  return {
    arm: run.arm,
    seed: run.seed,
    solved: run.solved,
    solvedAtStep: run.solvedAtStep,
    steps: run.steps,
    accFixed: last?.accFixed ?? NaN,
    accLonger: last?.accLonger ?? NaN,
    long: Object.fromEntries(long.map((L) => [String(L), run.curve.find((c) => c.length === L)?.accuracy ?? NaN])),
    seconds: run.seconds,
    wallSeconds: run.wallSeconds,
  };
}

/** Markdown: the answer, the tables, the charts and the explanation, every number measured by this run. */
export function experimentReport(r: ExperimentResult, env: { version?: string; runtime?: string } = {}): string {
  const o = r.options;
  const L = o.length;
  const spe = Math.ceil(o.datasetSize / o.batch);
  const long = longLengths(r);
  const arm = (a: ArmName): ArmSummary | undefined => r.arms.find((x) => x.arm === a);
  const fixed = arm('fixed');
  const varying = arm('varying');
  const curric = arm('curriculum');
  const lines: string[] = [];
  const push = (...xs: string[]): void => {
    lines.push(...xs);
  };

  push(`# Parity with an LSTM: fixed length ${L} against lengths 1..${L}`, '');
  push(
    `Run ${r.startedAt.replace('T', ' ').slice(0, 19)} UTC${env.version ? `, parity-lstm ${env.version}` : ''}${env.runtime ? `, ${env.runtime}` : ''}: ` +
      `${r.runs.length} training runs on ${r.workers} worker${r.workers === 1 ? '' : 's'} took ${seconds(r.wallSeconds)} ` +
      `(${seconds(r.cpuSeconds)} of run time, ${(r.cpuSeconds / r.wallSeconds).toFixed(1)}x in parallel).`,
    '',
    `Settings: ${o.cell.toUpperCase()}, hidden ${o.hidden}, Adam lr ${o.lr}, batch ${o.batch}, ${int(o.datasetSize)} strings per dataset ` +
      `(${int(spe)} steps per epoch), ${o.epochs} epochs, seeds ${o.seeds.join(', ')}.` +
      (o.earlyStop ? ' The varying-length arms stop once solved; the fixed arm runs every epoch.' : ' Every arm runs every epoch.') +
      ` A run counts as **solved** when ${int(o.evalCount)} held-out strings of ${L}..${2 * L} bits (checked every ${o.evalEvery} steps) ` +
      `are all right and then ${int(o.confirmCount)} fresh ones are too. Held-out sets at each epoch's end: ${int(o.heldOut)} strings of ` +
      `length ${L} and ${int(o.heldOut)} of ${L}..${2 * L}, never trained on.`,
    '',
  );

  // The answer in a paragraph.
  push('## Answer', '');
  const answer: string[] = [];
  if (fixed) {
    answer.push(
      fixed.solved === 0
        ? `**On fixed length ${L} the LSTM did not learn parity:** none of ${fixed.seeds} seeds solved it in ${o.epochs} epochs; the held-out loss stayed between ` +
            `${loss(fixed.lossFixedRange.min)} and ${loss(fixed.lossFixedRange.max)} (ln 2 = ${loss(Math.LN2)}, the loss of a coin flip) and accuracy between ` +
            `${pct(fixed.accFixedRange.min)} and ${pct(fixed.accFixedRange.max)} at every epoch.`
        : `**On fixed length ${L}, ${fixed.solved} of ${fixed.seeds} seeds solved parity** (at steps ${int(fixed.stepsToSolve!.min)}..${int(fixed.stepsToSolve!.max)}); ` +
            `this differs from PyTorch's result, where no run left chance.`,
    );
  }
  if (varying) {
    const s = varying.stepsToSolve;
    const solvedRuns = r.runs.filter((x) => x.arm === 'varying' && x.solved);
    const failed = r.runs.filter((x) => x.arm === 'varying' && !x.solved);
    const lens = [L, ...long];
    const minAcc = (len: number): number => Math.min(...solvedRuns.map((x) => x.curve.find((c) => c.length === len)?.accuracy ?? NaN));
    const allRight = lens.every((len) => minAcc(len) === 1);
    let text =
      varying.solved > 0
        ? `**On lengths 1..${L}, ${varying.solved} of ${varying.seeds} seeds solved it**, after ${int(s!.min)}..${int(s!.max)} steps ` +
          `(median ${int(s!.median)}, ${(varying.epochsToSolve! * 100).toFixed(0)}% of the first epoch); ` +
          (allRight
            ? `the solved models got every fresh string right at length ${lens.map(int).join(', ')}.`
            : `the solved models' lowest accuracy was ${lens.map((len) => `${pct(minAcc(len))} at ${int(len)}`).join(', ')}.`)
        : `**On lengths 1..${L}, no seed solved it** in ${o.epochs} epochs.`;
    if (failed.length && varying.solved > 0) {
      text +=
        ` Seed${failed.length > 1 ? 's' : ''} ${failed.map((x) => x.seed).join(', ')} did not solve it in ${o.epochs} epochs ` +
        `(final accuracy ${failed.map((x) => pct(x.epochs.at(-1)?.accLonger)).join(', ')} on ${L}..${2 * L}; see Why, 3).`;
    }
    if (varying.solved < varying.seeds) text += " PyTorch's runs all solved it: here this run differs.";
    answer.push(text);
  }
  if (curric) {
    const cr = r.runs.filter((x) => x.arm === 'curriculum');
    const lost = cr.filter((x) => x.solved && x.finalConfirmAccuracy !== 1);
    answer.push(
      curric.solved > 0
        ? `The curriculum (lengths growing 1 to ${L} over the first epoch, then ${L} only) solved ${curric.solved} of ${curric.seeds} seeds ` +
            `(median step ${int(curric.stepsToSolve!.median)}, at length ${curriculumLength(curric.stepsToSolve!.median, L, spe)} of the curriculum); ` +
            `${curric.solvedAtEnd} of ${curric.seeds} ${curric.solvedAtEnd === 1 ? 'was' : 'were'} still solved at the end` +
            (lost.length ? ` (seed${lost.length > 1 ? 's' : ''} ${lost.map((x) => x.seed).join(', ')} lost it while training on length ${L} alone; see Why, 4).` : '.')
        : `The curriculum (lengths growing 1 to ${L} over the first epoch, then ${L} only) solved none of ${curric.seeds} seeds.`,
    );
  }
  if (fixed && varying && varying.solved > 0 && fixed.solved === 0) {
    answer.push(
      `The difference is not the amount of data: the fixed arm trained on ${int(fixed.stringsSeen)} strings (${int(fixed.bitsSeen)} bits) without leaving chance, ` +
        `the varying arm's solved seeds needed ${int(varying.stringsToSolve!)} (median). It is what short strings do to the gradient, below.`,
    );
  }
  push(answer.join(' '), '');

  // Results table.
  push('## Results', '');
  const longHead = long.map((l) => `acc ${int(l)}`);
  push(
    `| arm | seeds solved | success | solved at the end | steps to solve (median, range) | epochs to solve | acc ${L} | acc ${L}..${2 * L} | ${longHead.join(' | ')}${longHead.length ? ' | ' : ''}train time / run |`,
    `|---|---|---|---|---|---|---|---|${long.map(() => '---|').join('')}---|`,
  );
  for (const a of r.arms) {
    const s = a.stepsToSolve;
    const lastF = a.epochAccFixed.at(-1)!;
    const lastL = a.epochAccLonger.at(-1)!;
    push(
      `| ${a.label} | ${a.solved}/${a.seeds} | ${pct(a.successRate)} | ${a.solvedAtEnd}/${a.seeds} | ` +
        `${s ? `${int(s.median)} (${int(s.min)}..${int(s.max)})` : 'not solved'} | ` +
        `${a.epochsToSolve !== null ? a.epochsToSolve.toFixed(2) : '—'} | ${pct(lastF)} | ${pct(lastL)} | ` +
        long.map((l) => pct(a.finalByLength.find((x) => x.length === l)?.accuracy)).join(' | ') +
        (long.length ? ' | ' : '') +
        `${seconds(a.seconds)} |`,
    );
  }
  push(
    '',
    '### Solved, or parity?',
    '',
    '"Solved" is a claim about random strings. Each model still solved at the end is judged on structured strings (runs, sparse, dense, alternating, long) and by `certify`, which proves it right on every string or shows one it gets wrong.',
    '',
    '| arm | solved at the end | refuted (a string shown) | robust (every family right) | certified (proved) |',
    '|---|---|---|---|---|',
    ...r.arms.map((a) => `| ${a.label} | ${a.solvedAtEnd}/${a.seeds} | ${a.judged.refuted}/${a.judged.judged} | ${a.judged.robust}/${a.judged.judged} | ${a.judged.certified}/${a.judged.judged} |`),
  );
  const cx = r.runs.find((x) => x.judgement?.counterexample);
  if (cx) {
    const wrong = cx.judgement!.counterexample!;
    push('', `For example, the ${cx.arm} model of seed ${cx.seed} answers the wrong parity on \`${bitsText(wrong)}\` (${int(wrong.length)} bits).`);
  }
  push('', `A seed counts as solved once a check confirmed it; "solved at the end" asks the final model again (${int(o.confirmCount)} fresh strings of ${L}..${2 * L}). Accuracies are the final models' (mean over seeds): length ${L} and ${L}..${2 * L} on the held-out sets, longer lengths on ${int(o.curveCount)} fresh strings each.`, '');

  const nEp = Math.max(...r.arms.map((a) => a.epochAccLonger.length));
  const epochHead = Array.from({ length: nEp }, (_, k) => String(k + 1));
  const epochTable = (title: string, f: (a: ArmSummary) => number[], fmt: (x: number) => string): void => {
    push(title, '', `| arm | ${epochHead.join(' | ')} |`, `|---|${epochHead.map(() => '---|').join('')}`);
    for (const a of r.arms) {
      const xs = f(a);
      push(`| ${a.label} | ${epochHead.map((_, k) => (k < xs.length ? fmt(xs[k]) : '')).join(' | ')} |`);
    }
    push('');
  };
  if (o.earlyStop) push('Runs stopped once solved count, in later epochs, with the numbers of their final model.', '');
  epochTable(`### Accuracy per epoch, held-out strings of ${L}..${2 * L} bits (mean over seeds)`, (a) => a.epochAccLonger, pct);
  epochTable(`### Accuracy per epoch, held-out strings of ${L} bits`, (a) => a.epochAccFixed, pct);
  epochTable(`### Loss per epoch, held-out strings of ${L} bits (ln 2 = ${loss(Math.LN2)})`, (a) => a.epochLossFixed, loss);

  push('### Every run', '');
  push(
    `| arm | seed | solved at step | steps run | acc ${L} | acc ${L}..${2 * L} | ${longHead.join(' | ')}${longHead.length ? ' | ' : ''}train s |`,
    `|---|---|---|---|---|---|${long.map(() => '---|').join('')}---|`,
  );
  for (const run of r.runs) {
    const l = runLine(run, long);
    push(
      `| ${ARM_LABEL[run.arm](L)} | ${run.seed} | ${l.solvedAtStep ?? '—'} | ${l.steps} | ${pct(l.accFixed)} | ${pct(l.accLonger)} | ` +
        long.map((x) => pct(l.long[String(x)])).join(' | ') +
        (long.length ? ' | ' : '') +
        `${l.seconds.toFixed(2)} |`,
    );
  }
  push('', 'The same rows, one JSON object per run, are in `runs.jsonl`; everything measured is in `results.json`, the final models in `models/`.', '');

  push('## Charts', '');
  push(`![loss and accuracy by step](curves.svg)`, '');
  push(`![accuracy by string length](length-accuracy.svg)`, '');
  push(`![gradient reaching each time step](gradient-by-step.svg)`, '');
  push(`![probe loss by length](probe-loss.svg)`, '');

  // The explanation, measured.
  push('## Why', '');
  push(
    `**1. Parity gives no partial credit.** The parity of ${L} bits is independent of any ${L - 1} of them: a network that has not ` +
      `worked out the whole XOR can do no better than a coin flip, so its loss sits at ln 2 = ${loss(Math.LN2)} and the loss surface ` +
      `offers no slope towards the solution.` +
      (fixed
        ? ` Measured: the fixed arm's held-out loss at length ${L} was ${loss(fixed.lossFixedRange.min)}..${loss(fixed.lossFixedRange.max)} over all ` +
          `${o.epochs} epochs and ${fixed.seeds} seeds (per-epoch means: ${fixed.epochLossFixed.map(loss).join(', ')}). Its final models ` +
          `called ${r.runs.filter((x) => x.arm === 'fixed').map((x) => pct(x.finalPredictedOdd)).join(', ')} of the held-out strings odd` +
          (r.runs.filter((x) => x.arm === 'fixed').every((x) => x.finalPredictedOdd < 0.05 || x.finalPredictedOdd > 0.95)
            ? ': (nearly) the same answer for every string, the best a model can do that has found no signal.'
            : '.')
        : ''),
    '',
  );
  if (fixed) {
    const gi = fixed.gradientInit;
    const run = r.runs.find((x) => x.arm === 'fixed')!;
    const g = run.gradient.init;
    const at = (t: number): string => sci(g[Math.min(g.length, Math.max(1, t)) - 1].dh);
    push(
      `**2. Little gradient reaches the early bits.** Backpropagation through time on ${o.gradientStrings} strings of length ${L} ` +
        `(float64 reference, seed ${run.seed}, the initial weights): |dL/dh_t| is ${at(L)} at the last bit, ${at(Math.ceil(L / 2))} at t = ${Math.ceil(L / 2)} ` +
        `and ${at(1)} at the first. Over the seeds (median) it shrinks by a factor of ${gi.perStep.toFixed(3)} per step back in time, so the first bit ` +
        `receives ${sci(gi.firstOverLast)} of the gradient the last one does` +
        (gi.stepsToThousandth !== null ? `, and it has fallen below a thousandth ${gi.stepsToThousandth} steps back` : '') +
        `; for a string of 5 bits the same factor leaves the first bit ${pct(gi.perStep ** 4)} of the last one's` +
        `. After ${o.epochs} epochs on length ${L} it is ${fixed.gradientFinal.perStep.toFixed(3)} per step (first/last ${sci(fixed.gradientFinal.firstOverLast)}): ` +
        `the update is decided by the last few bits, and the XOR of the last few bits of a ${L}-bit string is uncorrelated with its parity, ` +
        `so the gradient is noise.`,
      '',
    );
  }
  if (varying) {
    const pl = r.runs[0].probeLengths;
    const shown = pl.filter((x) => [1, 2, 3, 4, 5, 8, 10, 20, 30, 50].includes(x) || x === L);
    const cell = (a: ArmSummary, len: number): string => {
      const v = a.learnedAt[pl.indexOf(len)];
      if (v.median === null) return 'never';
      return v.seeds === a.seeds ? int(v.median) : `${int(v.median)} (${v.seeds}/${a.seeds} seeds)`;
    };
    push(
      `**3. Short strings give the first signal.** A string of 1 bit is its own parity; a string of 2 bits needs one XOR. With lengths 1..${L}, ` +
        `${(100 / L).toFixed(0)}% of the strings have one bit and ${(1000 / L).toFixed(0)}% have at most ten, and the gradient from a short string reaches ` +
        `every bit it has. A rule that is right on them — flip the state on a 1, keep it on a 0 — applied at every step, is parity at any length. ` +
        `Measured: the step from which probe strings of each length (64 per length, checked every ${o.evalEvery} steps) were all right at every later check ` +
        `(median over the seeds that got there):`,
      '',
      `| arm | ${shown.map((x) => `len ${x}`).join(' | ')} |`,
      `|---|${shown.map(() => '---|').join('')}`,
      ...r.arms.map((a) => `| ${a.label} | ${shown.map((x) => cell(a, x)).join(' | ')} |`),
      '',
    );
    // Just before a run solves, its loss fans out by length: short strings already below ln 2, long ones at it.
    const vr = r.runs.find((x) => x.arm === 'varying' && x.solved);
    if (vr) {
      const k1 = vr.probeLengths.indexOf(1);
      const kL = vr.probeLengths.indexOf(L);
      const before = vr.probes.filter((p) => p.step < vr.solvedAtStep! && (kL < 0 || p.loss[kL] > 0.6));
      const best = before.reduce<Probe | null>((b, p) => (b === null || p.loss[kL] - p.loss[k1] > b.loss[kL] - b.loss[k1] ? p : b), null);
      if (best && kL >= 0 && best.loss[k1] < best.loss[kL]) {
        const show = vr.probeLengths.map((len, k) => ({ len, k })).filter(({ len }) => [1, 2, 3, 4, 5, 10, 20].includes(len) || len === L);
        push(
          `Seed ${vr.seed} of the varying arm solved at step ${int(vr.solvedAtStep!)}. At step ${int(best.step)}, before it did, the loss on the probe strings ` +
            `was ${show.map(({ len, k }) => `${loss(best.loss[k])} at length ${len}`).join(', ')} (ln 2 = ${loss(Math.LN2)}): ` +
            `the shortest strings move first and the long ones are still at chance; then all lengths fall together (chart: probe-loss.svg).`,
          '',
        );
      }
    }
    const stuck = r.runs.filter((x) => x.arm === 'varying' && !x.solved);
    for (const run of stuck) {
      const last = run.probes[run.probes.length - 1];
      if (!last) continue;
      const right = run.probeLengths.filter((_, k) => last.accuracy[k] === 1);
      const show = run.probeLengths.map((len, k) => ({ len, k })).filter(({ len }) => [1, 2, 3, 4, 5, 10].includes(len) || len === L);
      const learned = learnedAtStep(run.probes, run.probeLengths);
      const kept = run.probeLengths.map((len, k) => ({ len, at: learned[k] })).filter((x) => x.at !== null);
      const accs = run.epochs.map((e) => e.accLonger);
      push(
        `Seed ${run.seed} of the varying arm did not solve in ${o.epochs} epochs. At its last check (step ${int(last.step)}) ` +
          (right.length ? `it got every probe string of length ${right.join(', ')} right; ` : 'it got no probe length entirely right; ') +
          `accuracy by length: ${show.map(({ len, k }) => `${pct(last.accuracy[k])} at ${len}`).join(', ')}. ` +
          (kept.length
            ? `It had learned ${groupBy(kept).join(', ')}, and went no further: its held-out accuracy ` +
              `on ${L}..${2 * L} was ${pct(Math.min(...accs))}..${pct(Math.max(...accs))} at every epoch. It fitted the shortest strings with a rule ` +
              `that does not extend to longer ones, and more epochs did not move it off that rule.`
            : 'The short strings did not get it started either.'),
        '',
      );
    }
  }
  if (curric) {
    const cr = r.runs.filter((x) => x.arm === 'curriculum');
    const parts: string[] = [];
    for (const run of cr) {
      if (!run.solved) {
        parts.push(`seed ${run.seed} never solved it (final ${pct(run.epochs.at(-1)?.accLonger)} on ${L}..${2 * L})`);
        continue;
      }
      const a = afterSolving(run);
      const at = `solved at step ${int(run.solvedAtStep!)} (curriculum length ${curriculumLength(run.solvedAtStep!, L, spe)})`;
      if (!a.relapse) parts.push(`seed ${run.seed} ${at} and stayed solved to the end`);
      else {
        parts.push(
          `seed ${run.seed} ${at}, stayed solved until step ${int(a.relapse.step)}, when its training loss jumped from ${loss(a.relapse.lossBefore)} ` +
            `to ${loss(a.relapse.lossAfter)} (gradient norm ${sci(a.relapse.gradBefore)} to ${sci(a.relapse.gradAfter)}) and held-out accuracy fell to ` +
            `${pct(a.relapse.genAccuracy)}; ` +
            (a.recovered ? 'it recovered by the end' : `it never recovered (final ${pct(run.epochs.at(-1)?.accLonger)} on ${L}..${2 * L})`),
        );
      }
    }
    const vr = r.runs.filter((x) => x.arm === 'varying' && x.solved).map((x) => ({ run: x, ...afterSolving(x) }));
    const spikes = vr.reduce((n, x) => n + x.spikes, 0);
    const relapsed = vr.filter((x) => x.relapse);
    const lost = cr.filter((x) => x.solved && x.finalConfirmAccuracy !== 1);
    let verdict: string;
    if (curric.solved === 0) verdict = 'In this run, growing the length was not enough to start learning.';
    else if (lost.length === 0) {
      verdict = `Once learned from short strings, parity stayed learned on length ${L} alone: the short strings are needed to start, not to keep it.`;
    } else {
      verdict =
        `Short strings first were enough to find the solution, but not always to keep it: with only length-${L} strings, a run knocked off the ` +
        `solution lands back on the flat ln 2 plateau, where nothing leads back. (Adam scales its steps by the gradient's recent size, so they ` +
        `do not shrink as the loss does, and a solved run can be thrown off.) The varying arm's solved runs had ${spikes} loss ` +
        `spike${spikes === 1 ? '' : 's'} after solving (training loss up tenfold or more from one check to the next)` +
        (relapsed.length
          ? `, and ${relapsed.length} relapse${relapsed.length === 1 ? '' : 's'}; ${relapsed.filter((x) => x.recovered).length} recovered, the short strings giving the signal back.`
          : ', and never once got a held-out string wrong afterwards: the short strings in every batch pull it back.');
    }
    push(
      `**4. Short strings first, or short strings throughout?** The curriculum arm grows the length from 1 to ${L} over the first epoch ` +
        `(about ${int(spe / L)} steps per length, every string of a batch the same length), then sees only length-${L} strings. ` +
        `${parts.map((x) => x[0].toUpperCase() + x.slice(1)).join('. ')}. ${verdict}`,
      '',
    );
  }

  push('## Comparison with PyTorch', '');
  push(`Reference (issue 5): ${PYTORCH_REFERENCE.setup}.`, '');
  const diffs = settingDifferences(o);
  if (diffs.length) push(`This run's settings differ: ${diffs.join('; ')}. The comparison is not like for like.`, '');
  push('| | PyTorch | this run | agrees |', '|---|---|---|---|');
  for (const c of r.comparison) push(`| ${c.what} | ${c.pytorch} | ${c.ours} | ${c.agrees ? 'yes' : '**no**'} |`);
  push('');
  const disagree = r.comparison.filter((c) => !c.agrees);
  push(
    disagree.length
      ? `Where this run disagrees with PyTorch: ${disagree.map((c) => c.what).join('; ')} (see the table).`
      : 'This run agrees with PyTorch on both arms.',
    '',
  );
  if (varying && varying.solved < varying.seeds && varying.solved > 0) {
    push(
      `${varying.seeds} seeds do not make a success rate. To measure one for the varying arm: ` +
        `\`parity-lstm sweep --lengths 1-${L} --batch ${o.batch} --hidden ${o.hidden} --lr ${o.lr} --dataset-size ${o.datasetSize} ` +
        `--steps ${o.epochs * spe} --eval-every ${o.evalEvery} --eval-count ${o.evalCount} --eval-min-len ${L} --eval-max-len ${2 * L} --seeds 20\`` +
        ` (its seeds are this experiment's: the same data, order and initial weights).`,
      '',
    );
  }
  return lines.join('\n');
}
