// A picture of state space: the states a typed string visits, one point per prefix (the empty one included),
// coloured by the true parity of that prefix. The x axis is the read-out itself (the logit w·h + b), so the
// decision boundary is the vertical line x = 0 and a point on the wrong side of it is a wrong answer; the y axis is
// the direction in which the visited states vary most once the read-out direction is taken out (the first
// principal component of the rest). A model that computes parity shows two clusters, one each side of the line; a
// leaky one shows the odd state drifting back across it on a run of zeros.
// For a certified model, the certificate's regions are drawn too: each region is a zonotope in state space (centre,
// axes, radii); its shadow on the two axes is enclosed in a box, shaded by the parity of the strings it holds.
// Plain SVG: at most MAX_POINTS circles, drawn on each prediction.

export interface StateView {
  bits: string;
  /** State after each bit (h, and for the LSTM c), as Model.trace returns it. */
  h: Float32Array[];
  c: Float32Array[] | null;
  readout: { w: Float32Array; b: number };
}

/** Most prefixes drawn: the last ones of a longer string. */
export const MAX_POINTS = 2000;

const W = 440;
const H = 260;
const PAD = { left: 36, right: 12, top: 12, bottom: 30 };
const EVEN = '#1c7ed6';
const ODD = '#e8590c';
const START = '#fff';
const SVG = 'http://www.w3.org/2000/svg';

/** A certificate's region (parity-lstm-certificate/1): centre + sum over axes a of basis[:, a] * t_a * radii[a], |t_a| <= 1. */
export interface RegionView {
  parity: 0 | 1;
  suffix: string;
  center: number[];
  /** n x n, row-major: basis[i * n + a] is coordinate i of axis a. */
  basis: number[];
  radii: number[];
}

export interface Projected {
  /** Index in the string of the prefix's end: point k is the state after `first + k` bits. */
  first: number;
  x: Float64Array;
  y: Float64Array;
  parity: Uint8Array;
  /** The y axis: unit direction in state space, and the mean it is measured from. */
  dir: Float64Array;
  mean: Float64Array;
}

/**
 * The projection. States are h (LSTM: h then c); x is the logit, y the top principal component of the states with
 * their read-out-direction part removed, by power iteration from a fixed start (deterministic, no random init).
 */
export function project(v: StateView): Projected {
  const n = v.bits.length + 1;
  const first = Math.max(0, n - MAX_POINTS);
  const m = n - first;
  const hs = v.h[0]?.length ?? v.readout.w.length;
  const d = v.c ? 2 * hs : hs;
  // Prefix 0 is the zero state the network starts from.
  const state = (t: number): ArrayLike<number> | null => (t === 0 ? null : v.h[t - 1]);
  const X = new Float64Array(m * d);
  const x = new Float64Array(m);
  const parity = new Uint8Array(m);
  let p = 0;
  for (let t = 0; t < first; t++) p ^= v.bits.charCodeAt(t) === 49 ? 1 : 0;
  for (let k = 0; k < m; k++) {
    const t = first + k;
    if (t > 0) p ^= v.bits.charCodeAt(t - 1) === 49 ? 1 : 0;
    parity[k] = p;
    const h = state(t);
    let logit = v.readout.b;
    if (h) {
      for (let j = 0; j < hs; j++) {
        X[k * d + j] = h[j];
        logit += v.readout.w[j] * h[j];
      }
      if (v.c) for (let j = 0; j < hs; j++) X[k * d + hs + j] = v.c[t - 1][j];
    }
    x[k] = logit;
  }
  // Centre, then take out the read-out direction (w in the h coordinates), which x already shows.
  const mean = new Float64Array(d);
  for (let k = 0; k < m; k++) for (let j = 0; j < d; j++) mean[j] += X[k * d + j] / m;
  const u = new Float64Array(d);
  let wn = 0;
  for (let j = 0; j < hs; j++) wn += v.readout.w[j] ** 2;
  wn = Math.sqrt(wn);
  if (wn > 0) for (let j = 0; j < hs; j++) u[j] = v.readout.w[j] / wn;
  for (let k = 0; k < m; k++) {
    let dot = 0;
    for (let j = 0; j < d; j++) {
      X[k * d + j] -= mean[j];
      dot += X[k * d + j] * u[j];
    }
    for (let j = 0; j < d; j++) X[k * d + j] -= dot * u[j];
  }
  // Power iteration on XᵀX without forming it: v <- Xᵀ(Xv), normalised.
  let dir = new Float64Array(d);
  for (let j = 0; j < d; j++) dir[j] = 1 + j / d;
  const xv = new Float64Array(m);
  for (let it = 0; it < 60; it++) {
    for (let k = 0; k < m; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += X[k * d + j] * dir[j];
      xv[k] = s;
    }
    const next = new Float64Array(d);
    for (let k = 0; k < m; k++) for (let j = 0; j < d; j++) next[j] += X[k * d + j] * xv[k];
    let norm = 0;
    for (let j = 0; j < d; j++) norm += next[j] ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12)) break; // the states vary only along the read-out (or not at all): y stays 0
    for (let j = 0; j < d; j++) next[j] /= norm;
    dir = next;
  }
  const y = new Float64Array(m);
  let big = 0;
  for (let k = 0; k < m; k++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += X[k * d + j] * dir[j];
    y[k] = s;
    if (Math.abs(s) > Math.abs(big)) big = s;
  }
  // An eigenvector's sign is arbitrary: fix it so the largest excursion points up, and the picture does not flip
  // between keystrokes.
  if (big < 0) for (let k = 0; k < m; k++) y[k] = -y[k];
  if (big < 0) for (let j = 0; j < d; j++) dir[j] = -dir[j];
  return { first, x, y, parity, dir, mean };
}

