// The incremental build (scripts/build.mjs): the build these tests run against is up to date with the sources, and a
// step is judged out of date whenever a file it reads or writes differs from when it last succeeded (a fresh clone
// builds everything; an edited, added or removed assembly file rebuilds the wasm; an edited or missing output too),
// and only then. Judged on real files in a temporary tree, through the script itself where it matters.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
// @ts-ignore: a plain .mjs module (no declarations; tests are not type-checked)
import { STEPS, hashPaths, outOfDate, record } from '../scripts/build.mjs';

interface Step {
  name: string;
  inputs: string[];
  outputs: string[];
}
const ROOT = resolve(__dirname, '..');
const step = (name: string): Step => (STEPS as Step[]).find((s) => s.name === name)!;
const wasm = step('wasm');
const ts = step('ts');

describe('the build the tests run against', () => {
  it.each(['wasm', 'ts'])('%s is up to date with its sources (npm test builds first; otherwise run npm run build)', (name) => {
    expect(outOfDate(ROOT, step(name)), `the ${name} build is stale: run npm run build`).toBeNull();
  });
});

describe('when a step is out of date', () => {
  let root = '';
  const put = (rel: string, text: string): void => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  /** The script itself, run in the temporary tree: what it says and its exit code. */
  const check = (): { code: number | null; out: string } => {
    const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--check'], { encoding: 'utf8' });
    return { code: r.status, out: r.stdout + r.stderr };
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'parity-build-'));
    // Every input and output of both steps, small stand-ins but for the script, which is the real one.
    mkdirSync(join(root, 'scripts'));
    copyFileSync(join(ROOT, 'scripts/build.mjs'), join(root, 'scripts/build.mjs'));
    for (const f of ['assembly/index.ts', 'assembly/kernels/lstm.ts', 'asconfig.json', 'scripts/inline-wasm.mjs', 'package-lock.json']) put(f, `// ${f}\n`);
    for (const f of ['src/index.ts', 'src/cli/main.ts', 'tsconfig.json', 'package.json', 'scripts/bundle-cli.mjs']) put(f, `// ${f}\n`);
    for (const f of wasm.outputs) put(f, `built ${f}\n`);
    for (const f of ['dist/index.js', 'dist/cli/main.js', 'dist/cli/chunk-train-x.js']) put(f, `built ${f}\n`);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('a fresh clone (nothing recorded) builds every step; once recorded, nothing', () => {
    expect(outOfDate(root, wasm)).toBe('never built here');
    expect(outOfDate(root, ts)).toBe('never built here');
    const fresh = check();
    expect(fresh.code).toBe(1);
    expect(fresh.out).toMatch(/wasm out of date: never built here/);
    expect(fresh.out).toMatch(/ts out of date: never built here/);
    record(root, wasm);
    record(root, ts);
    expect(outOfDate(root, wasm)).toBeNull();
    expect(outOfDate(root, ts)).toBeNull();
    const built = check();
    expect(built.code, built.out).toBe(0);
    expect(built.out).toMatch(/wasm up to date\nbuild: ts up to date/);
  });

  it('an edited, added or removed assembly file rebuilds the wasm (and not the TypeScript); undoing the edit needs nothing', () => {
    record(root, wasm);
    record(root, ts);
    const original = readFileSync(join(root, 'assembly/kernels/lstm.ts'));
    put('assembly/kernels/lstm.ts', '// lstm.ts, one byte more\n');
    expect(outOfDate(root, wasm)).toBe('its inputs changed');
    expect(outOfDate(root, ts)).toBeNull(); // ts reads the wasm through src/generated/core-wasm.ts, checked after wasm ran
    const edited = check();
    expect(edited.code).toBe(1);
    expect(edited.out).toMatch(/wasm out of date: its inputs changed/);
    // The same bytes with a new time: what the step built from, so nothing to do. (--force rebuilds regardless.)
    writeFileSync(join(root, 'assembly/kernels/lstm.ts'), original);
    utimesSync(join(root, 'assembly/kernels/lstm.ts'), new Date(), new Date(Date.now() + 60_000));
    expect(outOfDate(root, wasm)).toBeNull();
    put('assembly/kernels/gru.ts', '// new\n');
    expect(outOfDate(root, wasm)).toBe('its inputs changed');
    rmSync(join(root, 'assembly/kernels/gru.ts'));
    expect(outOfDate(root, wasm)).toBeNull();
    rmSync(join(root, 'assembly/kernels/lstm.ts'));
    expect(outOfDate(root, wasm)).toBe('its inputs changed');
  });

  it('asconfig.json, the inline script, the lockfile or the build script changed: the steps that read them rebuild', () => {
    record(root, wasm);
    record(root, ts);
    const judged = (edit: string): [string | null, string | null] => {
      const before = readFileSync(join(root, edit));
      put(edit, before + ' ');
      const r: [string | null, string | null] = [outOfDate(root, wasm), outOfDate(root, ts)];
      writeFileSync(join(root, edit), before);
      return r;
    };
    expect(judged('asconfig.json')).toEqual(['its inputs changed', null]);
    expect(judged('scripts/inline-wasm.mjs')).toEqual(['its inputs changed', null]);
    expect(judged('package-lock.json')).toEqual(['its inputs changed', 'its inputs changed']);
    expect(judged('scripts/build.mjs')).toEqual(['its inputs changed', 'its inputs changed']);
    expect(judged('src/cli/main.ts')).toEqual([null, 'its inputs changed']);
    expect(judged('src/generated/core-wasm.ts')).toEqual(['its outputs changed since it built them', 'its inputs changed']);
    expect(judged('tsconfig.json')).toEqual([null, 'its inputs changed']);
    expect(judged('scripts/bundle-cli.mjs')).toEqual([null, 'its inputs changed']);
    expect([outOfDate(root, wasm), outOfDate(root, ts)]).toEqual([null, null]);
  });

  it('an input edited while its step ran: the step is recorded with the inputs it started from, so it runs again', () => {
    const before = hashPaths(root, wasm.inputs).hash;
    put('assembly/index.ts', '// edited during the compile\n');
    record(root, wasm, before);
    expect(outOfDate(root, wasm)).toBe('its inputs changed');
  });

  it('an output edited or removed since the step built it rebuilds that step', () => {
    record(root, wasm);
    record(root, ts);
    put('build/core.wasm', 'something else\n');
    expect(outOfDate(root, wasm)).toBe('its outputs changed since it built them');
    rmSync(join(root, 'build/core.debug.wasm'));
    expect(outOfDate(root, wasm)).toBe('build/core.debug.wasm missing');
    put('dist/cli/main.js', 'tsc output, not the bundle\n');
    expect(outOfDate(root, ts)).toBe('its outputs changed since it built them');
    rmSync(join(root, 'dist'), { recursive: true });
    expect(outOfDate(root, ts)).toBe('dist missing');
  });
});
