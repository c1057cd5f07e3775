// certify's domain: affine forms (zonotopes) x = c + A u + [-e, e], u in [-1, 1]^g shared by all coordinates.
// The affine part of a step maps A exactly, so correlations between units survive (no wrapping); each activation
// is replaced by its DeepZ linearisation (slope = the smaller endpoint derivative, the rest an error term), each
// product of two forms keeps its first-order part and bounds the second-order part. All error terms, and the
// float32 inference's own error (cells.ts ERROR), go into the per-coordinate box e, which is second order in the
// size of the region. float64 rounding of our own arithmetic is covered by a relative pad (PAD) on every sum
// (a float64 sum of n terms errs by at most (n-1) 2^-53 times the sum of magnitudes; PAD = 2^-40 covers n < 8000).

import { ParityError } from '../core/errors.js';
import { type CellParams, ERROR } from './cells.js';
import { NOT_COVERED } from './cells.js';

export interface Form {
  /** Number of generators. */
  g: number;
  c: Float64Array; // [n]
  A: Float64Array; // [n, g] row-major
  e: Float64Array; // [n], >= 0
}

const PAD = 2 ** -40;
/** Math.exp/tanh err by a few ulps; values are in [-1, 1], so this absolute pad covers them. */
const LIBM = 1e-14;

export function pointForm(s: Float64Array): Form {
  return { g: 0, c: Float64Array.from(s), A: new Float64Array(0), e: new Float64Array(s.length) };
}

/** The parallelotope c + V diag(r) u (V row-major [n, n]: column k is direction k). */
export function regionForm(center: ArrayLike<number>, basis: ArrayLike<number>, radii: ArrayLike<number>): Form {
  const n = center.length;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) A[i * n + k] = basis[i * n + k] * radii[k];
  return { g: n, c: Float64Array.from(center), A, e: new Float64Array(n) };
}

/** Radius of coordinate i: sum |A_i.| + e_i (padded). */
function radius(f: Form, i: number): number {
  let s = 0;
  const o = i * f.g;
  for (let k = 0; k < f.g; k++) s += Math.abs(f.A[o + k]);
  return (s + f.e[i]) * (1 + PAD);
}

// A scalar form during one step: value c, generator row a (length g), error e.
interface S {
  c: number;
  a: Float64Array;
  e: number;
}

