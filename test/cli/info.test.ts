import { spawn } from 'node:child_process';
import { beforeEach, describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { formatTimestamp, unixNow } from '../../src/model/time.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { BIN, ROOT, rqts } from './run.js';

const UPDATED = /^Updated: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/;

describe('rqts info', () => {
  let redis: TestRedis;
  useRedis((started) => (redis = started));
  beforeEach(async () => {
    await redis.client.flushdb();
  });

  const info = (...args: string[]) => rqts(['info', '--url', redis.url, ...args]);

  async function addWorker(name: string, queues: string[], fields: Record<string, string>): Promise<void> {
    const multi = redis.client
      .multi()
      .hset(keys.worker(name), { queues: queues.join(','), ...fields })
      .sadd(keys.allWorkers, keys.worker(name));
    for (const q of queues) multi.sadd(keys.workersOfQueue(q), keys.worker(name));
    await multi.exec();
  }

  /** default: 3 queued, 1 running, 2 finished, 1 failed; low: 25 queued; high: empty but known. */
  async function seed(): Promise<void> {
    const now = unixNow();
    await new Queue('default', redis.client).enqueueMany(
      [0, 1, 2].map(() => ({ funcName: 'tasks.add', args: [1, 2] })),
    );
    await new Queue('low', redis.client).enqueueMany(
      Array.from({ length: 25 }, () => ({ funcName: 'tasks.noop' })),
    );
    await redis.client.sadd(keys.allQueues, keys.queue('high'));
    await redis.client.zadd(keys.registry('started', 'default'), now + 90, 'running-1');
    await redis.client.zadd(keys.registry('finished', 'default'), now + 500, 'done-1', now + 500, 'done-2');
    await redis.client.zadd(keys.registry('failed', 'default'), now + 3600, 'failed-1');
    await redis.client.zadd(keys.registry('scheduled', 'low'), now + 60, 'later-1');
    const birth = formatTimestamp(new Date());
    await addWorker('w1', ['default', 'high'], {
      state: 'busy',
      hostname: 'host1',
      ip_address: '127.0.0.1:5000',
      pid: '42',
      successful_job_count: '3',
      failed_job_count: '1',
      birth,
      last_heartbeat: birth,
      current_job: 'running-1',
    });
    await addWorker('w2', ['low'], {
      state: 'idle',
      hostname: 'host2',
      ip_address: '127.0.0.1:5001',
      pid: '43',
      birth,
    });
  }

  it('prints "0 queues" on an empty Redis', async () => {
    const run = await info();
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual(['0 queues, 0 jobs total', '', '0 workers, 0 queues', '', lines[4]]);
    expect(lines[4]).toMatch(UPDATED);
    expect(run.stderr).toBe('');
  });

  it("prints rq 1.16's queue and worker lines", async () => {
    await seed();
    const run = await info();
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.slice(0, -1)).toEqual([
      'default      |█ 3, 1 executing, 2 finished, 1 failed',
      'high         | 0, 0 executing, 0 finished, 0 failed',
      'low          |██████████ 25, 0 executing, 0 finished, 0 failed',
      '3 queues, 28 jobs total',
      '',
      'w1 (host1 127.0.0.1:5000 42): busy default, high. jobs: 3 finished, 1 failed',
      'w2 (host2 127.0.0.1:5001 43): idle low. jobs: 0 finished, 0 failed',
      '2 workers, 3 queues',
      '',
    ]);
    expect(lines.at(-1)).toMatch(UPDATED);
  });

  it('raw, only-queues, only-workers, by-queue and named queues', async () => {
    await seed();
    expect((await info('--raw')).stdout).toBe(
      [
        'queue default 3, 1 executing, 2 finished, 1 failed',
        'queue high 0, 0 executing, 0 finished, 0 failed',
        'queue low 25, 0 executing, 0 finished, 0 failed',
        'worker w1 (host1 127.0.0.1:5000 42) busy default, high. jobs: 3 finished, 1 failed',
        'worker w2 (host2 127.0.0.1:5001 43) idle low. jobs: 0 finished, 0 failed',
        '',
      ].join('\n'),
    );
    expect((await info('-Q', 'low', 'default')).stdout).toBe(
      [
        'low          |██████████ 25, 0 executing, 0 finished, 0 failed',
        'default      |█ 3, 1 executing, 2 finished, 1 failed',
        '2 queues, 28 jobs total',
        '',
      ].join('\n'),
    );
    expect((await info('--only-workers', 'high')).stdout).toBe(
      [
        'w1 (host1 127.0.0.1:5000 42): busy default, high. jobs: 3 finished, 1 failed',
        '1 workers, 1 queues',
        '',
      ].join('\n'),
    );
    expect((await info('-W', '-R')).stdout).toBe(
      ['default: w1 (busy)', 'high:    w1 (busy)', 'low:     w2 (idle)', '2 workers, 3 queues', ''].join(
        '\n',
      ),
    );
    expect((await info('-W', '-R', 'high', 'nobody')).stdout).toBe(
      ['high:   w1 (busy)', 'nobody: –', '1 workers, 2 queues', ''].join('\n'),
    );
  });

  it('--json gives every count and every worker field', async () => {
    await seed();
    const run = await info('--json');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({
      redis: redis.url,
      suspended: false,
      suspendedSecondsLeft: null,
      jobsTotal: 28,
    });
    expect(doc.queues).toEqual([
      {
        name: 'default',
        count: 3,
        registries: { started: 1, finished: 2, failed: 1, deferred: 0, scheduled: 0, canceled: 0 },
      },
      {
        name: 'high',
        count: 0,
        registries: { started: 0, finished: 0, failed: 0, deferred: 0, scheduled: 0, canceled: 0 },
      },
      {
        name: 'low',
        count: 25,
        registries: { started: 0, finished: 0, failed: 0, deferred: 0, scheduled: 1, canceled: 0 },
      },
    ]);
    const workers = doc.workers as Record<string, unknown>[];
    expect(workers.map((w) => w.name)).toEqual(['w1', 'w2']);
    expect(workers[0]).toMatchObject({
      queues: ['default', 'high'],
      state: 'busy',
      currentJob: 'running-1',
      hostname: 'host1',
      ipAddress: '127.0.0.1:5000',
      pid: 42,
      successfulJobCount: 3,
      failedJobCount: 1,
    });
    expect(typeof workers[0]?.birth).toBe('string');
    expect(JSON.parse((await info('--json', '-Q')).stdout)).not.toHaveProperty('workers');
    expect(JSON.parse((await info('--json', '-W')).stdout)).not.toHaveProperty('queues');
  });

  it('cleans up like rq info: expired entries, abandoned jobs, dead workers', async () => {
    const now = unixNow();
    const queue = new Queue('default', redis.client);
    const abandoned = await queue.enqueue('tasks.add', [1, 2]);
    await redis.client.lrem(queue.key, 0, abandoned.id);
    await redis.client.zadd(keys.registry('started', 'default'), now - 10, abandoned.id);
    await redis.client.zadd(
      keys.registry('finished', 'default'),
      now - 10,
      'expired-finished',
      now + 100,
      'kept',
    );
    await redis.client.zadd(keys.registry('failed', 'default'), now - 10, 'expired-failed');
    await redis.client.sadd(keys.workersOfQueue('default'), keys.worker('ghost'));
    await redis.client.sadd(keys.allWorkers, keys.worker('ghost'));
    const run = await info('-r', '-Q');
    expect(run.stdout).toBe('queue default 0, 0 executing, 1 finished, 1 failed\n');
    expect(await redis.client.zrange(keys.registry('failed', 'default'), 0, -1)).toEqual([abandoned.id]);
    expect(await redis.client.hget(keys.job(abandoned.id), 'status')).toBe('failed');
    expect(await redis.client.smembers(keys.workersOfQueue('default'))).toEqual([]);
    expect(await redis.client.smembers(keys.allWorkers)).toEqual([]);
  });

  it('a worker hash with garbage or missing fields is listed, not a crash', async () => {
    await addWorker('odd', ['q1'], {
      state: 'suspended',
      pid: 'not-a-pid',
      successful_job_count: 'many',
      birth: 'yesterday',
    });
    const run = await info('-W');
    expect(run).toMatchObject({
      code: 0,
      stderr: '',
      stdout: 'odd (None None None): suspended q1. jobs: 0 finished, 0 failed\n1 workers, 0 queues\n',
    });
  });

  it('shows a suspension with its time left', async () => {
    await redis.client.set(keys.suspended, '1', 'EX', 100);
    const text = await info();
    const left = Number(
      /\nSuspended: workers start no new jobs for (\d+) more seconds \(rqts resume to resume\)\nUpdated: /.exec(
        text.stdout,
      )?.[1],
    );
    expect(left).toBeLessThanOrEqual(100);
    expect(left).toBeGreaterThanOrEqual(await redis.client.ttl(keys.suspended));
    expect((await info('-r')).stdout).toMatch(/^suspended (\d+)\n$/m);
    const doc = JSON.parse((await info('--json')).stdout) as {
      suspended: boolean;
      suspendedSecondsLeft: number;
    };
    expect(doc.suspended).toBe(true);
    expect(doc.suspendedSecondsLeft).toBeGreaterThan(0);
    expect(doc.suspendedSecondsLeft).toBeLessThanOrEqual(100);
  });

  it('rejects queue names with spaces and bad intervals before connecting', async () => {
    const run = await rqts(['info', '--url', 'redis://127.0.0.1:1/0', 'my queue']);
    expect(run).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'Queue name "my queue" is not allowed. Use a name without spaces or commas, e.g. high or emails_default\n',
    });
    const interval = await info('-i', '0');
    expect(interval).toMatchObject({
      code: 1,
      stderr: '--interval 0 is not allowed. Give a number of seconds greater than 0\n',
    });
  });

  it('--interval repeats until Ctrl-C, then exits 0', async () => {
    await new Queue('default', redis.client).enqueue('tasks.add');
    const child = spawn(process.execPath, [BIN, 'info', '--url', redis.url, '-r', '-Q', '-i', '0.1'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(() => out.split('queue default 1,').length > 2, 15_000, 'two refreshes');
    await new Queue('default', redis.client).enqueue('tasks.add');
    await waitFor(() => out.includes('queue default 2,'), 15_000, 'a refresh that sees the new job');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
