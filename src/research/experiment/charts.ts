// The report's charts as Vega-Lite specs (src/charts/specs.ts draws them; parity-lstm/node renders them to SVG).

import { int } from '../../core/format.js';
import { gradientByStepSpec, lengthAccuracySpec, probeSpec, trainingCurvesSpec, type VegaLiteSpec } from '../../charts/specs.js';
import { ARM_LABEL, type ArmName } from './options.js';
import { type ExperimentResult } from './summary.js';

export interface ExperimentCharts {
  'curves.svg': VegaLiteSpec;
  'length-accuracy.svg': VegaLiteSpec;
  'gradient-by-step.svg': VegaLiteSpec;
  'probe-loss.svg': VegaLiteSpec;
}

/** The report's charts as Vega-Lite specs, named by the file each is written to. */
export function experimentCharts(r: ExperimentResult): ExperimentCharts {
  const L = r.options.length;
  const label = (a: ArmName): string => ARM_LABEL[a](L);
  const curves = r.runs.flatMap((run) =>
    run.history.map((h) => ({ arm: label(run.arm), seed: run.seed, step: h.step, loss: h.loss, accuracy: h.genAccuracy })),
  );
  // One line per run: a mean over seeds would draw two solved seeds and a failed one as a model right 83% of the time.
  const byLength = r.runs.flatMap((run) =>
    run.curve.map((c) => ({ series: `${label(run.arm)}, seed ${run.seed}`, length: c.length, accuracy: c.accuracy })),
  );
  const firstSeed = r.options.seeds[0];
  const grad = [
    ...(() => {
      const run = r.runs.find((x) => x.seed === firstSeed)!;
      return run.gradient.init.map((g) => ({ series: `at initialisation (seed ${firstSeed})`, t: g.t, value: g.dh }));
    })(),
    ...r.runs
      .filter((x) => x.seed === firstSeed)
      .flatMap((run) => run.gradient.final.map((g) => ({ series: `after training: ${label(run.arm)} (seed ${firstSeed})`, t: g.t, value: g.dh }))),
  ];
  // The first seed of each arm, and the first seed of an arm that did not solve when it is another: the early
  // steps only (up to an epoch, or half as long again as the slowest solve), where the order of learning shows.
  const spe = r.runs[0].stepsPerEpoch;
  const slowest = Math.max(0, ...r.runs.map((x) => x.solvedAtStep ?? 0));
  const window = Math.max(spe, Math.ceil(1.5 * slowest));
  const probeRuns = r.runs.filter(
    (x) => x.seed === firstSeed || (x.arm !== 'fixed' && !x.solved && x === r.runs.find((y) => y.arm === x.arm && !y.solved)),
  );
  const probePoints = probeRuns.flatMap((run) =>
    run.probes
      .filter((p) => p.step <= window)
      .flatMap((p) =>
        run.probeLengths
          .map((length, k) => ({
            arm: `${label(run.arm)} (seed ${run.seed}${run.solved ? '' : ', not solved'})`,
            step: p.step,
            length,
            loss: p.loss[k],
          }))
          .filter((x) => [1, 2, 3, 4, 5, 10, 20].includes(x.length) || x.length === L),
      ),
  );
  return {
    'curves.svg': trainingCurvesSpec(curves, `Training loss and held-out accuracy (lengths ${L}..${2 * L}) by step`),
    'length-accuracy.svg': lengthAccuracySpec(byLength, `Final accuracy by string length (${int(r.options.curveCount)} fresh strings per length)`),
    'gradient-by-step.svg': gradientByStepSpec(grad, `Gradient reaching each bit of a length-${L} string, |dL/dh_t| (float64 BPTT)`),
    'probe-loss.svg': probeSpec(probePoints, `Loss on probe strings of each length, first ${int(window)} steps: which lengths are learned first`),
  };
}
