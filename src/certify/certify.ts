// certify(model): refuted (a string predict gets wrong), certified (a certificate verify can check), or unknown
// (which condition failed, by how much). The search for regions: one parallelotope per class (parity, last k bits),
// shaped by the principal axes of the states seen in that class, its radii grown by a worklist until every
// stepsPerCheck-bit image of every region lies inside its target region (a post-fixed point), then the read-out's
// sign is checked on each region.

import { type Model } from '../core/model.js';
import { parity } from '../core/bits.js';
import { makeRng, streamSeed } from '../core/rng.js';
import { cellParams, ERROR, NOT_COVERED, run64, type CellParams } from './cells.js';
import { type Form, pointForm, regionForm, stepForm, readoutBounds, neededRadii } from './zonotope.js';
import { symmetricEigen } from './linalg.js';
import { CERT_FORMAT, classIndex, type Certificate, type Region } from './certificate.js';
import { refute, type Counterexample } from './refute.js';

export interface CertifyOptions {
  /** (suffix length k, steps per check m) pairs tried in order until one closes. */
  schedule?: { k: number; m: number }[];
  /** Worklist evaluations before giving up on one (k, m). */
  maxRounds?: number;
  /** Skip the refutation search (tests of the proof machinery). */
  skipRefute?: boolean;
}

export interface Attempt {
  k: number;
  m: number;
  condition: 'containment' | 'readout' | 'base';
  detail: string;
  /** How far the condition is from holding (radius growth factor, or the logit bound on the wrong side). */
  by: number;
  ms: number;
}

export type CertifyResult =
  | { verdict: 'certified'; certificate: Certificate; attempts: Attempt[]; ms: number }
  | { verdict: 'refuted'; counterexample: Counterexample; ms: number }
  | { verdict: 'unknown'; reason: string; attempts: Attempt[]; ms: number };

export const DEFAULT_SCHEDULE = [
  { k: 4, m: 4 },
  { k: 6, m: 6 },
  { k: 8, m: 6 },
];

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
/** Radii grow by this factor beyond what an image needs, so the worklist ends. */
const SLACK = 1.02;
/** The certificate's radii are the fixed point's times this, room for verify's (different, looser) enclosure. */
const ROOM = 1.08;
/** A region wider than this (sum of radii) is not converging. */
const WIDTH_CAP = 40;
const DEBUG = typeof process !== 'undefined' && !!process.env?.CERT_DEBUG;

const bitsOf = (code: number, k: number): string => (k === 0 ? '' : code.toString(2).padStart(k, '0'));

interface Cls {
  center: Float64Array;
  basis: Float64Array;
  radii: Float64Array;
}

/** Principal axes of the states seen per class: base enclosures' centres and float64 states of long strings. */
function shapes(P: CellParams, k: number, base: { cls: number; f: Form }[], seed: number): Cls[] {
  const n = P.n;
  const N = 2 << k;
  const sum = Array.from({ length: N }, () => new Float64Array(n));
  const cov = Array.from({ length: N }, () => new Float64Array(n * n));
  const cnt = new Float64Array(N);
  const add = (cls: number, s: ArrayLike<number>): void => {
    cnt[cls]++;
    const m = sum[cls];
    const C = cov[cls];
    for (let i = 0; i < n; i++) {
      m[i] += s[i];
      for (let j = 0; j < n; j++) C[i * n + j] += s[i] * s[j];
    }
  };
  for (const b of base) add(b.cls, b.f.c);
  const rng = makeRng(streamSeed(seed, 34));
  const mask = (1 << k) - 1;
  for (const p of [0.5, 0.5, 0.1, 0.02, 0.9, 0.98]) {
    for (let i = 0; i < 30; i++) {
      let s: Float64Array = new Float64Array(n);
      let code = 0;
      let par = 0;
      const th = Math.floor(p * 16777216);
      for (let t = 1; t <= 300; t++) {
        const x = rng.nextU32() >>> 8 < th ? 1 : 0;
        s = run64(P, x ? '1' : '0', s);
        code = ((code << 1) | x) & mask;
        par ^= x;
        if (t > k) add(classIndex(par, code, k), s);
      }
    }
  }
  return sum.map((m, cls) => {
    const c = cnt[cls] || 1;
    const center = m.map((v) => v / c);
    const C = cov[cls].map((v, idx) => v / c - center[Math.floor(idx / n)] * center[idx % n]);
    return { center, basis: symmetricEigen(C, n).V, radii: new Float64Array(n) };
  });
}

