import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// RQ's keys take no prefix: a key spelled by hand outside src/redis/keys.ts is how rqts and
// its Python peers end up in different keyspaces without anyone noticing.

const SRC = path.resolve(import.meta.dirname, '../../src');
const KEYS_MODULE = path.join(SRC, 'redis', 'keys.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mts|cts)$/.test(entry.name) ? [full] : [];
  });
}

/** Every string literal and template text in a file, with its line, comments excluded. */
export function stringLiterals(fileName: string, text: string): { line: number; text: string }[] {
  const source = ts.createSourceFile(
    fileName,
    text,
    ts.ScriptTarget.Latest,
    true,
    fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: { line: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isStringLiteralLike(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node) ||
      ts.isJsxText(node)
    ) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      found.push({ line, text: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * A literal spells a key when "rq:" opens it (or a quoted piece of it, as in Lua source), or
 * when it has no spaces at all. Help sentences that name a key for the user ("every queue
 * in rq:queues") are prose, not key construction, and stay allowed.
 */
export function spellsKey(text: string): boolean {
  if (!text.includes('rq:')) return false;
  if (!/\s/.test(text)) return true;
  return /(^|['"=])rq:/.test(text);
}

describe('key names live in src/redis/keys.ts only', () => {
  it('tells key construction from prose', () => {
    expect(spellsKey('rq:job:')).toBe(true);
    expect(spellsKey('rq:wip:')).toBe(true);
    expect(spellsKey("redis.call('DEL', 'rq:job:' .. id)")).toBe(true);
    expect(spellsKey('prefix=rq:x and more')).toBe(true);
    expect(spellsKey('Empty every queue in rq:queues')).toBe(false);
    expect(spellsKey('rqts:pool:')).toBe(false);
  });

  it('the scanner sees plain, template and JSX strings but not comments', () => {
    const sample = [
      '// rq:comment is fine',
      "const a = 'rq:one';",
      'const b = `x ${a} rq:two`;',
      '/* rq:block */ const c = "rq:three";',
    ].join('\n');
    const texts = stringLiterals('sample.ts', sample)
      .map((l) => l.text)
      .filter((t) => t.includes('rq:'));
    expect(texts).toEqual(['rq:one', ' rq:two', 'rq:three']);
  });

  it('no other file under src/ has a string literal containing "rq:"', () => {
    const files = sourceFiles(SRC).filter((file) => file !== KEYS_MODULE);
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.flatMap((file) =>
      stringLiterals(file, readFileSync(file, 'utf8'))
        .filter((literal) => spellsKey(literal.text))
        .map(
          (literal) =>
            `${path.relative(SRC, file)}:${literal.line}: ${JSON.stringify(literal.text.slice(0, 60))}`,
        ),
    );
    expect(offenders, 'build these keys with src/redis/keys.ts instead').toEqual([]);
  });

  it('keys.ts itself still spells the RQ keys', () => {
    const literals = stringLiterals(KEYS_MODULE, readFileSync(KEYS_MODULE, 'utf8')).map((l) => l.text);
    expect(literals.some((t) => t.includes('rq:'))).toBe(true);
  });
});
