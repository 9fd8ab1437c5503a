import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Job, Queue } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, killSpawned, runRqts, spawnRqts, type RqtsProcess } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';

// Issue 12, defect 2: a worker stopped (SIGSTOP, a VM pause) past its TTL resumes and must
// not write a stale outcome over what another worker's maintenance decided, must register
// again before taking work, and its death penalty must not fire for the time it was stopped.

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

function processes(proc: RqtsProcess): number[] {
  const worker = proc.child.pid ?? 0;
  const horses = execFileSync('pgrep', ['-P', String(worker)])
    .toString()
    .trim()
    .split('\n')
    .map(Number);
  return [worker, ...horses];
}

function signal(pids: number[], name: NodeJS.Signals): void {
  for (const pid of pids) process.kill(pid, name);
}

/**
 * Starts worker `name` on `queue`, lets it take `job`, then stops it and its horse past its
 * TTL: its key expires and the job's started entry lapses, as if no heartbeat came for long.
 */
async function stopPastTtl(
  queue: string,
  name: string,
  job: Job,
): Promise<{ proc: RqtsProcess; pids: number[] }> {
  const proc = spawnRqts(['worker', queue, '--url', redis.url, '--path', FIXTURES, '--name', name]);
  await waitFor(async () => (await Job.fetch(redis.client, job.id)).workerName === name, 15_000, 'job taken');
  await proc.waitForOutput(job.id);
  const pids = processes(proc);
  signal(pids, 'SIGSTOP');
  await redis.client.pexpire(keys.worker(name), 1);
  await waitFor(async () => (await redis.client.exists(keys.worker(name))) === 0, 5000, 'worker key expired');
  expect(await redis.client.zadd(keys.registry('started', queue), 'XX', 'CH', 1, job.id)).toBe(1);
  return { proc, pids };
}

describe('a worker stopped past its TTL (a zombie)', () => {
  it('drops its stale outcome of a job maintenance failed meanwhile, and registers again', async () => {
    const queue = new Queue('zombie', redis.client);
    // Outlives its timeout in wall time only while the worker is stopped.
    const job = await queue.enqueue('tasks.sleep', [2], {}, { timeout: 4 });
    const { proc, pids } = await stopPastTtl('zombie', 'zombie-a', job);
    try {
      const other = await runRqts(['worker', 'zombie', '--url', redis.url, '--path', FIXTURES, '--burst']);
      expect(other.code, other.output).toBe(0);
      expect(await redis.client.hget(keys.job(job.id), 'status')).toBe('failed');
      const deadline = Date.now() + 5000;
      await waitFor(() => Date.now() > deadline, 10_000, 'the job timeout passing in wall time');
    } finally {
      signal(pids, 'SIGCONT');
    }
    await proc.waitForOutput(
      /dropping its finished outcome, because it is no longer in the started registry/,
    );
    expect(proc.output()).not.toContain('JobTimeoutException');
    expect(await redis.client.hget(keys.job(job.id), 'status')).toBe('failed');
    expect(await redis.client.zscore(keys.registry('finished', 'zombie'), job.id)).toBeNull();
    expect(await redis.client.zscore(keys.registry('failed', 'zombie'), job.id)).not.toBeNull();
    expect(await redis.client.zcard(keys.registry('started', 'zombie'))).toBe(0);

    // Visible again before it takes work: it runs the next job registered, in rq:workers.
    const next = await queue.enqueue('tasks.add', [1, 2]);
    await waitFor(
      async () => (await redis.client.hget(keys.job(next.id), 'status')) === 'finished',
      15_000,
      'next',
    );
    expect(await redis.client.hget(keys.job(next.id), 'worker_name')).toBe('zombie-a');
    expect(await redis.client.sismember(keys.allWorkers, keys.worker('zombie-a'))).toBe(1);
    expect(await redis.client.hget(keys.worker('zombie-a'), 'birth')).not.toBeNull();
    proc.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });

  it('with retries: does not finish a job another worker ran again (it runs at most retries + 1 times)', async () => {
    const queue = new Queue('zombie-retry', redis.client);
    const job = await queue.enqueue('tasks.sleep', [2], {}, { retry: { max: 1 } });
    const { proc, pids } = await stopPastTtl('zombie-retry', 'zombie-b', job);
    try {
      // Maintenance retries it, and this worker runs it to the end.
      const other = await runRqts([
        'worker',
        'zombie-retry',
        '--url',
        redis.url,
        '--path',
        FIXTURES,
        '--burst',
        '--name',
        'rescuer',
      ]);
      expect(other.code, other.output).toBe(0);
      expect(await redis.client.hget(keys.job(job.id), 'status')).toBe('finished');
    } finally {
      signal(pids, 'SIGCONT');
    }
    await proc.waitForOutput(
      /dropping its finished outcome, because (its worker_name is now rescuer|it is no longer in the started registry)/,
    );
    expect(await redis.client.hget(keys.job(job.id), 'worker_name')).toBe('rescuer');
    expect(await redis.client.xlen(keys.results(job.id))).toBe(1);
    expect(await redis.client.zscore(keys.registry('failed', 'zombie-retry'), job.id)).toBeNull();
    expect(await queue.count()).toBe(0);
    proc.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });
});