/** The box [x0, x1] x [y0, y1] that encloses a region's shadow on the picture's axes (exact for a zonotope's). */
export function regionBox(r: RegionView, pr: Projected, readout: { w: Float32Array; b: number }): [number, number, number, number] | null {
  const n = r.center.length;
  if (n !== pr.dir.length || r.basis.length !== n * n) return null; // another model's certificate
  const hs = readout.w.length;
  let cx = readout.b;
  let cy = 0;
  for (let i = 0; i < n; i++) {
    if (i < hs) cx += readout.w[i] * r.center[i];
    cy += pr.dir[i] * (r.center[i] - pr.mean[i]);
  }
  let hx = 0;
  let hy = 0;
  for (let a = 0; a < n; a++) {
    let px = 0;
    let py = 0;
    for (let i = 0; i < n; i++) {
      const g = r.basis[i * n + a];
      if (i < hs) px += readout.w[i] * g;
      py += pr.dir[i] * g;
    }
    hx += Math.abs(px) * r.radii[a];
    hy += Math.abs(py) * r.radii[a];
  }
  return [cx - hx, cx + hx, cy - hy, cy + hy];
}

/** Point k is on the wrong side of the read-out's line: the network's answer there is not the parity. */
export function isWrong(pr: Projected, k: number): boolean {
  return pr.x[k] > 0 !== (pr.parity[k] === 1);
}

