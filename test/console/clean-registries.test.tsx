import { describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { killSpawned, spawnRqts } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { startConsole, writeTaskModules } from './harness.js';

// C cleans a queue's registries now, as a worker's maintenance would at its next run: a job
// abandoned by a killed worker is failed at once instead of waiting for somebody's clean-up.

describe("cleaning a queue's registries from the keyboard", () => {
  let redis: TestRedis;
  useRedis((r) => (redis = r), killSpawned);

  it('fails an abandoned started job and says what it did', async () => {
    const dir = writeTaskModules();
    // SimpleWorker runs the job in-process, so the kill takes the job with it (no horse left).
    const worker = spawnRqts([
      'worker',
      'cq',
      '--url',
      redis.url,
      '--path',
      dir,
      '--name',
      'cleaned-w',
      '--worker-class',
      'SimpleWorker',
    ]);
    const job = await new Queue('cq', redis.client).enqueue('tasks.hang', [], {}, { timeout: 600 });
    await waitFor(
      async () => (await redis.client.hget(keys.worker('cleaned-w'), 'current_job')) === job.id,
      30_000,
      'the worker running the job',
    );
    worker.kill('SIGKILL');
    await worker.exited;
    // Its started entry's deadline passes later; moving it to the past is that wait, shortened.
    await redis.client.zadd(keys.registry('started', 'cq'), 'XX', '1', job.id);
    const c = startConsole(redis.url, { intervalMs: 250, columns: 200 });
    try {
      await c.r.press('2', '/', ...'cq', '\r');
      await c.r.waitForFrame((f) => /\bcq\b/.test(f), 10_000);
      await c.r.press('C');
      await c.r.waitForFrame("Clean this queue's registries now?", 5000);
      await c.r.press('y');
      await c.r.waitForFrame('1 abandoned started job failed or retried', 15_000);
      expect(await redis.client.zscore(keys.registry('failed', 'cq'), job.id)).not.toBeNull();
      expect(await redis.client.zscore(keys.registry('started', 'cq'), job.id)).toBeNull();
      expect(await redis.client.hget(keys.job(job.id), 'status')).toBe('failed');
      await c.r.press('C', 'y');
      await c.r.waitForFrame('nothing to clean', 15_000);
    } finally {
      await c.close();
    }
  });
});
