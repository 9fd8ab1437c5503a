import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findWorker,
  Job,
  latestResult,
  Queue,
  SimpleWorker,
  suspend,
  resume,
  type Job as JobType,
} from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { silentLogger } from '../../src/worker/worker-logger.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, runRqts, spawnRqts, killSpawned } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

const CUSTOM = path.join(FIXTURES, 'custom');
const base = (queue: string): string[] => [
  'worker',
  queue,
  '--url',
  redis.url,
  '--path',
  FIXTURES,
  '--burst',
];

async function runOrder(queues: string[], strategy: 'default' | 'round_robin' | 'random'): Promise<string[]> {
  const order: string[] = [];
  const worker = new SimpleWorker(
    redis.client,
    { queues, burst: true, paths: [FIXTURES], dequeueStrategy: strategy },
    { logger: silentLogger, handleSignals: false },
  );
  worker.on('job:started', (job: JobType) => order.push(job.description ?? ''));
  await worker.work();
  return order;
}

async function fill(queues: string[], perQueue: number): Promise<void> {
  for (const [q, name] of queues.entries()) {
    await new Queue(name, redis.client).enqueueMany(
      Array.from({ length: perQueue }, (_, i) => ({ funcName: 'tasks.noop', description: `q${q}_${i}` })),
    );
  }
}

describe('dequeue strategies', () => {
  const queues = ['s0', 's1', 's2'];
  it('default takes queues in priority order', async () => {
    await fill(queues, 2);
    expect(await runOrder(queues, 'default')).toEqual(['q0_0', 'q0_1', 'q1_0', 'q1_1', 'q2_0', 'q2_1']);
  });
  it('round_robin interleaves exactly', async () => {
    await fill(queues, 2);
    expect(await runOrder(queues, 'round_robin')).toEqual(['q0_0', 'q1_0', 'q2_0', 'q0_1', 'q1_1', 'q2_1']);
  });
  it('random runs every job', async () => {
    await fill(queues, 5);
    const order = await runOrder(queues, 'random');
    expect([...order].sort()).toEqual(
      Array.from({ length: 3 }, (_, q) => Array.from({ length: 5 }, (_, i) => `q${q}_${i}`))
        .flat()
        .sort(),
    );
  });
  it('-ds with an unknown strategy is refused in one line', async () => {
    const run = await runRqts([...base('x'), '-ds', 'wrong']);
    expect(run.code).toBe(1);
    expect(run.output.trim().split('\n')).toHaveLength(1);
    expect(run.output).toMatch(/must be one of default, random, round_robin/);
  });
});

describe('results and failures', () => {
  it('result_ttl 0 deletes the job, -1 keeps it forever, unserializable results fail saying so', async () => {
    const queue = new Queue('ttl', redis.client);
    const gone = await queue.enqueue('tasks.add', [1, 1], {}, { resultTtl: 0 });
    const kept = await queue.enqueue('tasks.add', [1, 1], {}, { resultTtl: -1 });
    const bad = await queue.enqueue('tasks.unserializable');
    const run = await runRqts(base('ttl'));
    expect(run.code, run.output).toBe(0);
    expect(await Job.exists(redis.client, gone.id)).toBe(false);
    expect(await redis.client.ttl(keys.job(kept.id))).toBe(-1);
    expect(await redis.client.zscore(keys.registry('finished', 'ttl'), kept.id)).toBe('inf');
    expect(run.output).toContain('Result will never expire, clean up result key manually');
    expect((await latestResult(redis.client, bad.id))?.excString).toMatch(/not JSON-serializable/);
  });

  it('a job with retries goes back to its queue with one retry less', async () => {
    const job = await new Queue('retry', redis.client).enqueue('tasks.fail', [], {}, { retry: { max: 2 } });
    const run = await runRqts([...base('retry'), '--max-jobs', '1']);
    expect(run.code, run.output).toBe(0);
    const after = await Job.fetch(redis.client, job.id);
    expect(after.status).toBe('queued');
    expect(after.retriesLeft).toBe(1);
    expect(await new Queue('retry', redis.client).jobIds()).toEqual([job.id]);
    expect(await redis.client.zscore(keys.registry('failed', 'retry'), job.id)).toBeNull();
  });

  it('a pickled job fails with a message naming the serializer, and stays in the failed registry', async () => {
    const queue = new Queue('pickled', redis.client);
    const job = await queue.enqueue('tasks.add', [1, 2]);
    // The bytes Python's pickle protocol 5 starts with; rqts must refuse rather than guess.
    await redis.client.hset(keys.job(job.id), 'data', Buffer.from([0x80, 0x05, 0x95, 0x00]));
    const run = await runRqts(base('pickled'));
    expect(run.code, run.output).toBe(0);
    expect((await latestResult(redis.client, job.id))?.excString).toMatch(
      /pickle is not supported, use the JSON serializer/,
    );
    expect(await redis.client.zscore(keys.registry('failed', 'pickled'), job.id)).not.toBeNull();
  });
});

