// verify(model, certificate): an independent check of a parity-lstm-certificate/1, sharing no enclosure code with
// certify. Its domain is different on purpose: affine forms whose coefficients are intervals with outward
// rounding on every operation (so float64 rounding is enclosed op by op, not by a global pad), activations by
// Taylor's theorem around the centre with the largest |f''| on the range (certify uses DeepZ's min-slope), and containment in a
// region through V^T with the rounding defect of V^T V bounded explicitly. The float32 inference's error bounds
// are restated here (not imported) and must equal the certificate's errorModel.

import { type CellKind } from '../core/layout.js';
import { type Model } from '../core/model.js';
import { parity } from '../core/bits.js';
import { tensorLayout } from '../core/layout.js';
import { CERT_FORMAT, type Certificate } from './certificate.js';

export type VerifyResult = { ok: true; regions: number; checks: number; ms: number } | { ok: false; condition: string; ms: number };

const TANH_ERR = 1e-6;
const SIGMOID_ERR = 1e-6;
const U32 = 2 ** -24;
const TINY32 = 2 ** -149;

// ---- outward-rounded scalars: a float64 op is within half an ulp, so one |x| 2^-52 step (plus the smallest
// subnormal) outward covers it. ----
const UP = 4.5e-16;
const up = (x: number): number => x + (Math.abs(x) * UP + 5e-324);
const dn = (x: number): number => x - (Math.abs(x) * UP + 5e-324);
/** Bounds for libm's exp/tanh (a few ulps; our values are of magnitude <= 1 after the function). */
const LIBM = 1e-14;

type I = [number, number];
const iadd = (a: I, b: I): I => [dn(a[0] + b[0]), up(a[1] + b[1])];
const imulS = (a: I, s: number): I => (s >= 0 ? [dn(a[0] * s), up(a[1] * s)] : [dn(a[1] * s), up(a[0] * s)]);
function imul(a: I, b: I): I {
  const p = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]];
  return [dn(Math.min(...p)), up(Math.max(...p))];
}
const mag = (a: I): number => Math.max(Math.abs(a[0]), Math.abs(a[1]));

// ---- interval affine forms: x in [c0, c1] + sum_k [lo_k, hi_k] u_k + [-e, e], |u_k| <= 1; the coefficients'
// bounds in two arrays rather than a pair per coefficient, so a step allocates a few arrays, not one per term ----
interface F {
  c0: number;
  c1: number;
  lo: Float64Array;
  hi: Float64Array;
  e: number;
  /** radiusOf(this) once taken, -1 before (a form is never changed after it is made, so it is taken once). */
  r: number;
}

const magOf = (lo: number, hi: number): number => Math.max(Math.abs(lo), Math.abs(hi));

function radiusOf(x: F): number {
  if (x.r !== -1) return x.r;
  let s = x.e;
  for (let k = 0; k < x.lo.length; k++) s = up(s + magOf(x.lo[k], x.hi[k]));
  x.r = s;
  return s;
}

// Coefficient arrays are carved out of large zeroed buffers, each part used once (allocating every short
// Float64Array on its own took most of verify's time). A part keeps its buffer alive, nothing else shares it.
let SLAB = new Float64Array(0);
let SLAB_AT = 0;
function coefs(g: number): Float64Array {
  if (SLAB_AT + g > SLAB.length) {
    SLAB = new Float64Array(Math.max(1 << 16, g));
    SLAB_AT = 0;
  }
  const a = SLAB.subarray(SLAB_AT, SLAB_AT + g);
  SLAB_AT += g;
  return a;
}
const rangeOf = (x: F): I => {
  const r = radiusOf(x);
  return [dn(x.c0 - r), up(x.c1 + r)];
};

