import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Job, latestResult, Queue, RqtsError, SimpleWorker, Worker } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { silentLogger } from '../../src/worker/worker-logger.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { pythonRqAvailable } from '../helpers/python.js';
import { runPythonWorker } from '../helpers/python-worker.js';

// Callbacks named by rqts's own producer: stored as RQ 1.15+ stores them, and run by rqts
// workers (horse and in-process) and by a Python worker (cbtasks.py, the twin of cbtasks.js).

const CB_DIR = path.resolve(import.meta.dirname, '../fixtures/callbacks');

describe('callbacks from Queue.enqueue', () => {
  let redis: TestRedis;
  useRedis((started) => {
    redis = started;
    // The fixtures' callbacks record to this Redis; horses inherit the environment.
    process.env.FIXTURE_REDIS_URL = started.url;
  });

  it('stores name and timeout as RQ does: the timeout only with its callback, 60 by default', async () => {
    const queue = new Queue('stored', redis.client);
    const job = await queue.enqueue(
      'cbtasks.ok',
      [],
      {},
      {
        onSuccess: 'cbtasks.on_success',
        onFailure: { name: 'cbtasks.on_failure', timeout: 5 },
      },
    );
    const hash = await redis.client.hgetall(keys.job(job.id));
    expect(hash).toMatchObject({
      success_callback_name: 'cbtasks.on_success',
      success_callback_timeout: '60',
      failure_callback_name: 'cbtasks.on_failure',
      failure_callback_timeout: '5',
      stopped_callback_name: '',
    });
    expect(hash).not.toHaveProperty('stopped_callback_timeout');
    const fetched = await Job.fetch(redis.client, job.id);
    expect([fetched.successCallbackTimeout, fetched.failureCallbackTimeout]).toEqual([60, 5]);
    const plain = await redis.client.hgetall(keys.job((await queue.enqueue('cbtasks.ok')).id));
    expect(Object.keys(plain).filter((field) => field.endsWith('_callback_timeout'))).toEqual([]);
  });

  it('refuses a name that is not dotted and a timeout that is not positive whole seconds', () => {
    const queue = new Queue('refused', redis.client);
    const create = (options: Parameters<Queue['createJob']>[0]): Job => queue.createJob(options);
    expect(() => create({ funcName: 'cbtasks.ok', onSuccess: 'on_success' })).toThrow(RqtsError);
    expect(() => create({ funcName: 'cbtasks.ok', onStopped: 'cbtasks. x' })).toThrow(/not a dotted name/);
    expect(() => create({ funcName: 'cbtasks.ok', onFailure: { name: 'a.b', timeout: 0 } })).toThrow(
      /timeout 0 is not allowed/,
    );
    expect(() => create({ funcName: 'cbtasks.ok', onFailure: { name: 'a.b', timeout: 1.5 } })).toThrow(
      RqtsError,
    );
  });

  it.each([
    ['Worker', Worker],
    ['SimpleWorker', SimpleWorker],
  ] as const)(
    '%s runs each callback once, and a raising success callback fails the job',
    async (label, WorkerClass) => {
      const queue = new Queue(`run_${label}`, redis.client);
      const calls = `cb:calls`;
      await redis.client.del(calls);
      const good = await queue.enqueue('cbtasks.ok', [], {}, { onSuccess: 'cbtasks.on_success' });
      const bad = await queue.enqueue(
        'cbtasks.ok',
        [],
        {},
        {
          onSuccess: 'cbtasks.on_success_raise',
          onFailure: 'cbtasks.on_failure',
        },
      );
      const failing = await queue.enqueue('cbtasks.boom', [], {}, { onFailure: 'cbtasks.on_failure_raise' });
      const worker = new WorkerClass(
        redis.client,
        { queues: [queue.name], burst: true, paths: [CB_DIR] },
        { logger: silentLogger, handleSignals: false },
      );
      await worker.work();
      expect((await redis.client.lrange(calls, 0, -1)).sort()).toEqual(
        [`success:${good.id}`, `success:${bad.id}`, `failure:${bad.id}`, `failure:${failing.id}`].sort(),
      );
      expect((await Job.fetch(redis.client, good.id)).status).toBe('finished');
      expect((await Job.fetch(redis.client, bad.id)).status).toBe('failed');
      expect((await latestResult(redis.client, bad.id))?.excString).toMatch(
        /^RuntimeError: success callback boom/,
      );
      expect((await latestResult(redis.client, failing.id))?.excString).toMatch(
        /^RuntimeError: failure callback boom/,
      );
    },
  );

  it.skipIf(!pythonRqAvailable())('a Python worker runs the callbacks rqts stored', async () => {
    const queue = new Queue('for_python', redis.client);
    await redis.client.del('cb:calls');
    const job = await queue.enqueue('cbtasks.boom', [], {}, { onFailure: 'cbtasks.on_failure' });
    const run = await runPythonWorker(
      redis.url,
      { queues: [queue.name] },
      { PYTHONPATH: CB_DIR, PYTHONDONTWRITEBYTECODE: '1', FIXTURE_REDIS_URL: redis.url },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(await redis.client.lrange('cb:calls', 0, -1)).toEqual([`failure:${job.id}`]);
  });
});
