import { describe, expect, it } from 'vitest';
import { findWorkers, Job, latestResult, Queue } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import type { TestRedis } from '../helpers/redis-server.js';
import type { RqtsProcess } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { usePools } from './pool-helpers.js';
import { describe as describeProcesses, processTree, stillAlive } from './process-tree.js';

// Supervision: a member killed while busy is replaced at once, and its job is not lost.

describe('rqts worker-pool supervision', () => {
  let redis: TestRedis;
  const pools = usePools((started) => (redis = started));

  const startPool = (args: string[]): RqtsProcess => pools.spawn(redis, args);

  async function poolWorkers(pool: string): Promise<Map<string, Record<string, string>>> {
    const live = await findWorkers(redis.client);
    return new Map(live.filter((w) => w.pool === pool).map((w) => [w.name, w.raw]));
  }

  it('kill -9 of a busy member: it is replaced at once, its horse records the job and goes, nothing is lost', async () => {
    const queue = new Queue('sup', redis.client);
    const pool = startPool(['sup', '-n', '2', '--name', 'sup']);
    await waitFor(async () => (await poolWorkers('sup')).size === 2, 30_000, 'two registered members');
    const stuck = await queue.enqueue('tasks.hang', [], {}, { timeout: 5 });
    const busy = await waitFor(
      async () => {
        const job = await Job.fetch(redis.client, stuck.id);
        return job.status === 'started' && job.workerName ? job.workerName : undefined;
      },
      20_000,
      'the hang job to start',
    );
    const victim = (await poolWorkers('sup')).get(busy);
    const victimPid = Number(victim?.pid);
    // `started` is written by the dequeue, before the member has handed the job to its horse; a
    // member killed in between leaves the job to the abandoned-job clean-up, as RQ's does before
    // its fork. So kill only once the horse holds the job: it retitles itself when it takes it.
    const victimTree = await waitFor(
      () => {
        const tree = processTree(victimPid); // the member and its horse
        return tree.length === 2 && tree[1]?.args === 'rqts: horse running tasks.hang' ? tree : undefined;
      },
      20_000,
      `the horse of ${busy} to take the hang job`,
    );

    process.kill(victimPid, 'SIGKILL');
    await pool.waitForOutput(
      new RegExp(
        `\\(worker ${busy}, pid ${victimPid}\\) died unexpectedly: killed by SIGKILL; starting a replacement now$`,
        'm',
      ),
      20_000,
    );
    await pool.waitForOutput(
      `(worker ${busy}) was running job ${stuck.id}: its horse lets it finish and records the outcome itself`,
      20_000,
    );
    const replaced = await waitFor(
      async () => {
        const workers = await poolWorkers('sup');
        const fresh = [...workers.keys()].filter((name) => name !== busy);
        return fresh.length === 2 ? fresh : undefined;
      },
      30_000,
      'a replacement member to register',
    );
    const slot = /^sup-(w\d)-/.exec(busy)?.[1];
    expect(replaced.some((name) => name.startsWith(`sup-${slot}-`))).toBe(true);
    // The orphaned horse ends the job at its timeout and records that itself, then exits.
    await waitFor(
      () => stillAlive(victimTree).length === 0,
      15_000,
      `the killed member's horse to exit:\n${describeProcesses(stillAlive(victimTree))}`,
    );
    const ended = await Job.fetch(redis.client, stuck.id);
    expect(ended.status, pool.output()).toBe('failed');
    expect(await redis.client.zscore(keys.registry('started', 'sup'), stuck.id)).toBeNull();
    expect(await redis.client.zscore(keys.registry('failed', 'sup'), stuck.id)).not.toBeNull();
    expect((await latestResult(redis.client, stuck.id))?.excString).toBe(
      'JobTimeoutException: Task exceeded maximum timeout value (5 seconds)',
    );

    // The pool still works at full size.
    const after = await queue.enqueueMany(
      Array.from({ length: 20 }, (_, n) => ({ funcName: 'tasks.add', args: [n, 1] })),
    );
    await waitFor(
      async () =>
        (
          await Job.fetchMany(
            redis.client,
            after.map((j) => j.id),
          )
        ).every((j) => j?.status === 'finished'),
      30_000,
      'jobs after the replacement',
    );

    const tree = processTree(pool.child.pid ?? -1);
    pool.kill('SIGTERM');
    expect(await pool.exited, pool.output()).toBe(0);
    await waitFor(
      () => stillAlive(tree).length === 0,
      10_000,
      `no orphans:\n${describeProcesses(stillAlive(tree))}`,
    );
  });
});
