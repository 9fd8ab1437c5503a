import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CommandDescriptor } from './command.js';
import { commands } from './commands.js';
import { renderCommandHelp } from './help.js';

// docs/cli.md's reference is generated from the same descriptors as --help, between two
// markers; test/cli/readme.test.ts fails when it is stale. Regenerate with `npm run docs`.

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

const REFERENCE_FILE = fileURLToPath(new URL('../../docs/cli.md', import.meta.url));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--write')) {
    writeFileSync(REFERENCE_FILE, withReference(readFileSync(REFERENCE_FILE, 'utf8')));
    console.log(`Updated the CLI reference in ${REFERENCE_FILE}`);
  } else {
    console.log(renderReference());
  }
}
