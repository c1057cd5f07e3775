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

// One step works on scalar forms ("rows": value c, generator row a of length g, error e) kept in three scratch
// buffers reused from step to step (row q: RC[q], RA[q g .. q g + g), RE[q]), so a step allocates only its result.
// Every sum below adds its terms in the same order as one term at a time would.
let RC = new Float64Array(0);
let RA = new Float64Array(0);
let RE = new Float64Array(0);

function scratch(rows: number, g: number): void {
  if (RC.length < rows) {
    RC = new Float64Array(rows);
    RE = new Float64Array(rows);
  }
  if (RA.length < rows * g) RA = new Float64Array(rows * g);
}

// The radius of row q is (sum |a| + e) (1 + PAD), its sum of |a| taken in order. Each such sum is a chain of
// dependent additions, so the functions below take two or three of them in one loop (independent chains, each
// still added in order) rather than one loop per row.

/** The gate rows' sums of |a| (GS) and radii: the sums do not depend on the bit, so a second step from the same form reuses them. */
let GS = new Float64Array(0);

/** GS[r] = sum |a| of gate row r, for r < rows, four rows per loop. */
function gateSums(rows: number, g: number): void {
  if (GS.length < rows) GS = new Float64Array(rows);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const o0 = r * g, o1 = o0 + g, o2 = o1 + g, o3 = o2 + g;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k = 0; k < g; k++) {
      s0 += Math.abs(RA[o0 + k]);
      s1 += Math.abs(RA[o1 + k]);
      s2 += Math.abs(RA[o2 + k]);
      s3 += Math.abs(RA[o3 + k]);
    }
    GS[r] = s0;
    GS[r + 1] = s1;
    GS[r + 2] = s2;
    GS[r + 3] = s3;
  }
  for (; r < rows; r++) {
    let s = 0;
    for (let k = 0, o = r * g; k < g; k++) s += Math.abs(RA[o + k]);
    GS[r] = s;
  }
}

/** Radius of gate row r (after gateSums). */
const gateRad = (r: number): number => (GS[r] + RE[r]) * (1 + PAD);

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const dsigmoid = (x: number): number => {
  const s = sigmoid(x);
  return s * (1 - s);
};
const dtanh = (x: number): number => {
  const t = Math.tanh(x);
  return 1 - t * t;
};

/** Row d = the DeepZ linearisation of row x: slope lam, offset between mlo and mhi, plus the float32 error err. */
function linearise(d: number, x: number, g: number, lam: number, mlo: number, mhi: number, err: number): void {
  const od = d * g;
  const ox = x * g;
  for (let k = 0; k < g; k++) RA[od + k] = lam * RA[ox + k];
  const cNew = lam * RC[x] + (mlo + mhi) / 2;
  RE[d] = (lam * RE[x] + (mhi - mlo) / 2 + err) * (1 + PAD) + Math.abs(cNew) * PAD + LIBM;
  RC[d] = cNew;
}

// DeepZ linearisation of a monotone sigmoid-shaped function on the range of row x (radius r), plus its float32
// error, into row d (one copy per function, so each calls its libm functions directly). The derivative is unimodal with its
// peak at 0, so its minimum on [lo, hi] is at an endpoint and f - lam x is nondecreasing there: f(x) - lam x lies
// between its values at the endpoints.
function activateTanh(d: number, x: number, g: number, r: number): void {
  const c = RC[x];
  const lo = c - r;
  const hi = c + r;
  const lam = r === 0 ? dtanh(c) : Math.max(0, Math.min(dtanh(lo), dtanh(hi)) * (1 - 1e-12) - 1e-300);
  const mlo = Math.tanh(lo) - lam * lo - LIBM - Math.abs(lam * lo) * PAD;
  const mhi = Math.tanh(hi) - lam * hi + LIBM + Math.abs(lam * hi) * PAD;
  linearise(d, x, g, lam, mlo, mhi, ERROR.tanh);
}

function activateSigmoid(d: number, x: number, g: number, r: number): void {
  const c = RC[x];
  const lo = c - r;
  const hi = c + r;
  const lam = r === 0 ? dsigmoid(c) : Math.max(0, Math.min(dsigmoid(lo), dsigmoid(hi)) * (1 - 1e-12) - 1e-300);
  const mlo = sigmoid(lo) - lam * lo - LIBM - Math.abs(lam * lo) * PAD;
  const mhi = sigmoid(hi) - lam * hi + LIBM + Math.abs(lam * hi) * PAD;
  linearise(d, x, g, lam, mlo, mhi, ERROR.sigmoid);
}