/** sum_i ws[i] xs[i] + constant, each product and sum rounded outward. */
function lin(xs: F[], ws: ArrayLike<number>, constant: number, g: number): F {
  // iadd(acc, imulS(x, w)) term by term, written out so the hot loop allocates nothing; an exact zero coefficient
  // adds exactly zero (most absorbed generators belong to one coordinate only).
  let c0 = constant;
  let c1 = constant;
  const lo = coefs(g);
  const hi = coefs(g);
  let e = 0;
  for (let i = 0; i < xs.length; i++) {
    const w = ws[i];
    if (w === 0) continue;
    const x = xs[i];
    const pos = w >= 0;
    c0 = dn(c0 + dn((pos ? x.c0 : x.c1) * w));
    c1 = up(c1 + up((pos ? x.c1 : x.c0) * w));
    const xl = x.lo;
    const xh = x.hi;
    for (let k = 0; k < g; k++) {
      const l = xl[k];
      const h = xh[k];
      if (l === 0 && h === 0) continue;
      lo[k] = dn(lo[k] + dn((pos ? l : h) * w));
      hi[k] = up(hi[k] + up((pos ? h : l) * w));
    }
    e = up(e + up(Math.abs(w) * x.e));
  }
  return { c0, c1, lo, hi, e, r: -1 };
}

function widen(x: F, by: number): F {
  return { c0: x.c0, c1: x.c1, lo: x.lo, hi: x.hi, e: up(x.e + by), r: -1 };
}

/** The coefficients of x times the interval [s0, s1] (imul per coefficient). */
function scaleCoefs(x: F, s0: number, s1: number): { lo: Float64Array; hi: Float64Array } {
  const g = x.lo.length;
  const lo = coefs(g);
  const hi = coefs(g);
  for (let k = 0; k < g; k++) {
    const l = x.lo[k];
    const h = x.hi[k];
    const p0 = s0 * l, p1 = s0 * h, p2 = s1 * l, p3 = s1 * h;
    lo[k] = dn(Math.min(Math.min(p0, p1), Math.min(p2, p3)));
    hi[k] = up(Math.max(Math.max(p0, p1), Math.max(p2, p3)));
  }
  return { lo, hi };
}

// |f''| of tanh peaks at atanh(1/sqrt 3) = 0.6585 (value 4 / (3 sqrt 3)), of the sigmoid at ln(2 + sqrt 3) = 1.3170
// (value sqrt 3 / 18); it is 0 at 0 and falls off past the peak, so on a range without +-peak its largest value is
// at an end. The peak values are rounded up.
const F2 = {
  tanh: { peak: 0.6584789484624084, top: 0.7698003589195011, f2: (v: number) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2) },
  sigmoid: {
    peak: 1.3169578969248166,
    top: 0.09622504486493764,
    f2: (v: number) => {
      const y = 1 / (1 + Math.exp(-v));
      return y * (1 - y) * (1 - 2 * y);
    },
  },
};

/** The largest |f''| on [lo, hi], rounded up. */
function maxF2(kind: 'tanh' | 'sigmoid', lo: number, hi: number): number {
  const { peak, top, f2 } = F2[kind];
  if ((lo <= peak && hi >= peak) || (lo <= -peak && hi >= -peak)) return up(top + LIBM);
  return up(Math.max(Math.abs(f2(lo)), Math.abs(f2(hi))) + LIBM);
}

/**
 * f(z) by Taylor's theorem around the centre's midpoint m: f(m) + f'(m) (z - m) + a remainder of at most
 * max|f''| (z - m)^2 / 2 on the range (certify linearises by DeepZ's min-slope instead).
 */
function taylor(z: F, kind: 'tanh' | 'sigmoid'): F {
  const f = kind === 'tanh' ? Math.tanh : (v: number) => 1 / (1 + Math.exp(-v));
  const df = kind === 'tanh' ? (v: number) => 1 - Math.tanh(v) ** 2 : (v: number) => f(v) * (1 - f(v));
  const [lo, hi] = rangeOf(z);
  const m = (z.c0 + z.c1) / 2;
  const fm = f(m);
  const dm = df(m);
  const D: I = [dn(dm - LIBM), up(dm + LIBM)];
  // |z - m| <= R: the centre's own spread, the coefficients and the error.
  const R = up(Math.max(up(z.c1 - m), up(m - z.c0)) + radiusOf(z));
  const c = iadd([fm - LIBM, fm + LIBM], imul(D, [dn(z.c0 - m), up(z.c1 - m)]));
  const a = scaleCoefs(z, D[0], D[1]);
  const rem = up(up(maxF2(kind, lo, hi) * up(R * R)) / 2);
  const e = up(up(up(mag(D) * z.e) + rem) + (kind === 'tanh' ? TANH_ERR : SIGMOID_ERR));
  return { c0: c[0], c1: c[1], lo: a.lo, hi: a.hi, e, r: -1 };
}

