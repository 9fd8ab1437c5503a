import { describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { writeFakeWorkers } from './fake-workers.js';
import { startConsole } from './harness.js';

// `Z` holds the picture still while an engineer reads it, and a large fleet slows the
// refresh down by itself so one console stays a light guest on a production Redis. Both
// against a real redis-server, with jobs enqueued by the library as a producer would.

const queuedOf = (frame: string, queue: string): string | undefined =>
  frame
    .split('\n')
    .find((line) => line.trimStart().startsWith(queue))
    ?.trim()
    .split(/\s+/)[1];

describe('freezing and pacing the refresh', () => {
  let redis: TestRedis;
  useRedis((r) => (redis = r));

  it('Z freezes the periodic refresh, Ctrl+L still loads, Z again resumes', async () => {
    const queue = new Queue('alpha', redis.client);
    await queue.enqueue('tasks.noop', []);
    const c = startConsole(redis.url, { intervalMs: 100 });
    try {
      await c.r.press('2');
      await c.r.waitForFrame((f) => queuedOf(f, 'alpha') === '1');
      await c.r.press('Z');
      await c.r.waitForFrame(/FROZEN at \d\d:\d\d:\d\d \(Z resumes\)/);
      for (let i = 0; i < 4; i++) await queue.enqueue('tasks.noop', []);
      // Ten intervals with no refresh: the count on screen is still the one frozen.
      const ticks = c.poller.getState().ticks;
      await waitFor(() => c.poller.getState().ticks !== ticks || undefined, 1000).catch(() => undefined);
      expect(c.poller.getState().ticks).toBe(ticks);
      expect(queuedOf(c.r.lastFrame(), 'alpha')).toBe('1');
      // Asking for a refresh is not a periodic one: it loads, and the picture stays frozen.
      await c.r.press('\u000c');
      await c.r.waitForFrame((f) => queuedOf(f, 'alpha') === '5' && f.includes('FROZEN'));
      await c.r.press('Z');
      await c.r.waitForFrame((f) => /every 0\.1s/.test(f) && !f.includes('FROZEN'));
      await queue.enqueue('tasks.noop', []);
      await c.r.waitForFrame((f) => queuedOf(f, 'alpha') === '6');
    } finally {
      await c.close();
    }
  });

  it('a fleet too large for the asked interval is refreshed less often, and the header says why', async () => {
    // 3,000 workers: ~6,000 commands a refresh, ~10 ms of Redis CPU: every 300 ms would be
    // 3% of a Redis core, so the console stretches its interval to stay within 2%.
    await writeFakeWorkers(redis.client, 'fleet-', 3000);
    const c = startConsole(redis.url, { intervalMs: 300 });
    try {
      const frame = await c.r.waitForFrame(/every \d+(\.\d)?s \(paced: (Redis ≤2%|slow reads)\)/, 20_000);
      expect(c.poller.getState().intervalMs).toBeGreaterThanOrEqual(480);
      expect(frame).toContain('3000/3000 workers');
      // The fleet shrinks back: the console returns to the interval asked for.
      await redis.client.flushall();
      await writeFakeWorkers(redis.client, 'few-', 3);
      await c.r.waitForFrame((f) => /every 0\.3s/.test(f) && !f.includes('paced'), 20_000);
    } finally {
      await c.close();
    }
  });
});
