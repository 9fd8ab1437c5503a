import { describe, expect, it } from 'vitest';
import { Job, latestResult } from '../../src/index.js';
import type { TestRedis } from '../helpers/redis-server.js';
import { busyPool, expectNothingLeft, pastDebounce, usePools } from './pool-helpers.js';

// Stopping a pool: warm (jobs finish), two signals within a second (still warm), cold (jobs
// fail). After each, nothing of the pool is left in the process table or in rq:workers.

describe('rqts worker-pool shutdown', () => {
  let redis: TestRedis;
  const pools = usePools((started) => (redis = started));

  it('SIGTERM stops warmly: both running jobs finish, the pool exits 0', async () => {
    const { pool, jobs, tree } = await busyPool(redis, pools, 'warm', 'tasks.sleep', [2]);
    pool.kill('SIGTERM');
    expect(await pool.exited, pool.output()).toBe(0);
    expect(pool.output()).toMatch(/^\[pool\] .*Warm shut down: 2 worker\(s\) finish their current job/m);
    for (const job of jobs) expect((await latestResult(redis.client, job.id))?.returnValue).toBe(2);
    await expectNothingLeft(redis, 'warm', tree);
  });

  it('two signals within one second count as one: still warm', async () => {
    const { pool, jobs, tree } = await busyPool(redis, pools, 'twice', 'tasks.sleep', [2]);
    pool.kill('SIGINT');
    pool.kill('SIGTERM');
    expect(await pool.exited, pool.output()).toBe(0);
    expect(pool.output()).not.toMatch(/Cold shut down/);
    for (const job of jobs) expect((await Job.fetch(redis.client, job.id)).status).toBe('finished');
    await expectNothingLeft(redis, 'twice', tree);
  });

  it('a second signal a second later stops cold: horses are killed, jobs fail, the pool exits 0', async () => {
    const { pool, jobs, tree } = await busyPool(redis, pools, 'cold', 'tasks.hang', []);
    const firstAt = Date.now();
    pool.kill('SIGTERM');
    await pool.waitForOutput('Warm shut down');
    await pastDebounce(firstAt);
    pool.kill('SIGTERM');
    expect(await pool.exited, pool.output()).toBe(0);
    expect(pool.output()).toMatch(/^\[pool\] .*Cold shut down: 2 worker\(s\) kill their horse/m);
    for (const job of jobs) {
      expect((await Job.fetch(redis.client, job.id)).status).toBe('failed');
      expect((await latestResult(redis.client, job.id))?.excString).toMatch(/shut down cold/);
    }
    await expectNothingLeft(redis, 'cold', tree);
  });
});