/** f(z) by the mean-value form around the centre's midpoint: f(m) + f'([lo, hi]) (z - m). */
function meanValue(z: F, kind: 'tanh' | 'sigmoid'): F {
  const f = kind === 'tanh' ? Math.tanh : (v: number) => 1 / (1 + Math.exp(-v));
  const df = kind === 'tanh' ? (v: number) => 1 - Math.tanh(v) ** 2 : (v: number) => f(v) * (1 - f(v));
  const [lo, hi] = rangeOf(z);
  const dlo = df(lo);
  const dhi = df(hi);
  const peak = lo <= 0 && hi >= 0 ? df(0) : Math.max(dlo, dhi);
  const S: I = [Math.max(0, dn(Math.min(dlo, dhi)) - LIBM), up(peak) + LIBM];
  const m = (z.c0 + z.c1) / 2;
  const fm = f(m);
  const d: I = [dn(z.c0 - m), up(z.c1 - m)];
  const c = iadd([fm - LIBM, fm + LIBM], imul(S, d));
  const a = scaleCoefs(z, S[0], S[1]);
  const e = up(up(S[1] * z.e) + (kind === 'tanh' ? TANH_ERR : SIGMOID_ERR));
  return { c0: c[0], c1: c[1], lo: a.lo, hi: a.hi, e, r: -1 };
}

/** What absorb turns into a box: the error, half the centre's width and half of every coefficient's. */
function loose(x: F): number {
  let r = x.e + (x.c1 - x.c0) / 2;
  for (let k = 0; k < x.lo.length; k++) r = r + (x.hi[k] - x.lo[k]) / 2;
  return r;
}

/**
 * The activation by whichever of the two sound forms leaves less uncertainty outside its point coefficients (what
 * absorb turns into a box): Taylor's where the range is narrow, the mean-value form's where f' barely varies.
 */
function activate(z: F, kind: 'tanh' | 'sigmoid'): F {
  const t = taylor(z, kind);
  const v = meanValue(z, kind);
  return loose(v) < loose(t) ? v : t;
}

/** x * y with float32 rounding of the product. */
function times(x: F, y: F): F {
  const rx = radiusOf(x);
  const ry = radiusOf(y);
  const xc: I = [x.c0, x.c1];
  const yc: I = [y.c0, y.c1];
  const c = imul(xc, yc);
  // a_k = iadd(imul(xc, y_k), imul(yc, x_k)), written out.
  const g = x.lo.length;
  const lo = coefs(g);
  const hi = coefs(g);
  for (let k = 0; k < g; k++) {
    const yl = y.lo[k], yh = y.hi[k], xl = x.lo[k], xh = x.hi[k];
    const p0 = x.c0 * yl, p1 = x.c0 * yh, p2 = x.c1 * yl, p3 = x.c1 * yh;
    const q0 = y.c0 * xl, q1 = y.c0 * xh, q2 = y.c1 * xl, q3 = y.c1 * xh;
    const l1 = dn(Math.min(Math.min(p0, p1), Math.min(p2, p3)));
    const h1 = up(Math.max(Math.max(p0, p1), Math.max(p2, p3)));
    const l2 = dn(Math.min(Math.min(q0, q1), Math.min(q2, q3)));
    const h2 = up(Math.max(Math.max(q0, q1), Math.max(q2, q3)));
    lo[k] = dn(l1 + l2);
    hi[k] = up(h1 + h2);
  }
  // (x - xc)(y - yc) is at most rx ry; the centres' own spread was kept in c.
  const top = up(up(mag(xc) + rx) * up(mag(yc) + ry));
  const e = up(up(up(rx * ry) + up(mag(xc) * y.e) + up(mag(yc) * x.e)) + up(top * U32) + TINY32);
  return { c0: c[0], c1: c[1], lo, hi, e, r: -1 };
}

const ONES = [1, 1];
function plus32(x: F, y: F): F {
  const s = lin([x, y], ONES, 0, x.lo.length);
  const top = up(up(magOf(x.c0, x.c1) + radiusOf(x)) + up(magOf(y.c0, y.c1) + radiusOf(y)));
  return widen(s, up(top * U32) + TINY32);
}

