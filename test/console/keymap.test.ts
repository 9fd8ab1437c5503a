import { describe, expect, it } from 'vitest';
import {
  bindingsFor,
  footerBindings,
  KEYMAP,
  keyName,
  keymapMarkdown,
  resolveKey,
  SCREENS,
  type Context,
} from '../../src/console/keymap.js';
import { helpLines } from '../../src/console/views/HelpView.js';

const CONTEXTS: Context[] = [...SCREENS, 'confirm', 'launch', 'filter', 'quit'];

describe('the keymap table', () => {
  it('gives every entry keys, a help sentence and at least one context', () => {
    for (const b of KEYMAP) {
      expect(b.keys.length, b.id).toBeGreaterThan(0);
      expect(b.help, b.id).toMatch(/^[A-Z].*\.$/);
      expect(b.contexts.length, b.id).toBeGreaterThan(0);
    }
    expect(new Set(KEYMAP.map((b) => b.id)).size).toBe(KEYMAP.length);
  });

  it('binds no key twice in the same context', () => {
    for (const context of CONTEXTS) {
      const seen = new Map<string, string>();
      for (const b of KEYMAP.filter((x) => x.contexts.includes(context))) {
        for (const k of b.keys) {
          expect(seen.get(k), `${context}: ${k} bound to ${seen.get(k)} and ${b.id}`).toBeUndefined();
          seen.set(k, b.id);
        }
      }
    }
  });

  it('asks for confirmation on every action that kills, stops or deletes', () => {
    const destructive = [
      'action.killHorse',
      'action.stopJob',
      'action.shutdown',
      'action.removeGhost',
      'action.emptyQueue',
      'action.requeueAll',
      'action.requeueMatching',
      'action.deleteJobs',
      'action.emptyFailed',
    ];
    for (const id of destructive) expect(KEYMAP.find((b) => b.id === id)?.confirm, id).toBe(true);
  });

  it('removes every action in read-only mode, from keys, footer and help alike', () => {
    expect(resolveKey('workers', 'K', { shift: true })).toBe('action.killHorse');
    expect(resolveKey('workers', 'K', { shift: true }, { readOnly: true })).toBeUndefined();
    expect(resolveKey('workers', 'j', {}, { readOnly: true })).toBe('nav.down');
    expect(footerBindings('workers', { readOnly: true }).some((b) => b.action)).toBe(false);
    expect(bindingsFor('workers', { readOnly: true }).some((b) => b.action)).toBe(false);
    expect(
      helpLines(true)
        .map((l) => l.text)
        .join('\n'),
    ).not.toContain('Kill the selected');
    expect(
      helpLines(false)
        .map((l) => l.text)
        .join('\n'),
    ).toContain('Kill the selected');
  });

  it('marks with Space on the jobs screen, where PgDn, ctrl+f and ctrl+d still page', () => {
    expect(resolveKey('jobs', ' ', {})).toBe('jobs.mark');
    expect(resolveKey('jobs', '', { pageDown: true })).toBe('nav.pageDown');
    expect(resolveKey('jobs', 'f', { ctrl: true })).toBe('nav.pageDown');
    expect(resolveKey('jobs', 'd', { ctrl: true })).toBe('nav.pageDown');
    expect(resolveKey('workers', ' ', {})).toBe('nav.pageDownSpace');
    expect(resolveKey('detail', ' ', {})).toBe('nav.pageDownSpace');
  });

  it('names keys the way Ink reports them', () => {
    expect(keyName('', { downArrow: true })).toBe('down');
    expect(keyName('', { tab: true, shift: true })).toBe('shift+tab');
    expect(keyName('f', { ctrl: true })).toBe('ctrl+f');
    expect(keyName('', { delete: true })).toBe('backspace');
    expect(keyName(' ', {})).toBe('space');
    expect(keyName('G', { shift: true })).toBe('G');
    expect(keyName('paste', {})).toBeUndefined();
  });

  it('lists every binding in help and in the README table', () => {
    const help = helpLines(false)
      .map((l) => l.text)
      .join('\n');
    const table = keymapMarkdown();
    for (const b of KEYMAP) {
      expect(help, b.id).toContain(b.help);
      expect(table, b.id).toContain(b.help);
    }
  });
});

describe('the key table in docs/console.md', () => {
  it('is the one generated from the keymap (`npm run docs` rewrites it)', async () => {
    const { readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const { PACKAGE_ROOT } = await import('../../src/console/data/local-workers.js');
    const { extractKeyTable } = await import('../../src/cli/reference.js');
    const table = extractKeyTable(readFileSync(path.join(PACKAGE_ROOT, 'docs/console.md'), 'utf8'));
    expect(table, 'docs/console.md has the keymap markers').toBeDefined();
    expect(table, 'stale key table: run `npm run docs`').toBe(keymapMarkdown());
  });
});