describe('exception handlers and custom classes', () => {
  it('handlers run in order and one returning false stops the chain; -d keeps jobs out of the failed registry', async () => {
    const log = path.join(mkdtempSync(path.join(tmpdir(), 'rqts-h-')), 'handlers.log');
    const job = await new Queue('handlers', redis.client).enqueue('tasks.fail', ['bad']);
    const handlers = [
      'custom.classes.recordingHandler',
      'custom.classes.stoppingHandler',
      'custom.classes.neverReachedHandler',
    ].flatMap((h) => ['--exception-handler', h]);
    const run = await runRqts([...base('handlers'), ...handlers, '-d'], { HANDLER_LOG: log });
    expect(run.code, run.output).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe(`first ${job.id} Error: bad\nstopper ${job.id}\n`);
    expect((await Job.fetch(redis.client, job.id)).status).toBe('failed');
    expect(await redis.client.zscore(keys.registry('failed', 'handlers'), job.id)).toBeNull();
  });

  it('a custom worker class, job class and death penalty class are loaded by dotted path', async () => {
    const renamed = await new Queue('custom', redis.client).enqueue('legacy.add', [40, 2]);
    const run = await runRqts([
      ...base('custom'),
      '-w',
      'custom.classes.LoudWorker',
      '-j',
      'custom.classes.RenamingJob',
    ]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('LoudWorker at work');
    expect((await latestResult(redis.client, renamed.id))?.returnValue).toBe(42);
    // A custom job class gets the whole hash, fields rqts itself never reads included.
    // (Two jobs: the second is taken in the same call that finishes the first.)
    const extras = [
      await new Queue('extra', redis.client).enqueue('tasks.add', [40]),
      await new Queue('extra', redis.client).enqueue('tasks.add', [1]),
    ];
    for (const job of extras) await redis.client.hset(keys.job(job.id), 'extra_arg', '2');
    const extraRun = await runRqts([...base('extra'), '-j', 'custom.classes.ExtraFieldJob']);
    expect(extraRun.code, extraRun.output).toBe(0);
    expect(
      await Promise.all(extras.map(async (job) => (await latestResult(redis.client, job.id))?.returnValue)),
    ).toEqual([42, 3]);
    // The custom penalty fires after 300 ms although the job allows 100 s.
    const slow = await new Queue('penalty', redis.client).enqueue('tasks.hang', [], {}, { timeout: 100 });
    const penalized = await runRqts([
      ...base('penalty'),
      '--death-penalty-class',
      'custom.classes.QuickDeathPenalty',
    ]);
    expect(penalized.code, penalized.output).toBe(0);
    expect((await Job.fetch(redis.client, slow.id)).status).toBe('failed');
    expect((await latestResult(redis.client, slow.id))?.excString).toBe(
      'JobTimeoutException: Task exceeded maximum timeout value (100 seconds)',
    );
  });

  it('an unknown worker class is one clear line and exit 1', async () => {
    const run = await runRqts([...base('x'), '-w', 'custom.classes.Nope']);
    expect(run.code).toBe(1);
    expect(run.output.trim().split('\n')).toHaveLength(1);
    expect(run.output).toMatch(/Cannot find custom\.classes\.Nope/);
  });
});

describe('limits, names, settings, output', () => {
  it('--max-jobs stops after N jobs and leaves the rest queued', async () => {
    const queue = new Queue('max', redis.client);
    await queue.enqueueMany([1, 2, 3].map((n) => ({ funcName: 'tasks.add', args: [n, n] })));
    const run = await runRqts([...base('max'), '--max-jobs', '2']);
    expect(run.code, run.output).toBe(0);
    expect(await queue.count()).toBe(1);
  });

  it('--max-idle-time ends a long-running worker that has nothing to do', async () => {
    const run = await runRqts([
      'worker',
      'idle',
      '--url',
      redis.url,
      '--path',
      FIXTURES,
      '--max-idle-time',
      '1',
    ]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('idle for more than 1 seconds');
  });

  it('a name that belongs to a live worker is refused; --pid writes the pid file', async () => {
    const pidFile = path.join(mkdtempSync(path.join(tmpdir(), 'rqts-pid-')), 'worker.pid');
    const first = spawnRqts(['worker', 'names', '--url', redis.url, '--name', 'taken', '--pid', pidFile]);
    await waitFor(
      async () => (await findWorker(redis.client, 'taken'))?.state === 'idle',
      15_000,
      'first worker idle',
    );
    expect(readFileSync(pidFile, 'utf8')).toBe(String(first.child.pid));
    const second = await runRqts(['worker', 'names', '--url', redis.url, '--name', 'taken']);
    expect(second.code).toBe(1);
    expect(second.output).toMatch(/There exists an active worker named "taken" already/);
    first.kill('SIGINT');
    expect(await first.exited, first.output()).toBe(0);
  });

  it('a settings module gives the queues and the name', async () => {
    const job = await new Queue('from_settings_low', redis.client).enqueue('tasks.add', [2, 2]);
    const run = await runRqts([
      'worker',
      '--url',
      redis.url,
      '--path',
      FIXTURES,
      '--path',
      CUSTOM,
      '-c',
      'settings',
      '--burst',
    ]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('Worker named-by-settings started');
    expect(run.output).toContain('*** Listening for work on from_settings_high, from_settings_low');
    expect((await Job.fetch(redis.client, job.id)).status).toBe('finished');
  });

  it('--log-json writes pino JSON lines; --log-format and --date-format shape human lines', async () => {
    await new Queue('logs', redis.client).enqueue('tasks.add', [1, 1]);
    const json = await runRqts([...base('logs'), '--log-json']);
    expect(json.code, json.output).toBe(0);
    const lines = json.output
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(lines.map((l) => l.msg)).toContain('No more work, burst finished.');
    await new Queue('logs', redis.client).enqueue('tasks.add', [1, 1]);
    const human = await runRqts([
      ...base('logs'),
      '--log-format',
      '%(levelname)s [%(asctime)s] %(message)s',
      '--date-format',
      '%Y',
    ]);
    expect(human.output).toContain(`INFO [${new Date().getFullYear()}] *** Listening for work on logs`);
    expect(human.output).toMatch(/INFO \[\d{4}\] logs: Job OK \(/);
    const quiet = await runRqts([...base('logs'), '--quiet']);
    expect(quiet.output).toBe('');
  });

  it('a suspended Redis refuses to start a worker; a running worker waits while suspended and resumes', async () => {
    await suspend(redis.client);
    const refused = await runRqts(base('susp'));
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      'rqts is currently suspended, to resume job execution run "rqts resume"',
    );
    await resume(redis.client);
    const proc = spawnRqts(['worker', 'susp', '--url', redis.url, '--path', FIXTURES, '--name', 'suspender']);
    await waitFor(
      async () => (await findWorker(redis.client, 'suspender'))?.state === 'idle',
      15_000,
      'idle',
    );
    await suspend(redis.client);
    const job = await new Queue('other', redis.client).enqueue('tasks.add', [1, 1]);
    await new Queue('susp', redis.client).enqueue('tasks.add', [1, 1]);
    await waitFor(
      async () => (await findWorker(redis.client, 'suspender'))?.state === 'suspended',
      15_000,
      'suspended state',
    );
    expect(await new Queue('susp', redis.client).count()).toBe(1);
    await resume(redis.client);
    await waitFor(
      async () => (await new Queue('susp', redis.client).count()) === 0,
      15_000,
      'job taken after resume',
    );
    expect(job.id).toBeTruthy();
    proc.kill('SIGINT');
    expect(await proc.exited, proc.output()).toBe(0);
  });
});

describe('heartbeats', () => {
  it('a busy worker beats every monitoring interval: last_heartbeat, working time and the started-registry score move', async () => {
    const job = await new Queue('beat', redis.client).enqueue('tasks.sleep', [2.5]);
    const proc = spawnRqts([
      'worker',
      'beat',
      '--url',
      redis.url,
      '--path',
      FIXTURES,
      '--name',
      'beater',
      '--job-monitoring-interval',
      '1',
      '--burst',
    ]);
    const first = await waitFor(
      async () => {
        const w = await findWorker(redis.client, 'beater');
        return w?.currentJob === job.id ? w : undefined;
      },
      15_000,
      'busy',
    );
    const firstScore = Number(await redis.client.zscore(keys.registry('started', 'beat'), job.id));
    const later = await waitFor(
      async () => {
        const w = await findWorker(redis.client, 'beater');
        return w &&
          w.currentJobWorkingTime > 0 &&
          (w.lastHeartbeat?.getTime() ?? 0) > (first.lastHeartbeat?.getTime() ?? 0)
          ? w
          : undefined;
      },
      10_000,
      'a busy heartbeat',
    );
    expect(later.state).toBe('busy');
    expect(readFileSync(`/proc/${proc.child.pid}/cmdline`, 'utf8')).toMatch(
      /^rqts: Running tasks\.sleep since \d{4}-\d\d-\d\dT/,
    );
    expect(
      Number(await redis.client.zscore(keys.registry('started', 'beat'), job.id)),
    ).toBeGreaterThanOrEqual(firstScore);
    expect(await redis.client.ttl(keys.worker('beater'))).toBeLessThanOrEqual(61 + 1);
    expect(await proc.exited, proc.output()).toBe(0);
  });
});
