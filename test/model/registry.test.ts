import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidJobOperation, NoSuchJobError } from '../../src/errors.js';
import { Job } from '../../src/model/job.js';
import { Queue } from '../../src/model/queue.js';
import { Registry } from '../../src/model/registry.js';
import { allResults } from '../../src/model/results.js';
import { unixNow } from '../../src/model/time.js';
import { keys } from '../../src/redis/keys.js';
import { pythonRqAvailable, runProcess, runPython } from '../helpers/python.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
useRedis((started) => (redis = started));
beforeEach(async () => {
  await redis.client.flushdb();
});

const Q = 'reg';

/** A job a worker took and then lost: status started, in rq:wip with the given score. */
async function startedJob(score: number, options: Parameters<Queue['enqueue']>[3] = {}): Promise<Job> {
  const queue = new Queue(Q, redis.client);
  const job = await queue.enqueue('tasks.long', [], {}, options);
  await redis.client
    .multi()
    .lrem(queue.key, 0, job.id)
    .hset(
      job.key,
      'status',
      'started',
      'started_at',
      '2024-01-01T00:00:00.000000Z',
      'worker_name',
      'dead-worker',
    )
    .zadd(keys.registry('started', Q), score, job.id)
    .exec();
  return job;
}

async function failedJob(): Promise<Job> {
  const queue = new Queue(Q, redis.client);
  const job = await queue.enqueue('tasks.broken', ['arg']);
  await redis.client
    .multi()
    .lrem(queue.key, 0, job.id)
    .hset(
      job.key,
      'status',
      'failed',
      'started_at',
      '2024-01-01T00:00:00.000000Z',
      'ended_at',
      '2024-01-01T00:00:01.000000Z',
      'worker_name',
      'w',
    )
    .zadd(keys.registry('failed', Q), unixNow() + 1000, job.id)
    .exec();
  return job;
}

describe('registries', () => {
  it('count and page ids in score order', async () => {
    const key = keys.registry('deferred', Q);
    await redis.client.zadd(key, 3, 'c', 1, 'a', 2, 'b', 4, 'd');
    const registry = new Registry('deferred', Q, redis.client);
    expect(await registry.count()).toBe(4);
    expect(await registry.jobIds()).toEqual(['a', 'b', 'c', 'd']);
    expect(await registry.jobIds(1, 2)).toEqual(['b', 'c']);
    expect(await registry.contains('d')).toBe(true);
    expect(await registry.contains('zz')).toBe(false);
    const counts = await new Queue(Q, redis.client).registryCounts();
    expect(counts).toEqual({ started: 0, finished: 0, failed: 0, deferred: 4, scheduled: 0, canceled: 0 });
  });

  it('finished and failed drop expired entries (the count cleans first), keeping +inf and negative scores', async () => {
    const now = unixNow();
    await redis.client.zadd(
      keys.registry('finished', Q),
      now - 10,
      'old',
      now + 100,
      'fresh',
      '+inf',
      'forever',
    );
    await redis.client.zadd(keys.registry('failed', Q), now - 1, 'old', now + 100, 'fresh', -1, 'never');
    const finished = new Registry('finished', Q, redis.client);
    const failed = new Registry('failed', Q, redis.client);
    expect(await finished.count({ cleanup: false })).toBe(3);
    expect(await finished.count()).toBe(2);
    expect(await finished.jobIds()).toEqual(['fresh', 'forever']);
    expect(await failed.count()).toBe(2);
    expect(await failed.jobIds()).toEqual(['never', 'fresh']);
  });

  it('started clean-up fails abandoned jobs the way RQ 1.16 does', async () => {
    const now = unixNow();
    const abandoned = await startedJob(now - 5);
    const alive = await startedJob(now + 60);
    await redis.client.zadd(keys.registry('started', Q), now - 5, 'hash-gone');
    const garbage = await startedJob(now - 5);
    await redis.client.hset(garbage.key, 'timeout', 'soon');
    const started = new Registry('started', Q, redis.client);
    expect(await started.count()).toBe(1);
    expect(await started.jobIds()).toEqual([alive.id]);
    const job = await Job.fetch(redis.client, abandoned.id);
    expect(job.status).toBe('failed');
    expect(job.excInfo).toMatch(
      /^Moved to FailedJobRegistry, due to AbandonedJobError, at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/,
    );
    expect(job.workerName).toBe('dead-worker');
    expect(job.endedAt).toBeUndefined();
    expect(
      Number(await redis.client.zscore(keys.registry('failed', Q), abandoned.id)),
    ).toBeGreaterThanOrEqual(now + 31_536_000);
    expect(await redis.client.ttl(abandoned.key)).toBeGreaterThan(31_535_000);
    expect(await allResults(redis.client, abandoned.id)).toEqual([]);
    expect(await redis.client.hget(garbage.key, 'status')).toBe('failed');
    expect(await redis.client.zscore(keys.registry('failed', Q), garbage.id)).not.toBeNull();
    expect(await redis.client.exists(keys.job('hash-gone'))).toBe(0);
  });

  it('started clean-up retries an abandoned job that has retries left', async () => {
    const job = await startedJob(unixNow() - 5, { retry: { max: 2 }, meta: { keep: 1 } });
    await new Registry('started', Q, redis.client).cleanup();
    const fresh = await Job.fetch(redis.client, job.id);
    expect([fresh.status, fresh.retriesLeft, fresh.meta]).toEqual(['queued', 1, { keep: 1 }]);
    expect(await new Queue(Q, redis.client).jobIds()).toEqual([job.id]);
    expect(await redis.client.zcard(keys.registry('failed', Q))).toBe(0);
    expect(await redis.client.zcard(keys.registry('started', Q))).toBe(0);
  });

  it('requeue puts a failed job back as queued; anything else is refused with one line', async () => {
    const job = await failedJob();
    const other = await failedJob();
    const failed = new Registry('failed', Q, redis.client);
    const requeued = await failed.requeue(job.id);
    expect(requeued.status).toBe('queued');
    const fresh = await Job.fetch(redis.client, job.id);
    expect([fresh.status, fresh.startedAt, fresh.endedAt, fresh.excInfo, fresh.workerName]).toEqual([
      'queued',
      undefined,
      undefined,
      '',
      'w',
    ]);
    expect(await redis.client.hgetBuffer(job.key, 'exc_info')).not.toBeNull();
    expect(await new Queue(Q, redis.client).jobIds()).toEqual([job.id]);
    expect(await failed.contains(job.id)).toBe(false);
    await failed.requeue(other.id, { atFront: true });
    expect(await new Queue(Q, redis.client).jobIds()).toEqual([other.id, job.id]);

    const notFailed = await failed.requeue(job.id).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(notFailed).toBeInstanceOf(InvalidJobOperation);
    const unknown = await failed.requeue('no-such-id').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(unknown).toBeInstanceOf(NoSuchJobError);
    const wrongKind = await new Registry('finished', Q, redis.client).requeue(job.id).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(wrongKind).toBeInstanceOf(InvalidJobOperation);
    for (const error of [notFailed, unknown, wrongKind])
      expect((error as InvalidJobOperation).toLine()).not.toContain('\n');
    expect(await new Queue(Q, redis.client).count()).toBe(2);
  });
});

