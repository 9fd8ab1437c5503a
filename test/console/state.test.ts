import { describe, expect, it } from 'vitest';
import {
  EMPTY_SELECTION,
  resolveIndex,
  selectionReducer,
  windowStart,
} from '../../src/console/data/selection.js';
import { cycleSort, filterRows, sortRows } from '../../src/console/data/table.js';
import { planLayout } from '../../src/console/data/layout.js';
import { WORKER_COLUMNS } from '../../src/console/data/columns.js';
import { INITIAL_UI, launchFields, parseLaunchDraft, uiReducer } from '../../src/console/ui-state.js';

describe('selection keyed by identity', () => {
  it('keeps the cursor on the same worker when rows reorder or vanish', () => {
    let sel = selectionReducer(EMPTY_SELECTION, { type: 'move', delta: 2 }, { keys: ['a', 'b', 'c', 'd'] });
    expect(sel).toEqual({ key: 'c', index: 2 });
    expect(resolveIndex(sel, { keys: ['c', 'a', 'b', 'd'] })).toBe(0);
    expect(resolveIndex(sel, { keys: ['a', 'b'] })).toBe(1); // gone: same place, clamped
    sel = selectionReducer(sel, { type: 'move', delta: 1 }, { keys: ['d', 'c', 'a'] });
    expect(sel).toEqual({ key: 'a', index: 2 });
    expect(selectionReducer(sel, { type: 'top' }, { keys: ['x', 'y'] })).toEqual({ key: 'x', index: 0 });
    expect(selectionReducer(sel, { type: 'bottom' }, { keys: [] })).toEqual(EMPTY_SELECTION);
  });

  it('moves over a whole list when only a page of it is held', () => {
    const rows = { keys: ['j20', 'j21', 'j22'], offset: 20, total: 100 };
    const sel = selectionReducer({ key: 'j21', index: 21 }, { type: 'move', delta: 5 }, rows);
    expect(sel).toEqual({ key: undefined, index: 26 });
    expect(selectionReducer(sel, { type: 'bottom' }, rows).index).toBe(99);
  });

  it('scrolls the window as little as needed', () => {
    expect(windowStart(5, 0, 10, 50)).toBe(0);
    expect(windowStart(12, 0, 10, 50)).toBe(3);
    expect(windowStart(2, 3, 10, 50)).toBe(2);
    expect(windowStart(49, 0, 10, 50)).toBe(40);
  });
});

describe('filter and sort', () => {
  const rows = [
    { name: 'b', n: 2 },
    { name: 'a', n: undefined },
    { name: 'c', n: 1 },
  ];
  const columns = [
    { id: 'name', sortValue: (r: (typeof rows)[number]) => r.name },
    { id: 'n', sortValue: (r: (typeof rows)[number]) => r.n },
  ];
  it('filters by substring or regular expression and reports a bad pattern', () => {
    expect(filterRows(rows, (r) => r.name, { text: 'B', regex: false }).rows.map((r) => r.name)).toEqual([
      'b',
    ]);
    expect(filterRows(rows, (r) => r.name, { text: '^[ac]$', regex: true }).rows.map((r) => r.name)).toEqual([
      'a',
      'c',
    ]);
    const bad = filterRows(rows, (r) => r.name, { text: '(', regex: true });
    expect(bad.error).toMatch(/bad regular expression/);
    expect(bad.rows).toHaveLength(3);
  });
  it('sorts by a column either way, undefined last, ties by name', () => {
    expect(
      sortRows(rows, columns, { column: 'n', descending: false }, (r) => r.name).map((r) => r.name),
    ).toEqual(['c', 'b', 'a']);
    expect(
      sortRows(rows, columns, { column: 'n', descending: true }, (r) => r.name).map((r) => r.name),
    ).toEqual(['b', 'c', 'a']);
    expect(cycleSort(columns, { column: 'n', descending: false }, 1)).toEqual({
      column: 'name',
      descending: false,
    });
  });
  it('lays columns out to fill the width exactly', () => {
    const columns = [
      { id: 'a', title: 'A', width: 4, priority: 1 },
      { id: 'b', title: 'B', width: 5, flex: 1, priority: 1 },
      { id: 'c', title: 'C', width: 3, flex: 2, priority: 2 },
    ];
    const plan = planLayout(columns, [['aaaa', 'bbbbb', 'ccc']], 30);
    expect(plan.shown).toEqual([0, 1, 2]);
    expect(plan.widths.reduce((a, b) => a + b, 0) + 2).toBe(30);
  });
  it('drops columns by priority on a narrow terminal, never the state or the flags', () => {
    const columns = [
      { id: 'name', title: 'NAME', width: 10, priority: 1 },
      { id: 'rest', title: 'REST', width: 30, priority: 3 },
      { id: 'state', title: 'STATE', width: 5, priority: 1 },
      { id: 'flags', title: 'FLAGS', width: 5, priority: 1 },
    ];
    const plan = planLayout(columns, [['worker-1', 'x'.repeat(30), 'busy', 'DEAF']], 40);
    expect(plan.shown).toEqual([0, 2, 3]);
    expect(plan.hidden).toBe(1);
    const wide = planLayout(columns, [['worker-1', 'x'.repeat(30), 'busy', 'DEAF']], 40, { wide: true });
    expect(wide.shown).toEqual([0, 1, 2, 3]);
    expect(wide.moreRight).toBe(true);
  });
  it('sizes columns to what is on screen and hides an empty POOL', () => {
    const cells = [WORKER_COLUMNS.map((c) => (c.id === 'name' ? 'w1' : c.id === 'state' ? 'idle' : ''))];
    const plan = planLayout(WORKER_COLUMNS, cells, 220);
    const ids = plan.shown.map((i) => WORKER_COLUMNS[i]?.id);
    expect(ids).not.toContain('pool');
    expect(ids).toContain('flags');
    expect(plan.widths[ids.indexOf('state')]).toBe('STATE'.length);
  });
});