interface W {
  cell: CellKind;
  H: number;
  rows: number;
  n: number;
  wih: Float32Array;
  whh: Float32Array;
  bsum: Float32Array;
  lw: Float32Array;
  lb: number;
}

function weights(model: Model): W {
  const p = model.getParams();
  const H = model.hiddenSize;
  const [wih, whh, bih, bhh, lw, lb] = tensorLayout(model.cell, H);
  const bsum = new Float32Array(wih.size);
  for (let r = 0; r < wih.size; r++) bsum[r] = p[bih.offset + r] + p[bhh.offset + r]; // rounded to f32 on store, as the core
  return {
    cell: model.cell,
    H,
    rows: wih.size,
    n: model.cell === 'lstm' ? 2 * H : H,
    wih: p.slice(wih.offset, wih.offset + wih.size),
    whh: p.slice(whh.offset, whh.offset + whh.size),
    bsum,
    lw: p.slice(lw.offset, lw.offset + lw.size),
    lb: p[lb.offset],
  };
}

/** The float32 sum b + sum_k w_k h_k as the core computes it: exact sum plus gamma_{H+2} times the magnitudes. */
function sum32(w: W, hs: F[], coef: ArrayLike<number>, b: number): F {
  const g = hs[0].lo.length;
  const s = lin(hs, coef, b, g);
  let bound = Math.abs(b);
  for (let k = 0; k < hs.length; k++) bound = up(bound + up(Math.abs(coef[k]) * up(magOf(hs[k].c0, hs[k].c1) + radiusOf(hs[k]))));
  const n = w.H + 2;
  const gamma = up((n * U32) / (1 - n * U32));
  return widen(s, up(up(gamma * bound) + n * TINY32));
}

function step(w: W, s: F[], x: number): F[] {
  const { H } = w;
  const hs = s.slice(0, H);
  const z = (r: number): F => sum32(w, hs, w.whh.subarray(r * H, (r + 1) * H), w.bsum[r] + (x ? w.wih[r] : 0));
  if (w.cell === 'rnn') return absorb(Array.from({ length: H }, (_, j) => activate(z(j), 'tanh')));
  const h: F[] = [];
  const c: F[] = [];
  for (let j = 0; j < H; j++) {
    const ig = activate(z(j), 'sigmoid');
    const fg = activate(z(H + j), 'sigmoid');
    const gg = activate(z(2 * H + j), 'tanh');
    const og = activate(z(3 * H + j), 'sigmoid');
    const cj = plus32(times(fg, s[H + j]), times(ig, gg));
    c.push(cj);
    h.push(times(og, activate(cj, 'tanh')));
  }
  return absorb([...h, ...c]);
}

/**
 * Each coordinate's own uncertainty (its error, the width of its centre and of its coefficients) as a fresh
 * generator of that coordinate alone: a superset, but the next step maps it with the weights' signs (J) instead
 * of their magnitudes (|J|), so rounding and the activations' slope ranges do not wrap over a string's steps.
 */
/** Generators kept, in multiples of the state's size n, before the smallest fold (absorb). */
const FOLD_AT = 4;

function absorb(s: F[]): F[] {
  const n = s.length;
  const g = s[0].lo.length;
  // Past FOLD_AT generators, the smallest (by their largest coefficient) fold into the new ones: |a_k| is added to
  // each coordinate's own generator, a superset again, so a long string keeps at most FOLD_AT + n generators.
  const fold = new Uint8Array(g);
  let folded = 0;
  if (g + n > FOLD_AT * n) {
    const size = new Float64Array(g);
    for (let k = 0; k < g; k++) {
      let top = -Infinity;
      for (let i = 0; i < n; i++) top = Math.max(top, magOf(s[i].lo[k], s[i].hi[k]));
      size[k] = top;
    }
    const order = Array.from({ length: g }, (_, k) => k).sort((p, q) => size[p] - size[q]);
    folded = g + n - FOLD_AT * n;
    for (let q = 0; q < folded; q++) fold[order[q]] = 1;
  }
  const G = g - folded + n;
  return s.map((x, i) => {
    const m = (x.c0 + x.c1) / 2;
    let r = up(x.e + Math.max(up(x.c1 - m), up(m - x.c0)));
    const a = coefs(G);
    let q = 0;
    for (let k = 0; k < g; k++) {
      const lo = x.lo[k];
      const hi = x.hi[k];
      if (fold[k]) {
        r = up(r + magOf(lo, hi));
        continue;
      }
      // An interval coefficient [mid - w, mid + w] of u_k (|u_k| <= 1) is mid u_k plus at most w.
      const mid = (lo + hi) / 2;
      r = up(r + Math.max(up(hi - mid), up(mid - lo)));
      a[q++] = mid;
    }
    a[q + i] = r;
    // Point coefficients: lo and hi are the same numbers (one array, never written after this).
    return { c0: m, c1: m, lo: a, hi: a, e: 0, r: -1 };
  });
}

