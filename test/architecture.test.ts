import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The rooms' one-way dependencies, as docs/architecture.md's table writes them, held against
// every relative import under src/ (eslint.config.js says the same to an editor).

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');
const IMPORT =
  /^\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/gm;

const rooms = readdirSync(SRC, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const topFiles = readdirSync(SRC).filter((name) => /\.tsx?$/.test(name) && name !== 'index.ts');

/** docs/architecture.md's "May not import from" table: who (a room or a top file) → rooms. */
function forbiddenTable(): Map<string, string[]> {
  const text = readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
  const section = text.slice(text.indexOf('## One-way dependencies'), text.indexOf('## Rules of the house'));
  const table = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').slice(1, -1);
    if (cells.length !== 2) continue;
    const names = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const forbidden = cells[1]!.includes('every room')
      ? rooms
      : names(cells[1]!).map((name) => name.replace(/\/$/, ''));
    for (const who of names(cells[0]!)) table.set(who.replace(/\/$/, ''), forbidden);
  }
  return table;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(file);
    return /\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

/** The room (first folder under src/) a path lies in, or undefined for a top file. */
function roomOf(file: string): string | undefined {
  const [first, ...rest] = path.relative(SRC, file).split(path.sep);
  return rest.length > 0 ? first : undefined;
}

describe('the one-way dependencies of docs/architecture.md', () => {
  const table = forbiddenTable();

  it('name every room and every file at the top of src/ (but index.ts)', () => {
    expect([...table.keys()].filter((who) => !who.endsWith('.ts')).sort()).toEqual(rooms);
    expect([...table.keys()].filter((who) => who.endsWith('.ts')).sort()).toEqual([...topFiles].sort());
  });

  it('hold for every relative import under src/', () => {
    const wrong: string[] = [];
    for (const file of filesUnder(SRC)) {
      const who = roomOf(file) ?? path.basename(file);
      const forbidden = table.get(who) ?? [];
      for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const target = path.resolve(path.dirname(file), (match[1] ?? match[2])!);
        const room = roomOf(target);
        if (room !== undefined && room !== who && forbidden.includes(room))
          wrong.push(
            `${path.relative(ROOT, file)} imports ${match[1] ?? match[2]} (${who} may not import ${room}/)`,
          );
      }
    }
    expect(wrong).toEqual([]);
  });
});
