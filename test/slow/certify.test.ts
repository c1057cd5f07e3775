// Slow (about two minutes on one core; in the slow project, which `npm test` and CI run): 10 default seeds, each trained with the defaults (goal
// 'certified': solve, structured families, certify, hardening rounds). The target is >= 9 of 10 certified;
// what is asserted is what this package reaches today (docs/certify.md has the numbers): every verdict the goal
// loop records is backed (a certificate verify accepts, a counterexample predict confirms, an `unknown` that names
// the failing condition), at least 8 seeds end robust, and every robust model's proof stops at the linearised
// growth check: the regions' radii would grow by more than 1 per word before any linearisation error.
import { describe, it, expect } from 'vitest';
import { train } from '../../src/train/train.js';
import { verify } from '../../src/certify/verify.js';
import { parity } from '../../src/core/bits.js';

describe('10 default seeds trained toward the goal certified', () => {
  it('every verdict is backed; robust models stop at the growth check', async () => {
    const rows: string[] = [];
    let certified = 0;
    let robust = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const r = await train({ seed });
      const { reached, certify: c, certificate } = r.goal;
      rows.push(`${seed}:${reached}/${c?.verdict ?? '-'}`);
      if (reached === 'certified') {
        certified++;
        expect(verify(r.model, certificate).ok, `seed ${seed}`).toBe(true);
      }
      if (reached === 'robust' || reached === 'certified') robust++;
      if (c?.verdict === 'refuted') {
        const bits = c.counterexample!.bits;
        expect(r.model.predict(bits).parity, `seed ${seed}`).not.toBe(parity(bits));
        expect(reached, `seed ${seed}`).toBe('solved');
      }
      if (c?.verdict === 'unknown') {
        expect(reached, `seed ${seed}`).toBe('robust');
        expect(c.reason, `seed ${seed}`).toMatch(/radii grow by 1\.\d+ per 4-bit word/);
      }
    }
    // Measured (docs/certify.md): 0 certified, 8 robust with certify unknown (growth 1.32-1.75 per word), seed 8
    // refuted by a 368-bit string, seed 9 not robust after 3 rounds. The goal (>= 9 certified) is not reached.
    console.log(`default training toward certified: ${rows.join(' ')} (${certified} certified, ${robust} robust)`);
    expect(robust, rows.join(' ')).toBeGreaterThanOrEqual(8);
  }, 900_000);
});
