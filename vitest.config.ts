import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The longest files first, in this order, so that the two workers finish together; the rest in vitest's own order
// (longest first by the last run's times, kept in node_modules/.vite/vitest: right after a full run, wrong after a
// filtered one, and by size on a clean clone). Started late, one of these alone was the last 10-15 s of a run.
const FIRST = ['/test/browser.test.ts', '/test/certify.test.ts', '/test/queue.test.ts', '/test/cli.test.ts'];
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => {
      const i = FIRST.findIndex((name) => f.moduleId.replaceAll('\\', '/').endsWith(name));
      return i === -1 ? FIRST.length : i;
    };
    const sorted = await super.sort(files);
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
  }
}

// Two suites. `fast`: every check of behaviour, a few seconds of training at most per file. `slow` (test/slow/):
// statistics over many seeds and long certifications, which say how often or how well, not whether it works.
// `npm test` runs `fast`, `npm run test:slow` runs `slow`, `npm run test:all` (what .ci/run runs) runs both.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    // Two files at once even on two cores (vitest's default is cores - 1): the browser, queue and CLI tests spend
    // much of their time waiting on Chromium, Redis and child processes.
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
    // A worker process runs file after file without reloading the modules (about an eighth of the CPU time): a test
    // file that changes process state (cwd, streams, listeners, exit code) puts it back, as test/cli.test.ts does.
    isolate: false,
    hookTimeout: 120_000,
    // The JSON report lets .ci/run print one plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'test-artifacts/vitest.json' }]],
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: ['test/slow/**'] } },
      { extends: true, test: { name: 'slow', include: ['test/slow/**/*.test.ts'], testTimeout: 300_000 } },
    ],
  },
});
