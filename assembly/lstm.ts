// The LSTM cell's pointwise part, forward and backward side by side (PyTorch's gate order i, f, g, o):
//   i = sigmoid(z_i), f = sigmoid(z_f), g = tanh(z_g), o = sigmoid(z_o)
//   c = f * c_prev + i * g,  h = o * tanh(c)
// Each v128 holds the four strings of a group. Arguments: outputs first, then inputs. Pointers: gates, dz:
// v128[4H] (rows i|f|g|o); the others v128[H].

import { H, PARAMS, BSUM, O_WIH, O_WHH } from './layout';
import { sigmoid4, tanh4, sigmoid4x2, tanh4x2, one4 } from './activations';

/**
 * One LSTM step for a group of four strings, in three passes. (1) The gate sums of every unit into gates
 * (pre-activations), the four rows of unit j in four independent chains. (2) The activations in place, two rows at
 * a time, each coefficient splatted once for both. (3) c, tanh(c) and h per unit. Fused into one pass per unit, V8
 * spilled the accumulators around every activation's coefficient splats; split, nothing spills. Out: h, c, tc =
 * tanh(c), gates; in: x, hPrev, cPrev. Always writes gates and tc (inference points them at scratch; tc may be the
 * g row of gates, which unit j has read before tanh(c_j) is written). h may alias hPrev and c may alias cPrev (all
 * of hPrev is read in pass 1, c_prev[j] before c[j] is written); gates and tc must not alias any input.
 */
export function lstmForward(h: usize, c: usize, tc: usize, gates: usize, xPtr: usize, hPrev: usize, cPrev: usize): void {
  const x = v128.load(xPtr);
  const n = H;
  const hb = <usize>n << 4; // bytes of one gate block of v128s
  const rb = <usize>n << 2; // bytes of one gate block of f32s (bias, W_ih), or of one W_hh row
  const wih = PARAMS + (<usize>O_WIH << 2);
  const whh = PARAMS + (<usize>O_WHH << 2);
  const gateRows = <usize>n * rb; // bytes of one gate's H rows of W_hh
  const end = hPrev + hb;
  for (let j = 0; j < n; j++) {
    const jf = <usize>j << 2;
    let zi = f32x4.add(v128.load32_splat(BSUM + jf), f32x4.mul(v128.load32_splat(wih + jf), x));
    let zf = f32x4.add(v128.load32_splat(BSUM + rb + jf), f32x4.mul(v128.load32_splat(wih + rb + jf), x));
    let zg = f32x4.add(v128.load32_splat(BSUM + 2 * rb + jf), f32x4.mul(v128.load32_splat(wih + 2 * rb + jf), x));
    let zo = f32x4.add(v128.load32_splat(BSUM + 3 * rb + jf), f32x4.mul(v128.load32_splat(wih + 3 * rb + jf), x));
    // row j of each gate block, one pointer each (as in lstmForward2)
    let wi = whh + <usize>j * rb;
    let wf = wi + gateRows;
    let wg = wf + gateRows;
    let wo = wg + gateRows;
    for (let p = hPrev; p < end; p += 16, wi += 4, wf += 4, wg += 4, wo += 4) {
      const hk = v128.load(p);
      zi = f32x4.add(zi, f32x4.mul(v128.load32_splat(wi), hk));
      zf = f32x4.add(zf, f32x4.mul(v128.load32_splat(wf), hk));
      zg = f32x4.add(zg, f32x4.mul(v128.load32_splat(wg), hk));
      zo = f32x4.add(zo, f32x4.mul(v128.load32_splat(wo), hk));
    }
    const o = <usize>j << 4;
    v128.store(gates + o, zi);
    v128.store(gates + hb + o, zf);
    v128.store(gates + 2 * hb + o, zg);
    v128.store(gates + 3 * hb + o, zo);
  }
  // i and f rows (2H vectors, so pairs), then g and o in pairs of units, a lone last unit when H is odd
  const hb2 = hb << 1;
  for (let r: usize = 0; r < hb2; r += 32) sigmoid4x2(v128.load(gates + r), v128.load(gates + r + 16), gates + r, gates + r + 16);
  const gr = gates + hb2;
  const or = gr + hb;
  const pairs = (<usize>n >> 1) << 5;
  for (let r: usize = 0; r < pairs; r += 32) {
    tanh4x2(v128.load(gr + r), v128.load(gr + r + 16), gr + r, gr + r + 16);
    sigmoid4x2(v128.load(or + r), v128.load(or + r + 16), or + r, or + r + 16);
  }
  if (n & 1) {
    v128.store(gr + pairs, tanh4(v128.load(gr + pairs)));
    v128.store(or + pairs, sigmoid4(v128.load(or + pairs)));
  }
  for (let o: usize = 0; o < pairs; o += 32) {
    const o1 = o + 16;
    const c0 = f32x4.add(f32x4.mul(v128.load(gates + hb + o), v128.load(cPrev + o)), f32x4.mul(v128.load(gates + o), v128.load(gr + o)));
    const c1 = f32x4.add(f32x4.mul(v128.load(gates + hb + o1), v128.load(cPrev + o1)), f32x4.mul(v128.load(gates + o1), v128.load(gr + o1)));
    v128.store(c + o, c0);
    v128.store(c + o1, c1);
    tanh4x2(c0, c1, tc + o, tc + o1);
    v128.store(h + o, f32x4.mul(v128.load(or + o), v128.load(tc + o)));
    v128.store(h + o1, f32x4.mul(v128.load(or + o1), v128.load(tc + o1)));
  }
  if (n & 1) {
    const o = pairs;
    const cn = f32x4.add(f32x4.mul(v128.load(gates + hb + o), v128.load(cPrev + o)), f32x4.mul(v128.load(gates + o), v128.load(gr + o)));
    const t = tanh4(cn);
    v128.store(c + o, cn);
    v128.store(tc + o, t);
    v128.store(h + o, f32x4.mul(v128.load(or + o), t));
  }
}

