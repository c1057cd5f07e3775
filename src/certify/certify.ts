// certify(model): refuted (a string predict gets wrong), certified (a certificate verify can check), or unknown
// (which condition failed, by how much). The search for regions: one parallelotope per class (parity, last k bits),
// shaped by the principal axes of the states seen in that class; unless its linearised radii already expand (the
// growth check, which ends the attempt early), its radii grown by a worklist until every
// stepsPerCheck-bit image of every region lies inside its target region (a post-fixed point), then the read-out's
// sign is checked on each region.

import { type Model } from '../core/model.js';
import { parity } from '../core/bits.js';
import { makeRng, streamSeed } from '../core/rng.js';
import { cellParams, ERROR, NOT_COVERED, step64, step64Into, type CellParams } from './cells.js';
import { type Form, pointForm, regionForm, stepForms, readoutBounds, neededRadii } from './zonotope.js';
import { symmetricEigen } from './linalg.js';
import { CERT_FORMAT, classIndex, type Certificate, type Region } from './certificate.js';
import { refute, type Counterexample } from './refute.js';

export interface ScheduleEntry {
  /** Suffix length: one class per (parity, last k bits). */
  k: number;
  /** Bits per induction step. */
  m: number;
  /** Slice each class into cells of this width along its 3 widest axes (default: one region per class). */
  sw?: number;
  /** Cut each source region into pieces at most this wide before propagating it (default: whole). */
  piece?: number;
  pieceCap?: number;
  /** First length of the enumerated base (default k + 1): later, the zero start's transient has decayed. */
  baseFrom?: number;
}

export interface CertifyOptions {
  /** Attempts in order until one closes. */
  schedule?: ScheduleEntry[];
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

export const DEFAULT_SCHEDULE: ScheduleEntry[] = [
  { k: 4, m: 4 },
  { k: 6, m: 4 },
];

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
/** Radii grow by this factor beyond what an image needs, so the worklist ends. */
const SLACK = 1.02;
/**
 * Every image must need at most 1/ROOM of its region's radii, room for verify's (different, looser) enclosure.
 * It is asked of the worklist itself, not added after it: widening the regions at the end widens their images
 * too, and where the second-order terms dominate a thin radius (strongly contracting models) the images then
 * outgrow the widened regions (measured: by 6-9% of a radius after widening by 8%).
 */
const ROOM = 1.15;
/**
 * The thinnest a region may be. Where a class's states agree to the float32 rounding (1e-5, in strongly
 * contracting models), verify's operation-by-operation rounding needs more room than our enclosure.
 */
const FLOOR = 1e-4;
/**
 * A region whose radii sum past this is not converging: the linearisation is useless at that size (h lies in
 * [-1, 1]^H), so stop rather than iterate.
 */
const REGION_CAP = 8;
/** Principal axes a class is sliced along (when a schedule entry sets sw). */
const AXES = 3;

const bitsOf = (code: number, k: number): string => (k === 0 ? '' : code.toString(2).padStart(k, '0'));

interface Cls {
  center: Float64Array;
  basis: Float64Array;
  radii: Float64Array;
}

/** float64 states of long strings at six densities, each with the bits that led to it (the last 30 of them). */
interface Samples {
  /** State q at states[q n .. q n + n). */
  states: Float64Array;
  count: number;
  codes: Uint32Array;
  parities: Uint8Array;
  /** Position in its string (1-based): a class of suffix k only takes states with t > k. */
  t: Uint16Array;
}

/** The same for every attempt (its stream does not depend on k), so certify runs it once. */
function samples(P: CellParams, seed: number): Samples {
  const total = 180 * 300;
  const n = P.n;
  const out: Samples = { states: new Float64Array(total * n), count: 0, codes: new Uint32Array(total), parities: new Uint8Array(total), t: new Uint16Array(total) };
  const rng = makeRng(streamSeed(seed, 34));
  const s = new Float64Array(n);
  for (const p of [0.5, 0.5, 0.1, 0.02, 0.9, 0.98]) {
    for (let i = 0; i < 30; i++) {
      s.fill(0);
      let code = 0;
      let par = 0;
      const th = Math.floor(p * 16777216);
      for (let t = 1; t <= 300; t++) {
        const x = rng.nextU32() >>> 8 < th ? 1 : 0;
        step64Into(P, s, x, s);
        code = ((code << 1) | x) & 0x3fffffff;
        par ^= x;
        const q = out.count++;
        out.states.set(s, q * n);
        out.codes[q] = code;
        out.parities[q] = par;
        out.t[q] = t;
      }
    }
  }
  return out;
}

/** Principal axes of the states seen per class: the base's float64 states and the samples of long strings. */
function shapes(P: CellParams, k: number, base: { cls: number; s: Float64Array }[], seen: Samples): Cls[] {
  const n = P.n;
  const N = 2 << k;
  const sum = Array.from({ length: N }, () => new Float64Array(n));
  const cov = Array.from({ length: N }, () => new Float64Array(n * n));
  const cnt = new Float64Array(N);
  // Only the upper triangle is summed (s_i s_j and s_j s_i are the same float64 product, added in the same order),
  // then mirrored.
  const add = (cls: number, s: Float64Array, o: number): void => {
    cnt[cls]++;
    const m = sum[cls];
    const C = cov[cls];
    // Two rows of the triangle per pass over the columns (one term added to each entry, as before).
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const si = s[o + i];
      const sk = s[o + i + 1];
      m[i] += si;
      m[i + 1] += sk;
      const r0 = i * n;
      const r1 = r0 + n;
      C[r0 + i] += si * si;
      for (let j = i + 1; j < n; j++) {
        const sj = s[o + j];
        C[r0 + j] += si * sj;
        C[r1 + j] += sk * sj;
      }
    }
    for (; i < n; i++) {
      const si = s[o + i];
      m[i] += si;
      for (let j = i, ij = i * n + i; j < n; j++, ij++) C[ij] += si * s[o + j];
    }
  };
  for (const b of base) add(b.cls, b.s, 0);
  const mask = (1 << k) - 1;
  for (let q = 0; q < seen.count; q++) if (seen.t[q] > k) add(classIndex(seen.parities[q], seen.codes[q] & mask, k), seen.states, q * n);
  for (const C of cov) for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) C[i * n + j] = C[j * n + i];
  return sum.map((m, cls) => {
    const c = cnt[cls] || 1;
    const center = m.map((v) => v / c);
    const C = cov[cls].map((v, idx) => v / c - center[Math.floor(idx / n)] * center[idx % n]);
    return { center, basis: symmetricEigen(C, n).V, radii: new Float64Array(n) };
  });
}