/** Row d = x * y: first-order part exact, the rest bounded; plus float32 rounding of the product. d is neither. */
function mul(d: number, x: number, y: number, g: number): void {
  const xc = RC[x];
  const yc = RC[y];
  const od = d * g;
  const ox = x * g;
  const oy = y * g;
  let mag = 0;
  let sx = 0;
  let sy = 0;
  for (let k = 0; k < g; k++) {
    const ax = RA[ox + k];
    const ay = RA[oy + k];
    sx += Math.abs(ax);
    sy += Math.abs(ay);
    const p = xc * ay;
    const q = yc * ax;
    RA[od + k] = p + q;
    mag += Math.abs(p) + Math.abs(q);
  }
  const rx = (sx + RE[x]) * (1 + PAD);
  const ry = (sy + RE[y]) * (1 + PAD);
  const c = xc * yc;
  const max = (Math.abs(xc) + rx) * (Math.abs(yc) + ry);
  RE[d] = (Math.abs(xc) * RE[y] + Math.abs(yc) * RE[x] + rx * ry) * (1 + PAD) + (mag + Math.abs(c)) * PAD + max * ERROR.u + ERROR.tiny;
  RC[d] = c;
}

/** Row d = x + y, rounded to float32 once. d is neither. Returns row d's radius. */
function add32(d: number, x: number, y: number, g: number): number {
  const od = d * g;
  const ox = x * g;
  const oy = y * g;
  let sx = 0;
  let sy = 0;
  let sd = 0;
  for (let k = 0; k < g; k++) {
    const ax = RA[ox + k];
    const ay = RA[oy + k];
    const v = ax + ay;
    RA[od + k] = v;
    sx += Math.abs(ax);
    sy += Math.abs(ay);
    sd += Math.abs(v);
  }
  const max = Math.abs(RC[x]) + (sx + RE[x]) * (1 + PAD) + Math.abs(RC[y]) + (sy + RE[y]) * (1 + PAD);
  RE[d] = (RE[x] + RE[y]) * (1 + PAD) + max * (ERROR.u + PAD) + ERROR.tiny;
  RC[d] = RC[x] + RC[y];
  return (sd + RE[d]) * (1 + PAD);
}

/** Row d = coordinate i of f. */
function load(d: number, f: Form, i: number): void {
  RC[d] = f.c[i];
  RE[d] = f.e[i];
  RA.set(f.A.subarray(i * f.g, (i + 1) * f.g), d * f.g);
}

/** gates' scratch: each unit's largest |h|, its sum of |generator coefficients|, the units a row reads. */
let HMAX = new Float64Array(0);
let ABSROW = new Float64Array(0);
let GNZ = new Int32Array(0);

/**
 * Rows 0..rows-1 = the gate pre-activations z_r = bsum_r + wih_r x + W_r. h, with the float32 sum's error (gamma_{H+1}).
 * Their generator rows and the per-unit magnitudes do not depend on x: `again` says the scratch still holds them
 * from the step on f just before (the other bit), so only the centres and errors are taken.
 */