/**
 * lstmForward on two groups at once, a and b: eight strings, in three passes. (1) The gate sums of every unit into
 * gates (pre-activations): every weight splat feeds two groups and eight accumulator chains are in flight instead
 * of four (for H 64 the chain over k is what bounds one group). (2) The activations in place, a's row and b's row
 * together, each coefficient splatted once for both. (3) c, tanh(c) and h per unit. Fused into one pass per unit,
 * V8 spilled the eight accumulators around every activation's coefficient splats; split, nothing spills. Each lane
 * computes exactly what lstmForward computes, in the same order, so the results are bit for bit the same.
 * Always writes gates and tc (inference points them at scratch; tc may be the g row of gates, which unit j has read
 * before tanh(c_j) is written). h may alias hPrev and c may alias cPrev (all of hPrev is read in pass 1, c_prev[j]
 * before c[j] is written); gates and tc must not alias any input.
 */
export function lstmForward2(
  hA: usize, cA: usize, tcA: usize, gatesA: usize, xA: usize, hPrevA: usize, cPrevA: usize,
  hB: usize, cB: usize, tcB: usize, gatesB: usize, xB: usize, hPrevB: usize, cPrevB: usize,
): void {
  const xa = v128.load(xA);
  const xb = v128.load(xB);
  const n = H;
  const hbytes = <usize>n << 4;
  const rb = <usize>n << 2;
  const wih = PARAMS + (<usize>O_WIH << 2);
  const whh = PARAMS + (<usize>O_WHH << 2);
  const gateRows = <usize>n * rb;
  for (let j = 0; j < n; j++) {
    const jf = <usize>j << 2;
    const bi = v128.load32_splat(BSUM + jf);
    const bf = v128.load32_splat(BSUM + rb + jf);
    const bg = v128.load32_splat(BSUM + 2 * rb + jf);
    const bo = v128.load32_splat(BSUM + 3 * rb + jf);
    const xi = v128.load32_splat(wih + jf);
    const xf = v128.load32_splat(wih + rb + jf);
    const xg = v128.load32_splat(wih + 2 * rb + jf);
    const xo = v128.load32_splat(wih + 3 * rb + jf);
    let ai = f32x4.add(bi, f32x4.mul(xi, xa));
    let af = f32x4.add(bf, f32x4.mul(xf, xa));
    let ag = f32x4.add(bg, f32x4.mul(xg, xa));
    let ao = f32x4.add(bo, f32x4.mul(xo, xa));
    let zi = f32x4.add(bi, f32x4.mul(xi, xb));
    let zf = f32x4.add(bf, f32x4.mul(xf, xb));
    let zg = f32x4.add(bg, f32x4.mul(xg, xb));
    let zo = f32x4.add(bo, f32x4.mul(xo, xb));
    // one pointer per gate row and b's h at a fixed distance from a's: the loop's integer work is what limits
    // how fast V8's code issues (H 64)
    let w = whh + <usize>j * rb;
    let wf = w + gateRows;
    let wg = wf + gateRows;
    let wo = wg + gateRows;
    const db = hPrevB - hPrevA;
    const end = hPrevA + hbytes;
    for (let pa = hPrevA; pa < end; pa += 16, w += 4, wf += 4, wg += 4, wo += 4) {
      const ha = v128.load(pa);
      const hb = v128.load(pa + db);
      const ri = v128.load32_splat(w);
      const rf = v128.load32_splat(wf);
      const rg = v128.load32_splat(wg);
      const ro = v128.load32_splat(wo);
      ai = f32x4.add(ai, f32x4.mul(ri, ha));
      af = f32x4.add(af, f32x4.mul(rf, ha));
      ag = f32x4.add(ag, f32x4.mul(rg, ha));
      ao = f32x4.add(ao, f32x4.mul(ro, ha));
      zi = f32x4.add(zi, f32x4.mul(ri, hb));
      zf = f32x4.add(zf, f32x4.mul(rf, hb));
      zg = f32x4.add(zg, f32x4.mul(rg, hb));
      zo = f32x4.add(zo, f32x4.mul(ro, hb));
    }
    const o = <usize>j << 4;
    v128.store(gatesA + o, ai);
    v128.store(gatesA + hbytes + o, af);
    v128.store(gatesA + 2 * hbytes + o, ag);
    v128.store(gatesA + 3 * hbytes + o, ao);
    v128.store(gatesB + o, zi);
    v128.store(gatesB + hbytes + o, zf);
    v128.store(gatesB + 2 * hbytes + o, zg);
    v128.store(gatesB + 3 * hbytes + o, zo);
  }
  // i and f rows (contiguous), then g, then o, each a pair across the groups
  const hb2 = hbytes << 1;
  for (let r: usize = 0; r < hb2; r += 16) sigmoid4x2(v128.load(gatesA + r), v128.load(gatesB + r), gatesA + r, gatesB + r);
  for (let r: usize = hb2; r < hb2 + hbytes; r += 16) tanh4x2(v128.load(gatesA + r), v128.load(gatesB + r), gatesA + r, gatesB + r);
  for (let r: usize = hb2 + hbytes; r < hb2 << 1; r += 16) sigmoid4x2(v128.load(gatesA + r), v128.load(gatesB + r), gatesA + r, gatesB + r);
  for (let o: usize = 0; o < hbytes; o += 16) {
    const ca = f32x4.add(f32x4.mul(v128.load(gatesA + hbytes + o), v128.load(cPrevA + o)), f32x4.mul(v128.load(gatesA + o), v128.load(gatesA + hb2 + o)));
    const cb = f32x4.add(f32x4.mul(v128.load(gatesB + hbytes + o), v128.load(cPrevB + o)), f32x4.mul(v128.load(gatesB + o), v128.load(gatesB + hb2 + o)));
    v128.store(cA + o, ca);
    v128.store(cB + o, cb);
    tanh4x2(ca, cb, tcA + o, tcB + o);
    v128.store(hA + o, f32x4.mul(v128.load(gatesA + hb2 + hbytes + o), v128.load(tcA + o)));
    v128.store(hB + o, f32x4.mul(v128.load(gatesB + hb2 + hbytes + o), v128.load(tcB + o)));
  }
}

