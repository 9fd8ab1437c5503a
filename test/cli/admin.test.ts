import { beforeEach, describe, expect, it } from 'vitest';
import { Job } from '../../src/model/job.js';
import { Queue } from '../../src/model/queue.js';
import { failCommands } from '../../src/model/transitions.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { rqts } from './run.js';

describe('rqts empty, requeue, suspend, resume and the command senders', () => {
  let redis: TestRedis;
  useRedis((started) => (redis = started));
  beforeEach(async () => {
    await redis.client.flushdb();
  });

  const cli = (command: string, ...args: string[]) => rqts([command, '--url', redis.url, ...args]);

  async function failedJob(queueName: string, id: string): Promise<Job> {
    const job = new Queue(queueName, redis.client).createJob({ funcName: 'tasks.fail', jobId: id });
    const multi = redis.client.multi();
    failCommands(multi, job, { excString: 'Traceback: boom', ended: new Date() });
    await multi.exec();
    return job;
  }

  it('empty: named queues, --all, and nothing to do', async () => {
    await new Queue('a', redis.client).enqueueMany([{ funcName: 'f' }, { funcName: 'f' }]);
    const [kept] = await new Queue('b', redis.client).enqueueMany([{ funcName: 'f' }]);
    expect(await cli('empty')).toMatchObject({ code: 0, stdout: 'Nothing to do\n', stderr: '' });
    expect(await cli('empty', 'a')).toMatchObject({
      code: 0,
      stdout: '2 jobs removed from a queue\n',
      stderr: '',
    });
    expect(await Job.exists(redis.client, kept!.id)).toBe(true);
    await new Queue('a', redis.client).enqueue('f');
    expect(await cli('empty', '--all')).toMatchObject({
      code: 0,
      stdout: '1 jobs removed from a queue\n1 jobs removed from b queue\n',
    });
    expect(await Job.exists(redis.client, kept!.id)).toBe(false);
    expect(await cli('empty', 'bad name')).toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(/^Queue name "bad name" is not allowed\./),
    });
  });

  it('requeue: one id, then --all; a bad id is one line and the rest still moves', async () => {
    await failedJob('mail', 'f1');
    await failedJob('mail', 'f2');
    await failedJob('mail', 'f3');
    const one = await cli('requeue', '--queue', 'mail', 'f1');
    expect(one).toMatchObject({ code: 0, stdout: 'Requeueing 1 jobs from failed queue\n', stderr: '' });
    expect(await redis.client.lrange(keys.queue('mail'), 0, -1)).toEqual(['f1']);
    expect(await redis.client.zrange(keys.registry('failed', 'mail'), 0, -1)).toEqual(
      expect.arrayContaining(['f2', 'f3']),
    );
    const job = await Job.fetch(redis.client, 'f1');
    expect(job.status).toBe('queued');

    const mixed = await cli('requeue', '-q', 'mail', 'nope', 'f2');
    expect(mixed.code).toBe(1);
    expect(mixed.stdout).toBe('Requeueing 2 jobs from failed queue\n');
    expect(mixed.stderr).toBe(
      'No such job: nope. Check the id (rqts info lists queues; the job may have expired)\nUnable to requeue 1 jobs from failed job registry\n',
    );
    expect(await redis.client.lrange(keys.queue('mail'), 0, -1)).toEqual(['f1', 'f2']);

    const all = await cli('requeue', '-q', 'mail', '--all');
    expect(all).toMatchObject({ code: 0, stdout: 'Requeueing 1 jobs from failed queue\n' });
    expect(await redis.client.zcard(keys.registry('failed', 'mail'))).toBe(0);
    expect(await cli('requeue', '-q', 'mail', '--all')).toMatchObject({ code: 0, stdout: 'Nothing to do\n' });
  });

  it('requeue: a job not in that failed registry, and a job hash missing fields', async () => {
    await new Queue('mail', redis.client).enqueue('f', [], {}, { jobId: 'queued-1' });
    const notFailed = await cli('requeue', '-q', 'mail', 'queued-1');
    expect(notFailed.code).toBe(1);
    expect(notFailed.stderr.split('\n')[0]).toMatch(
      /^Job queued-1 is not in the failed registry of queue mail\./,
    );
    await redis.client.zadd(keys.registry('failed', 'mail'), Date.now() / 1000 + 1000, 'broken');
    await redis.client.hset(keys.job('broken'), { status: 'failed', origin: 'mail' });
    const broken = await cli('requeue', '-q', 'mail', 'broken');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toBe(
      'Job broken is incomplete: its hash has no data field (it has origin, status). It cannot run; delete it (or re-enqueue the work) and check what wrote it\nUnable to requeue 1 jobs from failed job registry\n',
    );
  });

  it('suspend and resume, with and without a duration', async () => {
    expect(await cli('suspend')).toMatchObject({
      code: 0,
      stdout: 'Suspending workers.  No new jobs will be started.  But current jobs will be completed\n',
      stderr: '',
    });
    expect(await redis.client.get(keys.suspended)).toBe('1');
    expect(await redis.client.ttl(keys.suspended)).toBe(-1);
    expect(await cli('resume')).toMatchObject({ code: 0, stdout: 'Resuming workers.\n' });
    expect(await redis.client.exists(keys.suspended)).toBe(0);
    const timed = await cli('suspend', '--duration', '60');
    expect(timed.stdout).toBe(
      'Suspending workers for 60 seconds.  No new jobs will be started during that time, but then will automatically resume\n',
    );
    expect(await redis.client.ttl(keys.suspended)).toBeGreaterThan(0);
    await redis.client.del(keys.suspended);
    for (const bad of ['0', '-3', '1.5']) {
      const run = await cli('suspend', '--duration', bad);
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toBe(
        `--duration ${Number(bad)} is not allowed. Give a whole number of seconds, 1 or more\n`,
      );
    }
    expect(await redis.client.exists(keys.suspended)).toBe(0);
  });

  it('shutdown, kill-horse and stop-job reach a listening worker, and say so when nobody listens', async () => {
    const listener = redis.newClient();
    const received: string[] = [];
    listener.on('message', (_channel: string, message: string) => received.push(message));
    await listener.subscribe(keys.workerChannel('w1'));

    expect(await cli('shutdown', 'w1')).toMatchObject({
      code: 0,
      stdout: 'Sent shutdown to worker w1 (1 listener)\n',
      stderr: '',
    });
    expect(await cli('kill-horse', 'w1')).toMatchObject({
      code: 0,
      stdout: 'Sent kill-horse to worker w1 (1 listener)\n',
    });
    const job = await new Queue('q', redis.client).enqueue('f', [], {}, { jobId: 'running' });
    await redis.client.hset(job.key, { status: 'started', worker_name: 'w1' });
    expect(await cli('stop-job', 'running')).toMatchObject({
      code: 0,
      stdout: 'Sent stop-job for running to worker w1 (1 listener)\n',
    });
    await waitFor(() => received.length === 3, 5000, 'three commands');
    expect(received).toEqual([
      '{"command": "shutdown"}',
      '{"command": "kill-horse"}',
      '{"command": "stop-job", "job_id": "running"}',
    ]);

    expect(await cli('shutdown', 'ghost')).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'Sent shutdown to worker ghost, but nobody is listening: no worker named ghost is running. Run rqts info to list workers\n',
    });
    expect(await cli('stop-job', 'missing')).toMatchObject({
      code: 1,
      stderr: 'No such job: missing. Check the id (rqts info lists queues; the job may have expired)\n',
    });
    await new Queue('q', redis.client).enqueue('f', [], {}, { jobId: 'waiting' });
    const notRunning = await cli('stop-job', 'waiting');
    expect(notRunning.code).toBe(1);
    expect(notRunning.stderr.split('\n')).toHaveLength(2);
    expect(notRunning.stderr).toMatch(/^Job waiting is not currently executing/);
    await redis.client.hset(keys.job('hollow'), { status: 'started', worker_name: 'w1' });
    expect(await cli('stop-job', 'hollow')).toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(
        /^Job hollow is incomplete: its hash has no data field \(it has status, worker_name\)\. /,
      ),
    });
    expect(await cli('kill-horse')).toMatchObject({
      code: 1,
      stderr:
        'rqts kill-horse takes one worker name, got 0. Usage: rqts kill-horse WORKER (rqts info lists workers)\n',
    });
  });
});
