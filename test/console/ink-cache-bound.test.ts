import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { boundInkSource, CACHE_LIMIT, NARROW_CHARS } from '../../src/console/ink-cache-bound.js';

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

describe('the narrow-width fast path (trick narrow-width)', () => {
  const stringWidthFile = createRequire(path.join(inkBuild, 'output.js')).resolve('string-width');

  async function patchedWidth(): Promise<(text: string, options?: object) => number> {
    const source = boundInkSource(pathToFileURL(stringWidthFile).href, readFileSync(stringWidthFile, 'utf8'));
    expect(source, 'string-width is patched').toBeDefined();
    const resolved = (source ?? '').replace(/from '([a-z-]+)'/g, (_m, name: string) => {
      const at = createRequire(stringWidthFile).resolve(name);
      return `from '${pathToFileURL(at).href}'`;
    });
    const mod = (await import(`data:text/javascript,${encodeURIComponent(resolved)}`)) as {
      default: (text: string, options?: object) => number;
    };
    return mod.default;
  }

  it('every character it lets through is one column wide by string-width itself', async () => {
    const original = (
      (await import(pathToFileURL(stringWidthFile).href)) as { default: (t: string) => number }
    ).default;
    const ranges = [...NARROW_CHARS.matchAll(/\\u([0-9A-F]{4})-\\u([0-9A-F]{4})/g)].map((m) => [
      parseInt(m[1] ?? '0', 16),
      parseInt(m[2] ?? '0', 16),
    ]);
    expect(ranges.length).toBeGreaterThan(5);
    const wider: string[] = [];
    for (const [from = 0, to = 0] of ranges)
      for (let c = from; c <= to; c++)
        if (original(String.fromCodePoint(c)) !== 1) wider.push(c.toString(16));
    expect(wider).toEqual([]);
  });

  it('measures what the console draws exactly as string-width does', async () => {
    const original = (
      (await import(pathToFileURL(stringWidthFile).href)) as {
        default: (t: string, o?: object) => number;
      }
    ).default;
    const width = await patchedWidth();
    const samples = [
      'fleet-host00.worker00000  busy  queue000 tasks.crunch(0)  4.4s/3m00s   — 4.4s',
      '\u001b[7m\u001b[39mNAME↑ │ every 1.0s │ ⚑ 20 flagged │ ▁▂▃▄▅▆▇█ …console2053.1\u001b[0m',
      '日本語のジョブ ◆ 🚀 e\u0301 ☕ ◽ a\u200db ✔\ufe0f',
      'plain ascii only',
      '',
    ];
    for (const text of samples) {
      expect(width(text)).toBe(original(text));
      expect(width(text, { ambiguousIsNarrow: false })).toBe(original(text, { ambiguousIsNarrow: false }));
    }
  });
});