function logitRange(w: W, s: F[]): I {
  return rangeOf(sum32(w, s.slice(0, w.H), w.lw, w.lb));
}

interface Reg {
  center: number[];
  basis: number[];
  radii: number[];
  /** ||I - V^T V||_inf, rounded up. */
  defect: number;
}

function regionForm(r: Reg, n: number): F[] {
  return Array.from({ length: n }, (_, i) => {
    const lo = new Float64Array(n);
    const hi = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const b = r.basis[i * n + k];
      const [l, h] = imulS([b, b], r.radii[k]);
      lo[k] = l;
      hi[k] = h;
    }
    return { c0: r.center[i], c1: r.center[i], lo, hi, e: 0, r: -1 };
  });
}

/** Largest |t_k| / r_k - 1 over directions for t = V^-1 (x - c), x in s: <= 0 means s lies in the region. */
function excess(s: F[], r: Reg, n: number): number {
  const need: number[] = [];
  // x - c per coordinate, the same for every direction.
  const shifted: F[] = s.map((x, i) => {
    const [c0, c1] = iadd([x.c0, x.c1], [-r.center[i], -r.center[i]]);
    return { c0, c1, lo: x.lo, hi: x.hi, e: x.e, r: -1 };
  });
  const col = coefs(n);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) col[i] = r.basis[i * n + k];
    const y = lin(shifted, col, 0, s[0].lo.length);
    need.push(up(magOf(y.c0, y.c1) + radiusOf(y)));
  }
  const top = Math.max(...need);
  const corr = up((r.defect / (1 - r.defect)) * top);
  let worst = -Infinity;
  for (let k = 0; k < n; k++) worst = Math.max(worst, up(need[k] + corr) / r.radii[k] - 1);
  return worst;
}

function defectOf(V: number[], n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) {
      let s: I = [i === j ? -1 : 0, i === j ? -1 : 0];
      for (let k = 0; k < n; k++) s = iadd(s, imulS([V[k * n + i], V[k * n + i]], V[k * n + j]));
      row = up(row + mag(s));
    }
    worst = Math.max(worst, row);
  }
  return worst;
}

/** How many times verify halves a region whose image does not fit (2^SPLITS pieces at most, per word). */
const SPLITS = 4;

/** The states after the m bits of word (most significant bit first) from s. */
function runWord(w: W, s: F[], word: number, m: number): F[] {
  for (let d = m - 1; d >= 0; d--) s = step(w, s, (word >> d) & 1);
  return s;
}

/**
 * The two halves of s along its widest generator q: u_q in [-1, 0] and [0, 1] is -+1/2 + u'/2, so each half is
 * the centre -+ a_q/2 with a_q halved (both rounded outward); together they cover s.
 */
function halves(s: F[]): [F[], F[]] {
  let q = 0;
  let top = -1;
  for (let k = 0; k < s[0].lo.length; k++) {
    let size = -Infinity;
    for (const x of s) size = Math.max(size, magOf(x.lo[k], x.hi[k]));
    if (size > top) [q, top] = [k, size];
  }
  const half = (sign: number): F[] =>
    s.map((x) => {
      const h: I = [dn(x.lo[q] / 2), up(x.hi[q] / 2)];
      const lo = x.lo.slice();
      const hi = x.hi.slice();
      lo[q] = h[0];
      hi[q] = h[1];
      const [c0, c1] = iadd([x.c0, x.c1], sign > 0 ? h : [-h[1], -h[0]]);
      return { c0, c1, lo, hi, e: x.e, r: -1 };
    });
  return [half(-1), half(1)];
}