function rad(x: S): number {
  let s = 0;
  for (let k = 0; k < x.a.length; k++) s += Math.abs(x.a[k]);
  return (s + x.e) * (1 + PAD);
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const dsigmoid = (x: number): number => {
  const s = sigmoid(x);
  return s * (1 - s);
};
const dtanh = (x: number): number => {
  const t = Math.tanh(x);
  return 1 - t * t;
};

/** DeepZ linearisation of a monotone sigmoid-shaped function on the range of x, plus its float32 error. */
function activate(x: S, kind: 'tanh' | 'sigmoid'): S {
  const f = kind === 'tanh' ? Math.tanh : sigmoid;
  const df = kind === 'tanh' ? dtanh : dsigmoid;
  const r = rad(x);
  const lo = x.c - r;
  const hi = x.c + r;
  // The derivative is unimodal with its peak at 0, so its minimum on [lo, hi] is at an endpoint and f - lam x is
  // nondecreasing there: f(x) - lam x lies between its values at the endpoints.
  const lam = r === 0 ? df(x.c) : Math.max(0, Math.min(df(lo), df(hi)) * (1 - 1e-12) - 1e-300);
  const mlo = f(lo) - lam * lo - LIBM - Math.abs(lam * lo) * PAD;
  const mhi = f(hi) - lam * hi + LIBM + Math.abs(lam * hi) * PAD;
  const a = new Float64Array(x.a.length);
  for (let k = 0; k < a.length; k++) a[k] = lam * x.a[k];
  const cNew = lam * x.c + (mlo + mhi) / 2;
  const e = (lam * x.e + (mhi - mlo) / 2 + ERROR[kind]) * (1 + PAD) + Math.abs(cNew) * PAD + LIBM;
  return { c: cNew, a, e };
}

/** x * y: first-order part exact, the rest bounded; plus float32 rounding of the product. */
function mul(x: S, y: S): S {
  const rx = rad(x);
  const ry = rad(y);
  const a = new Float64Array(x.a.length);
  let mag = 0;
  for (let k = 0; k < a.length; k++) {
    a[k] = x.c * y.a[k] + y.c * x.a[k];
    mag += Math.abs(x.c * y.a[k]) + Math.abs(y.c * x.a[k]);
  }
  const c = x.c * y.c;
  const max = (Math.abs(x.c) + rx) * (Math.abs(y.c) + ry);
  const e = (Math.abs(x.c) * y.e + Math.abs(y.c) * x.e + rx * ry) * (1 + PAD) + (mag + Math.abs(c)) * PAD + max * ERROR.u + ERROR.tiny;
  return { c, a, e };
}

/** x + y, rounded to float32 once. */
function add32(x: S, y: S): S {
  const a = new Float64Array(x.a.length);
  for (let k = 0; k < a.length; k++) a[k] = x.a[k] + y.a[k];
  const c = x.c + y.c;
  const max = Math.abs(x.c) + rad(x) + Math.abs(y.c) + rad(y);
  return { c, a, e: (x.e + y.e) * (1 + PAD) + max * (ERROR.u + PAD) + ERROR.tiny };
}

/** The gate pre-activations z_r = bsum_r + wih_r x + W_r. h, with the float32 sum's error (gamma_{H+1}). */
function gates(P: CellParams, f: Form, x: number): S[] {
  const { g } = f;
  const { H } = P;
  const gamma = ((H + 2) * ERROR.u) / (1 - (H + 2) * ERROR.u);
  const hmax = new Float64Array(H);
  // sum_j |w A_kj| = |w| sum_j |A_kj|: the magnitudes the pad covers, once per coordinate instead of per term
  // (rounded up by 1e-15 relative, far more than the few ulps the two orders of summation can differ by).
  const absRow = new Float64Array(H);
  for (let k = 0; k < H; k++) {
    hmax[k] = Math.abs(f.c[k]) + radius(f, k);
    let s = 0;
    for (let j = 0, o = k * g; j < g; j++) s += Math.abs(f.A[o + j]);
    absRow[k] = s * (1 + 1e-15);
  }
  const out: S[] = [];
  for (let r = 0; r < P.rows; r++) {
    const b = P.bsum[r] + P.wih[r] * x;
    let c = b;
    let e = 0;
    let mag = Math.abs(b);
    let bound = Math.abs(b);
    const a = new Float64Array(g);
    for (let k = 0; k < H; k++) {
      const w = P.whh[r * H + k];
      if (w === 0) continue;
      c += w * f.c[k];
      e += Math.abs(w) * f.e[k];
      mag += Math.abs(w * f.c[k]);
      bound += Math.abs(w) * hmax[k];
      mag += Math.abs(w) * absRow[k];
      const o = k * g;
      for (let j = 0; j < g; j++) a[j] += w * f.A[o + j];
    }
    out.push({ c, a, e: e * (1 + PAD) + mag * PAD + gamma * bound + (H + 2) * ERROR.tiny });
  }
  return out;
}

function toForm(parts: S[], g: number): Form {
  const n = parts.length;
  const f: Form = { g, c: new Float64Array(n), A: new Float64Array(n * g), e: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    f.c[i] = parts[i].c;
    f.A.set(parts[i].a, i * g);
    f.e[i] = parts[i].e;
  }
  return f;
}

function row(f: Form, i: number): S {
  return { c: f.c[i], a: f.A.slice(i * f.g, (i + 1) * f.g), e: f.e[i] };
}

/**
 * Encloses one float32 inference step of every state in f on bit x. The step's error box becomes new generators
 * (one per coordinate with a nonzero error), so later steps map it with the Jacobian itself, not with |J| (whose
 * spectral radius is above 1 at trained fixed points: a box error term would wrap and grow every step).
 */
export function stepForm(P: CellParams, f: Form, x: number): Form {
  return absorb(stepBox(P, f, x));
}

/** Generators kept per coordinate: past this, the smallest columns fold back into the box (Girard's reduction). */
const GEN_CAP = 4;

export function absorb(f: Form): Form {
  const n = f.c.length;
  const extra: number[] = [];
  for (let i = 0; i < n; i++) if (f.e[i] > 0) extra.push(i);
  if (extra.length === 0) return f;
  if (f.g + extra.length > GEN_CAP * n) f = reduce(f, GEN_CAP * n - extra.length);
  const g = f.g + extra.length;
  const A = new Float64Array(n * g);
  for (let i = 0; i < n; i++) A.set(f.A.subarray(i * f.g, (i + 1) * f.g), i * g);
  extra.forEach((i, q) => (A[i * g + f.g + q] = f.e[i]));
  return { g, c: f.c, A, e: new Float64Array(n) };
}

/** Folds the columns with the smallest sum of magnitudes into e until g = keep. */
function reduce(f: Form, keep: number): Form {
  const n = f.c.length;
  const norms = new Float64Array(f.g);
  for (let i = 0; i < n; i++) for (let k = 0; k < f.g; k++) norms[k] += Math.abs(f.A[i * f.g + k]);
  const order = Array.from(norms.keys()).sort((a, b) => norms[b] - norms[a]);
  const kept = order.slice(0, keep);
  const folded = order.slice(keep);
  const A = new Float64Array(n * keep);
  const e = Float64Array.from(f.e);
  for (let i = 0; i < n; i++) {
    kept.forEach((k, q) => (A[i * keep + q] = f.A[i * f.g + k]));
    let s = 0;
    for (const k of folded) s += Math.abs(f.A[i * f.g + k]);
    e[i] = (e[i] + s) * (1 + PAD);
  }
  return { g: keep, c: f.c, A, e };
}

function stepBox(P: CellParams, f: Form, x: number): Form {
  const z = gates(P, f, x);
  const { H } = P;
  switch (P.cell) {
    case 'lstm': {
      const h: S[] = [];
      const c: S[] = [];
      for (let j = 0; j < H; j++) {
        const i = activate(z[j], 'sigmoid');
        const fg = activate(z[H + j], 'sigmoid');
        const gg = activate(z[2 * H + j], 'tanh');
        const o = activate(z[3 * H + j], 'sigmoid');
        const cj = add32(mul(fg, row(f, H + j)), mul(i, gg));
        c.push(cj);
        h.push(mul(o, activate(cj, 'tanh')));
      }
      return toForm([...h, ...c], f.g);
    }
    case 'rnn':
      return toForm(z.map((zr) => activate(zr, 'tanh')), f.g);
    default:
      throw new ParityError(NOT_COVERED(P.cell));
  }
}

/** Bounds of the float32 logit over f: [lo, hi]. */
export function readoutBounds(P: CellParams, f: Form): [number, number] {
  const { g } = f;
  const { H } = P;
  const gamma = ((H + 2) * ERROR.u) / (1 - (H + 2) * ERROR.u);
  let c = P.lb;
  let e = 0;
  let bound = Math.abs(P.lb);
  const a = new Float64Array(g);
  for (let j = 0; j < H; j++) {
    c += P.lw[j] * f.c[j];
    e += Math.abs(P.lw[j]) * f.e[j];
    bound += Math.abs(P.lw[j]) * (Math.abs(f.c[j]) + radius(f, j));
    for (let k = 0; k < g; k++) a[k] += P.lw[j] * f.A[j * g + k];
  }
  let r = e;
  for (let k = 0; k < g; k++) r += Math.abs(a[k]);
  r = r * (1 + PAD) + bound * (gamma + PAD) + (H + 2) * ERROR.tiny;
  return [c - r, c + r];
}

/**
 * What radii the parallelotope (center, V orthonormal, r) would need to contain f: |V^T (c_f - center)| +
 * |V^T A_f| 1 + |V^T| e_f per direction. V^T is V's inverse only up to rounding; verify bounds that defect, so
 * here it is enough to be accurate.
 */
export function neededRadii(f: Form, center: ArrayLike<number>, basis: ArrayLike<number>): Float64Array {
  const n = center.length;
  const g = f.g;
  const out = new Float64Array(n);
  const col = new Float64Array(g);
  for (let k = 0; k < n; k++) {
    let y0 = 0;
    let ey = 0;
    col.fill(0);
    for (let i = 0; i < n; i++) {
      const v = basis[i * n + k];
      if (v === 0) continue;
      y0 += v * (f.c[i] - center[i]);
      ey += Math.abs(v) * f.e[i];
      const o = i * g;
      for (let j = 0; j < g; j++) col[j] += v * f.A[o + j];
    }
    let s = Math.abs(y0) + ey;
    for (let j = 0; j < g; j++) s += Math.abs(col[j]);
    out[k] = s * (1 + 1e-9);
  }
  return out;
}