function gates(P: CellParams, f: Form, x: number, again: boolean): void {
  const { g } = f;
  const { H } = P;
  const gamma = ((H + 2) * ERROR.u) / (1 - (H + 2) * ERROR.u);
  if (HMAX.length < H) {
    HMAX = new Float64Array(H);
    ABSROW = new Float64Array(H);
    GNZ = new Int32Array(H);
  }
  const hmax = HMAX;
  // sum_j |w A_kj| = |w| sum_j |A_kj|: the magnitudes the pad covers, once per coordinate instead of per term
  // (rounded up by 1e-15 relative, far more than the few ulps the two orders of summation can differ by).
  // The same sum of |A_k.| is coordinate k's radius (radius()), taken once for both.
  const absRow = ABSROW;
  const A = f.A;
  for (let k = 0; k < H && !again; k++) {
    let s = 0;
    for (let j = 0, o = k * g; j < g; j++) s += Math.abs(A[o + j]);
    hmax[k] = Math.abs(f.c[k]) + (s + f.e[k]) * (1 + PAD);
    absRow[k] = s * (1 + 1e-15);
  }
  const nz = GNZ;
  for (let r = 0; r < P.rows; r++) {
    const b = P.bsum[r] + P.wih[r] * x;
    let c = b;
    let e = 0;
    let mag = Math.abs(b);
    let bound = Math.abs(b);
    for (let k = 0; k < H; k++) {
      const w = P.whh[r * H + k];
      if (w === 0) continue;
      c += w * f.c[k];
      e += Math.abs(w) * f.e[k];
      mag += Math.abs(w * f.c[k]);
      bound += Math.abs(w) * hmax[k];
      mag += Math.abs(w) * absRow[k];
    }
    RC[r] = c;
    RE[r] = e * (1 + PAD) + mag * PAD + gamma * bound + (H + 2) * ERROR.tiny;
  }
  if (again) return;
  // The generator rows, two rows at a time where both read the same units (every row of a trained model).
  const W = P.whh;
  const rows = P.rows;
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    let m = 0;
    let same = true;
    for (let k = 0; k < H; k++) {
      const zero = W[r * H + k] === 0;
      if (zero !== (W[(r + 1) * H + k] === 0)) same = false;
      if (!zero) nz[m++] = k;
    }
    if (same) {
      combine2(r * g, (r + 1) * g, W, r * H, (r + 1) * H, nz, m, A, g);
      continue;
    }
    combine(r * g, W, r * H, nz, m, A, g);
    m = 0;
    for (let k = 0; k < H; k++) if (W[(r + 1) * H + k] !== 0) nz[m++] = k;
    combine((r + 1) * g, W, (r + 1) * H, nz, m, A, g);
  }
  if (r < rows) {
    let m = 0;
    for (let k = 0; k < H; k++) if (W[r * H + k] !== 0) nz[m++] = k;
    combine(r * g, W, r * H, nz, m, A, g);
  }
}

/**
 * RA[ra + j] = sum over the m listed units k of w_k A[k, j], added in the list's order starting from 0 (as one
 * term at a time would), four units per pass over the row so each sum is loaded and stored a quarter as often.
 */
function combine(ra: number, W: Float64Array, wo: number, ks: Int32Array, m: number, A: Float64Array, g: number): void {
  RA.fill(0, ra, ra + g);
  let q = 0;
  for (; q + 4 <= m; q += 4) {
    const k0 = ks[q], k1 = ks[q + 1], k2 = ks[q + 2], k3 = ks[q + 3];
    const w0 = W[wo + k0], w1 = W[wo + k1], w2 = W[wo + k2], w3 = W[wo + k3];
    const o0 = k0 * g, o1 = k1 * g, o2 = k2 * g, o3 = k3 * g;
    for (let j = 0; j < g; j++) RA[ra + j] = RA[ra + j] + w0 * A[o0 + j] + w1 * A[o1 + j] + w2 * A[o2 + j] + w3 * A[o3 + j];
  }
  for (; q < m; q++) {
    const k = ks[q];
    const w = W[wo + k];
    const o = k * g;
    for (let j = 0; j < g; j++) RA[ra + j] += w * A[o + j];
  }
}

/**
 * Encloses one float32 inference step of every state in f on bit x. The step's error box becomes new generators
 * (one per coordinate with a nonzero error), so later steps map it with the Jacobian itself, not with |J| (whose
 * spectral radius is above 1 at trained fixed points: a box error term would wrap and grow every step).
 * Written into `into` when given (its arrays reused when large enough: a caller that is done with a form may hand
 * it back, so a tree of steps allocates nothing), else into a new form; `into` must not be f.
 */
export function stepForm(P: CellParams, f: Form, x: number, into?: Form): Form {
  return absorb(stepBox(P, f, x, false), f.g, into);
}

/**
 * stepForm on bit 0 into into0 and on bit 1 into into1: the same two forms, with the gates' generator rows, which
 * do not depend on the bit, combined once. The gate rows stay untouched in the scratch through the first step (its
 * temporaries are later rows), so the second reads them there.
 */
export function stepForms(P: CellParams, f: Form, into0: Form, into1: Form): void {
  absorb(stepBox(P, f, 0, false), f.g, into0);
  absorb(stepBox(P, f, 1, true), f.g, into1);
}

/** Generators kept per coordinate: past this, the smallest columns fold back into the box (Girard's reduction). */
const GEN_CAP = 4;

/** absorb's scratch: the coordinates with an error, the column norms and their order, largest first. */
let EXTRA = new Int32Array(0);
let NORMS = new Float64Array(0);
let ORDER = new Int32Array(0);

