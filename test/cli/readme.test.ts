import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.js';
import { extractReference, renderReference } from '../../src/cli/reference.js';
import { ROOT } from './run.js';

// The README must stay true as commands change: its CLI reference is generated from the
// descriptors, and CI runs exactly the test command it tells newcomers to run.

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const cliDoc = readFileSync(path.join(ROOT, 'docs/cli.md'), 'utf8');

describe('README', () => {
  it('docs/cli.md has the CLI reference of every registered command, as generated', () => {
    const block = extractReference(cliDoc);
    expect(block, 'docs/cli.md lost its cli-reference markers').toBeDefined();
    for (const command of commands) expect(block).toContain(`### \`rqts ${command.name}\``);
    expect(block, 'stale CLI reference: run `npm run docs`').toBe(renderReference());
  });

  it('gives the two commands of a fresh machine, and CI runs the same test command', () => {
    expect(readme).toContain('```sh\nnpm install && npx rqts console --demo\n```');
    expect(readme).toContain('```sh\nnpm test\n```');
    const ci = readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm test 2>&1 \| tee "\$log"$/m);
    expect(ci).toMatch(/^npm ci$/m);
  });

  it('stays a front page: its sections, at most ~250 lines, and every docs/ link resolves', () => {
    for (const heading of ['## Worker', '## Console', '## Benchmarks', '## Library', '## Prerequisites'])
      expect(readme).toContain(`\n${heading}\n`);
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
    for (const [, target] of readme.matchAll(/\]\(((?:docs|screenshots)\/[^)#]+)/g))
      expect(existsSync(path.join(ROOT, target!)), `README links to missing ${target}`).toBe(true);
  });
});
