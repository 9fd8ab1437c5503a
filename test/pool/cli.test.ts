import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Job, latestResult, Queue, suspend } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { FIXTURES } from '../helpers/rqts-process.js';
import { rqts } from '../cli/run.js';

// The worker-pool command line: every option in --help, one clear line for bad input, and
// the per-worker options reaching every member.

describe('rqts worker-pool command line', () => {
  let redis: TestRedis;
  let scratch: string;
  useRedis((started) => (redis = started));
  useTempDir('rqts-pool-cli-', (made) => (scratch = made));

  it('--help documents the options of issue 5, and rqts --help lists the command', async () => {
    const help = await rqts(['worker-pool', '--help']);
    expect(help.code).toBe(0);
    const expected = [
      '-u, --url URL',
      '-w, --worker-class CLASS',
      '-n, --num-workers N',
      '-b, --burst',
      '-l, --logging-level LEVEL',
      '-S, --serializer NAME',
      '-P, --path DIR',
      '-j, --job-class CLASS',
      '--log-format FORMAT',
      '--date-format FORMAT',
      '--log-json',
      '-c, --config MODULE',
      '-q, --quiet',
      '-v, --verbose',
      '--results-ttl SECONDS',
      '--worker-ttl SECONDS',
      '--max-jobs-per-horse N',
      '--dequeue-strategy, -ds STRATEGY',
      '--exception-handler PATH',
      '--name NAME',
      '--pid FILE',
    ];
    for (const flag of expected) expect(help.stdout).toContain(flag);
    expect(help.stdout).not.toMatch(/-n, --name/);
    expect((await rqts(['--help'])).stdout).toMatch(/^\s+worker-pool\s+Run several supervised workers/m);
  });

  it.each([
    [['-n', '0'], /^--num-workers 0 is not allowed\. Give a whole number of workers, 1 or more\n$/],
    [['-q', '-v'], /^--quiet and --verbose cannot be used together/],
    [['-w', 'custom.nothing.Here'], /custom\.nothing/],
    [['-j', 'custom.classes.LoudWorker'], /^Job class custom\.classes\.LoudWorker is not a Job subclass/],
    [['--name', 'two words'], /^--name "two words" is not a usable pool name/],
    [['bad queue'], /^Queue name "bad queue" is not allowed/],
  ])('bad input %j: one line on stderr, exit 1, no worker started', async (args, message) => {
    const run = await rqts(['worker-pool', '-u', redis.url, '-P', FIXTURES, ...args]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(await redis.client.scard(keys.allWorkers)).toBe(0);
  });

  it('refuses to start while rqts is suspended, and names an unreachable Redis', async () => {
    await suspend(redis.client);
    const suspended = await rqts(['worker-pool', '-u', redis.url, '-b']);
    await redis.client.del(keys.suspended);
    expect(suspended).toMatchObject({ code: 1, stdout: '' });
    expect(suspended.stderr).toMatch(
      /^rqts is currently suspended, to resume job execution run "rqts resume"/,
    );
    const down = await rqts(['worker-pool', '-u', 'redis://127.0.0.1:1/0', '-b']);
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toMatch(/127\.0\.0\.1:1/);
  });

  it('per-worker options reach every member: worker and job class, results TTL, log format, pid file, URL from the environment', async () => {
    const queue = new Queue('opts', redis.client);
    // RenamingJob runs legacy.* as tasks.*: proof that --job-class reached the member.
    const jobs = await queue.enqueueMany(
      Array.from({ length: 4 }, (_, n) => ({ funcName: 'legacy.add', args: [n, 10] })),
    );
    const pidFile = path.join(scratch, 'pool.pid');
    const run = await rqts(
      [
        'worker-pool',
        'opts',
        '-P',
        FIXTURES,
        '-n',
        '2',
        '-b',
        '-w',
        'custom.classes.LoudWorker',
        '-j',
        'custom.classes.RenamingJob',
        '--results-ttl',
        '77',
        '--log-format',
        '%(levelname)s %(message)s',
        '--pid',
        pidFile,
        '--name',
        'opts',
      ],
      { env: { RQ_REDIS_URL: redis.url } },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.match(/^LoudWorker at work$/gm)).toHaveLength(2);
    expect(run.stdout).toMatch(/^\[w1\] INFO \*\*\* Listening for work on opts$/m);
    expect(run.stdout).toMatch(/^\[w2\] INFO \*\*\* Listening for work on opts$/m);
    expect(run.stdout).toMatch(
      /^\[pool\] INFO Pool opts started 2 worker\(s\) on opts in burst mode \(pid \d+\)$/m,
    );
    const poolPid = /\(pid (\d+)\)$/m.exec(run.stdout)?.[1];
    expect(readFileSync(pidFile, 'utf8')).toBe(poolPid);
    for (const [n, job] of jobs.entries()) {
      expect((await latestResult(redis.client, job.id))?.returnValue).toBe(n + 10);
      expect((await Job.fetch(redis.client, job.id)).workerName).toMatch(/^opts-w[12]-[0-9a-f]{6}$/);
      const ttl = await redis.client.ttl(keys.results(job.id));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(77);
    }
  });

  it('--quiet members log warnings only', async () => {
    await new Queue('quiet', redis.client).enqueue('tasks.add', [1, 1]);
    const run = await rqts(['worker-pool', 'quiet', '-u', redis.url, '-P', FIXTURES, '-n', '1', '-b', '-q']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
  });
});
