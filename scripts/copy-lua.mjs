// Part of `npm run build`: tsc compiles src/ into dist/ but copies no other files, and the Lua
// scripts are read at run time from beside src/redis/scripts/script.ts. This copies every
// .lua file under src/ to the same place under dist/ (and removes ones no longer in src/).
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');

function walk(dir, visit) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, visit);
    else if (name.endsWith('.lua')) visit(path);
  }
}

walk(dist, (path) => rmSync(path));
let copied = 0;
walk(src, (path) => {
  cpSync(path, join(dist, relative(src, path)));
  copied += 1;
});
if (copied === 0) throw new Error('copy-lua: no .lua files under src/');
