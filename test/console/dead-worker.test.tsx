import { describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { killSpawned, spawnRqts } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { startConsole, writeTaskModules } from './harness.js';

// A SIGKILLed worker's hash lingers until its TTL runs out: X removes it from the keyboard,
// after saying whether its pid still runs here, and its job turns ORPHANED (never lost).
// Worker detail acts on its worker (K, S, D) and opens the job it runs with Enter.

describe('dead workers and worker detail from the keyboard', () => {
  let redis: TestRedis;
  useRedis((r) => (redis = r), killSpawned);

  it('X removes a SIGKILLed worker whose hash lingers; its job becomes ORPHANED', async () => {
    const dir = writeTaskModules();
    const name = 'killed-x';
    const worker = spawnRqts(['worker', 'dq', '--url', redis.url, '--path', dir, '--name', name]);
    const job = await new Queue('dq', redis.client).enqueue('tasks.hang', [], {}, { timeout: 600 });
    await waitFor(
      async () => (await redis.client.hget(keys.worker(name), 'current_job')) === job.id,
      30_000,
      'the worker running the job',
    );
    const pid = worker.child.pid;
    worker.kill('SIGKILL');
    await worker.exited;
    const c = startConsole(redis.url, { intervalMs: 250, columns: 200 });
    try {
      await c.r.waitForFrame((f) => /killed-x\s.*DEAF/.test(f), 20_000);
      await c.r.press('X');
      const dialog = await c.r.waitForFrame('Remove this dead worker?', 5000);
      expect(dialog).toContain(`pid ${pid}@`);
      expect(dialog).toContain('is not running on this host');
      expect(dialog).toContain(`Its job ${job.id} stays in the started registry, flagged ORPHANED`);
      await c.r.press('y');
      await c.r.waitForFrame(`its job ${job.id} is ORPHANED`, 10_000);
      expect(await redis.client.exists(keys.worker(name))).toBe(0);
      expect(await redis.client.sismember(keys.allWorkers, keys.worker(name))).toBe(0);
      expect(await redis.client.sismember(keys.workersOfQueue('dq'), keys.worker(name))).toBe(0);
      const members = await redis.client.zrange(keys.registry('started', 'dq'), 0, -1);
      expect(members.some((m) => m.startsWith(job.id))).toBe(true);
      await c.r.waitForFrame(/\b1 ORPHANED\b/, 10_000);
    } finally {
      await c.close();
    }
  });

  it('X leaves a live worker alone; in worker detail D describes its real state and Enter opens its job', async () => {
    const dir = writeTaskModules();
    const name = 'alive-d';
    spawnRqts(['worker', 'lq', '--url', redis.url, '--path', dir, '--name', name]);
    const job = await new Queue('lq', redis.client).enqueue('tasks.hang', [], {}, { timeout: 600 });
    const c = startConsole(redis.url, { intervalMs: 250, columns: 200 });
    try {
      await c.r.waitForFrame((f) => /alive-d\s+busy/.test(f), 30_000);
      await c.r.press('X');
      await c.r.waitForFrame('looks alive (no DEAD, STALE-HB or DEAF flag): D shuts it down instead', 5000);
      await c.r.press('\r');
      await c.r.waitForFrame('Worker alive-d', 5000);
      await c.r.press('D');
      const dialog = await c.r.waitForFrame('Shut this worker down?', 5000);
      expect(dialog).toContain(`Busy with job ${job.id}: tasks.hang()`);
      expect(dialog).toMatch(/running [\d.ms]+ of its 10m00s limit; a warm shutdown waits/);
      await c.r.press('n');
      await c.r.waitForFrame((f) => !f.includes('Shut this worker down?'), 5000);
      await c.r.press('\r');
      await c.r.waitForFrame(`Job ${job.id}`, 5000);
    } finally {
      await c.close();
    }
  });
});
