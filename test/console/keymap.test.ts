import { describe, expect, it } from 'vitest';
import {
  bindingsFor,
  displayKey,
  footerBindings,
  KEYMAP,
  keyName,
  keymapMarkdown,
  resolveKey,
  SCREENS,
  type Binding,
  type Context,
  type KeyName,
} from '../../src/console/keymap.js';
import { helpLines } from '../../src/console/views/HelpView.js';
import { needsConfirm } from '../../src/console/ask.js';
import { filterNote, layoutNote, tableSummary } from '../../src/console/views/tab-notes.js';
import type { TableView } from '../../src/console/views/TableScreen.js';
import { eventLines } from '../../src/console/views/events.js';
import { marksSummary } from '../../src/console/data/marks.js';
import { searchSummary, type SearchState } from '../../src/console/data/job-search.js';
import { INITIAL_UI, type UiState } from '../../src/console/ui-state.js';

const CONTEXTS: Context[] = [...SCREENS, 'confirm', 'launch', 'filter', 'quit', 'switcher'];

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
    for (const id of destructive) expect(KEYMAP.find((b) => b.id === id)?.confirm, id).toBe('always');
  });

  it("lets each binding's confirm field alone decide whether its action asks first", () => {
    const job = { queue: 'q', jobId: 'j1' };
    expect(needsConfirm('action.killHorse', { kind: 'killHorse', worker: 'w', jobId: 'j1' })).toBe(true);
    // 'unless-harmless': one failed job's requeue and a resume run at once, the rest ask.
    expect(needsConfirm('action.requeue', { kind: 'requeue', ...job })).toBe(false);
    expect(needsConfirm('action.requeue', { kind: 'requeueOrphan', worker: 'w', ...job })).toBe(true);
    expect(needsConfirm('action.suspendToggle', { kind: 'resume' })).toBe(false);
    expect(needsConfirm('action.suspendToggle', { kind: 'suspend' })).toBe(true);
    expect(needsConfirm('action.nextStep', { kind: 'shutdown', worker: 'w' })).toBe(true);
    // No confirm field: never asks, whatever the command.
    expect(needsConfirm('jobs.mark', { kind: 'emptyQueue', queue: 'q' })).toBe(false);
    for (const b of KEYMAP.filter((x) => x.confirm === 'always'))
      expect(needsConfirm(b.id, { kind: 'resume' }), b.id).toBe(true);
    expect(keymapMarkdown()).toContain('(confirms first unless it only requeues one failed job or resumes)');
  });

  it('takes only key names keyName() can produce (a typo fails to compile)', () => {
    // @ts-expect-error: 'esc' is not a key name ('escape' is).
    const esc: KeyName = 'esc';
    // @ts-expect-error: ctrl combinations are spelled lower case.
    const ctrl: KeyName = 'ctrl+F';
    const bad: Binding = {
      id: 'app.quit',
      // @ts-expect-error: 'delete' never comes out of keyName() (it reports backspace).
      keys: ['delete'],
      label: '',
      help: 'x.',
      contexts: ['workers'],
    };
    expect([esc, ctrl, bad.keys[0]]).toHaveLength(3);
    for (const b of KEYMAP)
      for (const k of b.keys) {
        const [input, key] = k.startsWith('ctrl+') ? [k.slice(5), { ctrl: true }] : [k, {}];
        if (k.length === 1 || k.startsWith('ctrl+')) expect(keyName(input, key), `${b.id} ${k}`).toBe(k);
      }
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

/** The keys a hint names in parentheses: "(Esc clears)", "(* or Esc unmarks)", "(w)". */
function hintedKeys(text: string): string[] {
  const keys: string[] = [];
  for (const m of text.matchAll(/\(((?:\S+ or )?\S+)(?: [a-z]+(?: it)?)?\)/g))
    keys.push(...(m[1] ?? '').split(' or '));
  return keys;
}

function boundIn(context: Context, shown: string): boolean {
  return KEYMAP.some((b) => b.contexts.includes(context) && b.keys.some((k) => displayKey(k) === shown));
}

describe('hints on screen', () => {
  const ui = (patch: Partial<UiState>): UiState => ({ ...INITIAL_UI, ...patch });
  const filtered = { text: 'x', regex: false };
  const view = (plan: Partial<TableView<unknown>['plan']>): TableView<unknown> => ({
    visible: [],
    cells: [],
    plan: { shown: [], widths: [], hidden: 0, scrolledPast: 0, moreRight: false, ...plan },
  });
  const search = (phase: SearchState['phase']): SearchState => ({
    request: { queue: 'q', kind: 'failed', filter: filtered },
    scanned: 10,
    total: 20,
    matches: [],
    phase,
    error: undefined,
  });

  it('name only keys that are bound where they are shown', () => {
    const workersUi = ui({ flaggedOnly: true, filters: { ...INITIAL_UI.filters, workers: filtered } });
    const hints: [Context, string][] = [
      ['workers', tableSummary(workersUi, 'workers', 1, 2, view({ hidden: 3 }))],
      ['workers', layoutNote(view({ scrolledPast: 1, moreRight: true }), true)],
      ['queues', tableSummary(workersUi, 'queues', 1, 2, view({ hidden: 1 }))],
      ['jobs', marksSummary({ queue: 'q', kind: 'failed', ids: ['a'], all: undefined }, 5)],
      ['jobs', marksSummary({ queue: 'q', kind: 'failed', ids: [], all: filtered }, 5)],
      ['jobs', searchSummary(search('running'))],
      ['jobs', searchSummary(search('cancelled'))],
      ['events', filterNote(ui({ filters: { ...INITIAL_UI.filters, events: filtered } }), 'events')],
      [
        'events',
        eventLines([{ at: 0, kind: 'notice', text: 'hello' }] as never, { text: 'nope', regex: false })[0]
          ?.text ?? '',
      ],
    ];
    let named = 0;
    for (const [context, text] of hints) {
      const keys = hintedKeys(text);
      expect(keys.length, `${context}: ${text}`).toBeGreaterThan(0);
      for (const k of keys) expect(boundIn(context, k), `${context}: "${k}" in ${text}`).toBe(true);
      named += keys.length;
    }
    expect(named).toBeGreaterThanOrEqual(12);
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