describe.skipIf(!pythonRqAvailable())('registries shared with Python RQ', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rqts-requeue-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('Python reads the abandoned job as failed with our exc_info, and agrees on counts', async () => {
    const job = await startedJob(unixNow() - 5);
    await new Registry('started', Q, redis.client).cleanup();
    const py = await runPython(
      `
import os, json
from redis import Redis
from rq import Queue
from rq.job import Job
from rq.serializers import JSONSerializer
r = Redis.from_url(os.environ['REDIS_URL'])
q = Queue('${Q}', connection=r, serializer=JSONSerializer)
job = Job.fetch(os.environ['JOB_ID'], connection=r, serializer=JSONSerializer)
print(json.dumps({'status': job.get_status(), 'exc_info': job.exc_info, 'failed': q.failed_job_registry.get_job_ids(),
  'started': q.started_job_registry.count}))
`,
      { REDIS_URL: redis.url, JOB_ID: job.id },
    );
    expect(py.code, py.stderr).toBe(0);
    const out = JSON.parse(py.stdout) as {
      status: string;
      exc_info: string;
      failed: string[];
      started: number;
    };
    expect(out.status).toBe('failed');
    expect(out.exc_info).toBe((await Job.fetch(redis.client, job.id)).excInfo);
    expect(out.failed).toEqual([job.id]);
    expect(out.started).toBe(0);
  });

  it('a job failed by a Python worker is requeued by rqts and runs again', async () => {
    const flag = path.join(dir, 'flag');
    const enqueue = await runPython(
      `
import os
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer
q = Queue('${Q}', connection=Redis.from_url(os.environ['REDIS_URL']), serializer=JSONSerializer)
print(q.enqueue('os.remove', os.environ['FLAG']).id)
`,
      { REDIS_URL: redis.url, FLAG: flag },
    );
    expect(enqueue.code, enqueue.stderr).toBe(0);
    const id = enqueue.stdout.trim();
    const worker = [
      '-m',
      'rq.cli',
      'worker',
      '--burst',
      '--url',
      redis.url,
      '-S',
      'rq.serializers.JSONSerializer',
      Q,
    ];
    const first = await runProcess('/usr/bin/python3', worker);
    expect(first.code, first.stderr).toBe(0);
    const failed = new Registry('failed', Q, redis.client);
    expect(await failed.jobIds()).toEqual([id]);
    expect((await allResults(redis.client, id))[0]?.excString).toMatch(/FileNotFoundError/);

    writeFileSync(flag, 'present');
    await failed.requeue(id);
    expect(await redis.client.hget(keys.job(id), 'status')).toBe('queued');
    const second = await runProcess('/usr/bin/python3', worker);
    expect(second.code, second.stderr).toBe(0);
    expect(existsSync(flag)).toBe(false);
    expect((await Job.fetch(redis.client, id)).status).toBe('finished');
    expect((await allResults(redis.client, id)).map((r) => r.type)).toEqual(['successful', 'failed']);
    expect(await failed.count()).toBe(0);
  });
});
