// The folders of src/ are layers: a file imports only from its own folder or a layer before it, and no two files
// import each other (directly or round a longer loop). Read from the sources, so a new import that breaks the
// architecture fails here, not in a reviewer's head. Dynamic import() counts too.

import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const SRC = join(__dirname, '..', 'src');
/** The layers, lowest first (README, Design). index.ts files at src/ and in each folder are entry points. */
const LAYERS = ['core', 'certify', 'train', 'charts', 'research', 'node', 'cli'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'generated' ? [] : files(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const layerOf = (file: string): string | null => {
  const rel = relative(SRC, file).split('/');
  return rel.length > 1 ? rel[0] : null; // null: the core entry src/index.ts
};

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1]);
  return specs.map((s) => normalize(join(dirname(file), s.replace(/\.js$/, '.ts'))));
}

describe('the layers of src/', () => {
  const all = files(SRC);
  const graph = new Map(all.map((f) => [f, importsOf(f)]));

  it('has the folders the README names, and every import resolves to one of our files', () => {
    expect(new Set(all.map(layerOf).filter((l) => l !== null))).toEqual(new Set(LAYERS));
    for (const [f, deps] of graph) for (const d of deps) if (!d.includes('/generated/')) expect(all, `${f} imports ${d}`).toContain(d);
  });

  it('no file imports a layer after its own, and none imports the core entry', () => {
    const upward: string[] = [];
    for (const [f, deps] of graph) {
      const mine = layerOf(f);
      if (mine === null) continue;
      for (const d of deps) {
        const theirs = layerOf(d);
        if (d.includes('/generated/')) continue;
        if (theirs === null || LAYERS.indexOf(theirs) > LAYERS.indexOf(mine)) upward.push(`${relative(SRC, f)} -> ${relative(SRC, d)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('no two files import each other, directly or round a loop', () => {
    const state = new Map<string, 'open' | 'done'>();
    const loops: string[] = [];
    const visit = (f: string, path: string[]): void => {
      state.set(f, 'open');
      for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 'open') loops.push([...path.slice(path.indexOf(d)), d].map((x) => relative(SRC, x)).join(' -> '));
        else if (!state.has(d) && graph.has(d)) visit(d, [...path, d]);
      }
      state.set(f, 'done');
    };
    for (const f of all) if (!state.has(f)) visit(f, [f]);
    expect(loops).toEqual([]);
  });
});
