import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CommandDescriptor } from './command.js';
import { commands } from './commands.js';
import { renderCommandHelp } from './help.js';
import { keymapMarkdown } from '../console/keymap.js';

// The docs' generated sections come from the same data as the product: docs/cli.md's reference
// from the descriptors behind --help, docs/console.md's key table from the keymap behind the help
// screen and hints. Tests fail when either is stale; `npm run docs` regenerates both.

export const REFERENCE_START = '<!-- cli-reference:start (generated: npm run docs) -->';
export const REFERENCE_END = '<!-- cli-reference:end -->';

export function renderReference(list: readonly CommandDescriptor[] = commands): string {
  const sections = list.map((command) =>
    [
      `### \`rqts ${command.name}\``,
      '',
      command.summary,
      '',
      '```text',
      renderCommandHelp(command),
      '```',
    ].join('\n'),
  );
  return [REFERENCE_START, '', ...sections.flatMap((s) => [s, '']), REFERENCE_END].join('\n');
}

/** The README with its reference block replaced; throws when the markers are missing. */
export function withReference(readme: string, reference: string = renderReference()): string {
  const start = readme.indexOf(REFERENCE_START.slice(0, REFERENCE_START.indexOf(' (')));
  const end = readme.indexOf(REFERENCE_END);
  if (start === -1 || end === -1 || end < start) throw new Error('docs/cli.md has no cli-reference markers');
  return readme.slice(0, start) + reference + readme.slice(end + REFERENCE_END.length);
}

export function extractReference(readme: string): string | undefined {
  const start = readme.indexOf(REFERENCE_START.slice(0, REFERENCE_START.indexOf(' (')));
  const end = readme.indexOf(REFERENCE_END);
  return start === -1 || end === -1 ? undefined : readme.slice(start, end + REFERENCE_END.length);
}

const KEYMAP_PATTERN = /(<!-- keymap:start[^\n]*-->\n)([\s\S]*?)(\n<!-- keymap:end -->)/;

/** The key table between docs/console.md's keymap markers, or undefined without them. */
export function extractKeyTable(doc: string): string | undefined {
  return KEYMAP_PATTERN.exec(doc)?.[2];
}

export function withKeyTable(doc: string, table: string = keymapMarkdown()): string {
  if (!KEYMAP_PATTERN.test(doc)) throw new Error('docs/console.md has no keymap markers');
  return doc.replace(
    KEYMAP_PATTERN,
    (_m, start: string, _old: string, end: string) => `${start}${table}${end}`,
  );
}

// docs/deploy.md shows the files under deploy/ as they are: each fenced block between
// `<!-- include:PATH -->` and `<!-- include:end -->` is PATH's text, so the page cannot drift
// from the units a test verifies.
const INCLUDE_PATTERN = /(<!-- include:(\S+) -->\n\n```\w*\n)[\s\S]*?(```\n\n<!-- include:end -->)/g;

/** The paths a doc includes, in order. */
export function includedPaths(doc: string): string[] {
  return [...doc.matchAll(INCLUDE_PATTERN)].map((match) => match[2]!);
}

/** The doc with every include block refreshed from `read(path)`. */
export function withIncludes(doc: string, read: (path: string) => string): string {
  return doc.replace(INCLUDE_PATTERN, (_m, start: string, file: string, end: string) => {
    const text = read(file);
    return `${start}${text.endsWith('\n') ? text : `${text}\n`}${end}`;
  });
}

const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const DEPLOY_FILE = fileURLToPath(new URL('../../docs/deploy.md', import.meta.url));
const REFERENCE_FILE = fileURLToPath(new URL('../../docs/cli.md', import.meta.url));
const CONSOLE_FILE = fileURLToPath(new URL('../../docs/console.md', import.meta.url));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--write')) {
    writeFileSync(REFERENCE_FILE, withReference(readFileSync(REFERENCE_FILE, 'utf8')));
    writeFileSync(CONSOLE_FILE, withKeyTable(readFileSync(CONSOLE_FILE, 'utf8')));
    writeFileSync(
      DEPLOY_FILE,
      withIncludes(readFileSync(DEPLOY_FILE, 'utf8'), (file) =>
        readFileSync(path.join(ROOT_DIR, file), 'utf8'),
      ),
    );
    console.log(
      `Updated the CLI reference in ${REFERENCE_FILE}, the key table in ${CONSOLE_FILE} and the files in ${DEPLOY_FILE}`,
    );
  } else {
    console.log(renderReference());
  }
}