/**
 * Backward of lstmForward for one step. Out: dz, the gradient at the pre-activations (rows i|f|g|o); dc, in and
 * out: the gradient at c from the step after, replaced by the gradient at c_prev. In: the step's gates, c_prev,
 * tanh(c), dh, the gradient at h, and pen: 0, or a v128 of twice the forget-gate penalty's weight per lane
 * (regularize.ts). dz may alias gates, and does in training (the cache keeps one copy): unit j
 * reads its four gate rows before writing its four dz rows.
 */
export function lstmBackward(dz: usize, dc: usize, gates: usize, cPrev: usize, tc: usize, dh: usize, pen: usize): void {
  const hb = <usize>H << 4;
  const one = one4();
  for (let j = 0; j < H; j++) {
    const o = <usize>j << 4;
    const gi = v128.load(gates + o);
    const gf = v128.load(gates + hb + o);
    const gg = v128.load(gates + 2 * hb + o);
    const go = v128.load(gates + 3 * hb + o);
    const t = v128.load(tc + o);
    const dhj = v128.load(dh + o);
    // backprop through h = o * tanh(c)
    const dO = f32x4.mul(dhj, t);
    const dC = f32x4.add(v128.load(dc + o), f32x4.mul(f32x4.mul(dhj, go), f32x4.sub(one, f32x4.mul(t, t))));
    // backprop through c = f * c_prev + i * g
    const dI = f32x4.mul(dC, gg);
    const dG = f32x4.mul(dC, gi);
    let dF = f32x4.mul(dC, v128.load(cPrev + o));
    // the forget-gate penalty w f^2 (regularize.ts): pen points at 2 w per lane
    if (pen) dF = f32x4.add(dF, f32x4.mul(v128.load(pen), gf));
    v128.store(dc + o, f32x4.mul(dC, gf));
    // backprop through the gate nonlinearities: sigmoid' = s (1 - s), tanh' = 1 - t^2
    v128.store(dz + o, f32x4.mul(f32x4.mul(dI, gi), f32x4.sub(one, gi)));
    v128.store(dz + hb + o, f32x4.mul(f32x4.mul(dF, gf), f32x4.sub(one, gf)));
    v128.store(dz + 2 * hb + o, f32x4.mul(dG, f32x4.sub(one, f32x4.mul(gg, gg))));
    v128.store(dz + 3 * hb + o, f32x4.mul(f32x4.mul(dO, go), f32x4.sub(one, go)));
  }
}
