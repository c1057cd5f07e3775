// verify(model, certificate): an independent check of a parity-lstm-certificate/1, sharing no enclosure code with
// certify. Its domain is different on purpose: affine forms whose coefficients are intervals with outward
// rounding on every operation (so float64 rounding is enclosed op by op, not by a global pad), activations by the
// mean-value form f(z) in f(m) + f'([lo, hi]) (z - m) (certify uses DeepZ's min-slope), and containment in a
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

// ---- interval affine forms: x in c + sum_k a_k u_k + [-e, e], |u_k| <= 1, c and a_k intervals ----
interface F {
  c: I;
  a: I[];
  e: number;
}

function radiusOf(x: F): number {
  let s = x.e;
  for (const ak of x.a) s = up(s + mag(ak));
  return s;
}
const rangeOf = (x: F): I => {
  const r = radiusOf(x);
  return [dn(x.c[0] - r), up(x.c[1] + r)];
};

function lin(terms: [F, number][], constant: number, g: number): F {
  let c: I = [constant, constant];
  const a: I[] = Array.from({ length: g }, () => [0, 0] as I);
  let e = 0;
  for (const [x, w] of terms) {
    if (w === 0) continue;
    c = iadd(c, imulS(x.c, w));
    for (let k = 0; k < g; k++) a[k] = iadd(a[k], imulS(x.a[k], w));
    e = up(e + up(Math.abs(w) * x.e));
  }
  return { c, a, e };
}

function widen(x: F, by: number): F {
  return { c: x.c, a: x.a, e: up(x.e + by) };
}

/** f(z) for a monotone f whose derivative peaks at 0, by the mean-value form around the centre's midpoint. */
function meanValue(z: F, kind: 'tanh' | 'sigmoid'): F {
  const f = kind === 'tanh' ? Math.tanh : (v: number) => 1 / (1 + Math.exp(-v));
  const df = kind === 'tanh' ? (v: number) => 1 - Math.tanh(v) ** 2 : (v: number) => f(v) * (1 - f(v));
  const [lo, hi] = rangeOf(z);
  const dlo = df(lo);
  const dhi = df(hi);
  const peak = lo <= 0 && hi >= 0 ? df(0) : Math.max(dlo, dhi);
  const S: I = [Math.max(0, dn(Math.min(dlo, dhi)) - LIBM), up(peak) + LIBM];
  const m = (z.c[0] + z.c[1]) / 2;
  const fm = f(m);
  const d: I = [dn(z.c[0] - m), up(z.c[1] - m)];
  const c = iadd([fm - LIBM, fm + LIBM], imul(S, d));
  const a = z.a.map((ak) => imul(S, ak));
  const e = up(up(S[1] * z.e) + (kind === 'tanh' ? TANH_ERR : SIGMOID_ERR));
  return { c, a, e };
}

/** x * y with float32 rounding of the product. */
function times(x: F, y: F): F {
  const rx = radiusOf(x);
  const ry = radiusOf(y);
  const c = imul(x.c, y.c);
  const a = x.a.map((xk, k) => iadd(imul(x.c, y.a[k]), imul(y.c, xk)));
  // (x - xc)(y - yc) is at most rx ry; the centres' own spread was kept in c.
  const top = up(up(mag(x.c) + rx) * up(mag(y.c) + ry));
  const e = up(up(up(rx * ry) + up(mag(x.c) * y.e) + up(mag(y.c) * x.e)) + up(top * U32) + TINY32);
  return { c, a, e };
}

function plus32(x: F, y: F): F {
  const s = lin([[x, 1], [y, 1]], 0, x.a.length);
  const top = up(up(mag(x.c) + radiusOf(x)) + up(mag(y.c) + radiusOf(y)));
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
function sum32(w: W, hs: F[], coef: (k: number) => number, b: number): F {
  const g = hs[0].a.length;
  const s = lin(hs.map((h, k) => [h, coef(k)] as [F, number]), b, g);
  let bound = Math.abs(b);
  hs.forEach((h, k) => (bound = up(bound + up(Math.abs(coef(k)) * up(mag(h.c) + radiusOf(h))))));
  const n = w.H + 2;
  const gamma = up((n * U32) / (1 - n * U32));
  return widen(s, up(up(gamma * bound) + n * TINY32));
}

function step(w: W, s: F[], x: number): F[] {
  const { H } = w;
  const hs = s.slice(0, H);
  const z = (r: number): F => sum32(w, hs, (k) => w.whh[r * H + k], w.bsum[r] + (x ? w.wih[r] : 0));
  if (w.cell === 'rnn') return Array.from({ length: H }, (_, j) => meanValue(z(j), 'tanh'));
  const h: F[] = [];
  const c: F[] = [];
  for (let j = 0; j < H; j++) {
    const ig = meanValue(z(j), 'sigmoid');
    const fg = meanValue(z(H + j), 'sigmoid');
    const gg = meanValue(z(2 * H + j), 'tanh');
    const og = meanValue(z(3 * H + j), 'sigmoid');
    const cj = plus32(times(fg, s[H + j]), times(ig, gg));
    c.push(cj);
    h.push(times(og, meanValue(cj, 'tanh')));
  }
  return [...h, ...c];
}

function logitRange(w: W, s: F[]): I {
  return rangeOf(sum32(w, s.slice(0, w.H), (k) => w.lw[k], w.lb));
}

interface Reg {
  center: number[];
  basis: number[];
  radii: number[];
  /** ||I - V^T V||_inf, rounded up. */
  defect: number;
}

function regionForm(r: Reg, n: number): F[] {
  return Array.from({ length: n }, (_, i) => ({
    c: [r.center[i], r.center[i]] as I,
    a: r.radii.map((rk, k) => imulS([r.basis[i * n + k], r.basis[i * n + k]], rk)),
    e: 0,
  }));
}

/** Largest |t_k| / r_k - 1 over directions for t = V^-1 (x - c), x in s: <= 0 means s lies in the region. */
function excess(s: F[], r: Reg, n: number): number {
  const need: number[] = [];
  for (let k = 0; k < n; k++) {
    const terms: [F, number][] = [];
    for (let i = 0; i < n; i++) terms.push([{ c: iadd(s[i].c, [-r.center[i], -r.center[i]]), a: s[i].a, e: s[i].e }, r.basis[i * n + k]]);
    const y = lin(terms, 0, s[0].a.length);
    need.push(up(mag(y.c) + radiusOf(y)));
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
  const zero: F[] = Array.from({ length: n }, () => ({ c: [0, 0] as I, a: [], e: 0 }));
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
        const ex = fitIn(j, s);
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
