import path from 'node:path';
import { newestFile } from './test-files.js';

// Runs before any test file: the CLI, pool, horse and fault tests run bin/rqts.js, which loads
// dist/, so a dist/ older than src/ would test yesterday's code without a word. `npm test`
// builds first; a lone `npx vitest run FILE` after an edit gets this one line instead.

const ROOT = path.resolve(import.meta.dirname, '../..');

export default function checkDistIsFresh(): void {
  const src = newestFile(path.join(ROOT, 'src'), (file) => /\.(ts|tsx|lua)$/.test(file));
  const dist = newestFile(path.join(ROOT, 'dist'), (file) => file.endsWith('.js'));
  if (!dist) throw new Error('dist/ is missing: run npm run build first (npm test does it for you)');
  if (src && src.mtimeMs > dist.mtimeMs)
    throw new Error(
      `dist/ is older than ${path.relative(ROOT, src.file)}: run npm run build first (npm test does it for you)`,
    );
}
