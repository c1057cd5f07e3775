// The structured string families: what eval, the goal's check and judge test models on. Each is what its
// description says, deterministic for a seed, and within the longest string accepted anywhere.

import { describe, it, expect } from 'vitest';
import { familyStrings, FAMILIES, LIMITS, checkBits } from '../src/index.js';

const ones = (s: string): number => s.split('').filter((c) => c === '1').length;

describe('familyStrings', () => {
  it('is deterministic for a seed, and another seed gives other strings', () => {
    for (const f of FAMILIES) {
      expect(familyStrings(f, { seed: 3 })).toEqual(familyStrings(f, { seed: 3 }));
      if (f !== 'runs') expect(familyStrings(f, { seed: 3 })).not.toEqual(familyStrings(f, { seed: 4 }));
    }
  });

  it('gives non-empty bit strings, none longer than LIMITS.length even at the largest max', () => {
    for (const f of FAMILIES) {
      for (const s of familyStrings(f, { maxLen: 300, count: 50 })) checkBits(s);
      const huge = familyStrings(f, { maxLen: LIMITS.length, count: 4 });
      expect(Math.max(...huge.map((s) => s.length)), f).toBeLessThanOrEqual(LIMITS.length);
    }
  });

  it('has the shapes it promises: runs after a 1, sparse and dense densities, periods, long lengths', () => {
    const runs = new Set(familyStrings('runs', { maxLen: 500 }));
    for (let n = 1; n <= 20; n++) {
      expect(runs.has('1' + '0'.repeat(n))).toBe(true);
      expect(runs.has('1'.repeat(n) + '0'.repeat(n))).toBe(true);
    }
    const density = (f: 'sparse' | 'dense'): number => {
      const xs = familyStrings(f, { maxLen: 500 });
      return xs.reduce((a, s) => a + ones(s), 0) / xs.reduce((a, s) => a + s.length, 0);
    };
    expect(density('sparse')).toBeLessThan(0.1);
    expect(density('dense')).toBeGreaterThan(0.9);
    for (const s of familyStrings('alternating', { maxLen: 200 })) expect(s.length).toBeGreaterThanOrEqual(2);
    const long = familyStrings('long', { maxLen: 500, count: 200 });
    expect(long).toHaveLength(20); // a tenth as many
    for (const s of long) expect(s.length >= 500 && s.length <= 5000).toBe(true);
  });
});