/**
 * C[co ..] = A^T B[bo ..] for row-major n x n matrices: C_ij = sum over l of A_li B_lj, added in order of l from 0
 * and skipping the terms whose A_li is 0, four entries of a row of C summed side by side.
 */
function matmulT(A: Float64Array, B: Float64Array, bo: number, n: number, C: Float64Array, co: number): void {
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let l = 0; l < n; l++) {
        const a = A[l * n + i];
        if (a === 0) continue;
        const b = bo + l * n + j;
        c0 += a * B[b];
        c1 += a * B[b + 1];
        c2 += a * B[b + 2];
        c3 += a * B[b + 3];
      }
      const c = co + i * n + j;
      C[c] = c0;
      C[c + 1] = c1;
      C[c + 2] = c2;
      C[c + 3] = c3;
    }
    for (; j < n; j++) {
      let c0 = 0;
      for (let l = 0; l < n; l++) {
        const a = A[l * n + i];
        if (a !== 0) c0 += a * B[bo + l * n + j];
      }
      C[co + i * n + j] = c0;
    }
  }
}

/**
 * How fast the worklist's radii grow per m-bit word when the step is replaced by its linearisation at each class's
 * centre: a target's radii must cover |V_t^T J_w V_s| r_s for every source s and word w (J_w the word's Jacobian,
 * V the regions' axes), and this is that max-linear system's growth rate by power iteration. Above 1 the affine
 * part alone pushes the radii out, so no region size closes and the attempt can stop before the worklist (measured
 * at k 4 on default trained models: 1.25-1.75; hardened with weight decay, whose cell states stay bounded: 0.46-0.96).
 * A heuristic for giving up early, never part of a certificate.
 */
