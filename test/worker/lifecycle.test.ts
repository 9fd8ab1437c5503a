import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findWorkers,
  Job,
  latestResult,
  Queue,
  SimpleWorker,
  Worker,
  type WorkerOptions,
} from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { silentLogger } from '../../src/worker/worker-logger.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

function options(extra: Partial<WorkerOptions> = {}): WorkerOptions {
  return { queues: ['default'], burst: true, paths: [FIXTURES], ...extra };
}

describe.each([
  ['Worker', Worker],
  ['SimpleWorker', SimpleWorker],
] as const)('%s lifecycle', (_label, WorkerClass) => {
  let redis: TestRedis;
  useRedis((started) => (redis = started));

  it('runs a burst of jobs and records results, registries and counters as RQ does', async () => {
    const queue = new Queue('default', redis.client);
    const ok = await queue.enqueue('tasks.add', [1, 2]);
    const greeted = await queue.enqueue('tasks.greet', ['Frank'], { punctuation: '?' });
    const failing = await queue.enqueue('tasks.fail', ['kaput']);
    const missing = await queue.enqueue('tasks.nope', []);
    const worker = new WorkerClass(redis.client, options(), { logger: silentLogger, handleSignals: false });
    expect(await worker.work()).toBe(true);

    expect((await latestResult(redis.client, ok.id))?.returnValue).toBe(3);
    expect((await latestResult(redis.client, greeted.id))?.returnValue).toBe('Hi there, Frank?');
    expect((await Job.fetch(redis.client, ok.id)).status).toBe('finished');
    const failed = await Job.fetch(redis.client, failing.id);
    expect(failed.status).toBe('failed');
    expect((await latestResult(redis.client, failing.id))?.excString).toContain('Error: kaput');
    const unresolved = await latestResult(redis.client, missing.id);
    expect(unresolved?.excString).toMatch(/Cannot find tasks\.nope; tried .*tasks\.js \(no export nope\)/);
    expect(await redis.client.zrange(keys.registry('finished', 'default'), 0, -1)).toEqual(
      expect.arrayContaining([ok.id, greeted.id]),
    );
    expect(await redis.client.zrange(keys.registry('failed', 'default'), 0, -1)).toEqual(
      expect.arrayContaining([failing.id, missing.id]),
    );
    expect(await redis.client.zcard(keys.registry('started', 'default'))).toBe(0);
    expect(await queue.count()).toBe(0);

    const hash = await redis.client.hgetall(keys.worker(worker.name));
    expect(hash.successful_job_count).toBe('2');
    expect(hash.failed_job_count).toBe('2');
    expect(Number(hash.total_working_time)).toBeGreaterThan(0);
    expect(hash.death).toBeDefined();
    expect(await redis.client.ttl(keys.worker(worker.name))).toBeLessThanOrEqual(60);
    expect(await redis.client.sismember(keys.allWorkers, keys.worker(worker.name))).toBe(0);
    expect(await findWorkers(redis.client)).toEqual([]);
    expect(await Worker.all(redis.client)).toEqual([]);
    expect(await Worker.count(redis.client)).toBe(0);
  });

  it('is listed by Worker.all / count / find while it works, with its queues and current job', async () => {
    const job = await new Queue('seen', redis.client).enqueue('tasks.sleep', [0.5]);
    const worker = new WorkerClass(redis.client, options({ queues: ['seen', 'also'] }), {
      logger: silentLogger,
      handleSignals: false,
    });
    const sightings: unknown[] = [];
    worker.on('job:started', () => {
      void Promise.all([
        Worker.all(redis.client, { queue: 'also' }),
        Worker.count(redis.client),
        Worker.find(redis.client, worker.name),
      ]).then((seen) => sightings.push(seen));
    });
    await worker.work();
    const [listed, count, found] = sightings[0] as [
      { name: string }[],
      number,
      { state: string; queues: string[]; currentJob: string },
    ];
    expect(listed.map((w) => w.name)).toEqual([worker.name]);
    expect(count).toBe(1);
    expect(found).toMatchObject({ state: 'busy', queues: ['seen', 'also'], currentJob: job.id });
  });

  it('burst with nothing to do returns false; a job can save meta', async () => {
    const idle = new WorkerClass(redis.client, options({ queues: ['empty'] }), {
      logger: silentLogger,
      handleSignals: false,
    });
    expect(await idle.work()).toBe(false);
    const queue = new Queue('meta', redis.client);
    const job = await queue.enqueue('tasks.touchMeta', ['progress', 50]);
    await new WorkerClass(redis.client, options({ queues: ['meta'] }), {
      logger: silentLogger,
      handleSignals: false,
    }).work();
    const done = await Job.fetch(redis.client, job.id);
    expect(done.meta).toEqual({ progress: 50 });
    expect(done.status).toBe('finished');
  });
});

describe('job function resolution', () => {
  let redis: TestRedis;
  useRedis((started) => (redis = started));

  it('finds exports in .mjs, .cjs and nested module paths under the --path roots, kwargs as a last argument', async () => {
    const queue = new Queue('flavours', redis.client);
    const esm = await queue.enqueue('esm_tasks.double', [21]);
    const cjs = await queue.enqueue('cjs_tasks.triple', [14]);
    const nested = await queue.enqueue('pkg.mail.send.send', ['ops@example.com'], { subject: 'hi' });
    await new Worker(
      redis.client,
      options({ queues: ['flavours'], paths: [path.join(FIXTURES, 'flavours')] }),
      { logger: silentLogger, handleSignals: false },
    ).work();
    expect((await latestResult(redis.client, esm.id))?.returnValue).toBe(42);
    expect((await latestResult(redis.client, cjs.id))?.returnValue).toBe(42);
    expect((await latestResult(redis.client, nested.id))?.returnValue).toBe('sent hi to ops@example.com');
  });
});
