// How often the defaults solve: a statistic over seeds, not a check of behaviour (test/train.test.ts has those).
import { describe, it, expect } from 'vitest';
import { train, evaluate, certify, parity } from '../../src/index.js';

describe('train, over seeds', () => {
  it("with the defaults, at least 9 of 10 seeds solve within 5,000 steps, right on far longer random strings, and each is refuted by a 1 followed by zeros", async () => {
    let solved = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const r = await train({ seed, goal: 'solved' });
      if (!r.solved) continue;
      solved++;
      // Five times longer than any training string: all right. Far longer: the margins it stopped with are thin
      // (it stops at the first confirmed step), so most but not all strings of 1,000 bits.
      const e = evaluate(r.model, { lengths: [100, 1000], count: 200, seed });
      expect(e.byLength[0].accuracy).toBe(1);
      expect(e.byLength[1].accuracy).toBeGreaterThan(0.9);
      // And yet solved is not parity (README): certify refutes each with a 1 followed by zeros, which predict,
      // the plain inference, gets wrong. Measured: 1 then 9 to 28 zeros for seeds 1..10.
      const c = certify(r.model);
      expect(c.verdict, `seed ${seed}`).toBe('refuted');
      if (c.verdict !== 'refuted') continue;
      expect(c.counterexample.bits).toMatch(/^10{9,28}$/);
      expect(r.model.predict(c.counterexample.bits).parity).not.toBe(parity(c.counterexample.bits));
    }
    expect(solved).toBeGreaterThanOrEqual(9);
  });
});