/**
 * The form of the scratch rows listed (coordinate i is row rows[i], with g generators) with its error box absorbed:
 * each coordinate with e > 0 gets a generator of its own holding e, after the columns with the smallest sum of
 * magnitudes fold into e (Girard's reduction) when there would be more than GEN_CAP n. One pass from the scratch
 * rows into the result, the same numbers as building the form, reducing it and absorbing its box one after another.
 */
function absorb(rows: Int32Array, g: number, into: Form | undefined): Form {
  const n = rows.length;
  if (EXTRA.length < n) EXTRA = new Int32Array(n);
  const extra = EXTRA;
  let ne = 0;
  for (let i = 0; i < n; i++) if (RE[rows[i]] > 0) extra[ne++] = i;
  // Columns kept: all of them in order, or (reduced) the keep largest by sum of magnitudes.
  const reduced = ne > 0 && g + ne > GEN_CAP * n;
  const keep = reduced ? GEN_CAP * n - ne : g;
  if (reduced) {
    if (NORMS.length < g) {
      NORMS = new Float64Array(g);
      ORDER = new Int32Array(g);
    }
    const norms = NORMS;
    norms.fill(0, 0, g);
    // Each column's sum over the coordinates in order, four coordinates per pass.
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const o0 = rows[i] * g, o1 = rows[i + 1] * g, o2 = rows[i + 2] * g, o3 = rows[i + 3] * g;
      for (let k = 0; k < g; k++) norms[k] = norms[k] + Math.abs(RA[o0 + k]) + Math.abs(RA[o1 + k]) + Math.abs(RA[o2 + k]) + Math.abs(RA[o3 + k]);
    }
    for (; i < n; i++) for (let k = 0, o = rows[i] * g; k < g; k++) norms[k] += Math.abs(RA[o + k]);
    sortColumns(norms, g, ORDER);
  }
  const order = ORDER;
  const G = keep + ne;
  const f = shaped(into, n, G);
  const { c, A, e } = f;
  // extra lists the coordinates with an error in order: px is the next of them.
  let px = 0;
  for (let i = 0; i < n; i++) {
    const q = rows[i];
    const o = q * g;
    const a = i * G;
    c[i] = RC[q];
    let ei = RE[q];
    if (reduced) {
      for (let p = 0; p < keep; p++) A[a + p] = RA[o + order[p]];
      let s = 0;
      for (let p = keep; p < g; p++) s += Math.abs(RA[o + order[p]]);
      ei = (ei + s) * (1 + PAD);
    } else {
      for (let p = 0; p < g; p++) A[a + p] = RA[o + p];
    }
    if (ne === 0) {
      // Nothing to absorb: the box stays.
      e[i] = ei;
      continue;
    }
    for (let p = a + keep; p < a + G; p++) A[p] = 0;
    e[i] = 0;
    // Only coordinates that had an error get a generator.
    if (px < ne && extra[px] === i) A[a + keep + px++] = ei;
  }
  return f;
}

/** combine for two rows ra and rb (weights at wo and wp) that read the same units ks: the same sums, each A row loaded once for both. */
function combine2(ra: number, rb: number, W: Float64Array, wo: number, wp: number, ks: Int32Array, m: number, A: Float64Array, g: number): void {
  RA.fill(0, ra, ra + g);
  RA.fill(0, rb, rb + g);
  let q = 0;
  for (; q + 4 <= m; q += 4) {
    const k0 = ks[q], k1 = ks[q + 1], k2 = ks[q + 2], k3 = ks[q + 3];
    const w0 = W[wo + k0], w1 = W[wo + k1], w2 = W[wo + k2], w3 = W[wo + k3];
    const u0 = W[wp + k0], u1 = W[wp + k1], u2 = W[wp + k2], u3 = W[wp + k3];
    const o0 = k0 * g, o1 = k1 * g, o2 = k2 * g, o3 = k3 * g;
    for (let j = 0; j < g; j++) {
      const a0 = A[o0 + j], a1 = A[o1 + j], a2 = A[o2 + j], a3 = A[o3 + j];
      RA[ra + j] = RA[ra + j] + w0 * a0 + w1 * a1 + w2 * a2 + w3 * a3;
      RA[rb + j] = RA[rb + j] + u0 * a0 + u1 * a1 + u2 * a2 + u3 * a3;
    }
  }
  for (; q < m; q++) {
    const k = ks[q];
    const w = W[wo + k];
    const u = W[wp + k];
    const o = k * g;
    for (let j = 0; j < g; j++) {
      RA[ra + j] += w * A[o + j];
      RA[rb + j] += u * A[o + j];
    }
  }
}