function linearGrowth(P: CellParams, k: number, m: number, shape: Cls[]): number {
  const n = P.n;
  const nn = n * n;
  const N = 2 << k;
  const mask = (1 << k) - 1;
  const W = 1 << m;
  const eps = 1e-7;
  // Transition q = src W + w: from class src to class tgt[q], its matrix |V_t^T J_w V_s| at M[q nn .. q nn + nn).
  const tgt = new Int32Array(N * W);
  const M = new Float64Array(N * W * nn);
  // JV[w] column a = (F_w(centre + eps v_a) - F_w(centre)) / eps: the word map's Jacobian times the source axes,
  // by forward differences along the word tree (a heuristic's input: 1e-7 relative is plenty). The tree's states
  // live in one buffer per depth, its leaves in ends (word w at w n), the centre's own leaves in mid.
  const JV = new Float64Array(W * nn);
  const ends = new Float64Array(W * n);
  const mid = new Float64Array(W * n);
  const level = Array.from({ length: m + 1 }, () => new Float64Array(n));
  const leaves = (s: Float64Array, word: number, d: number): void => {
    if (d === m) {
      ends.set(s, word * n);
      return;
    }
    for (let x = 0; x <= 1; x++) leaves(step64Into(P, s, x, level[d + 1]), (word << 1) | x, d + 1);
  };
  const sp = new Float64Array(n);
  for (let src = 0; src < N; src++) {
    const { center, basis } = shape[src];
    leaves(center, 0, 0);
    mid.set(ends);
    for (let a = 0; a < n; a++) {
      sp.set(center);
      for (let i = 0; i < n; i++) sp[i] += eps * basis[i * n + a];
      leaves(sp, 0, 0);
      for (let w = 0; w < W; w++) for (let i = 0; i < n; i++) JV[w * nn + i * n + a] = (ends[w * n + i] - mid[w * n + i]) / eps;
    }
    for (let w = 0; w < W; w++) {
      let wpar = 0;
      for (let v = w; v; v >>= 1) wpar ^= v & 1;
      const q = src * W + w;
      const t = classIndex((src >> k) ^ wpar, (((src & mask) << m) | w) & mask, k);
      tgt[q] = t;
      matmulT(shape[t].basis, JV, w * nn, n, M, q * nn);
    }
  }
  for (let q = 0; q < M.length; q++) M[q] = Math.abs(M[q]);
  // The radii of class c at r[c n .. c n + n), the next round's in next (both flat, swapped each round).
  let r = new Float64Array(N * n).fill(1);
  let next = new Float64Array(N * n);
  // The rate of a max-linear iteration settles within a few dozen rounds; stop once it agrees to 1e-3 five times.
  let rate = 0;
  let steady = 0;
  for (let it = 0; it < 80 && steady < 5; it++) {
    next.fill(0);
    for (let q = 0; q < N * W; q++) {
      const rs = ((q / W) | 0) * n;
      const rt = tgt[q] * n;
      const mo = q * nn;
      // Four rows at a time, each summed in column order (four independent sums for the adder, r loaded once).
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        let v0 = 0, v1 = 0, v2 = 0, v3 = 0;
        const o0 = mo + i * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
        for (let j = 0; j < n; j++) {
          const rj = r[rs + j];
          v0 += M[o0 + j] * rj;
          v1 += M[o1 + j] * rj;
          v2 += M[o2 + j] * rj;
          v3 += M[o3 + j] * rj;
        }
        if (v0 > next[rt + i]) next[rt + i] = v0;
        if (v1 > next[rt + i + 1]) next[rt + i + 1] = v1;
        if (v2 > next[rt + i + 2]) next[rt + i + 2] = v2;
        if (v3 > next[rt + i + 3]) next[rt + i + 3] = v3;
      }
      for (; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += M[mo + i * n + j] * r[rs + j];
        if (v > next[rt + i]) next[rt + i] = v;
      }
    }
    let top = 0;
    for (let i = 0; i < next.length; i++) if (next[i] > top) top = next[i];
    if (!(top > 0)) return 0;
    steady = Math.abs(top - rate) <= 1e-3 * top ? steady + 1 : 0;
    rate = top;
    for (let i = 0; i < next.length; i++) next[i] /= top;
    [r, next] = [next, r];
  }
  return rate;
}

/**
 * The forms a tree of steps (words, the base's walk) writes into, two per depth: a visit only reads its form, and
 * neither tree runs inside a visit of the other.
 */
const TREE_FORMS: [Form, Form][] = [];
const emptyForm = (): Form => ({ g: 0, c: new Float64Array(0), A: new Float64Array(0), e: new Float64Array(0) });

/**
 * Runs every word of m bits from f; calls leaf(form, word code) at depth m, in word order (the form is reused after
 * it returns). Both steps from a form are taken together (stepForms), then each subtree in turn.
 */
