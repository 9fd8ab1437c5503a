import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { jobColumns, WORKER_COLUMNS } from '../../src/console/data/columns.js';
import type { JobSummary } from '../../src/console/data/jobs.js';
import { cycleSort, sortLetters, sortRows } from '../../src/console/data/table.js';
import { KEYS } from './render.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { startConsole, type ConsoleUnderTest } from './harness.js';

// The jobs screen sorts what it holds (a page, or the filter's matches) by age, function,
// worker or error with the sort keys, the header's arrow naming the column.

const job = (id: string, patch: Partial<JobSummary>): JobSummary => ({ id, ...patch }) as JobSummary;

describe('job sort columns', () => {
  const failed = jobColumns('failed');
  const rows = [
    job('1', { funcName: 'b.run', workerName: 'w2', errorLine: 'ValueError: x', endedAt: new Date(3000) }),
    job('2', { funcName: 'a.run', workerName: 'w3', errorLine: 'KeyError: y', endedAt: new Date(1000) }),
    job('3', { funcName: 'c.run', workerName: 'w1', errorLine: 'TypeError: z', endedAt: new Date(2000) }),
  ];
  const order = (column: string, descending = false): string[] =>
    sortRows(rows, failed, { column, descending }, (j) => j.id).map((j) => j.id);

  it('sorts by function, age (youngest first), worker and error', () => {
    expect(order('description')).toEqual(['2', '1', '3']);
    expect(order('age')).toEqual(['1', '3', '2']);
    expect(order('age', true)).toEqual(['2', '3', '1']);
    expect(order('worker')).toEqual(['3', '1', '2']);
    expect(order('error')).toEqual(['2', '3', '1']);
  });

  it('cycles through exactly those columns', () => {
    const seen: string[] = [];
    let sort = { column: '', descending: false };
    for (let i = 0; i < 4; i++) {
      sort = cycleSort(failed, sort, 1);
      seen.push(sort.column);
    }
    expect(seen).toEqual(['description', 'age', 'worker', 'error']);
  });

  it('gives each sortable column its own letter for the sort prompt', () => {
    expect(sortLetters(failed).map((k) => `${k.letter} ${k.title}`)).toEqual([
      'd DESCRIPTION',
      'a AGE',
      'w WORKER',
      'e ERROR',
    ]);
    const letters = sortLetters(WORKER_COLUMNS).map((k) => k.letter);
    expect(new Set(letters).size).toBe(letters.length);
    expect(letters[0]).toBe('n'); // NAME
  });
});

describe('sorting the jobs screen', () => {
  let redis: TestRedis;
  let ui: ConsoleUnderTest;
  beforeAll(async () => {
    redis = await startRedis();
    const queue = new Queue('sorty', redis.client);
    for (const func of ['tasks.charlie', 'tasks.alpha', 'tasks.bravo']) await queue.enqueue(func, []);
    ui = startConsole(redis.url, { columns: 120, rows: 30 });
    await ui.r.waitForFrame('1 Workers');
  });
  afterAll(async () => {
    await ui?.close();
    await redis?.stop();
  });

  const order = (frame: string): string[] =>
    frame
      .split('\n')
      .map((l) => /tasks\.(alpha|bravo|charlie)/.exec(l)?.[1])
      .filter((n): n is string => n !== undefined);

  it('keeps the registry order until a sort key, then sorts by function either way', async () => {
    await ui.r.press('3');
    let frame = await ui.r.waitForFrame((f) => order(f).length === 3);
    expect(order(frame)).toEqual(['charlie', 'alpha', 'bravo']);
    await ui.r.press('>');
    frame = await ui.r.waitForFrame('DESCRIPTION↑');
    expect(order(frame)).toEqual(['alpha', 'bravo', 'charlie']);
    expect(frame).toContain('sorted on this page');
    await ui.r.press('o');
    frame = await ui.r.waitForFrame('DESCRIPTION↓');
    expect(order(frame)).toEqual(['charlie', 'bravo', 'alpha']);
    await ui.r.press('>'); // then by age, still descending
    frame = await ui.r.waitForFrame('WAITING↓');
    expect(order(frame)).toHaveLength(3);

    // s: a prompt names each column's key; its letter sorts, again reverses, Esc leaves it.
    await ui.r.press('s');
    frame = await ui.r.waitForFrame('sort by:');
    expect(frame).toMatch(/sort by: d DESCRIPTION w WAITING↓/);
    await ui.r.press('d');
    frame = await ui.r.waitForFrame((f) => f.includes('DESCRIPTION↑') && !f.includes('sort by:'));
    expect(order(frame)).toEqual(['alpha', 'bravo', 'charlie']);
    await ui.r.press('s', 'd');
    frame = await ui.r.waitForFrame((f) => f.includes('DESCRIPTION↓') && !f.includes('sort by:'));
    expect(order(frame)).toEqual(['charlie', 'bravo', 'alpha']);
    await ui.r.press('s');
    await ui.r.waitForFrame('sort by:');
    await ui.r.press(KEYS.escape);
    await ui.r.waitForFrame((f) => !f.includes('sort by:') && f.includes('DESCRIPTION↓'));
  });
});