/** A form of n coordinates and g generators: `into` (with its arrays grown if need be), or a new one. */
function shaped(into: Form | undefined, n: number, g: number): Form {
  if (!into) return { g, c: new Float64Array(n), A: new Float64Array(n * g), e: new Float64Array(n) };
  into.g = g;
  if (into.c.length !== n) {
    into.c = new Float64Array(n);
    into.e = new Float64Array(n);
  }
  if (into.A.length < n * g) into.A = new Float64Array(n * Math.max(g, GEN_CAP * n));
  return into;
}

/**
 * order[0 .. G) = the columns by norm, largest first, ties in column order: the order a stable sort by norm gives,
 * by binary insertion. That order is unique unless a norm is NaN (where the comparator below is no order at all), so
 * then the sort reduction always used decides.
 */
function sortColumns(norms: Float64Array, G: number, order: Int32Array): void {
  for (let k = 0; k < G; k++) {
    if (Number.isNaN(norms[k])) {
      const o = Int32Array.from({ length: G }, (_, q) => q).sort((a, b) => norms[b] - norms[a] || a - b);
      order.set(o);
      return;
    }
  }
  for (let k = 0; k < G; k++) {
    // Column k goes after every earlier column whose norm is at least its own.
    const v = norms[k];
    let lo = 0;
    let hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (norms[order[mid]] >= v) lo = mid + 1;
      else hi = mid;
    }
    for (let p = k; p > lo; p--) order[p] = order[p - 1];
    order[lo] = k;
  }
}

/** stepBox's answer: the scratch row of each coordinate. */
let OUT = new Int32Array(0);