function words(P: CellParams, f: Form, m: number, leaf: (f: Form, word: number, wpar: number) => void, word = 0, wpar = 0, d = 0): void {
  if (d === m) return leaf(f, word, wpar);
  const pair = (TREE_FORMS[d] ??= [emptyForm(), emptyForm()]);
  stepForms(P, f, pair[0], pair[1]);
  for (let x = 0; x <= 1; x++) words(P, pair[x], m, leaf, (word << 1) | x, wpar ^ x, d + 1);
}

/**
 * The source region cut into pieces along its wide axes (each piece at most `size` wide per axis, at most `cap`
 * pieces): the linearisation error is second order in a piece's size, the affine part stays exact.
 */
function pieces(center: Float64Array, basis: Float64Array, radii: Float64Array, size: number, cap: number): Form[] {
  const n = center.length;
  let counts = Array.from(radii, (r) => Math.max(1, Math.ceil((2 * r) / size)));
  let total = counts.reduce((a, b) => a * b, 1);
  let grow = size;
  while (total > cap) {
    grow *= 1.25;
    counts = Array.from(radii, (r) => Math.max(1, Math.ceil((2 * r) / grow)));
    total = counts.reduce((a, b) => a * b, 1);
  }
  const out: Form[] = [];
  const idx = new Array(n).fill(0);
  for (let t = 0; t < total; t++) {
    const c = Float64Array.from(center);
    const r = new Float64Array(n);
    for (let a = 0; a < n; a++) {
      const w = radii[a] / counts[a];
      r[a] = w;
      const off = -radii[a] + (2 * idx[a] + 1) * w;
      if (off !== 0) for (let i = 0; i < n; i++) c[i] += basis[i * n + a] * off;
    }
    out.push(regionForm(c, basis, r));
    for (let a = 0; a < n; a++) {
      if (++idx[a] < counts[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

interface Slice {
  cls: number;
  center: Float64Array;
  basis: Float64Array;
  radii: Float64Array;
  /** Something was placed in it: only live slices are checked and written. */
  live: boolean;
}

function attempt(model: Model, P: CellParams, k: number, m: number, maxRounds: number, sliceWidth: number, piece: number, pieceCap: number, baseAt: number, seen: Samples): { cert?: Certificate; fail?: Omit<Attempt, 'ms'> } {
  const mask = (1 << k) - 1;
  const baseFrom = Math.max(k + 1, baseAt);
  const depth = baseFrom + m - 1;
  const N = 2 << k;
  const n = P.n;
  // The regions' shapes from float64 states (the base's and long strings'), then the cheap test of whether the
  // linearised radii can close at all, before the zonotope base, which costs 2^(depth+1) enclosed steps.
  const points: { cls: number; s: Float64Array }[] = [];
  const walk64 = (s: Float64Array, code: number, par: number, d: number): void => {
    if (d >= baseFrom) points.push({ cls: classIndex(par, code & mask, k), s });
    if (d === depth) return;
    for (let x = 0; x <= 1; x++) walk64(step64(P, s, x), ((code << 1) | x) & 0x3fffffff, par ^ x, d + 1);
  };
  walk64(new Float64Array(n), 0, 0, 0);
  const shape = shapes(P, k, points, seen);
  const growth = linearGrowth(P, k, m, shape);
  if (growth > 1) {
    return { fail: { k, m, condition: 'containment', detail: `linearised at the class centres, the regions' radii grow by ${growth.toPrecision(3)} per ${m}-bit word: no region size contains the images`, by: growth } };
  }
  // 2. The base: enclosures of the states after every string of length baseFrom..depth, visited depth first (bit 0
  // before bit 1), the b-th with visit(class, form, b). The forms are reused (TREE_FORMS): visit only reads its own.
  let baseCount = 0;
  for (let d = baseFrom; d <= depth; d++) baseCount += 2 ** d;
  const baseWalk = (visit: (cls: number, f: Form, b: number) => void): void => {
    let b = 0;
    const walk = (f: Form, code: number, par: number, d: number): void => {
      if (d >= baseFrom) visit(classIndex(par, code & mask, k), f, b++);
      if (d === depth) return;
      const pair = (TREE_FORMS[d] ??= [emptyForm(), emptyForm()]);
      stepForms(P, f, pair[0], pair[1]);
      for (let x = 0; x <= 1; x++) walk(pair[x], ((code << 1) | x) & 0x3fffffff, par ^ x, d + 1);
    };
    walk(pointForm(new Float64Array(n)), 0, 0, 0);
  };
  // Each class is cut into slices along its widest axis: a wide region (an integrator cell state that is
  // saturated at one end and not at the other) makes the linearisation useless, slices keep it local.
  const slices: Slice[] = [];
  const byClass: number[][] = Array.from({ length: N }, () => []);
  const keyOf = new Map<string, number>();
  // The slice at offset 0 on every axis of each class (the only one when classes are not sliced), without its key.
  const central = new Int32Array(N).fill(-1);
  const q: number[] = [];
  const sliceOf = (cls: number, c: ArrayLike<number>): number => {
    const sh = shape[cls];
    let zero = true;
    for (let a = 0; a < AXES; a++) {
      let t = 0;
      for (let i = 0; i < n; i++) t += sh.basis[i * n + a] * (c[i] - sh.center[i]);
      q[a] = Math.round(t / sliceWidth);
      if (q[a] !== 0) zero = false;
    }
    if (zero && central[cls] >= 0) return central[cls];
    const key = cls + ':' + q.join(',');
    const known = keyOf.get(key);
    if (known !== undefined) return known;
    const center = Float64Array.from(sh.center);
    for (let a = 0; a < AXES; a++) if (q[a] !== 0) for (let i = 0; i < n; i++) center[i] += sh.basis[i * n + a] * q[a] * sliceWidth;
    slices.push({ cls, center, basis: sh.basis, radii: new Float64Array(n), live: false });
    byClass[cls].push(slices.length - 1);
    keyOf.set(key, slices.length - 1);
    if (zero) central[cls] = slices.length - 1;
    return slices.length - 1;
  };
  const queued: number[] = [];
  const queue: number[] = [];
  let worst = 0;
  /** Places f in a slice of class cls (growing it as needed); writes what f needs of it at need[off ..], returns it. */
  const place = (cls: number, f: Form, need: Float64Array, off: number): number => {
    const j = sliceOf(cls, f.c);
    const t = slices[j];
    neededRadii(f, t.center, t.basis, need, off);
    let grew = !t.live;
    t.live = true;
    for (let d = 0; d < n; d++) {
      const nd = need[off + d];
      if (nd * ROOM > t.radii[d]) {
        worst = Math.max(worst, (nd * ROOM) / (t.radii[d] || 1e-300));
        t.radii[d] = Math.max(nd * ROOM * SLACK, FLOOR);
        grew = true;
      }
    }
    if (grew) {
      let width = 0;
      for (const r of t.radii) width += r;
      if (!(width <= REGION_CAP)) diverged = Math.max(diverged, width || Infinity);
    }
    if (grew && !queued[j]) {
      queued[j] = 1;
      queue.push(j);
    }
    return j;
  };
  let diverged = 0;
  // What each image needs of the slice it was placed in, kept for the final pass: a slice's last propagation ran
  // with its final radii (a slice that grows is queued again), and a need depends only on the image and the slice's
  // centre and axes, never on its radii. So where a class has a single slice, the final pass can read the need
  // instead of enclosing the image again. Kept for the base, and for each slice propagated as one piece (word w's
  // image at w n, its slice in leafSlice); leafNeed[i] is null for a slice cut into pieces.
  const W = 1 << m;
  const baseNeed = new Float64Array(baseCount * n);
  const baseSlice = new Int32Array(baseCount);
  const leafNeed: (Float64Array | null)[] = [];
  const leafSlice: (Int32Array | null)[] = [];
  const scratchNeed = new Float64Array(n);
  baseWalk((cls, f, b) => (baseSlice[b] = place(cls, f, baseNeed, b * n)));
  // 3. The worklist: re-check a slice whenever its radii grew.
  let rounds = 0;
  while (queue.length) {
    if (++rounds > maxRounds) {
      return { fail: { k, m, condition: 'containment', detail: `regions still growing after ${maxRounds} region checks`, by: worst } };
    }
    const i = queue.shift()!;
    queued[i] = 0;
    const src = slices[i];
    const p = src.cls >> k;
    const code = src.cls & mask;
    const parts = pieces(src.center, src.basis, src.radii, piece, pieceCap);
    if (parts.length === 1) {
      const need = (leafNeed[i] ??= new Float64Array(W * n));
      const at = (leafSlice[i] ??= new Int32Array(W));
      words(P, parts[0], m, (f, word, wpar) => {
        at[word] = place(classIndex(p ^ wpar, ((code << m) | word) & mask, k), f, need, word * n);
      });
    } else {
      leafNeed[i] = leafSlice[i] = null;
      for (const part of parts) words(P, part, m, (f, word, wpar) => {
        place(classIndex(p ^ wpar, ((code << m) | word) & mask, k), f, scratchNeed, 0);
      });
    }
    if (diverged) {
      return { fail: { k, m, condition: 'containment', detail: `a region's radii grew past ${REGION_CAP} in sum (to ${diverged.toPrecision(3)}): the images do not contract into their regions`, by: diverged } };
    }
  }
  const live = slices.filter((s) => s.live);
  // One full pass in our own domain: every image inside a region (with ROOM to spare), every read-out right.
  let containment = Infinity;
  /** How much room the need at need[off ..] leaves in slice t: 1 - need / radius in its tightest direction. */
  const room = (need: Float64Array, off: number, t: Slice): number => {
    let w = Infinity;
    for (let d = 0; d < n; d++) w = Math.min(w, 1 - need[off + d] / t.radii[d]);
    return w;
  };
  const fitNeed = new Float64Array(n);
  const fits = (cls: number, f: Form): number => {
    let best = -Infinity;
    for (const j of byClass[cls]) {
      const t = slices[j];
      if (!t.live) continue;
      neededRadii(f, t.center, t.basis, fitNeed, 0);
      best = Math.max(best, room(fitNeed, 0, t));
    }
    return best;
  };
  /** The image placed in slice j is the only candidate of its class: its kept need decides (what fits computes). */
  const alone = (j: number): boolean => byClass[slices[j].cls].length === 1 && slices[j].live;
  for (let i = 0; i < slices.length; i++) {
    const s = slices[i];
    if (!s.live) continue;
    const need = leafNeed[i];
    const at = leafSlice[i];
    if (need && at && at.every(alone)) {
      for (let w = 0; w < W; w++) containment = Math.min(containment, Math.max(-Infinity, room(need, w * n, slices[at[w]])));
      continue;
    }
    const p = s.cls >> k;
    const code = s.cls & mask;
    for (const part of pieces(s.center, s.basis, s.radii, piece, pieceCap)) words(P, part, m, (f, word, wpar) => {
      containment = Math.min(containment, fits(classIndex(p ^ wpar, ((code << m) | word) & mask, k), f));
    });
  }
  // The base's forms were not kept: where a need cannot decide, the walk encloses them again (the same forms).
  const baseFit = (b: number): number => Math.max(-Infinity, room(baseNeed, b * n, slices[baseSlice[b]]));
  if (baseSlice.every(alone)) for (let b = 0; b < baseCount; b++) containment = Math.min(containment, baseFit(b));
  else baseWalk((cls, f, b) => (containment = Math.min(containment, alone(baseSlice[b]) ? baseFit(b) : fits(cls, f))));
  if (!(containment >= 0)) return { fail: { k, m, condition: 'containment', detail: 'the final pass found an image outside its region', by: -containment } };
  let readout = Infinity;
  for (const s of live) {
    const [lo, hi] = readoutBounds(P, regionForm(s.center, s.basis, s.radii));
    const par = s.cls >> k;
    const margin = par ? lo : -hi;
    if (!(margin > 0)) {
      return {
        fail: {
          k, m, condition: 'readout',
          detail: `the read-out of a region of (parity ${par}, suffix ${bitsOf(s.cls & mask, k)}) spans [${lo.toPrecision(4)}, ${hi.toPrecision(4)}]`,
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
  const regions: Region[] = live.map((c) => ({
    parity: (c.cls >> k) as 0 | 1,
    suffix: bitsOf(c.cls & mask, k),
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

  if (!opts.skipRefute) {
    const cx = refute(model);
    if (cx) return { verdict: 'refuted', counterexample: cx, ms: now() - t0 };
  }
  // A GRU can be refuted (above: plain inference) but not yet proved: its step is not in the enclosure domain.
  if (model.cell === 'gru') return { verdict: 'unknown', reason: NOT_COVERED(model.cell), attempts: [], ms: now() - t0 };
  const P = cellParams(model);
  const attempts: Attempt[] = [];
  let seen: Samples | undefined;
  for (const { k, m, sw = Infinity, piece = Infinity, pieceCap = 256, baseFrom = 0 } of opts.schedule ?? DEFAULT_SCHEDULE) {
    const t = now();
    const r = attempt(model, P, k, m, opts.maxRounds ?? 20 * (2 << k), sw, piece, pieceCap, baseFrom, (seen ??= samples(P, 1)));
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
