import { describe, expect, it } from 'vitest';
import { Job, Queue } from '../../src/index.js';
import type { TestRedis } from '../helpers/redis-server.js';
import type { RqtsProcess } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { usePools } from './pool-helpers.js';

// Supervision of members that keep dying: replacement with backoff, and in burst mode a
// crash makes the pool's exit code non-zero.

describe('rqts worker-pool backoff', () => {
  let redis: TestRedis;
  const pools = usePools((started) => (redis = started));

  const startPool = (args: string[]): RqtsProcess => pools.spawn(redis, args);

  it('a member that keeps dying is replaced after 0 s, then 1 s, then 2 s, with a line each time', async () => {
    const queue = new Queue('crashy', redis.client);
    // SimpleWorker runs the job in the member itself, so crash() kills the member.
    const pool = startPool(['crashy', '-n', '1', '-w', 'SimpleWorker', '--name', 'crashy']);
    await queue.enqueueMany([0, 1, 2].map(() => ({ funcName: 'tasks.crash', args: [3] })));
    await pool.waitForOutput(/died unexpectedly: exit code 3; starting a replacement now$/m, 30_000);
    await pool.waitForOutput(
      /died unexpectedly: exit code 3; starting a replacement in 1 s \(2 quick deaths in a row\)$/m,
      30_000,
    );
    await pool.waitForOutput(
      /died unexpectedly: exit code 3; starting a replacement in 2 s \(3 quick deaths in a row\)$/m,
      30_000,
    );
    const ok = await queue.enqueue('tasks.add', [2, 3]);
    await waitFor(
      async () => (await Job.fetch(redis.client, ok.id)).status === 'finished',
      30_000,
      'a job after the crashes',
    );
    const deaths = pool.output().match(/died unexpectedly/g) ?? [];
    expect(deaths).toHaveLength(3);
    pool.kill('SIGTERM');
    expect(await pool.exited, pool.output()).toBe(0);
  });

  it('burst: a crashed member is replaced, the queue is drained, and the pool exits 1', async () => {
    const queue = new Queue('burstcrash', redis.client);
    await queue.enqueue('tasks.crash', [5]);
    const rest = await queue.enqueueMany(
      Array.from({ length: 10 }, (_, n) => ({ funcName: 'tasks.add', args: [n, n] })),
    );
    const pool = startPool(['burstcrash', '-n', '2', '-w', 'SimpleWorker', '--burst']);
    expect(await pool.exited, pool.output()).toBe(1);
    expect(pool.output()).toMatch(/died unexpectedly: exit code 5/);
    expect(pool.output()).toMatch(/Every worker finished; pool \S+ exits with code 1$/m);
    expect(
      (
        await Job.fetchMany(
          redis.client,
          rest.map((j) => j.id),
        )
      ).map((j) => j?.status),
    ).toEqual(rest.map(() => 'finished'));
  });
});
