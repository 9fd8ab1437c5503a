import { register } from 'node:module';
import { trickOn } from '../tricks.js';

// Ink 6 keeps two module-level caches keyed by every text it ever measured or wrapped
// (ink/build/measure-text.js, a Map; ink/build/wrap-text.js, an object), never evicted:
// vadimdemedes/ink#986, fixed with an LRU in Ink 8, which needs Node 22. A console whose
// rows change every second (heartbeat ages, elapsed times) adds a string per row per frame:
// at 1,000 workers the heap grew ~1 MB a minute and RSS from 200 to 360 MB in 14 minutes,
// all of it those strings. Until we can move to Ink 8, `rqts console` loads these two
// modules through a load hook that bounds the caches: when one holds CACHE_LIMIT entries it
// starts again empty (a cache miss costs one string-width call).

export const CACHE_LIMIT = 4096;

// The same hook also widens string-width's fast path (trick `narrow-width`, switchable with
// RQTS_TRICKS_OFF): Ink measures every text node's squashed line on every frame, and
// string-width takes its length as the width only for printable ASCII; one '—', '…', '↑',
// '│' or '▇' in a row (the console draws them everywhere) sends the whole line through
// Intl.Segmenter and the East Asian Width tables. NARROW_CHARS are the characters that
// string-width itself measures as 1 column each, alone and in any sequence of them (none
// combines: no joiner, no variation selector, no mark; checked one by one in the test), so
// for a line made only of them the length is the width. What it saves: docs/performance.md.
export const NARROW_CHARS =
  '\\u0020-\\u007E\\u00A0-\\u00AC\\u00AE-\\u00FF\\u2010-\\u2027\\u2030-\\u205E\\u2190-\\u21FF\\u2500-\\u25FC\\u2690-\\u2692';

const WIDTH_PATCH = {
  file: '/string-width/index.js',
  from: '\tif (/^[\\u0020-\\u007E]*$/.test(string)) {',
  to: `\tif (ambiguousIsNarrow ? /^[${NARROW_CHARS}]*$/.test(string) : /^[\\u0020-\\u007E]*$/.test(string)) {`,
};

const PATCHES: { file: string; from: string; to: string }[] = [
  ...(trickOn('narrow-width') ? [WIDTH_PATCH] : []),
  {
    file: '/ink/build/measure-text.js',
    from: '    cache.set(text, dimensions);',
    to: `    if (cache.size >= ${CACHE_LIMIT}) cache.clear();\n    cache.set(text, dimensions);`,
  },
  {
    file: '/ink/build/wrap-text.js',
    from: 'const cache = {};',
    to: `let cache = {};\nlet cacheSize = 0;\nconst remember = (key, value) => {\n    if (++cacheSize > ${CACHE_LIMIT}) {\n        cache = {};\n        cacheSize = 1;\n    }\n    cache[key] = value;\n};`,
  },
  {
    file: '/ink/build/wrap-text.js',
    from: '    cache[cacheKey] = wrappedText;',
    to: '    remember(cacheKey, wrappedText);',
  },
];

/**
 * The bounded source of an Ink module, or undefined for any other module. Throws when an
 * Ink module no longer has the text we patch (an Ink upgrade: re-check #986 then).
 */
export function boundInkSource(url: string, source: string): string | undefined {
  const patches = PATCHES.filter((p) => url.endsWith(p.file));
  if (patches.length === 0) return undefined;
  let out = source;
  for (const p of patches) {
    if (!out.includes(p.from)) throw new Error(`ink-cache-bound: ${p.file} changed; "${p.from}" not found`);
    out = out.replace(p.from, p.to);
  }
  return out;
}

type LoadResult = {
  format?: string | null;
  source?: string | ArrayBuffer | Uint8Array;
  shortCircuit?: boolean;
};
type NextLoad = (url: string, context?: unknown) => Promise<LoadResult>;

/** The module load hook (runs on Node's loader thread). */
export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  if (!PATCHES.some((p) => url.endsWith(p.file)) || result.source === undefined) return result;
  const text = typeof result.source === 'string' ? result.source : new TextDecoder().decode(result.source);
  try {
    const bounded = boundInkSource(url, text);
    return bounded === undefined ? result : { ...result, source: bounded };
  } catch {
    return result; // an unknown Ink: run it as it is rather than not at all
  }
}

/** Installs the hook; call before Ink is first imported. False where Node has no module.register. */
export function boundInkCaches(): boolean {
  if (typeof register !== 'function') return false;
  register(import.meta.url);
  return true;
}
