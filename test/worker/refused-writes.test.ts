import { describe, expect, it } from 'vitest';
import { Job, latestResult, Queue } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, killSpawned, spawnRqts, type RqtsProcess } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';

// Issue 12, defect 5: at maxmemory a worker said "EXECABORT Transaction discarded because of
// previous errors" and exited. It must say what Redis said, wait, and carry on.

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

/** Puts Redis over its memory limit with noeviction: every write that adds data is refused. */
async function runOutOfMemory(): Promise<void> {
  await redis.client.set('ballast', 'x'.repeat(4 * 1024 * 1024));
  await redis.client.config('SET', 'maxmemory-policy', 'noeviction');
  await redis.client.config('SET', 'maxmemory', '1mb');
}

async function freeMemory(): Promise<void> {
  await redis.client.config('SET', 'maxmemory', '0');
}

/** The worker, still running while writes are refused, drains its queue once memory is free. */
async function carriesOnOnceFree(proc: RqtsProcess): Promise<void> {
  expect(proc.child.exitCode).toBeNull();
  await freeMemory();
  expect(await proc.exited, proc.output()).toBe(0);
  expect(proc.output()).not.toContain('EXECABORT');
}

describe('a worker at maxmemory', () => {
  it('shows the OOM reply, backs off and retries, then records the outcome and carries on', async () => {
    const queue = new Queue('oom', redis.client);
    const slow = await queue.enqueue('tasks.sleep', [1]);
    const next = await queue.enqueue('tasks.add', [1, 2]);
    const proc = spawnRqts(['worker', 'oom', '--url', redis.url, '--path', FIXTURES, '--burst']);
    try {
      await waitFor(
        async () => (await Job.fetch(redis.client, slow.id)).status === 'started',
        15_000,
        'started',
      );
      // The job's finish (and the next dequeue) meet the refusal.
      await runOutOfMemory();
      await proc.waitForOutput(
        /Redis refused to record job \S+ as finished: OOM command not allowed/,
        15_000,
      );
      await proc.waitForOutput(/retrying in [\d.]+ s \(free memory or raise Redis's maxmemory\)/);
      await carriesOnOnceFree(proc);
    } finally {
      await freeMemory();
    }
    expect((await latestResult(redis.client, slow.id))?.returnValue).toBe(1);
    expect((await latestResult(redis.client, next.id))?.returnValue).toBe(3);
    expect(await redis.client.zcard(keys.registry('started', 'oom'))).toBe(0);
  });

  it('started while Redis refuses writes: waits to register instead of exiting', async () => {
    const job = await new Queue('oom-birth', redis.client).enqueue('tasks.fail', ['expected']);
    await runOutOfMemory();
    const proc = spawnRqts(['worker', 'oom-birth', '--url', redis.url, '--path', FIXTURES, '--burst']);
    try {
      await proc.waitForOutput(/Redis refused to register the worker: OOM command not allowed/, 15_000);
      await carriesOnOnceFree(proc);
    } finally {
      await freeMemory();
    }
    expect(await redis.client.zscore(keys.registry('failed', 'oom-birth'), job.id)).not.toBeNull();
  });
});