/** The rows (scratch rows) holding each coordinate of the step from f on bit x, h then c (stepForm's first half). */
function stepBox(P: CellParams, f: Form, x: number, again: boolean): Int32Array {
  const { H, rows } = P;
  const g = f.g;
  switch (P.cell) {
    case 'lstm': {
      // Rows: 0..4H-1 the gates, then per unit seven temporaries; unit j's h and c land in the rows listed in out.
      scratch(rows + 7 * H + 2, g);
      gates(P, f, x, again);
      if (!again) gateSums(rows, g);
      if (OUT.length !== 2 * H) OUT = new Int32Array(2 * H);
      const out = OUT;
      for (let j = 0; j < H; j++) {
        const t = rows + 7 * j;
        const [i, fg, gg, o, cp, fc, ig] = [t, t + 1, t + 2, t + 3, t + 4, t + 5, t + 6];
        activateSigmoid(i, j, g, gateRad(j));
        activateSigmoid(fg, H + j, g, gateRad(H + j));
        activateTanh(gg, 2 * H + j, g, gateRad(2 * H + j));
        activateSigmoid(o, 3 * H + j, g, gateRad(3 * H + j));
        load(cp, f, H + j);
        mul(fc, fg, cp, g);
        mul(ig, i, gg, g);
        // c_j reuses cp's row, tanh(c_j) fc's, h_j ig's: each is read for the last time just before.
        const rc = add32(cp, fc, ig, g);
        activateTanh(fc, cp, g, rc);
        mul(ig, o, fc, g);
        out[j] = ig;
        out[H + j] = cp;
      }
      return out;
    }
    case 'rnn': {
      scratch(2 * rows, g);
      gates(P, f, x, again);
      if (!again) gateSums(rows, g);
      if (OUT.length !== rows) OUT = new Int32Array(rows);
      const out = OUT;
      for (let r = 0; r < rows; r++) {
        activateTanh(rows + r, r, g, gateRad(r));
        out[r] = rows + r;
      }
      return out;
    }
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

/** neededRadii's scratch: one direction's (or two directions') combination of generator rows, and the rows it reads. */
let COL = new Float64Array(0);
let COL2 = new Float64Array(0);
let NZ = new Int32Array(0);

/**
 * What radii the parallelotope (center, V orthonormal, r) would need to contain f: |V^T (c_f - center)| +
 * |V^T A_f| 1 + |V^T| e_f per direction. V^T is V's inverse only up to rounding; verify bounds that defect, so
 * here it is enough to be accurate. Written to out[off .. off + n) (a new array by default), which is returned.
 */
export function neededRadii(f: Form, center: ArrayLike<number>, basis: ArrayLike<number>, out: Float64Array = new Float64Array(center.length), off = 0): Float64Array {
  const n = center.length;
  const g = f.g;
  const A = f.A;
  if (COL.length < g) {
    COL = new Float64Array(g);
    COL2 = new Float64Array(g);
  }
  if (NZ.length < n) NZ = new Int32Array(n);
  const col = COL;
  const nz = NZ;
  let k = 0;
  // A basis with no zero entry (every trained region's): two directions per pass, each A row loaded once for both.
  let dense = true;
  for (let q = 0; q < n * n && dense; q++) if (basis[q] === 0) dense = false;
  if (dense) {
    const col2 = COL2;
    for (; k + 2 <= n; k += 2) {
      let y0 = 0;
      let ey = 0;
      let y1 = 0;
      let ey1 = 0;
      for (let i = 0; i < n; i++) {
        const v = basis[i * n + k];
        const u = basis[i * n + k + 1];
        const d = f.c[i] - center[i];
        y0 += v * d;
        ey += Math.abs(v) * f.e[i];
        y1 += u * d;
        ey1 += Math.abs(u) * f.e[i];
      }
      col.fill(0, 0, g);
      col2.fill(0, 0, g);
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const b = i * n + k;
        const v0 = basis[b], v1 = basis[b + n], v2 = basis[b + 2 * n], v3 = basis[b + 3 * n];
        const u0 = basis[b + 1], u1 = basis[b + n + 1], u2 = basis[b + 2 * n + 1], u3 = basis[b + 3 * n + 1];
        const o0 = i * g, o1 = o0 + g, o2 = o1 + g, o3 = o2 + g;
        for (let j = 0; j < g; j++) {
          const a0 = A[o0 + j], a1 = A[o1 + j], a2 = A[o2 + j], a3 = A[o3 + j];
          col[j] = col[j] + v0 * a0 + v1 * a1 + v2 * a2 + v3 * a3;
          col2[j] = col2[j] + u0 * a0 + u1 * a1 + u2 * a2 + u3 * a3;
        }
      }
      for (; i < n; i++) {
        const v = basis[i * n + k];
        const u = basis[i * n + k + 1];
        const o = i * g;
        for (let j = 0; j < g; j++) {
          col[j] += v * A[o + j];
          col2[j] += u * A[o + j];
        }
      }
      let s = Math.abs(y0) + ey;
      let t = Math.abs(y1) + ey1;
      for (let j = 0; j < g; j++) {
        s += Math.abs(col[j]);
        t += Math.abs(col2[j]);
      }
      out[off + k] = s * (1 + 1e-9);
      out[off + k + 1] = t * (1 + 1e-9);
    }
  }
  for (; k < n; k++) {
    let y0 = 0;
    let ey = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const v = basis[i * n + k];
      if (v === 0) continue;
      nz[m++] = i;
      y0 += v * (f.c[i] - center[i]);
      ey += Math.abs(v) * f.e[i];
    }
    // col = sum over the listed i of v_i A_i., added in order from 0, four rows per pass (any grouping adds the
    // same terms in the same order).
    col.fill(0, 0, g);
    let q = 0;
    for (; q + 4 <= m; q += 4) {
      const i0 = nz[q], i1 = nz[q + 1], i2 = nz[q + 2], i3 = nz[q + 3];
      const v0 = basis[i0 * n + k], v1 = basis[i1 * n + k], v2 = basis[i2 * n + k], v3 = basis[i3 * n + k];
      const o0 = i0 * g, o1 = i1 * g, o2 = i2 * g, o3 = i3 * g;
      for (let j = 0; j < g; j++) col[j] = col[j] + v0 * A[o0 + j] + v1 * A[o1 + j] + v2 * A[o2 + j] + v3 * A[o3 + j];
    }
    for (; q < m; q++) {
      const i = nz[q];
      const v = basis[i * n + k];
      const o = i * g;
      for (let j = 0; j < g; j++) col[j] += v * A[o + j];
    }
    let s = Math.abs(y0) + ey;
    for (let j = 0; j < g; j++) s += Math.abs(col[j]);
    out[off + k] = s * (1 + 1e-9);
  }
  return out;
}
