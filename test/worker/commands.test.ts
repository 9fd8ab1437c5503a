import { describe, expect, it } from 'vitest';
import {
  findWorker,
  Job,
  latestResult,
  Queue,
  sendCommand,
  sendKillHorseCommand,
  sendShutdownCommand,
  sendStopJobCommand,
} from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { isAlive, killSpawned } from '../helpers/rqts-process.js';
import { busyOn, startNamedWorker } from '../helpers/rqts-worker.js';
import { waitFor } from '../helpers/wait.js';

// Commands and signals against the real CLI worker process.

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

const startWorker = (queue: string, extra: string[] = []) => startNamedWorker(redis.url, queue, 'w', extra);

async function statusOf(id: string): Promise<string | undefined> {
  return (await Job.fetch(redis.client, id)).status;
}

describe('commands', () => {
  it('kill-horse fails the running job, keeps the worker, and a fresh horse runs the next job', async () => {
    const queue = new Queue('kh', redis.client);
    const stuck = await queue.enqueue('tasks.hang');
    const { proc, name } = startWorker('kh');
    await busyOn(redis.client, name, stuck.id);
    expect(await sendKillHorseCommand(redis.client, name)).toBe(1);
    await waitFor(async () => (await statusOf(stuck.id)) === 'failed', 10_000, 'job failed');
    expect((await latestResult(redis.client, stuck.id))?.excString).toMatch(
      /^Work-horse terminated unexpectedly; waitpid returned 9 \(signal 9\); killed by a kill-horse command \(peak RSS \d+/,
    );
    expect(await redis.client.zscore(keys.registry('failed', 'kh'), stuck.id)).not.toBeNull();
    expect(await redis.client.zscore(keys.registry('started', 'kh'), stuck.id)).toBeNull();
    const next = await queue.enqueue('tasks.add', [2, 3]);
    await waitFor(async () => (await statusOf(next.id)) === 'finished', 10_000, 'next job finished');
    const record = await findWorker(redis.client, name);
    expect(record).toMatchObject({ state: 'idle', failedJobCount: 1, successfulJobCount: 1 });
    await sendShutdownCommand(redis.client, name);
    expect(await proc.exited, proc.output()).toBe(0);
  });

  it('kill-horse on an idle worker is ignored; a malformed payload is ignored and later commands still work', async () => {
    const { proc, name } = startWorker('idle1');
    await waitFor(async () => (await findWorker(redis.client, name))?.state === 'idle', 15_000, 'idle');
    await sendKillHorseCommand(redis.client, name);
    await redis.client.publish(keys.workerChannel(name), 'not json at all');
    await redis.client.publish(keys.workerChannel(name), '{"command": "stop-job", "job_id": 42}');
    await proc.waitForOutput('Ignoring malformed command payload');
    expect((await findWorker(redis.client, name))?.state).toBe('idle');
    expect(isAlive(proc.child.pid ?? 0)).toBe(true);
    expect(await sendCommand(redis.client, name, { command: 'shutdown' })).toBe(1);
    expect(await proc.exited, proc.output()).toBe(0);
    expect(await findWorker(redis.client, name)).toMatchObject({ death: expect.any(Date) });
    expect(await redis.client.sismember(keys.allWorkers, keys.worker(name))).toBe(0);
  });

  it('stop-job ends the job stopped in the failed registry; another id is ignored', async () => {
    const queue = new Queue('sj', redis.client);
    const stuck = await queue.enqueue('tasks.hang');
    const { proc, name } = startWorker('sj');
    await busyOn(redis.client, name, stuck.id);
    await sendCommand(redis.client, name, { command: 'stop-job', job_id: 'some-other-job' });
    await proc.waitForOutput('Not working on job some-other-job');
    expect((await findWorker(redis.client, name))?.state).toBe('busy');
    expect(await sendStopJobCommand(redis.client, stuck.id)).toEqual({ workerName: name, receivers: 1 });
    await waitFor(async () => (await statusOf(stuck.id)) === 'stopped', 10_000, 'job stopped');
    expect((await latestResult(redis.client, stuck.id))?.excString).toBe(
      'Job stopped by user, work-horse terminated.',
    );
    expect(await redis.client.zscore(keys.registry('failed', 'sj'), stuck.id)).not.toBeNull();
    expect((await findWorker(redis.client, name))?.failedJobCount).toBe(1);
    await sendShutdownCommand(redis.client, name);
    expect(await proc.exited, proc.output()).toBe(0);
  });

  it('stop-job on a queued job or an unknown id raises', async () => {
    const queued = await new Queue('never', redis.client).enqueue('tasks.add', [1, 1]);
    await expect(sendStopJobCommand(redis.client, queued.id)).rejects.toThrow(/not currently executing/);
    await expect(sendStopJobCommand(redis.client, 'no-such-id')).rejects.toThrow(/No such job/);
  });
});

describe('timeouts and horse deaths', () => {
  it('a job over its timeout is killed and fails with the timeout error', async () => {
    const queue = new Queue('to', redis.client);
    const job = await queue.enqueue('tasks.hang', [], {}, { timeout: 1 });
    const quick = await queue.enqueue('tasks.add', [1, 1]);
    const { proc } = startWorker('to', ['--burst']);
    expect(await proc.exited, proc.output()).toBe(0);
    expect(await statusOf(job.id)).toBe('failed');
    expect((await latestResult(redis.client, job.id))?.excString).toBe(
      'JobTimeoutException: Task exceeded maximum timeout value (1 seconds)',
    );
    expect(await statusOf(quick.id)).toBe('finished');
  });

  it('a horse that exits by itself fails its job with the raw wait status; max-jobs-per-horse 1 gives each job a fresh process', async () => {
    const queue = new Queue('hd', redis.client);
    const crashed = await queue.enqueue('tasks.crash', [3]);
    const a = await queue.enqueue('tasks.whoAmI');
    const b = await queue.enqueue('tasks.whoAmI');
    const { proc, name } = startWorker('hd', ['--burst', '--max-jobs-per-horse', '1']);
    expect(await proc.exited, proc.output()).toBe(0);
    expect((await latestResult(redis.client, crashed.id))?.excString).toMatch(
      /^Work-horse terminated unexpectedly; waitpid returned 768; crashed with exit code 3 \(/,
    );
    const first = (await latestResult(redis.client, a.id))?.returnValue as { pid: number; env: string };
    const second = (await latestResult(redis.client, b.id))?.returnValue as { pid: number; env: string };
    expect(first.pid).not.toBe(second.pid);
    expect(first.pid).not.toBe(proc.child.pid);
    expect(first.env).toBe(name);
  });

  it('an error thrown outside the job promise fails the job with that error, and a new horse runs the next job', async () => {
    const queue = new Queue('async-throw', redis.client);
    const thrower = await queue.enqueue('tasks.throwLater', ['timer went wrong']);
    const next = await queue.enqueue('tasks.add', [1, 2]);
    const { proc } = startWorker('async-throw', ['--burst']);
    expect(await proc.exited, proc.output()).toBe(0);
    expect((await latestResult(redis.client, thrower.id))?.excString).toMatch(
      /^Error: timer went wrong\n\s+at /,
    );
    expect(await statusOf(next.id)).toBe('finished');
  });

  it('the horse is reused across jobs by default', async () => {
    const queue = new Queue('reuse', redis.client);
    const jobs = await queue.enqueueMany([
      { funcName: 'tasks.whoAmI' },
      { funcName: 'tasks.whoAmI' },
      { funcName: 'tasks.whoAmI' },
    ]);
    const { proc } = startWorker('reuse', ['--burst']);
    expect(await proc.exited, proc.output()).toBe(0);
    const pids = await Promise.all(
      jobs.map(async (j) => ((await latestResult(redis.client, j.id))?.returnValue as { pid: number }).pid),
    );
    expect(new Set(pids).size).toBe(1);
  });
});

describe('signals', () => {
  it('one SIGTERM while busy is a warm shutdown: the job finishes, shutdown_requested_date is set', async () => {
    const queue = new Queue('warm', redis.client);
    const job = await queue.enqueue('tasks.sleep', [1.5]);
    const { proc, name } = startWorker('warm');
    await busyOn(redis.client, name, job.id);
    proc.kill('SIGTERM');
    await waitFor(
      async () => (await findWorker(redis.client, name))?.shutdownRequested,
      5000,
      'shutdown_requested_date',
    );
    expect(await proc.exited, proc.output()).toBe(0);
    expect(await statusOf(job.id)).toBe('finished');
    expect((await findWorker(redis.client, name))?.death).toBeInstanceOf(Date);
  });

  it('a second SIGTERM (after 1 s) is a cold shutdown: the horse is killed and its job failed, death still registered', async () => {
    const queue = new Queue('cold', redis.client);
    const job = await queue.enqueue('tasks.hang');
    const { proc, name } = startWorker('cold');
    await busyOn(redis.client, name, job.id);
    proc.kill('SIGTERM');
    await proc.waitForOutput('warm shut down requested');
    proc.kill('SIGTERM'); // within 1 s: ignored, as RQ 1.16
    await waitFor(
      async () => (await findWorker(redis.client, name))?.shutdownRequested,
      5000,
      'warm requested',
    );
    // The behaviour under test is about elapsed time: a signal counts again only after 1 s.
    const firstAt = Date.now();
    await waitFor(() => Date.now() - firstAt > 1100, 3000, 'debounce window');
    expect(await statusOf(job.id)).toBe('started');
    proc.kill('SIGTERM');
    expect(await proc.exited, proc.output()).toBe(0);
    expect(await statusOf(job.id)).toBe('failed');
    expect(await redis.client.zscore(keys.registry('started', 'cold'), job.id)).toBeNull();
    expect((await findWorker(redis.client, name))?.death).toBeInstanceOf(Date);
  });

  it('SIGINT on an idle worker exits at once and registers death', async () => {
    const { proc, name } = startWorker('idle2');
    await waitFor(async () => (await findWorker(redis.client, name))?.state === 'idle', 15_000, 'idle');
    proc.kill('SIGINT');
    expect(await proc.exited, proc.output()).toBe(0);
    expect(proc.output()).toContain('Registering death');
    expect(await redis.client.ttl(keys.worker(name))).toBeLessThanOrEqual(60);
  });
});

describe('SimpleWorker commands', () => {
  it('stop-job ends its in-process job stopped and the worker goes on; kill-horse is ignored (no horse)', async () => {
    const queue = new Queue('simple', redis.client);
    const stuck = await queue.enqueue('tasks.hang');
    const { proc, name } = startWorker('simple', ['-w', 'SimpleWorker']);
    await busyOn(redis.client, name, stuck.id);
    await sendKillHorseCommand(redis.client, name);
    await proc.waitForOutput('Kill horse command received, but no horse is running');
    expect(await statusOf(stuck.id)).toBe('started');
    await sendStopJobCommand(redis.client, stuck.id);
    await waitFor(async () => (await statusOf(stuck.id)) === 'stopped', 10_000, 'stopped');
    const next = await queue.enqueue('tasks.add', [1, 2]);
    await waitFor(async () => (await statusOf(next.id)) === 'finished', 10_000, 'next job');
    await sendShutdownCommand(redis.client, name);
    expect(await proc.exited, proc.output()).toBe(0);
  });

  it('a SimpleWorker fails a job over its timeout and keeps working', async () => {
    const queue = new Queue('simple-to', redis.client);
    const stuck = await queue.enqueue('tasks.hang', [], {}, { timeout: 1 });
    const next = await queue.enqueue('tasks.add', [1, 2]);
    const { proc } = startWorker('simple-to', ['-w', 'SimpleWorker', '--burst']);
    expect(await proc.exited, proc.output()).toBe(0);
    expect((await latestResult(redis.client, stuck.id))?.excString).toBe(
      'JobTimeoutException: Task exceeded maximum timeout value (1 seconds)',
    );
    expect(await statusOf(next.id)).toBe('finished');
  });
});
