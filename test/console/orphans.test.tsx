import { describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { runPython } from '../helpers/python.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { killSpawned, spawnRqts } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { startConsole, writeTaskModules } from './harness.js';

// A SIGKILLed worker's running job becomes ORPHANED, and is fixed from the keyboard: failed
// (Python RQ reads it as failed, with the reason) or requeued at the front and run once.

const SHORT = ['--worker-ttl', '20', '--job-monitoring-interval', '5'];

describe('ORPHANED jobs fixed from the keyboard', () => {
  let redis: TestRedis;
  useRedis((r) => (redis = r), killSpawned);

  async function orphanOn(queue: string, name: string, dir: string): Promise<string> {
    const worker = spawnRqts(['worker', queue, '--url', redis.url, '--path', dir, '--name', name, ...SHORT]);
    const job = await new Queue(queue, redis.client).enqueue('tasks.hang', [], {}, { timeout: 600 });
    await waitFor(
      async () => (await redis.client.hget(keys.worker(name), 'current_job')) === job.id,
      30_000,
      `${name} running the job`,
    );
    worker.kill('SIGKILL');
    await worker.exited;
    return job.id;
  }

  it('F fails it (Python agrees), r requeues it at the front and another worker runs it once', async () => {
    const dir = writeTaskModules();
    const failId = await orphanOn('orph-a', 'killed-a', dir);
    const requeueId = await orphanOn('orph-b', 'killed-b', dir);
    const c = startConsole(redis.url, { intervalMs: 300, columns: 200 });
    try {
      await c.r.waitForFrame(/\b2 ORPHANED\b/, 30_000);
      // On the Jobs screen the orphan's own row says so, and why.
      await c.r.press('2', '/', ...'orph-a', '\r', '\r');
      await c.r.waitForFrame('queue orph-a', 5000);
      await c.r.press(']');
      const started = await c.r.waitForFrame(
        (f) =>
          f.split('\n').some((l) => l.includes(failId.slice(0, 8)) && l.includes('ORPHANED: its worker')),
        10_000,
      );
      expect(started.split('\n').filter((l) => l.includes('ORPHANED:'))).toHaveLength(1);
      await c.r.press('\u001b', '\u001b', '1');
      await c.r.press('/', ...'killed-a', '\r');
      await c.r.waitForFrame((f) => !f.includes('killed-b') && f.includes('killed-a'), 5000);
      await c.r.press('F');
      const dialog = await c.r.waitForFrame('Fail this orphaned job?', 5000);
      expect(dialog).toMatch(/its worker (is deaf and late|stopped beating)/);
      await c.r.press('y');
      await c.r.waitForFrame('moved to the failed registry of orph-a', 10_000);
      const py = await runPython(
        [
          'import os',
          'from redis import Redis',
          'from rq.job import Job',
          'from rq.registry import FailedJobRegistry, StartedJobRegistry',
          'from rq import Queue',
          "r = Redis.from_url(os.environ['REDIS_URL'])",
          "j = Job.fetch(os.environ['JOB'], connection=r)",
          "q = Queue('orph-a', connection=r)",
          'print(j.get_status(), j.id in FailedJobRegistry(queue=q).get_job_ids(), j.id in StartedJobRegistry(queue=q).get_job_ids())',
          'print(j.latest_result().exc_string)',
        ].join('\n'),
        { REDIS_URL: redis.url, JOB: failId },
      );
      expect(py.stderr).toBe('');
      const [statusLine, excLine] = py.stdout.trim().split('\n');
      expect(statusLine).toBe('failed True False');
      expect(excLine).toMatch(
        /^Moved to FailedJobRegistry by rqts console at .*: orphaned: its worker .* \(worker killed-a\)$/,
      );

      await c.r.press('\u001b', '/', ...'killed-b', '\r');
      await c.r.waitForFrame((f) => !f.includes('killed-a') && f.includes('killed-b'), 5000);
      await new Queue('orph-b', redis.client).enqueue('tasks.quick', [2]);
      await c.r.press('r');
      await c.r.waitForFrame('Requeue this orphaned job at the front?', 5000);
      await c.r.press('y');
      await c.r.waitForFrame('back at the front of orph-b', 10_000);
      expect(await redis.client.lindex(keys.queue('orph-b'), 0)).toBe(requeueId);
      expect(await redis.client.zscore(keys.registry('started', 'orph-b'), requeueId)).toBeNull();
      // Another worker picks it up first; it runs (and hangs) once, in exactly one registry.
      spawnRqts(['worker', 'orph-b', '--url', redis.url, '--path', dir, '--name', 'rescuer']);
      await waitFor(
        async () => (await redis.client.hget(keys.worker('rescuer'), 'current_job')) === requeueId,
        30_000,
        'the rescuer runs the requeued job',
      );
      expect(await redis.client.lrange(keys.queue('orph-b'), 0, -1)).not.toContain(requeueId);
      await c.r.waitForFrame((f) => !/ORPHANED/.test(f), 15_000);
    } finally {
      await c.close();
    }
  }, 120_000);
});
