// Bundles the CLI (bin dist/cli/main.js) after tsc, so a command loads a few files instead of some forty.
//
// Why: Node 20 loads ES modules one by one (resolve, an async read, compile, link), and on this 2-core machine the
// ~40 modules of `train` took about a sixth of the command's time, before any training. No compile cache to lean on
// in Node 20 (module.enableCompileCache is Node 22).
//
// What is bundled: src/cli and every layer it uses (core with the generated wasm, train, certify, charts,
// research, node) plus commander, asciichart and pure-rand, code-split so each command still loads only its own
// code (train-run, eval-run, ... stay lazy chunks): `train` loads five files instead of twenty (its imports took
// 41 ms instead of 26 here). The CLI's process loads nothing from dist/ outside dist/cli/ (a worker thread is its
// own module graph), so no module runs there twice, once bundled and once as tsc's output. Its one copy of the
// core's Model is also the entry dist/cli/model.js, so a module preloaded into the CLI's process (node --import)
// can reach the Model the CLI uses (test/cli.test.ts patches it to fail as a bug would). vega, vega-lite and
// bullmq stay external, loaded on demand.
// Every chunk is written to dist/cli/, beside main.js, so paths taken from import.meta.url mean what they meant in
// the source: ../../package.json is the package's, and ./task-worker.js (node/workers.ts) is a one-line file that
// starts the worker from dist/node/task-worker.js (a worker thread is its own module graph: nothing is shared).
//
//   node scripts/bundle-cli.mjs        (npm run build runs it after tsc)

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const outDir = path.join(root, 'dist', 'cli');
const CHUNK_PREFIX = 'chunk-';

// commander requires node:child_process at load, only to spawn executable subcommands (this CLI has none): loading
// it cost every command about 3 ms. Inside commander it becomes an object that loads it on first use.
const LAZY_CHILD_PROCESS = '\0parity-lstm:lazy-child-process';
const lazyChildProcess = {
  name: 'parity-lstm:lazy-child-process',
  resolveId(source, importer) {
    if (/^(node:)?child_process$/.test(source) && importer && /[\\/]node_modules[\\/]commander[\\/]/.test(importer)) return LAZY_CHILD_PROCESS;
    return null;
  },
  load(id) {
    if (id !== LAZY_CHILD_PROCESS) return null;
    return "let cp = null;\nmodule.exports = { spawn: (...a) => (cp ??= require('node:child_process')).spawn(...a) };\n";
  },
};

if (!fs.existsSync(path.join(src, 'generated', 'core-wasm.ts'))) {
  console.error('bundle-cli: src/generated/core-wasm.ts is missing: build the wasm first (npm run build)');
  process.exit(1);
}

const bundle = await rolldown({
  input: { main: path.join(src, 'cli', 'main.ts'), model: path.join(src, 'core', 'model.ts') },
  platform: 'node',
  tsconfig: path.join(root, 'tsconfig.json'),
  resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
  // node:child_process is left to lazyChildProcess (for commander); every other builtin stays external.
  external: (id) => (/^node:/.test(id) && id !== 'node:child_process') || /^(vega|vega-lite|bullmq)($|\/)/.test(id),
  plugins: [lazyChildProcess],
  logLevel: 'warn',
});

// Chunks of an earlier build would otherwise pile up beside tsc's files.
for (const f of fs.readdirSync(outDir)) if (f.startsWith(CHUNK_PREFIX)) fs.rmSync(path.join(outDir, f));

const { output } = await bundle.write({
  dir: outDir,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: `${CHUNK_PREFIX}[name]-[hash].js`,
  sourcemap: true,
  // Fewer, larger files on the hot paths: what every command loads in one chunk, what `train` adds in another.
  codeSplitting: {
    groups: [
      // Not main.ts itself: its top-level await would leave the shared chunk, which train-run imports, unfinished.
      { name: 'startup', tags: ['$initial'], test: (id) => !/[\\/]src[\\/]cli[\\/]main\.ts$/.test(id), priority: 2 },
      { name: 'train', test: /[\\/]src[\\/](cli[\\/](train-run|display|load)\.ts|train[\\/]|node[\\/]files\.ts)/, priority: 1 },
    ],
  },
  // Class and function names as in the source: error names and stack traces read the same as from tsc's output.
  keepNames: true,
});
await bundle.close();

// The worker pool starts new URL('./task-worker.js', import.meta.url): from a chunk in dist/cli/, that is here.
const shim = path.join(outDir, 'task-worker.js');
fs.writeFileSync(shim + '.tmp', "// Written by scripts/bundle-cli.mjs: the worker thread runs tsc's build of the task worker.\nimport '../node/task-worker.js';\n");
fs.renameSync(shim + '.tmp', shim);

const chunks = output.filter((o) => o.type === 'chunk');
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const main = chunks.find((c) => c.isEntry && c.name === 'main');
console.log(`bundled the CLI into dist/cli/: main.js (${kb(main.code.length)}), model.js and ${chunks.length - 2} chunks`);
