import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorker, Job, latestResult, Queue, Registry } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { pythonRqAvailable, runProcess } from '../helpers/python.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { adopt, FIXTURES, isAlive, OWNER_MARK, spawnRqts, killSpawned } from '../helpers/rqts-process.js';
import { startNamedWorker } from '../helpers/rqts-worker.js';
import { waitFor } from '../helpers/wait.js';

// Fault injection: a job is always in exactly one queue or registry, whatever dies when.

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

/** Makes the started-registry score of a job lie in the past, as if its heartbeats had lapsed long ago. */
async function fastForwardAbandonment(queue: string, id: string): Promise<void> {
  expect(await redis.client.zadd(keys.registry('started', queue), 'XX', 'CH', 1, id)).toBe(1);
}

/** Runs a burst worker on `queues` that SIGKILLs itself right after taking a job. */
async function dieAfterDequeue(...queues: string[]): Promise<void> {
  const script = path.join(FIXTURES, 'faults/die-after-dequeue.mjs');
  const child = spawn(process.execPath, [script, redis.url, FIXTURES, ...queues], {
    env: { ...process.env, ...OWNER_MARK },
    stdio: 'ignore',
  });
  adopt(child);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  expect(await exited).toBe('SIGKILL');
}

describe.each([
  ['one queue', ['solo'], 'solo'],
  ['several queues', ['first', 'second'], 'second'],
])('a worker SIGKILLed right after taking a job (%s)', (_label, queues, jobQueue) => {
  it('leaves the job started in its registry, never nowhere, and clean-up fails it with a reason', async () => {
    const job = await new Queue(jobQueue, redis.client).enqueue('tasks.add', [1, 2]);
    await dieAfterDequeue(...queues);
    const taken = await Job.fetch(redis.client, job.id);
    expect(taken.status).toBe('started');
    expect(taken.workerName).not.toBe('');
    expect(await new Queue(jobQueue, redis.client).count()).toBe(0);
    expect(await redis.client.zscore(keys.registry('started', jobQueue), job.id)).not.toBeNull();

    await fastForwardAbandonment(jobQueue, job.id);
    await new Registry('started', jobQueue, redis.client).cleanup();
    const failed = await Job.fetch(redis.client, job.id);
    expect(failed.status).toBe('failed');
    expect(failed.excInfo).toMatch(/^Moved to FailedJobRegistry, due to AbandonedJobError, at /);
    expect(await redis.client.zscore(keys.registry('failed', jobQueue), job.id)).not.toBeNull();
    expect(await redis.client.zscore(keys.registry('started', jobQueue), job.id)).toBeNull();
  });
});

describe.skipIf(!pythonRqAvailable())('abandoned rqts jobs and Python RQ', () => {
  it("Python's clean-up (rq info) fails a job an rqts worker died holding", async () => {
    const job = await new Queue('pyclean', redis.client).enqueue('tasks.add', [1, 2]);
    await dieAfterDequeue('pyclean');
    await fastForwardAbandonment('pyclean', job.id);
    const info = await runProcess('/usr/bin/python3', [
      '-m',
      'rq.cli',
      'info',
      '--url',
      redis.url,
      'pyclean',
    ]);
    expect(info.code, info.stderr).toBe(0);
    expect((await Job.fetch(redis.client, job.id)).status).toBe('failed');
    expect(await redis.client.zscore(keys.registry('failed', 'pyclean'), job.id)).not.toBeNull();
  });
});

describe('process deaths', () => {
  it("the next rqts worker's maintenance fails a job abandoned by a dead worker", async () => {
    const job = await new Queue('maint', redis.client).enqueue('tasks.add', [1, 2]);
    await dieAfterDequeue('maint');
    await fastForwardAbandonment('maint', job.id);
    const next = spawnRqts(['worker', 'maint', '--url', redis.url, '--path', FIXTURES, '--burst']);
    expect(await next.exited, next.output()).toBe(0);
    expect(next.output()).toContain('Cleaning registries for queue: maint');
    expect((await Job.fetch(redis.client, job.id)).status).toBe('failed');
  });

  it("a SIGKILLed worker leaves no horse behind: an idle one exits, a busy one ends at its job's timeout", async () => {
    const job = await new Queue('orphan', redis.client).enqueue(
      'orphan.counted',
      [redis.url, 'runs:orphan', 60],
      {},
      { timeout: 2 },
    );
    const { proc } = startNamedWorker(redis.url, 'orphan', 'orphan');
    // Running in the horse (a worker killed before it hands the job over leaves it started).
    await waitFor(async () => (await redis.client.get('runs:orphan')) === '1', 15_000, 'running');
    const horsePid = onlyChild(proc.child.pid ?? 0);
    expect(isAlive(horsePid)).toBe(true);
    proc.kill('SIGKILL');
    // The horse records the job's timeout itself (test/worker/orphan-horse.test.ts), then goes.
    await waitFor(() => !isAlive(horsePid), 10_000, 'busy horse exit');
    expect((await Job.fetch(redis.client, job.id)).status).toBe('failed');

    const { proc: idle, name } = startNamedWorker(redis.url, 'orphan', 'idle');
    await waitFor(async () => (await findWorker(redis.client, name))?.state === 'idle', 15_000, 'idle');
    const idleHorse = onlyChild(idle.child.pid ?? 0);
    idle.kill('SIGKILL');
    await waitFor(() => !isAlive(idleHorse), 5000, 'idle horse exit');
  });

  it('a worker survives a Redis restart: it reconnects, registers again and runs new jobs', async () => {
    const proc = spawnRqts([
      'worker',
      'restart',
      '--url',
      redis.url,
      '--path',
      FIXTURES,
      '--name',
      'survivor',
    ]);
    await waitFor(async () => (await findWorker(redis.client, 'survivor'))?.state === 'idle', 15_000, 'idle');
    await redis.restart();
    const job = await waitFor(
      async () => new Queue('restart', redis.client).enqueue('tasks.add', [20, 22]),
      10_000,
      'enqueue after restart',
    );
    await waitFor(
      async () => (await latestResult(redis.client, job.id))?.returnValue === 42,
      20_000,
      'job run after restart',
    );
    await waitFor(
      async () => (await findWorker(redis.client, 'survivor'))?.state === 'idle',
      10_000,
      'registered again',
    );
    expect(await redis.client.sismember(keys.allWorkers, keys.worker('survivor'))).toBe(1);
    proc.kill('SIGTERM');
    expect(await proc.exited, proc.output()).toBe(0);
  });

  it('a worker told to stop while Redis is down still exits, within seconds', async () => {
    const proc = spawnRqts(['worker', 'down', '--url', redis.url, '--path', FIXTURES, '--name', 'stranded']);
    await waitFor(async () => (await findWorker(redis.client, 'stranded'))?.state === 'idle', 15_000, 'idle');
    await redis.stopServer();
    try {
      proc.kill('SIGTERM');
      const started = Date.now();
      expect(await proc.exited, proc.output()).toBe(0);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(proc.output()).toMatch(/Could not register death/);
    } finally {
      await redis.startServer();
    }
  });
});

function onlyChild(pid: number): number {
  return Number(
    execFileSync('pgrep', ['-P', String(pid)])
      .toString()
      .trim()
      .split('\n')[0],
  );
}