/** Prefixes with at least one bit whose answer is wrong. */
export function wrongCount(pr: Projected): number {
  let n = 0;
  for (let k = 0; k < pr.x.length; k++) if (pr.first + k > 0 && isWrong(pr, k)) n++;
  return n;
}

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export class StateSpace {
  constructor(private readonly svg: SVGSVGElement) {
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  }

  clear(): void {
    this.svg.replaceChildren();
    this.svg.dataset.points = '0';
    this.svg.dataset.regions = '0';
    this.svg.setAttribute('hidden', '');
  }

  draw(v: StateView, regions: RegionView[] = []): Projected {
    const pr = project(v);
    const m = pr.x.length;
    const boxes = regions.map((r) => ({ r, box: regionBox(r, pr, v.readout) })).filter((b) => b.box !== null) as { r: RegionView; box: [number, number, number, number] }[];
    const range = (a: Float64Array): [number, number] => {
      let lo = Infinity;
      let hi = -Infinity;
      for (const t of a) {
        lo = Math.min(lo, t);
        hi = Math.max(hi, t);
      }
      return [lo, hi];
    };
    let [x0, x1] = range(pr.x);
    let [y0, y1] = range(pr.y);
    for (const { box } of boxes) {
      x0 = Math.min(x0, box[0]);
      x1 = Math.max(x1, box[1]);
      y0 = Math.min(y0, box[2]);
      y1 = Math.max(y1, box[3]);
    }
    // Keep the boundary x = 0 in view, with a margin.
    x0 = Math.min(x0, 0);
    x1 = Math.max(x1, 0);
    const xm = (x1 - x0 || 1) * 0.06;
    x0 -= xm;
    x1 += xm;
    const ym = (y1 - y0 || 1) * 0.08;
    y0 -= ym;
    y1 += ym;
    const sx = (t: number): number => PAD.left + ((t - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
    const sy = (t: number): number => H - PAD.bottom - ((t - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);

    const kids: SVGElement[] = [];
    kids.push(el('rect', { x: PAD.left, y: PAD.top, width: W - PAD.left - PAD.right, height: H - PAD.top - PAD.bottom, class: 'ss-frame' }));
    // The decision boundary: right of it the network says 1 (odd).
    kids.push(el('line', { x1: sx(0), x2: sx(0), y1: PAD.top, y2: H - PAD.bottom, class: 'ss-boundary' }));
    kids.push(el('text', { x: sx(0) - 4, y: PAD.top + 11, 'text-anchor': 'end', class: 'ss-label' }, 'says 0 ←'));
    kids.push(el('text', { x: sx(0) + 4, y: PAD.top + 11, class: 'ss-label' }, '→ says 1'));
    kids.push(el('text', { x: PAD.left, y: H - 10, class: 'ss-label' }, x0.toFixed(1)));
    kids.push(el('text', { x: W - PAD.right, y: H - 10, 'text-anchor': 'end', class: 'ss-label' }, x1.toFixed(1)));
    kids.push(el('text', { x: (PAD.left + W - PAD.right) / 2, y: H - 10, 'text-anchor': 'middle', class: 'ss-label' }, 'logit (the read-out)'));
    kids.push(el('text', { x: 12, y: (PAD.top + H - PAD.bottom) / 2, transform: `rotate(-90 12 ${(PAD.top + H - PAD.bottom) / 2})`, 'text-anchor': 'middle', class: 'ss-label' }, 'main other direction'));
    for (const { r, box } of boxes) {
      // At least a few pixels: a flip-flop's regions are far smaller than a dot.
      const bx0 = sx(box[0]);
      const bx1 = sx(box[1]);
      const by0 = sy(box[3]);
      const by1 = sy(box[2]);
      const w = Math.max(bx1 - bx0, 6);
      const h = Math.max(by1 - by0, 6);
      const rect = el('rect', { x: ((bx0 + bx1) / 2 - w / 2).toFixed(1), y: ((by0 + by1) / 2 - h / 2).toFixed(1), width: w.toFixed(1), height: h.toFixed(1), fill: r.parity ? ODD : EVEN, class: 'ss-region' });
      rect.append(el('title', {}, `certified region: parity ${r.parity}, strings ending ${r.suffix}`));
      kids.push(rect);
    }
    let path = '';
    for (let k = 0; k < m; k++) path += `${k === 0 ? 'M' : 'L'}${sx(pr.x[k]).toFixed(1)},${sy(pr.y[k]).toFixed(1)}`;
    kids.push(el('path', { d: path, class: 'ss-path' }));
    const r = m > 400 ? 2 : 3;
    for (let k = 0; k < m; k++) {
      const t = pr.first + k;
      // The start (no bits yet) is no answer the model gives: predict needs at least one bit.
      const wrong = t > 0 && isWrong(pr, k);
      const c = el('circle', {
        cx: sx(pr.x[k]).toFixed(1),
        cy: sy(pr.y[k]).toFixed(1),
        r: k === m - 1 ? r + 2 : r,
        fill: t === 0 ? START : pr.parity[k] ? ODD : EVEN,
        class: k === m - 1 ? 'ss-last' : t === 0 ? 'ss-start' : wrong ? 'ss-wrong' : '',
      });
      c.append(el('title', {}, t === 0 ? `the start: the zero state, logit ${pr.x[k].toFixed(3)}` : `after ${t} bit${t === 1 ? '' : 's'}: parity ${pr.parity[k]}, logit ${pr.x[k].toFixed(3)}${wrong ? ' (wrong side)' : ''}`));
      kids.push(c);
    }
    this.svg.replaceChildren(...kids);
    this.svg.dataset.points = String(m);
    this.svg.dataset.regions = String(boxes.length);
    this.svg.removeAttribute('hidden');
    return pr;
  }
}
