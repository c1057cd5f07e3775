// What a solved model really learned: solved is a claim about random strings; the structured families and the proof
// say whether it is parity. Sweeps and experiments judge every solved model with this, so their tables count how
// many "solved" models are refuted (a string shown that they get wrong), robust (every family right, not proved)
// and certified (proved right on every string).

import { type Model } from '../core/model.js';
import { certify } from '../certify/certify.js';
import { FAMILIES, familyReport, isRobust } from '../train/families.js';
import { GOAL_CHECK } from '../train/train.js';

export interface Judgement {
  /** Every structured family right. */
  robust: boolean;
  /** certify's verdict. */
  verdict: 'certified' | 'refuted' | 'unknown';
  /** A string the model gets wrong (the shortest found), from certify's refutation or a family. */
  counterexample: string | null;
  ms: number;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export function judge(model: Model, seed = 0): Judgement {
  const t0 = now();
  const rows = familyReport(model, FAMILIES, { count: GOAL_CHECK.familyCount, maxLen: GOAL_CHECK.familyMaxLen, seed });
  const c = certify(model);
  const wrong = rows.map((r) => r.firstWrong).filter((s): s is string => s !== null);
  const shortest = [c.verdict === 'refuted' ? c.counterexample.bits : null, ...wrong]
    .filter((s): s is string => s !== null)
    .sort((a, b) => a.length - b.length)[0];
  return {
    robust: isRobust(rows),
    // A string the model gets wrong refutes it, whoever found it; were a proof to claim otherwise, the string wins.
    verdict: shortest !== undefined ? 'refuted' : c.verdict,
    counterexample: shortest ?? null,
    ms: now() - t0,
  };
}

/** Counts of the judged models of a group: how many of its solved models are refuted, robust and certified. */
export interface JudgedCounts {
  judged: number;
  refuted: number;
  robust: number;
  certified: number;
}

export function countJudged(js: (Judgement | null | undefined)[]): JudgedCounts {
  const got = js.filter((j): j is Judgement => !!j);
  return {
    judged: got.length,
    refuted: got.filter((j) => j.verdict === 'refuted').length,
    robust: got.filter((j) => j.robust).length,
    certified: got.filter((j) => j.verdict === 'certified').length,
  };
}
