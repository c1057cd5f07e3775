// Cheap refutations: strings built from what the model does (the input-0 orbit of the odd state drifting back to
// the even read-out), structured families, short strings exhaustively, sparse and dense random strings. Every
// candidate is judged by model.logits, the float32 inference predict runs, so a counterexample is never a guess.

import { type Model } from '../core/model.js';
import { parity } from '../core/bits.js';
import { makeRng, streamSeed } from '../core/rng.js';
import { cellParams, readout64, run64, step64Into, type CellParams } from './cells.js';

export interface Counterexample {
  bits: string;
  /** The model's answer (what predict says). */
  answer: 0 | 1;
  /** The true parity. */
  parity: 0 | 1;
  logit: number;
  /** How it was found. */
  found: string;
}

export interface RefuteOptions {
  /** Longest family member tried by inference (default 200; the orbits reach further). */
  familyMax?: number;
  /** Input-0 and input-1 orbits are followed this far in float64 (default 20000). */
  orbitMax?: number;
  /** All strings up to this length are tried (default 12). */
  exhaustive?: number;
  seed?: number;
}

/** Random stream of refutation's strings (train.ts uses 0..5, harden.ts 32). */
const REFUTE_STREAM = 33;

/** Judges candidates by plain inference; returns the shortest wrong one. */
function firstWrong(model: Model, strings: string[], found: string): Counterexample | null {
  if (strings.length === 0) return null;
  const z = model.logits(strings);
  let best: Counterexample | null = null;
  for (let i = 0; i < strings.length; i++) {
    const answer = z[i] > 0 ? 1 : 0;
    const want = parity(strings[i]);
    if (answer !== want && (best === null || strings[i].length < best.bits.length)) {
      best = { bits: strings[i], answer, parity: want, logit: z[i], found };
    }
  }
  return best;
}

function allStrings(maxLen: number): string[] {
  const out: string[] = [];
  for (let L = 1; L <= maxLen; L++) for (let v = 0; v < 1 << L; v++) out.push(v.toString(2).padStart(L, '0'));
  return out;
}

/** Lengths n where the float64 orbit of `prefix` + bit^n reads the wrong parity (at most a few, earliest first). */
function orbitCandidates(P: CellParams, prefix: string, bit: number, max: number): number[] {
  // The state and the two before it, in three buffers that take turns (no array per step).
  let s: Float64Array = run64(P, prefix);
  const p0 = parity(prefix);
  const out: number[] = [];
  let back1: Float64Array = Float64Array.from(s);
  let back2: Float64Array = Float64Array.from(s);
  for (let n = 1; n <= max && out.length < 3; n++) {
    const free = back2;
    back2 = back1;
    back1 = s;
    s = step64Into(P, back1, bit, free);
    // A fixed point (input 0) or a 2-cycle (input 1) reached in float64: the read-out repeats from here on.
    let moved = 0;
    for (let i = 0; i < s.length; i++) moved = Math.max(moved, Math.abs(s[i] - back2[i]));
    if (n > 2 && moved < 1e-13) break;
    const want = bit === 1 ? p0 ^ (n & 1) : p0;
    const z = readout64(P, s);
    // Near-zero logits are where float32 and float64 may disagree: try those too.
    if ((z > 0 ? 1 : 0) !== want || Math.abs(z) < 1e-4) out.push(n);
  }
  return out;
}

export function refute(model: Model, opts: RefuteOptions = {}): Counterexample | null {
  // The orbits need the cell's float64 step (cells.ts), not written for the GRU yet; the rest is plain inference.
  const P = model.cell === 'gru' ? null : cellParams(model);
  const famMax = opts.familyMax ?? 200;
  const found: (Counterexample | null)[] = [];
  found.push(firstWrong(model, allStrings(opts.exhaustive ?? 12), 'every string up to length ' + (opts.exhaustive ?? 12)));

  // The orbits: the odd state after "1" (and "11", "0") under zeros; the flip-flop under ones.
  const orbit: string[] = [];
  const max = opts.orbitMax ?? 20000;
  for (const [prefix, bit] of P ? ([['1', 0], ['0', 0], ['11', 0], ['', 1], ['0', 1]] as [string, number][]) : []) {
    for (const n of orbitCandidates(P!, prefix, bit, max)) {
      for (let d = -2; d <= 2; d++) if (n + d >= 1) orbit.push(prefix + String(bit).repeat(n + d));
    }
  }
  found.push(firstWrong(model, orbit, 'input-0/input-1 orbit of the state after a short prefix'));

  const fam: string[] = [];
  for (let n = 1; n <= famMax; n++) {
    fam.push('1' + '0'.repeat(n), '0'.repeat(n), '1'.repeat(n), '11' + '0'.repeat(n), '10'.repeat(n >> 1 || 1), '0'.repeat(n) + '1');
  }
  for (let a = 1; a <= 60; a += 3) for (let b = 1; b <= 200; b += 7) fam.push('1'.repeat(a) + '0'.repeat(b), '0'.repeat(b) + '1' + '0'.repeat(a));
  found.push(firstWrong(model, fam, 'structured family (runs, alternations)'));

  const rng = makeRng(streamSeed(opts.seed ?? 0, REFUTE_STREAM));
  const rnd: string[] = [];
  // Each string's character codes in one buffer, made a string once (not one concatenation per bit).
  const codes = new Uint16Array(600);
  for (const p of [0.5, 0.1, 0.02, 0.005, 0.9, 0.98, 0.995]) {
    for (let i = 0; i < 60; i++) {
      const L = rng.int(1, 600);
      const th = Math.floor(p * 16777216);
      for (let t = 0; t < L; t++) codes[t] = rng.nextU32() >>> 8 < th ? 49 : 48;
      rnd.push(String.fromCharCode.apply(null, codes.subarray(0, L) as unknown as number[]));
    }
  }
  found.push(firstWrong(model, rnd, 'sparse and dense random strings'));

  let best: Counterexample | null = null;
  for (const c of found) if (c && (!best || c.bits.length < best.bits.length)) best = c;
  return best;
}
