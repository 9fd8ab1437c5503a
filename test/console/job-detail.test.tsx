import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { prettyLines } from '../../src/console/data/pretty-value.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { KEYS } from './render.js';
import { startConsole, type ConsoleUnderTest } from './harness.js';

// Job detail at 80 columns: arguments pretty-printed (indented, one item a line once the
// value no longer fits) and long strings wrapped under their indent, scrollable.

const LONG = 'the quick brown fox jumps over the lazy dog '.repeat(4).trim();
const KWARGS = {
  customer: { id: 4242, name: 'Ada Lovelace', tags: ['vip', 'beta'] },
  message: LONG,
  options: { retries: 3, notify: { email: true, sms: false } },
};

describe('pretty values', () => {
  it('keeps what fits on one line and opens what does not, JSON and Python literals alike', () => {
    expect(prettyLines({ a: 1, b: [1, 2] }, 80)).toEqual(['{"a": 1, "b": [1, 2]}']);
    expect(prettyLines({ a: 1, b: [1, 2] }, 14)).toEqual(['{', '  "a": 1,', '  "b": [1, 2]', '}']);
    expect(prettyLines("{'k': (1,), 'v': None, 's': 'a, b'}", 20)).toEqual([
      '{',
      "  'k': (1,),",
      "  'v': None,",
      "  's': 'a, b'",
      '}',
    ]);
    expect(prettyLines('not (balanced', 5)).toEqual(['not (balanced']);
  });
});

describe('job detail', () => {
  let redis: TestRedis;
  let ui: ConsoleUnderTest;
  beforeAll(async () => {
    redis = await startRedis();
    ui = startConsole(redis.url, { columns: 80, rows: 24 });
    await ui.r.waitForFrame('1 Workers');
  });
  afterAll(async () => {
    await ui?.close();
    await redis?.stop();
  });

  it('pretty-prints long nested kwargs, wraps long strings at the width, and scrolls', async () => {
    const job = await new Queue('emails', redis.client).enqueue('tasks.send', [1, 'two'], KWARGS);
    await ui.r.press(':', ...job.id, KEYS.enter);
    const frame = await ui.r.waitForFrame((f) => f.includes('kwargs') && f.includes('"customer"'));
    const lines = frame.split('\n');
    // Short args stay beside their name; kwargs opens as a block, one key a line, indented.
    expect(frame).toMatch(/args {12}\[1, "two"\]/);
    const at = lines.findIndex((l) => l.trimEnd() === 'kwargs');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe('  {');
    expect(lines[at + 2]).toBe(
      '    "customer": {"id": 4242, "name": "Ada Lovelace", "tags": ["vip", "beta"]},',
    );
    // The long string is cut into lines no wider than the terminal, each under its indent.
    const message = lines.findIndex((l) => l.startsWith('    "message": "the quick'));
    expect(message).toBeGreaterThan(at);
    expect(lines[message + 1]).toMatch(/^ {6}\S/);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    const wrapped = lines.slice(message, message + 4).map((l) => l.trim());
    expect(wrapped.join(' ')).toContain('jumps over the lazy dog the quick brown fox');
    expect(frame).toContain('Detail  lines 1');

    // Scrolling down brings the rest on screen, past the end of the first screenful.
    expect(frame).not.toContain('Timestamps');
    await ui.r.press(...Array<string>(8).fill(KEYS.down));
    const later = await ui.r.waitForFrame((f) => f.includes('Timestamps') && !f.includes('listed in'));
    expect(later).toContain('"options": {"retries": 3, "notify": {"email": true, "sms": false}}');
    expect(later).toContain('v pager');
  });
});
