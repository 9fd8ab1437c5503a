import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Job } from '../../src/model/job.js';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { runCli } from '../../src/cli/run-cli.js';
import { captureIo, rqts } from './run.js';
import { FIXTURES, runRqts } from '../helpers/rqts-process.js';
import { latestResult } from '../../src/model/results.js';

const ENQUEUED = /^Enqueued (.*) with job-id '([^']+)'\.\n$/;

describe('rqts enqueue', () => {
  let redis: TestRedis;
  let dir: string;
  useRedis((started) => (redis = started));
  useTempDir('rqts-enqueue-', (made) => (dir = made));
  beforeAll(() => {
    writeFileSync(path.join(dir, 'body.txt'), 'Hello\nworld');
    writeFileSync(path.join(dir, 'data.json'), '{"ids": [1, 2, 3]}');
  });

  const enqueue = (...args: string[]) => rqts(['enqueue', '--url', redis.url, ...args], { cwd: dir });

  it("prints rq's line and stores the call with rq's argument syntax", async () => {
    const run = await enqueue(
      'tasks.send',
      'plain',
      ':42',
      ':{"a": [1, null]}',
      'to=ops@example.com',
      'retries:=3',
      'body=@body.txt',
      ':@data.json',
      '=odd',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [, call, id] = ENQUEUED.exec(run.stdout) ?? [];
    expect(call).toBe(
      "tasks.send('plain', 42, {'a': [1, None]}, {'ids': [1, 2, 3]}, '=odd', body='Hello\\nworld', retries=3, to='ops@example.com')",
    );
    const job = await Job.fetch(redis.client, id!);
    expect(job.getCall()).toEqual({
      funcName: 'tasks.send',
      args: ['plain', 42, { a: [1, null] }, { ids: [1, 2, 3] }, '=odd'],
      kwargs: { to: 'ops@example.com', retries: 3, body: 'Hello\nworld' },
    });
    expect(job.description).toBe(call);
    expect(job.origin).toBe('default');
    expect(job.status).toBe('queued');
    expect(job.timeout).toBe(180);
    expect(await redis.client.lrange(keys.queue('default'), 0, -1)).toEqual([id]);
  });

  it('honours every option', async () => {
    await enqueue('tasks.first', '-q', 'opts');
    const run = await enqueue(
      'tasks.add',
      '1',
      '2',
      '-q',
      'opts',
      '--timeout',
      '5m',
      '--result-ttl',
      '-1',
      '--ttl',
      '600',
      '--failure-ttl',
      '3600',
      '--description',
      'adding',
      '--job-id',
      'my-job',
      '--at-front',
    );
    expect(run).toMatchObject({
      code: 0,
      stdout: "Enqueued tasks.add('1', '2') with job-id 'my-job'.\n",
      stderr: '',
    });
    const job = await Job.fetch(redis.client, 'my-job');
    expect(job).toMatchObject({
      origin: 'opts',
      timeout: 300,
      resultTtl: -1,
      ttl: 600,
      failureTtl: 3600,
      description: 'adding',
    });
    expect((await new Queue('opts', redis.client).jobIds())[0]).toBe('my-job');
    expect(await redis.client.ttl(keys.job('my-job'))).toBeGreaterThan(590);
    const quiet = await enqueue('tasks.add', '--quiet', '-q', 'opts');
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await new Queue('opts', redis.client).count()).toBe(3);
  });

  it('schedules with --schedule-in and --schedule-at (local time, as rq reads it) and sets retries', async () => {
    const inHour = await enqueue(
      'tasks.add',
      ':1',
      ':2',
      '-q',
      'later',
      '--schedule-in',
      '1h',
      '--retry-max',
      '2',
      '--retry-interval',
      '5',
      '--retry-interval',
      '10',
    );
    expect(inHour.code, inHour.stderr).toBe(0);
    const [, , id] = ENQUEUED.exec(inHour.stdout) ?? [];
    const job = await Job.fetch(redis.client, id!);
    expect(job).toMatchObject({ status: 'scheduled', retriesLeft: 2, retryIntervals: [5, 10] });
    expect(
      Number(await redis.client.zscore(keys.registry('scheduled', 'later'), id!)) - Date.now() / 1000,
    ).toBeCloseTo(3600, -1);
    expect(await redis.client.sismember(keys.allQueues, keys.queue('later'))).toBe(1);
    expect(await redis.client.llen(keys.queue('later'))).toBe(0);
    const local = new Date(Date.now() + 7200_000);
    const two = (n: number): string => String(n).padStart(2, '0');
    const text = `${local.getFullYear()}-${two(local.getMonth() + 1)}-${two(local.getDate())}T${two(local.getHours())}:${two(local.getMinutes())}:${two(local.getSeconds())}`;
    const at = await enqueue('tasks.add', '-q', 'later', '--schedule-at', text);
    const [, , atId] = ENQUEUED.exec(at.stdout) ?? [];
    expect(Number(await redis.client.zscore(keys.registry('scheduled', 'later'), atId!))).toBe(
      Math.floor(local.getTime() / 1000),
    );
  });

  it('a job scheduled for a time already past runs on the next worker with --with-scheduler', async () => {
    const run = await enqueue(
      'tasks.add',
      ':40',
      ':2',
      '-q',
      'due',
      '--schedule-at',
      '2020-01-01T00:00:00',
      '--at-front',
    );
    const [, , id] = ENQUEUED.exec(run.stdout) ?? [];
    expect(await redis.client.hget(keys.job(id!), 'enqueue_at_front')).toBe('1');
    const worker = await runRqts([
      'worker',
      'due',
      '--url',
      redis.url,
      '--path',
      FIXTURES,
      '--burst',
      '--with-scheduler',
    ]);
    expect(worker.code, worker.output).toBe(0);
    expect((await Job.fetch(redis.client, id!)).status).toBe('finished');
    expect((await latestResult(redis.client, id!))?.returnValue).toBe(42);
  });

  it('--depends-on defers a job until its parent finishes; a worker then runs both, in order', async () => {
    const parent = ENQUEUED.exec((await enqueue('tasks.add', ':1', ':2', '-q', 'chain')).stdout)?.[2];
    const child = await enqueue('tasks.add', ':40', ':2', '-q', 'chain', '--depends-on', parent!);
    expect(child.code, child.stderr).toBe(0);
    const childId = ENQUEUED.exec(child.stdout)?.[2];
    expect((await Job.fetch(redis.client, childId!)).status).toBe('deferred');
    const worker = await runRqts(['worker', 'chain', '--url', redis.url, '--path', FIXTURES, '--burst']);
    expect(worker.code, worker.output).toBe(0);
    const jobs = await Promise.all([parent!, childId!].map((id) => Job.fetch(redis.client, id)));
    expect(jobs.map((job) => job.status)).toEqual(['finished', 'finished']);
    expect(jobs[1]!.startedAt!.getTime()).toBeGreaterThanOrEqual(jobs[0]!.endedAt!.getTime());
    expect((await latestResult(redis.client, childId!))?.returnValue).toBe(42);
  });

  it('keeps the full call string as description, not the 75-character cut', async () => {
    const long = 'x'.repeat(100);
    const run = await enqueue('tasks.echo', long);
    const [, , id] = ENQUEUED.exec(run.stdout) ?? [];
    expect((await Job.fetch(redis.client, id!)).description).toBe(`tasks.echo('${long}')`);
  });

  it.each([
    [[':{bad'], /^Cannot parse argument 1 as JSON \("\{bad": .*\)\. Quote JSON for the shell/],
    [['a', 'n:=[1,'], /^Cannot parse keyword argument n as JSON/],
    [['k=1', 'k:=2'], /^Keyword argument k is given more than once\. Give each keyword once$/],
    [
      ['%[1, 2]'],
      /^Argument 1 \("%\[1, 2\]"\) uses %, Python's literal syntax, which rqts cannot evaluate\. Write it as JSON instead/,
    ],
    [['k%=1'], /^Keyword argument k \("k%=1"\) uses %/],
    [['body=@missing.txt'], /^Cannot read file "missing.txt" for keyword argument body: not found\./],
    [['--timeout', 'soon'], /^Timeout "soon" is not a number of seconds\./],
    [['--timeout', '0'], /^Timeout 0 is not allowed\./],
    [['--job-id', 'tenant:42'], /^Job id "tenant:42" is not allowed\. Use only letters, digits, _ and -/],
    [['-q', 'two words'], /^Queue name "two words" is not allowed\. Use a name without spaces or commas/],
    [['--result-ttl', '1.5'], /^--result-ttl 1\.5 is not a whole number of seconds\./],
    [['--ttl', 'x'], /^--ttl expects a number, not "x"\./],
    [['--at-back'], /^Unknown option --at-back for rqts enqueue\./],
    [['--retry-interval', '5'], /^--retry-interval needs --retry-max\./],
    [['--retry-max', '0'], /^--retry-max 0 is not a number of retries\./],
    [
      ['--retry-max', '2', '--retry-interval', '-1'],
      /^--retry-interval -1 is not a whole number of seconds\./,
    ],
    [['--schedule-in', 'later'], /^--schedule-in later is not a delay\./],
    [['--schedule-at', '2026-02-30T10:00:00'], /^--schedule-at 2026-02-30T10:00:00 is not a time\./],
    [['--schedule-at', '2026-05-27 21:45'], /^--schedule-at 2026-05-27 21:45 is not a time\./],
    [
      ['--schedule-in', '5m', '--schedule-at', '2026-05-27T21:45:00'],
      /^--schedule-in and --schedule-at exclude each other\./,
    ],
    [
      ['--schedule-in', '5m', '--depends-on', 'parent'],
      /^--depends-on cannot be combined with --schedule-in or --schedule-at\./,
    ],
  ])('rejects %j with one line and exit 1', async (extra, message) => {
    // In-process through the same dispatcher as the binary (spawning costs ~1 s per case);
    // the spawned binary's exit code and stderr are checked on two of these just below.
    const before = await redis.client.dbsize();
    const io = captureIo();
    const code = await runCli(['enqueue', '--url', redis.url, 'tasks.f', ...extra], io);
    expect(code).toBe(1);
    expect(io.out).toEqual([]);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).not.toContain('\n');
    expect(io.err[0]).toMatch(message);
    expect(await redis.client.dbsize()).toBe(before);
  });

  it('the binary prints the same single line on stderr and exits 1', async () => {
    for (const extra of [[':{bad'], ['-q', 'two words'], ['--job-id', 'tenant:42']]) {
      const io = captureIo();
      await runCli(['enqueue', '--url', redis.url, 'tasks.f', ...extra], io);
      const run = await enqueue('tasks.f', ...extra);
      expect(run).toMatchObject({ code: 1, stdout: '', stderr: `${io.err[0]}\n` });
    }
  });

  it('needs a function name', async () => {
    const run = await rqts(['enqueue', '--url', redis.url]);
    expect(run).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'No function given. Usage: rqts enqueue FUNCTION [ARGS...], e.g. rqts enqueue tasks.add 1 2\n',
    });
  });
});