/** The worst excess over the pieces of s, halving a piece whose check fails up to `depth` more times. */
function splitFit(s: F[], depth: number, check: (piece: F[]) => number): number {
  const [lo, hi] = halves(s);
  let worst = -Infinity;
  for (const piece of [lo, hi]) {
    let ex = check(piece);
    if (!(ex <= 0) && depth > 1) ex = splitFit(piece, depth - 1, check);
    worst = Math.max(worst, ex);
    if (!(worst <= 0)) return worst;
  }
  return worst;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const numArray = (v: unknown, len: number): v is number[] => Array.isArray(v) && v.length === len && v.every(isNum);

/** Checks that `cert` proves `model` right on every string. Never throws on a bad certificate: says what fails. */
export function verify(model: Model, cert: unknown): VerifyResult {
  if (model.cell === 'gru') return { ok: false, condition: 'verify covers LSTM and RNN models; a gru model is not covered yet', ms: 0 };
  const t0 = typeof performance !== 'undefined' ? performance.now() : Date.now();
  const ms = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now()) - t0;
  const fail = (condition: string): VerifyResult => ({ ok: false, condition, ms: ms() });
  if (typeof cert !== 'object' || cert === null) return fail('the certificate is not an object');
  const c = cert as Partial<Certificate>;
  if (c.format !== CERT_FORMAT) return fail(`format is ${JSON.stringify(c.format)}, expected ${CERT_FORMAT}`);
  if (typeof c.cell !== 'string' || !isNum(c.hiddenSize)) return fail('the certificate names no cell and hidden size');
  if (c.cell !== model.cell || c.hiddenSize !== model.hiddenSize) return fail(`the certificate is for a ${c.cell} with hidden size ${c.hiddenSize}, the model is a ${model.cell} with ${model.hiddenSize}`);
  if (c.weightsHash !== model.weightsHash()) return fail(`weightsHash ${JSON.stringify(c.weightsHash)} is not this model's (${model.weightsHash()})`);
  const k = c.suffixLength, m = c.stepsPerCheck, baseFrom = c.baseFrom, depth = c.depth;
  if (!Number.isInteger(k) || k! < 0 || k! > 16) return fail('suffixLength must be an integer from 0 to 16');
  if (!Number.isInteger(m) || m! < 1 || m! > 16) return fail('stepsPerCheck must be an integer from 1 to 16');
  if (!Number.isInteger(baseFrom) || baseFrom! < k!) return fail('baseFrom must be an integer >= suffixLength');
  if (depth !== baseFrom! + m! - 1 || depth! > 22) return fail('depth must be baseFrom + stepsPerCheck - 1 (and at most 22)');
  const em = c.errorModel;
  if (!em || em.tanh !== TANH_ERR || em.sigmoid !== SIGMOID_ERR || em.u !== U32) return fail('errorModel is not the float32 error model this checker assumes');
  const mg = c.margins;
  if (!mg || !isNum(mg.readout) || !isNum(mg.containment) || !(mg.readout > 0) || !(mg.containment >= 0)) return fail('margins must be a positive readout and a nonnegative containment');
  const w = weights(model);
  const n = w.n;
  const N = 2 << k!;
  const regs = c.regions;
  if (!Array.isArray(regs) || regs.length === 0 || regs.length > 1 << 20) return fail('regions must be a non-empty list');
  const R: Reg[] = [];
  const byClass: number[][] = Array.from({ length: N }, () => []);
  for (let i = 0; i < regs.length; i++) {
    const r = regs[i] as unknown as Record<string, unknown>;
    if (!r || (r.parity !== 0 && r.parity !== 1) || typeof r.suffix !== 'string' || r.suffix.length !== k || !/^[01]*$/.test(r.suffix)) {
      return fail(`region ${i} needs a parity 0 or 1 and a suffix of ${k} bits`);
    }
    if (!numArray(r.center, n) || !numArray(r.basis, n * n) || !numArray(r.radii, n) || (r.radii as number[]).some((v) => !(v > 0))) {
      return fail(`region ${i} needs a center of ${n}, a basis of ${n * n} and ${n} positive radii, all finite numbers`);
    }
    const defect = defectOf(r.basis as number[], n);
    if (!(defect < 0.5)) return fail(`region ${i}'s basis is not orthonormal (defect ${defect})`);
    R.push({ center: r.center as number[], basis: r.basis as number[], radii: r.radii as number[], defect });
    byClass[(r.parity as number) * (1 << k!) + (k ? parseInt(r.suffix, 2) : 0)].push(i);
  }
  // 4. The read-out on every region; the claimed margin must not exceed the logit at any region's centre.
  let checks = 0;
  for (let i = 0; i < R.length; i++) {
    const par = regs[i].parity;
    const [lo, hi] = logitRange(w, regionForm(R[i], n));
    checks++;
    if (par ? !(lo > 0) : !(hi < 0)) return fail(`read-out: region ${i} (parity ${par}, suffix ${regs[i].suffix}) has logits in [${lo}, ${hi}]`);
    let zc = w.lb;
    for (let j = 0; j < w.H; j++) zc += w.lw[j] * R[i].center[j];
    if (mg.readout > Math.abs(zc) * (1 + 1e-9)) return fail(`margins.readout ${mg.readout} exceeds the logit ${zc} at region ${i}'s centre`);
  }
  /** The smallest excess over the regions of a class: <= 0 when one of them holds s. */
  const fitIn = (cls: number, s: F[]): number => {
    let best = Infinity;
    for (const j of byClass[cls]) {
      best = Math.min(best, excess(s, R[j], n));
      if (best <= 0) break;
    }
    return best;
  };
  // 1. Every string up to depth by the model's own inference.
  const short: string[] = [];
  for (let L = 1; L <= depth!; L++) for (let v = 0; v < 1 << L; v++) short.push(v.toString(2).padStart(L, '0'));
  const z = model.logits(short);
  for (let s = 0; s < short.length; s++) if ((z[s] > 0 ? 1 : 0) !== parity(short[s])) return fail(`base: string ${short[s]} is answered wrong`);
  const mask = (1 << k!) - 1;
  const cls = (par: number, code: number): number => par * (1 << k!) + (code & mask);
  // 2. The states after every string of length baseFrom..depth lie in their regions.
  const zero: F[] = Array.from({ length: n }, () => ({ c0: 0, c1: 0, lo: new Float64Array(0), hi: new Float64Array(0), e: 0, r: -1 }));
  let bad: string | null = null;
  const walk = (s: F[], code: number, par: number, d: number, bits: string): void => {
    if (bad) return;
    if (d >= baseFrom!) {
      checks++;
      const ex = fitIn(cls(par, code), s);
      if (!(ex <= 0)) bad = `base: the state after ${bits} is outside every region of its class by ${ex.toPrecision(3)} of a radius`;
    }
    if (d === depth) return;
    for (let x = 0; x <= 1; x++) walk(step(w, s, x), ((code << 1) | x) & 0x3fffffff, par ^ x, d + 1, bits + x);
  };
  walk(zero, 0, 0, 0, '');
  if (bad) return fail(bad);
  // 3. Every region's images after every word of m bits lie in their target regions.
  for (let i = 0; i < R.length && !bad; i++) {
    const ci = regs[i].parity * (1 << k!) + (k ? parseInt(regs[i].suffix, 2) : 0);
    const run = (s: F[], word: number, wpar: number, d: number): void => {
      if (bad) return;
      if (d === m) {
        checks++;
        const j = cls((ci >> k!) ^ wpar, ((ci & mask) << m!) | word);
        let ex = fitIn(j, s);
        // Where the image of the whole region does not fit, its halves' images may: the second-order terms of the
        // widest direction shrink fourfold per split.
        if (!(ex <= 0)) ex = splitFit(regionForm(R[i], n), SPLITS, (piece) => fitIn(j, runWord(w, piece, word, m!)));
        if (!(ex <= 0)) bad = `containment: region ${i} after ${word.toString(2).padStart(m!, '0')} is outside every region of its class by ${ex.toPrecision(3)} of a radius`;
        return;
      }
      for (let x = 0; x <= 1; x++) run(step(w, s, x), (word << 1) | x, wpar ^ x, d + 1);
    };
    run(regionForm(R[i], n), 0, 0, 0);
  }
  if (bad) return fail(bad);
  return { ok: true, regions: R.length, checks, ms: ms() };
}
