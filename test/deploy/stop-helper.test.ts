import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorker, Job, latestResult, Queue } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { runProcess } from '../helpers/python.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, killSpawned, spawnRqts, type RqtsProcess } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { ROOT } from './deploy-files.js';

// deploy/systemd/rqts-stop is the units' ExecStop=: SIGTERM, the warm window, a second SIGTERM.
// Run here exactly as systemd runs it (`rqts-stop WINDOW $MAINPID`) against a real worker and
// pool on a real redis-server: what the job ends as is what a `systemctl stop` leaves behind.

const STOP = path.join(ROOT, 'deploy/systemd/rqts-stop');

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

let counter = 0;
async function busyWorker(
  queueName: string,
  func: string,
  args: unknown[],
): Promise<{ proc: RqtsProcess; job: Job }> {
  const queue = new Queue(queueName, redis.client);
  const job = await queue.enqueue(func, args, {}, { timeout: 120 });
  const name = `stop${++counter}-${process.pid}`;
  const proc = spawnRqts(['worker', queueName, '--url', redis.url, '--path', FIXTURES, '--name', name]);
  await waitFor(
    async () => (await findWorker(redis.client, name))?.currentJob === job.id,
    20_000,
    `worker ${name} busy on ${job.id}`,
  );
  return { proc, job };
}

function stopHelper(window: number, pid: number | undefined) {
  return runProcess(STOP, [String(window), ...(pid === undefined ? [] : [String(pid)])], {}, ROOT, 60_000);
}

describe('rqts-stop (the units’ ExecStop=)', () => {
  it('a job shorter than the warm window finishes: one SIGTERM, the worker exits 0', async () => {
    const { proc, job } = await busyWorker('stop-warm', 'tasks.sleep', [2]);
    const stop = await stopHelper(30, proc.child.pid);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stderr).toBe('');
    // The helper returns only once the worker is gone.
    expect(proc.child.exitCode ?? proc.child.signalCode).not.toBeNull();
    expect(await proc.exited, proc.output()).toBe(0);
    expect(proc.output()).toContain('warm shut down requested');
    expect(proc.output()).not.toContain('cold shut down');
    expect((await Job.fetch(redis.client, job.id)).status).toBe('finished');
  });

  it('a job that outlives the window is stopped cold after it, and ends failed with its reason', async () => {
    const { proc, job } = await busyWorker('stop-cold', 'tasks.hang', []);
    const started = Date.now();
    const stop = await stopHelper(2, proc.child.pid);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stderr).toContain('still running after 2 s of warm shutdown; stopping cold');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    await proc.exited;
    const output = proc.output();
    expect(output.indexOf('warm shut down requested')).toBeGreaterThan(-1);
    expect(output.indexOf('cold shut down')).toBeGreaterThan(output.indexOf('warm shut down requested'));
    expect(output).toContain('Registering death');
    expect((await Job.fetch(redis.client, job.id)).status).toBe('failed');
    expect((await latestResult(redis.client, job.id))?.excString).toMatch(/shut down cold/);
  });

  it('a pool: members stop warm, then cold after the window; nothing is left running', async () => {
    const queue = new Queue('stop-pool', redis.client);
    const jobs = [
      await queue.enqueue('tasks.hang', [], {}, { timeout: 120 }),
      await queue.enqueue('tasks.hang', [], {}, { timeout: 120 }),
    ];
    const pool = spawnRqts(['worker-pool', 'stop-pool', '-n', '2', '--url', redis.url, '--path', FIXTURES]);
    await waitFor(
      async () =>
        (await Promise.all(jobs.map((j) => Job.fetch(redis.client, j.id)))).every(
          (j) => j.status === 'started',
        ),
      30_000,
      'both jobs started',
    );
    const stop = await stopHelper(2, pool.child.pid);
    expect(stop.code, stop.stderr).toBe(0);
    expect(await pool.exited, pool.output()).toBe(0);
    expect(pool.output()).toMatch(/Warm shut down: 2 worker\(s\)/);
    expect(pool.output()).toMatch(/Cold shut down: 2 worker\(s\)/);
    for (const job of jobs) expect((await Job.fetch(redis.client, job.id)).status).toBe('failed');
    expect(await redis.client.scard(keys.allWorkers)).toBe(0);
  });

  it('does nothing when the service already exited ($MAINPID unset) or the pid is gone', async () => {
    expect((await stopHelper(180, undefined)).code).toBe(0);
    const gone = spawnRqts(['--version']);
    await gone.exited;
    const stop = await stopHelper(180, gone.child.pid);
    expect(stop.code).toBe(0);
    expect(stop.stderr).toBe('');
  });
});
