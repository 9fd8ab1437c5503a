import { describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { killSpawned, spawnRqts } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { startConsole, writeTaskModules } from './harness.js';

// Incidents staged with real processes: a SIGKILLed worker (hash alive, nobody listening),
// its hash expiring (a ghost), and a Redis restart without persistence.

const rowOf = (frame: string, name: string): string =>
  frame.split('\n').find((line) => line.includes(name)) ?? '';

describe('incidents the console must say', () => {
  let redis: TestRedis;
  useRedis((r) => (redis = r), killSpawned);

  it('SIGKILL: NO-WORKER at once, the ghost keeps its queues, and a restart is reported', async () => {
    const dir = writeTaskModules();
    const worker = spawnRqts(['worker', 'only-q', '--url', redis.url, '--path', dir, '--name', 'only-w']);
    await waitFor(
      async () => (await redis.client.hget(keys.worker('only-w'), 'state')) === 'idle',
      20_000,
      'idle',
    );
    const c = startConsole(redis.url, { intervalMs: 300, columns: 200 });
    try {
      await c.r.waitForFrame((f) => /\bidle\b/.test(rowOf(f, 'only-w')), 15_000);
      worker.kill('SIGKILL');
      await worker.exited;
      await new Queue('only-q', redis.client).enqueue('tasks.quick', [1]);
      // Its hash lives on (TTL), but nobody listens: it cannot take the job.
      const deaf = await c.r.waitForFrame((f) => rowOf(f, 'only-w').includes('DEAF'), 10_000);
      expect(await redis.client.exists(keys.worker('only-w'))).toBe(1);
      expect(deaf).toMatch(/DEAF raised|only-w/);
      await c.r.press('2');
      await c.r.waitForFrame((f) => rowOf(f, 'only-q').includes('NO-WORKER'), 5000);

      // The hash expires: a ghost row, still found by its queue.
      await redis.client.del(keys.worker('only-w'));
      await c.r.press('1', '/', ...'only-q', '\r');
      const ghost = await c.r.waitForFrame((f) => rowOf(f, 'only-w').includes('GHOST'), 10_000);
      expect(rowOf(ghost, 'only-w')).toContain('only-q');

      // A restart without persistence: everything vanished, and the console says so.
      await c.r.press('\u001b');
      await redis.restart();
      const banner = await c.r.waitForFrame(
        /Redis restarted at \d\d:\d\d:\d\d; 1 worker and 1 queue vanished with it \(no persistence\?\)/,
        20_000,
      );
      expect(banner).not.toContain('only-w ');

      // The event timeline tells the story, newest first.
      await c.r.press('5');
      const story = await c.r.waitForFrame(/Redis restarted at/, 5000);
      const order = [
        /redis\s+Redis restarted at/,
        /flag\s+only-w: .*GHOST|worker\s+only-w became a ghost/,
        /only-w: .*DEAF.* raised/,
      ];
      const at = order.map((re) => story.split('\n').findIndex((line) => re.test(line)));
      expect(
        at.every((i) => i >= 0),
        `timeline lines ${JSON.stringify(at)} in:\n${story}`,
      ).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    } finally {
      await c.close();
    }
  }, 90_000);
});