/** Runs every word of m bits from f; calls leaf(form, word code) at depth m. */
function words(P: CellParams, f: Form, m: number, leaf: (f: Form, word: number, wpar: number) => void, word = 0, wpar = 0, d = 0): void {
  if (d === m) return leaf(f, word, wpar);
  for (let x = 0; x <= 1; x++) words(P, stepForm(P, f, x), m, leaf, (word << 1) | x, wpar ^ x, d + 1);
}

function attempt(model: Model, P: CellParams, k: number, m: number, maxRounds: number): { cert?: Certificate; fail?: Omit<Attempt, 'ms'> } {
  const mask = (1 << k) - 1;
  const baseFrom = k + 1;
  const depth = baseFrom + m - 1;
  const N = 2 << k;
  // 2. The base: enclosures of the states after every string of length baseFrom..depth.
  const base: { cls: number; f: Form }[] = [];
  const walk = (f: Form, code: number, par: number, d: number): void => {
    if (d >= baseFrom) base.push({ cls: classIndex(par, code & mask, k), f });
    if (d === depth) return;
    for (let x = 0; x <= 1; x++) walk(stepForm(P, f, x), ((code << 1) | x) & 0x3fffffff, par ^ x, d + 1);
  };
  walk(pointForm(new Float64Array(P.n)), 0, 0, 0);
  const cls = shapes(P, k, base, 1);
  for (const b of base) {
    const need = neededRadii(b.f, cls[b.cls].center, cls[b.cls].basis);
    const r = cls[b.cls].radii;
    for (let i = 0; i < P.n; i++) r[i] = Math.max(r[i], need[i] * SLACK);
  }
  if (DEBUG) for (const i of [0, 1, N - 1]) console.log('base class', i, Array.from(cls[i].radii, (r) => r.toPrecision(2)).join(' '));
  // 3. The worklist: re-check a region whenever its radii grew.
  const queued = new Uint8Array(N).fill(1);
  const queue = Array.from({ length: N }, (_, i) => i);
  let rounds = 0;
  let worst = 0;
  while (queue.length) {
    if (++rounds > maxRounds) {
      return { fail: { k, m, condition: 'containment', detail: `regions still growing after ${maxRounds} region checks`, by: worst } };
    }
    const i = queue.shift()!;
    queued[i] = 0;
    const p = i >> k;
    const code = i & mask;
    const src = cls[i];
    words(P, regionForm(src.center, src.basis, src.radii), m, (f, word, wpar) => {
      const j = classIndex(p ^ wpar, ((code << m) | word) & mask, k);
      const t = cls[j];
      const need = neededRadii(f, t.center, t.basis);
      let grew = false;
      for (let d = 0; d < P.n; d++) {
        if (need[d] > t.radii[d]) {
          worst = Math.max(worst, need[d] / (t.radii[d] || 1e-300));
          t.radii[d] = need[d] * SLACK;
          grew = true;
        }
      }
      if (grew && !queued[j]) {
        queued[j] = 1;
        queue.push(j);
      }
    });
    let width = 0;
    for (const c of cls) for (const r of c.radii) width += r;
    if (DEBUG && rounds % 4 === 0) console.log('round', rounds, 'width', width.toPrecision(4), 'class0', Array.from(cls[0].radii, (r) => r.toPrecision(2)).join(' '));
    if (!Number.isFinite(width) || width > WIDTH_CAP * N) {
      return { fail: { k, m, condition: 'containment', detail: `regions diverge (total width ${width.toPrecision(3)})`, by: width } };
    }
  }
  // Room for verify, then one full pass in our own domain: every image inside its target, every read-out right.
  for (const c of cls) for (let d = 0; d < P.n; d++) c.radii[d] *= ROOM;
  let containment = Infinity;
  for (let i = 0; i < N; i++) {
    const p = i >> k;
    const code = i & mask;
    words(P, regionForm(cls[i].center, cls[i].basis, cls[i].radii), m, (f, word, wpar) => {
      const t = cls[classIndex(p ^ wpar, ((code << m) | word) & mask, k)];
      const need = neededRadii(f, t.center, t.basis);
      for (let d = 0; d < P.n; d++) containment = Math.min(containment, 1 - need[d] / t.radii[d]);
    });
  }
  for (const b of base) {
    const need = neededRadii(b.f, cls[b.cls].center, cls[b.cls].basis);
    for (let d = 0; d < P.n; d++) containment = Math.min(containment, 1 - need[d] / cls[b.cls].radii[d]);
  }
  if (!(containment >= 0)) return { fail: { k, m, condition: 'containment', detail: 'the final pass found an image outside its region', by: -containment } };
  let readout = Infinity;
  for (let i = 0; i < N; i++) {
    const [lo, hi] = readoutBounds(P, regionForm(cls[i].center, cls[i].basis, cls[i].radii));
    const margin = i >> k ? lo : -hi;
    if (!(margin > 0)) {
      return {
        fail: {
          k, m, condition: 'readout',
          detail: `the read-out of region (parity ${i >> k}, suffix ${bitsOf(i & mask, k)}) spans [${lo.toPrecision(4)}, ${hi.toPrecision(4)}]`,
          by: -margin,
        },
      };
    }
    readout = Math.min(readout, margin);
  }
  // 1. Every string up to depth, by plain inference.
  const short: string[] = [];
  for (let L = 1; L <= depth; L++) for (let v = 0; v < 1 << L; v++) short.push(bitsOf(v, L));
  const z = model.logits(short);
  for (let s = 0; s < short.length; s++) {
    if ((z[s] > 0 ? 1 : 0) !== parity(short[s])) return { fail: { k, m, condition: 'base', detail: `string ${short[s]} is answered wrong`, by: Math.abs(z[s]) } };
  }
  const regions: Region[] = cls.map((c, i) => ({
    parity: (i >> k) as 0 | 1,
    suffix: bitsOf(i & mask, k),
    center: Array.from(c.center),
    basis: Array.from(c.basis),
    radii: Array.from(c.radii),
  }));
  return {
    cert: {
      format: CERT_FORMAT,
      cell: P.cell,
      hiddenSize: P.H,
      weightsHash: model.weightsHash(),
      suffixLength: k,
      stepsPerCheck: m,
      baseFrom,
      depth,
      errorModel: { tanh: ERROR.tanh, sigmoid: ERROR.sigmoid, u: ERROR.u },
      margins: { readout, containment },
      regions,
    },
  };
}

