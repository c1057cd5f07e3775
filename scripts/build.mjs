// The build in two steps, each skipped when nothing it reads has changed since it last succeeded:
//   wasm  assembly/ -> build/core.wasm and build/core.debug.wasm (asc, both targets at once), then the release
//         .wasm inlined into src/generated/core-wasm.ts (scripts/inline-wasm.mjs)
//   ts    src/ (the generated module included) -> dist/ (tsc), then the CLI bundle (scripts/bundle-cli.mjs)
//
//   node scripts/build.mjs              what is out of date (npm run build; npm test and the other test scripts)
//   node scripts/build.mjs wasm|ts      that step only, if out of date (npm run build:wasm, npm run build:ts)
//   node scripts/build.mjs --force      every step, out of date or not
//   node scripts/build.mjs --check      builds nothing: says what is out of date, exit 1 if anything is
//
// Up to date means: the hash of the step's inputs (every file's path and bytes) and the hash of its outputs both
// equal what build/stamps.json recorded when the step last succeeded. Bytes, not timestamps, so a checkout, a copy
// that keeps old times or an edit undone all count for what they are; a missing or edited output rebuilds too. The
// inputs include package-lock.json (the compilers' versions) and this script. A fresh clone has no build/, so it
// builds everything. A step that fails leaves no stamp, so the next run tries it again.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const STAMPS = 'build/stamps.json';

/**
 * The steps in order. `inputs` and `outputs` are files or directories (every file below), relative to the root.
 * A later step may read an earlier one's outputs (ts reads src/generated/core-wasm.ts), so steps run in order and
 * each is judged after the one before it ran.
 */
export const STEPS = [
  {
    name: 'wasm',
    inputs: ['assembly', 'asconfig.json', 'scripts/inline-wasm.mjs', 'package-lock.json', 'scripts/build.mjs'],
    outputs: ['build/core.wasm', 'build/core.debug.wasm', 'build/core.debug.wat', 'build/core.debug.wasm.map', 'src/generated/core-wasm.ts'],
    // The two targets are independent: compiled at once, they take the time of the slower one.
    run: [[['asc', 'assembly/index.ts', '--target', 'release'], ['asc', 'assembly/index.ts', '--target', 'debug']], [['node', 'scripts/inline-wasm.mjs']]],
  },
  {
    name: 'ts',
    inputs: ['src', 'tsconfig.json', 'package.json', 'package-lock.json', 'scripts/bundle-cli.mjs', 'scripts/build.mjs'],
    outputs: ['dist'],
    run: [[['tsc', '-p', 'tsconfig.json']], [['node', 'scripts/bundle-cli.mjs']]],
  },
];

/** Every file under `paths` (files or directories, relative to root), sorted; a missing path yields nothing. */
function files(root, paths) {
  const out = [];
  const walk = (rel) => {
    const abs = join(root, rel);
    let st;
    try {
      st = statSync(abs);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const name of readdirSync(abs)) walk(join(rel, name));
    else out.push(rel.split(sep).join('/'));
  };
  for (const p of paths) walk(p);
  return [...new Set(out)].sort();
}

/** A hash of the files' paths and bytes; `missing` lists the named paths that do not exist. */
export function hashPaths(root, paths) {
  const h = createHash('sha256');
  const list = files(root, paths);
  for (const f of list) {
    const bytes = readFileSync(join(root, f));
    h.update(`${f}\0${bytes.length}\0`);
    h.update(bytes);
  }
  const missing = paths.filter((p) => !existsSync(join(root, p)));
  return { hash: h.digest('hex'), count: list.length, missing };
}

export function readStamps(root) {
  try {
    return JSON.parse(readFileSync(join(root, STAMPS), 'utf8'));
  } catch {
    return {};
  }
}

function writeStamps(root, stamps) {
  const file = join(root, STAMPS);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file + '.tmp', JSON.stringify(stamps, null, 2) + '\n');
  renameSync(file + '.tmp', file);
}

/** Why `step` must run, or null when it is up to date. */
export function outOfDate(root, step, stamps = readStamps(root)) {
  const s = stamps[step.name];
  if (!s) return 'never built here';
  const out = hashPaths(root, step.outputs);
  if (out.missing.length) return `${out.missing.join(', ')} missing`;
  if (hashPaths(root, step.inputs).hash !== s.inputs) return 'its inputs changed';
  if (out.hash !== s.outputs) return 'its outputs changed since it built them';
  return null;
}

/**
 * Records `step` as built to the outputs now on disk from `inputs`: the inputs' hash taken before the step ran (the
 * default, now, is for a step that did not run), so an input edited while the step ran is out of date next time.
 */
export function record(root, step, inputs = hashPaths(root, step.inputs).hash) {
  const stamps = readStamps(root);
  stamps[step.name] = { inputs, outputs: hashPaths(root, step.outputs).hash };
  writeStamps(root, stamps);
}

function forget(root, step) {
  const stamps = readStamps(root);
  if (!(step.name in stamps)) return;
  delete stamps[step.name];
  writeStamps(root, stamps);
}

function exec(root, [cmd, ...args]) {
  // The compilers from this package's node_modules/.bin, as npm run would find them.
  const env = { ...process.env, PATH: [join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter) };
  return new Promise((resolve, reject) => {
    const child = spawn(cmd === 'node' ? process.execPath : cmd, args, { cwd: root, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${[cmd, ...args].join(' ')} failed (${signal ?? `exit ${code}`})`))));
  });
}

async function main(argv) {
  const force = argv.includes('--force');
  const check = argv.includes('--check');
  const named = argv.filter((a) => !a.startsWith('--'));
  for (const n of named) if (!STEPS.some((s) => s.name === n)) throw new Error(`unknown step ${n}: ${STEPS.map((s) => s.name).join(', ')}`);
  const steps = named.length ? STEPS.filter((s) => named.includes(s.name)) : STEPS;
  let stale = 0;
  for (const step of steps) {
    const why = force ? 'forced' : outOfDate(ROOT, step);
    if (!why) {
      console.log(`build: ${step.name} up to date`);
      continue;
    }
    stale++;
    if (check) {
      console.log(`build: ${step.name} out of date: ${why}`);
      continue;
    }
    console.log(`build: ${step.name} (${why})`);
    forget(ROOT, step);
    const inputs = hashPaths(ROOT, step.inputs).hash;
    for (const group of step.run) await Promise.all(group.map((c) => exec(ROOT, c)));
    record(ROOT, step, inputs);
  }
  if (check && stale) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`build: ${e.message}`);
    process.exitCode = 1;
  });
}
