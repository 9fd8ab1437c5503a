import { describe, expect, it } from 'vitest';
import { findWorkers, Job, latestResult } from '../../src/index.js';
import { pythonRqAvailable, runProcess, runPython } from '../helpers/python.js';
import type { TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { usePools } from './pool-helpers.js';

// The pool's members are ordinary workers to Python RQ 1.13: `rq info` and Worker.all list
// each one, and jobs a Python producer enqueues with the JSON serializer run on them.

describe.skipIf(!pythonRqAvailable())('worker-pool members seen from Python RQ', () => {
  let redis: TestRedis;
  const pools = usePools((started) => (redis = started));

  it('rq info lists every member on its queues; a Python-enqueued job runs in the pool', async () => {
    const pool = pools.spawn(redis, ['high', 'low', '-n', '2', '--name', 'py']);
    await pool.waitForOutput(/^\[w1\] .*Listening for work on high, low$/m, 30_000);
    await pool.waitForOutput(/^\[w2\] .*Listening for work on high, low$/m, 30_000);
    const names = [...pool.output().matchAll(/Worker (py-w\d-[0-9a-f]{6}) started with PID (\d+)/g)].map(
      ([, name, pid]) => ({ name: name as string, pid: Number(pid) }),
    );
    expect(names).toHaveLength(2);
    // "Listening" is logged just before a worker first reports itself idle.
    await waitFor(
      async () =>
        (await findWorkers(redis.client)).filter((w) => w.pool === 'py' && w.state === 'idle').length === 2,
      20_000,
      'both members idle',
    );

    const info = await runProcess('/usr/bin/python3', ['-m', 'rq.cli', 'info', '-u', redis.url, '-W', '-r']);
    expect(info.code, info.stderr).toBe(0);
    for (const { name, pid } of names)
      expect(info.stdout).toMatch(new RegExp(`^worker ${name} \\(\\S+ \\S+ ${pid}\\) idle high, low$`, 'm'));

    const py = await runPython(
      `
import os
from redis import Redis
from rq import Queue, Worker
from rq.serializers import JSONSerializer
redis = Redis.from_url(os.environ['REDIS_URL'])
print(' '.join(sorted(w.name for w in Worker.all(connection=redis))))
job = Queue('low', connection=redis, serializer=JSONSerializer).enqueue('tasks.add', 20, 22)
print(job.id)
`,
      { REDIS_URL: redis.url },
    );
    expect(py.code, py.stderr).toBe(0);
    const [listed, jobId] = py.stdout.trim().split('\n');
    expect(listed).toBe(
      names
        .map((n) => n.name)
        .sort()
        .join(' '),
    );
    await waitFor(
      async () => (await Job.fetch(redis.client, jobId ?? '')).status === 'finished',
      20_000,
      `the Python-enqueued job; pool output:\n${pool.output()}`,
    );
    expect((await latestResult(redis.client, jobId ?? ''))?.returnValue).toBe(42);
    pool.kill('SIGTERM');
    expect(await pool.exited, pool.output()).toBe(0);
  });
});