export function certify(model: Model, opts: CertifyOptions = {}): CertifyResult {
  const t0 = now();
  if (model.cell === 'gru') return { verdict: 'unknown', reason: NOT_COVERED(model.cell), attempts: [], ms: 0 };
  if (!opts.skipRefute) {
    const cx = refute(model);
    if (cx) return { verdict: 'refuted', counterexample: cx, ms: now() - t0 };
  }
  const P = cellParams(model);
  const attempts: Attempt[] = [];
  for (const { k, m } of opts.schedule ?? DEFAULT_SCHEDULE) {
    const t = now();
    const r = attempt(model, P, k, m, opts.maxRounds ?? 40 * (2 << k));
    if (r.cert) return { verdict: 'certified', certificate: r.cert, attempts, ms: now() - t0 };
    attempts.push({ ...r.fail!, ms: now() - t });
    if (r.fail!.condition === 'base') {
      // A short string answered wrong is a counterexample after all.
      const bits = /string (\d+)/.exec(r.fail!.detail)![1];
      const z = model.logits([bits])[0];
      return { verdict: 'refuted', counterexample: { bits, answer: z > 0 ? 1 : 0, parity: parity(bits), logit: z, found: 'exhaustive short strings' }, ms: now() - t0 };
    }
  }
  const last = attempts[attempts.length - 1];
  return {
    verdict: 'unknown',
    reason: attempts.map((a) => `k=${a.k} m=${a.m}: ${a.condition} fails: ${a.detail}`).join('; ') || 'no schedule',
    attempts,
    ms: now() - t0,
  };
}
