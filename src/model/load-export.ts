import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RqtsError } from '../errors.js';

// A dotted name as RQ writes it (`app.mail.send`): the last segment is the export, the
// rest is a module path under one of the import roots. Results are cached per process
// because a worker resolves the same few names for every job.

const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts'];

/**
 * Where a module path (`app/mail`) may be under one root, in the order tried: the file with
 * each extension, then the folder's index.js. Job functions, classes and settings modules
 * are all looked up this way.
 */
export function moduleFiles(root: string, modulePath: string): string[] {
  return [
    ...EXTENSIONS.map((ext) => path.resolve(root, modulePath + ext)),
    path.resolve(root, modulePath, 'index.js'),
  ];
}
const cache = new Map<string, Map<string, unknown>>();
const cacheByRoots = new WeakMap<readonly string[], Map<string, unknown>>();

export interface ResolvedExport {
  value: unknown;
  file: string;
}

export async function resolveExport(dotted: string, roots: readonly string[]): Promise<ResolvedExport> {
  const segments = dotted.split('.');
  if (segments.length < 2 || segments.some((s) => s === '')) {
    throw new RqtsError(
      'UNKNOWN_FUNCTION',
      `${JSON.stringify(dotted)} is not a dotted name (module.export)`,
      'Name it like tasks.add: export add of tasks.js',
    );
  }
  const tried: string[] = [];
  // Longest module path first: `app.mail.send` tries app/mail.js (export send) before
  // app.js (export mail.send), matching how Python resolves an import.
  for (let split = segments.length - 1; split >= 1; split--) {
    const modulePath = segments.slice(0, split).join(path.sep);
    const attrPath = segments.slice(split);
    for (const root of roots) {
      for (const file of moduleFiles(root, modulePath)) {
        tried.push(file);
        if (!existsSync(file)) continue;
        const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
        let value: unknown = mod;
        for (const attr of attrPath) {
          if (value === null || value === undefined) break;
          const holder = value as Record<string, unknown>;
          value =
            attr in holder ? holder[attr] : (holder.default as Record<string, unknown> | undefined)?.[attr];
        }
        if (value !== undefined) return { value, file };
        tried[tried.length - 1] = `${file} (no export ${attrPath.join('.')})`;
      }
    }
  }
  throw new RqtsError(
    'UNKNOWN_FUNCTION',
    `Cannot find ${dotted}; tried ${tried.join(', ')}`,
    'Check the name and the --path roots',
  );
}

export async function loadExport(dotted: string, roots: readonly string[]): Promise<unknown> {
  const known = cachedExport(dotted, roots);
  if (known !== undefined) return known;
  const { value } = await resolveExport(dotted, roots);
  cacheFor(roots).set(dotted, value);
  if ((typeof value === 'object' && value !== null) || typeof value === 'function')
    exportNames.set(value, dotted);
  return value;
}

/** The dotted name an object or function was loaded under, so another process can load it too. */
const exportNames = new WeakMap<object, string>();

export function exportName(value: unknown): string | undefined {
  return (typeof value === 'object' && value !== null) || typeof value === 'function'
    ? exportNames.get(value)
    : undefined;
}

/** The export if this process resolved it before: no await, no key string per job. */
export function cachedExport(dotted: string, roots: readonly string[]): unknown {
  return cacheFor(roots).get(dotted);
}

function cacheFor(roots: readonly string[]): Map<string, unknown> {
  // Keyed by the roots array a worker passes for every job, and by its text for new arrays.
  let byName = cacheByRoots.get(roots);
  if (!byName) {
    const rootsKey = roots.join('\0');
    byName = cache.get(rootsKey);
    if (!byName) {
      byName = new Map();
      cache.set(rootsKey, byName);
    }
    cacheByRoots.set(roots, byName);
  }
  return byName;
}
