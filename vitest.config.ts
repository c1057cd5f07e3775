import { defineConfig } from 'vitest/config';

// Two suites. `fast`: every check of behaviour, a few seconds of training at most per file. `slow` (test/slow/):
// statistics over many seeds and long certifications, which say how often or how well, not whether it works.
// `npm test` runs `fast`, `npm run test:slow` runs `slow`, `npm run test:all` (what .ci/run runs) runs both.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    // Two files at once even on two cores (vitest's default is cores - 1): the browser, queue and CLI tests spend
    // much of their time waiting on Chromium, Redis and child processes.
    maxWorkers: 2,
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
