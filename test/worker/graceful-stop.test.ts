import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Job, Queue } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { killSpawned, spawnRqts } from '../helpers/rqts-process.js';
import { busyOn, endedWith, startNamedWorker } from '../helpers/rqts-worker.js';
import { waitFor } from '../helpers/wait.js';

// `rqts stop-job --graceful`: the job's AbortSignal fires, the job may clean up, and its horse
// is killed only when the grace period runs out. Either way the job ends stopped, with what
// happened in its reason. Python RQ workers have no such stop: the CLI refuses, in one line.

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

const startWorker = (queue: string, extra: string[] = []) => startNamedWorker(redis.url, queue, 'gs', extra);

const stoppedReason = (jobId: string): Promise<string> => endedWith(redis.client, jobId, 'stopped');

describe('graceful stop-job', () => {
  for (const kind of ['Worker', 'SimpleWorker'] as const) {
    it(`${kind}: the job sees its abort signal, writes its marker and ends stopped; the worker carries on`, async () => {
      const marker = path.join(mkdtempSync(path.join(tmpdir(), 'rqts-graceful-')), 'marker');
      const queue = new Queue(`grace-${kind}`, redis.client);
      const job = await queue.enqueue('tasks.cleanUpOnAbort', [marker]);
      const { name } = startWorker(
        queue.name,
        kind === 'SimpleWorker' ? ['--worker-class', 'SimpleWorker'] : [],
      );
      await busyOn(redis.client, name, job.id);
      const cli = spawnRqts(['stop-job', '--graceful', '--url', redis.url, job.id]);
      expect(await cli.exited, cli.output()).toBe(0);
      expect(cli.output()).toContain('graceful stop-job (10 s)');
      const reason = await stoppedReason(job.id);
      expect(reason).toMatch(
        /^Job stopped gracefully by user: after the abort signal it returned within [\d.]+ s \(grace period 10 s\)\.$/,
      );
      expect(readFileSync(marker, 'utf8')).toBe('cleaned up: stop-job: 10 s to clean up');
      const next = await queue.enqueue('tasks.add', [1, 2]);
      await waitFor(
        async () => (await Job.fetch(redis.client, next.id)).status === 'finished',
        15_000,
        'next job',
      );
    });
  }

  it('a job that ignores the signal is killed when the grace period runs out, and ends stopped', async () => {
    const queue = new Queue('grace-ignored', redis.client);
    const job = await queue.enqueue('tasks.hang');
    const { name } = startWorker(queue.name);
    await busyOn(redis.client, name, job.id);
    const started = Date.now();
    const cli = spawnRqts(['stop-job', '--graceful', '--grace-period', '2', '--url', redis.url, job.id]);
    expect(await cli.exited, cli.output()).toBe(0);
    const reason = await stoppedReason(job.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(reason).toBe(
      'Job stopped by user: it did not end within its 2 s grace period after the abort signal; work-horse terminated.',
    );
    expect(await redis.client.zscore(keys.registry('failed', queue.name), job.id)).not.toBeNull();
  });

  it('refuses a graceful stop for a job on a Python RQ worker, in one line, exit 1', async () => {
    // A Python worker's registration as RQ writes it, busy with a job.
    const queue = new Queue('grace-py', redis.client);
    const job = await queue.enqueue('tasks.hang');
    await redis.client.hset(keys.job(job.id), 'worker_name', 'pyworker', 'status', 'started');
    await redis.client.hset(keys.worker('pyworker'), 'python_version', '3.11.2 (main)', 'state', 'busy');
    const cli = spawnRqts(['stop-job', '--graceful', '--url', redis.url, job.id]);
    expect(await cli.exited).toBe(1);
    const lines = cli.output().trim().split('\n');
    expect(lines[0]).toMatch(/Worker pyworker runs Python RQ, which has no graceful stop/);
    expect(cli.output()).toContain(`rqts stop-job ${job.id}`);
  });
});
