import { expect } from 'vitest';
import { findWorkers, Job, Queue } from '../../src/index.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, spawnRqts, type RqtsProcess } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { describe as describeProcesses, processTree, stillAlive, type ProcessEntry } from './process-tree.js';

/** The debounce is a promise about wall-clock time: a second signal counts only >1 s later. */
export const DEBOUNCE_MS = 1000;

/** Waits until more than the debounce window has passed since `since` (ms timestamp). */
export async function pastDebounce(since: number): Promise<void> {
  await waitFor(
    () => Date.now() - since > DEBOUNCE_MS + 50,
    DEBOUNCE_MS + 5000,
    'the debounce window to pass',
  );
}

/** Pools started by a test file, SIGKILLed in afterAll if a test failed half-way. */
export class PoolProcesses {
  private readonly started: RqtsProcess[] = [];

  spawn(redis: TestRedis, args: string[]): RqtsProcess {
    const pool = spawnRqts(['worker-pool', '-u', redis.url, '-P', FIXTURES, ...args]);
    this.started.push(pool);
    return pool;
  }

  /**
   * SIGKILLs pools a failed test left running and waits for their members and horses to go
   * (they stop cold on their own), before the caller stops Redis under them.
   */
  async killAll(): Promise<void> {
    const trees = this.started
      .filter((pool) => pool.child.exitCode === null && pool.child.signalCode === null)
      .map((pool) => processTree(pool.child.pid ?? -1));
    for (const tree of trees) if (tree[0]) process.kill(tree[0].pid, 'SIGKILL');
    const left = trees.flat();
    await waitFor(
      () => stillAlive(left).length === 0,
      20_000,
      `pool processes to end:\n${describeProcesses(stillAlive(left))}`,
    );
  }
}

/**
 * A private Redis for the enclosing describe block (handed over through `assign`) and the
 * pools its tests start: those are killed, members and horses too, before Redis stops.
 */
export function usePools(assign: (redis: TestRedis) => void): PoolProcesses {
  const pools = new PoolProcesses();
  useRedis(assign, () => pools.killAll());
  return pools;
}

/** A pool of two named after its queue, both members busy with `func`; with its process tree. */
export async function busyPool(
  redis: TestRedis,
  pools: PoolProcesses,
  queueName: string,
  func: string,
  args: unknown[],
): Promise<{ pool: RqtsProcess; jobs: Job[]; tree: ProcessEntry[] }> {
  const pool = pools.spawn(redis, [queueName, '-n', '2', '--name', queueName]);
  const jobs = await new Queue(queueName, redis.client).enqueueMany(
    [0, 1].map(() => ({ funcName: func, args })),
  );
  await waitFor(
    async () =>
      (
        await Job.fetchMany(
          redis.client,
          jobs.map((j) => j.id),
        )
      ).every((j) => j?.status === 'started'),
    30_000,
    `both ${func} jobs to start`,
  );
  const tree = processTree(pool.child.pid ?? -1);
  // the pool, two members, two horses
  expect(tree.length, describeProcesses(tree)).toBe(5);
  // ps and pgrep -f still show what was run (meow used to blank the process title).
  expect(tree[0]?.args).toMatch(new RegExp(`^rqts worker-pool -u redis://\\S+ .* --name ${queueName}$`));
  return { pool, jobs, tree };
}

/** No process of the tree runs any more, and no worker of the pool is registered. */
export async function expectNothingLeft(
  redis: TestRedis,
  poolName: string,
  tree: readonly ProcessEntry[],
): Promise<void> {
  await waitFor(
    () => stillAlive(tree).length === 0,
    10_000,
    `no orphans:\n${describeProcesses(stillAlive(tree))}`,
  );
  expect((await findWorkers(redis.client)).filter((w) => w.pool === poolName)).toEqual([]);
}
