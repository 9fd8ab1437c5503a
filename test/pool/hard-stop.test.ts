import { describe, expect, it } from 'vitest';
import { Job, Queue } from '../../src/index.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { describe as describeProcesses, processTree, stillAlive } from './process-tree.js';
import { busyPool, expectNothingLeft, pastDebounce, usePools } from './pool-helpers.js';

// Stopping a pool the hard way: SIGKILL of the pool itself (members notice and stop cold),
// and a third signal for members that cannot stop. Nothing may be left running.

describe('rqts worker-pool hard stops', () => {
  let redis: TestRedis;
  const pools = usePools((started) => (redis = started));

  it('SIGKILL of the pool: members notice, stop cold and deregister; no orphans', async () => {
    const { pool, jobs, tree } = await busyPool(redis, pools, 'orphans', 'tasks.hang', []);
    pool.kill('SIGKILL');
    expect(await pool.exited).toBe('SIGKILL');
    await expectNothingLeft(redis, 'orphans', tree);
    for (const job of jobs) expect((await Job.fetch(redis.client, job.id)).status).toBe('failed');
  });

  it('SIGKILL of the pool while Redis is down too: members give up after 5 s instead of lingering', async () => {
    const doomed = await startRedis();
    try {
      const { pool, tree } = await busyPool(doomed, pools, 'outage', 'tasks.hang', []);
      await doomed.stop();
      pool.kill('SIGKILL');
      await waitFor(
        () => stillAlive(tree).length === 0,
        20_000,
        `no orphans:\n${describeProcesses(stillAlive(tree))}`,
      );
      expect(pool.output()).toMatch(
        /^\[w[12]\] The pool is gone and the cold stop did not finish within 5 s \(is Redis reachable\?\); exiting\./m,
      );
    } finally {
      await doomed.stop();
    }
  });

  it('a third signal kills members that cannot stop (a SimpleWorker stuck in a busy loop)', async () => {
    const pool = pools.spawn(redis, ['stuck', '-n', '1', '-w', 'SimpleWorker']);
    const job = await new Queue('stuck', redis.client).enqueue('tasks.spin', [60]);
    await waitFor(
      async () => (await Job.fetch(redis.client, job.id)).status === 'started',
      30_000,
      'the spin job to start',
    );
    const tree = processTree(pool.child.pid ?? -1);
    expect(tree.length, describeProcesses(tree)).toBe(2);
    let lastAt = 0;
    for (const expected of ['Warm shut down', 'Cold shut down', 'Killing 1 worker(s)']) {
      await pastDebounce(lastAt);
      lastAt = Date.now();
      pool.kill('SIGINT');
      await pool.waitForOutput(expected);
    }
    expect(await pool.exited, pool.output()).toBe(1);
    await waitFor(
      () => stillAlive(tree).length === 0,
      10_000,
      `no orphans:\n${describeProcesses(stillAlive(tree))}`,
    );
  });
});
