import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// What vitest.config.ts and the global setup need to know about the tree: which test files
// can run without a redis-server (`npm run test:unit`), and whether dist/ is older than src/.

const TEST_FILE = /\.test\.tsx?$/;
const IMPORT =
  /^\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|^\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/gm;

function walk(dir: string, keep: (file: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(file, keep);
    return keep(file) ? [file] : [];
  });
}

/** The file an import names: `./x.js` is x.ts or x.tsx in the sources, or itself. */
function resolveImport(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  const stem = base.replace(/\.(js|mjs|jsx)$/, '');
  for (const file of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`]) {
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // try the next spelling
    }
  }
  return undefined;
}

/**
 * Test files that reach test/helpers/redis-server.ts through none of their imports under
 * test/ (their imports of src/ never start a server): the ones `npm run test:unit` runs.
 * Paths relative to root, with forward slashes, as vitest's include takes them.
 */
export function filesWithoutRedis(root: string): string[] {
  const testDir = path.join(root, 'test');
  const server = path.join(testDir, 'helpers', 'redis-server.ts');
  const memo = new Map<string, boolean>();
  const needsRedis = (file: string, seen: Set<string>): boolean => {
    const known = memo.get(file);
    if (known !== undefined) return known;
    if (file === server) return true;
    if (seen.has(file) || !file.startsWith(testDir)) return false;
    seen.add(file);
    let found = false;
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolveImport(file, (match[1] ?? match[2])!);
      if (target && needsRedis(target, seen)) {
        found = true;
        break;
      }
    }
    memo.set(file, found);
    return found;
  };
  const bench = `${path.sep}bench${path.sep}`;
  return walk(testDir, (file) => TEST_FILE.test(file) && !file.includes(bench))
    .filter((file) => !needsRedis(file, new Set()))
    .map((file) => path.relative(root, file).split(path.sep).join('/'))
    .sort();
}

/** The most recently modified file below dir that keep accepts; undefined when there is none. */
export function newestFile(
  dir: string,
  keep: (file: string) => boolean,
): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined;
  try {
    for (const file of walk(dir, keep)) {
      const { mtimeMs } = statSync(file);
      if (!newest || mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
    }
  } catch {
    return undefined;
  }
  return newest;
}
