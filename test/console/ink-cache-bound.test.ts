import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { boundInkSource, CACHE_LIMIT } from '../../src/console/ink-cache-bound.js';

// The installed Ink's own files, patched as the console's load hook patches them, then run:
// the caches stop at CACHE_LIMIT entries instead of keeping every string ever drawn.

const inkBuild = path.join(path.dirname(createRequire(import.meta.url).resolve('ink')), '.');

async function patched(file: string): Promise<(...args: unknown[]) => unknown> {
  const full = path.join(inkBuild, file);
  const source = boundInkSource(pathToFileURL(full).href, readFileSync(full, 'utf8'));
  expect(source, `${file} is patched`).toBeDefined();
  // Imported from a data: URL, its bare imports would not resolve: point them at Ink's copies.
  const resolved = (source ?? '').replace(/from '([a-z-]+)'/g, (_m, name: string) => {
    const at = createRequire(full).resolve(name);
    return `from '${pathToFileURL(at).href}'`;
  });
  const mod = (await import(`data:text/javascript,${encodeURIComponent(resolved)}`)) as {
    default: (...args: unknown[]) => unknown;
  };
  return mod.default;
}

describe("bounding Ink's text caches (vadimdemedes/ink#986)", () => {
  it('patches the installed measure-text and wrap-text, and they still measure and wrap', async () => {
    const measure = await patched('measure-text.js');
    const wrap = await patched('wrap-text.js');
    expect(measure('abc')).toEqual({ width: 3, height: 1 });
    for (let i = 0; i < CACHE_LIMIT * 2 + 10; i++) measure(`row ${i}`);
    expect(measure('日本')).toEqual({ width: 4, height: 1 });
    for (let i = 0; i < CACHE_LIMIT * 2 + 10; i++) wrap(`line ${i} is long`, 6, 'truncate');
    expect(wrap('abcdefgh', 4, 'truncate')).toBe('abc…');
  });

  it('leaves every other module alone', () => {
    expect(boundInkSource('file:///x/node_modules/ink/build/render.js', 'x')).toBeUndefined();
    expect(() => boundInkSource('file:///x/ink/build/measure-text.js', 'changed')).toThrow(/changed/);
  });
});
