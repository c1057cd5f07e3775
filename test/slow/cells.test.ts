// Many-seed statistics (slow): the GRU at the seed's default settings solves parity for at least 9 of 10 seeds, as
// issue 10 asks (measured: 10 of 10, solved between 570 and 1,680 steps).
import { it, expect } from 'vitest';
import { train } from '../../src/index.js';

it('train({ cell: "gru" }) at the default settings solves for at least 9 of seeds 1..10', async () => {
  const results = [];
  for (let seed = 1; seed <= 10; seed++) {
    const r = await train({ cell: 'gru', seed });
    results.push({ seed, solved: r.solved, at: r.solvedAtStep });
  }
  // Solved: the generalisation set (50..100 bits) perfect, then 1,000 fresh strings confirmed it.
  expect(results.filter((r) => r.solved).length, JSON.stringify(results)).toBeGreaterThanOrEqual(9);
}, 300_000);