describe('UI reducer', () => {
  it('goes to screens and back through history', () => {
    let ui = uiReducer(INITIAL_UI, { type: 'go', screen: 'queues' });
    ui = uiReducer(ui, { type: 'openJobs', queue: 'q1' });
    expect(ui.screen).toBe('jobs');
    ui = uiReducer(ui, { type: 'openDetail', target: { kind: 'job', id: 'x' } });
    ui = uiReducer(ui, { type: 'back' });
    expect(ui.screen).toBe('jobs');
    ui = uiReducer(ui, { type: 'back' });
    expect(ui.screen).toBe('queues');
  });
  it('validates the launch dialog', () => {
    const base = {
      kind: 'rqts' as const,
      paths: '/srv/app, ./lib',
      serializer: 'rq.serializers.JSONSerializer',
      asPool: false,
      poolName: 'ignored here',
    };
    expect(parseLaunchDraft({ ...base, queues: 'high, default', count: '2', burst: true })).toEqual({
      kind: 'rqts',
      queues: ['high', 'default'],
      count: 2,
      burst: true,
      paths: ['/srv/app', './lib'],
      serializer: 'rq.serializers.JSONSerializer',
    });
    expect(parseLaunchDraft({ ...base, queues: ' ', count: '1', burst: false })).toHaveProperty('error');
    expect(parseLaunchDraft({ ...base, queues: 'q', count: 'zero', burst: false })).toHaveProperty('error');
    expect(
      parseLaunchDraft({ ...base, queues: 'q', count: '1', burst: false, serializer: ' ' }),
    ).toHaveProperty('error');
  });
  it('launches a pool under a plain name only when asked to, and only of rqts workers', () => {
    const base = { kind: 'rqts' as const, paths: '', serializer: 'json', queues: 'q', burst: false };
    expect(parseLaunchDraft({ ...base, count: '3', asPool: true, poolName: ' web-1 ' })).toEqual({
      kind: 'rqts',
      queues: ['q'],
      count: 3,
      burst: false,
      paths: [],
      serializer: 'json',
      pool: 'web-1',
    });
    expect(parseLaunchDraft({ ...base, count: '3', asPool: true, poolName: 'has space' })).toHaveProperty(
      'error',
    );
    expect(parseLaunchDraft({ ...base, count: '3', asPool: true, poolName: '../x' })).toHaveProperty('error');
    expect(launchFields({ ...base, count: '1', asPool: false, poolName: 'p' })).not.toContain('poolName');
    expect(launchFields({ ...base, count: '1', asPool: true, poolName: 'p' })).toContain('poolName');
    const python = { ...base, kind: 'python' as const, count: '1', asPool: true, poolName: 'p' };
    expect(launchFields(python)).not.toContain('asPool');
    expect(parseLaunchDraft(python)).not.toHaveProperty('pool');
  });
});
