import { beforeEach, describe, expect, it } from 'vitest';
import { Job } from '../../src/model/job.js';
import { Queue } from '../../src/model/queue.js';
import { addResult, allResults, latestResult, type ResultType } from '../../src/model/results.js';
import { unixNow } from '../../src/model/time.js';
import { failCommands, finishCommands, type FailOptions } from '../../src/model/transitions.js';
import { keys } from '../../src/redis/keys.js';
import { pythonRqAvailable, runPython } from '../helpers/python.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';

// Each case plays the worker: take a queued job, mark it started, then run the
// transition commands in one MULTI, and let Python RQ read the outcome.

let redis: TestRedis;
useRedis((started) => (redis = started));
beforeEach(async () => {
  await redis.client.flushdb();
});

async function startedJob(options: Parameters<Queue['enqueue']>[3] = {}): Promise<Job> {
  const queue = new Queue('results', redis.client);
  const queued = await queue.enqueue('tasks.work', [1], {}, options);
  const started = new Date();
  await redis.client
    .multi()
    .lrem(queue.key, 0, queued.id)
    .hset(queued.key, 'status', 'started', 'started_at', '2024-01-01T00:00:00.000000Z', 'worker_name', 'w1')
    .zadd(keys.registry('started', 'results'), unixNow(started.getTime()) + 90, queued.id)
    .exec();
  return Job.fetch(redis.client, queued.id);
}

async function finish(job: Job, returnValue: unknown, resultTtl: number): Promise<void> {
  const multi = redis.client.multi();
  finishCommands(multi, job, { returnValue, resultTtl, ended: new Date() });
  await multi.exec();
}

async function fail(job: Job, options: Omit<FailOptions, 'ended'>): Promise<string> {
  const multi = redis.client.multi();
  const outcome = failCommands(multi, job, { ...options, ended: new Date() });
  await multi.exec();
  return outcome;
}

const READER = `
import os, json
from redis import Redis
from rq.job import Job
from rq.serializers import JSONSerializer
from rq.registry import FinishedJobRegistry, FailedJobRegistry
r = Redis.from_url(os.environ['REDIS_URL'])
out = {}
for jid in json.loads(os.environ['IDS']):
    job = Job.fetch(jid, connection=r, serializer=JSONSerializer)
    latest = job.latest_result()
    out[jid] = {'status': job.get_status(), 'return_value': job.return_value(), 'result': job.result,
      'type': latest.type.name if latest else None, 'exc_info': job.exc_info,
      'exc_string': latest.exc_string if latest else None, 'results': len(job.results()),
      'finished': jid in FinishedJobRegistry('results', connection=r).get_job_ids(),
      'failed': jid in FailedJobRegistry('results', connection=r).get_job_ids(), 'meta': job.meta,
      'worker_name': job.worker_name, 'ended': job.ended_at is not None}
print(json.dumps(out))
`;

async function readFromPython(ids: string[]): Promise<Record<string, Record<string, unknown>>> {
  const py = await runPython(READER, { REDIS_URL: redis.url, IDS: JSON.stringify(ids) });
  expect(py.code, py.stderr).toBe(0);
  return JSON.parse(py.stdout) as Record<string, Record<string, unknown>>;
}

describe('success results', () => {
  it('sets registries, scores and TTLs as RQ does', async () => {
    const kept = await startedJob();
    const forever = await startedJob();
    const dropped = await startedJob();
    const now = unixNow();
    await finish(kept, { a: [1, 'é'] }, 100);
    await finish(forever, 'x', -1);
    await finish(dropped, 'x', 0);
    const finishedKey = keys.registry('finished', 'results');
    expect(Number(await redis.client.zscore(finishedKey, kept.id))).toBeGreaterThanOrEqual(now + 100);
    expect(await redis.client.zscore(finishedKey, forever.id)).toBe('inf');
    expect(await redis.client.zscore(finishedKey, dropped.id)).toBeNull();
    expect(await redis.client.zcard(keys.registry('started', 'results'))).toBe(0);
    expect(await redis.client.ttl(kept.key)).toBeGreaterThan(90);
    expect(await redis.client.ttl(keys.results(kept.id))).toBeGreaterThan(90);
    expect(await redis.client.ttl(forever.key)).toBe(-1);
    expect(await redis.client.ttl(keys.results(forever.id))).toBe(-1);
    expect(await redis.client.exists(dropped.key, keys.results(dropped.id))).toBe(0);
    const raw = await redis.client.xrevrange(keys.results(kept.id), '+', '-');
    expect(raw[0]?.[1]).toEqual([
      'type',
      '1',
      'worker_name',
      'w1',
      'return_value',
      Buffer.from('{"a": [1, "\\u00e9"]}').toString('base64'),
    ]);
    expect(await latestResult(redis.client, kept.id)).toMatchObject({
      type: 'successful',
      returnValue: { a: [1, 'é'] },
    });
  });

  it('keeps meta the job saved while running', async () => {
    const job = await startedJob({ meta: { progress: 0 } });
    await redis.client.hset(job.key, 'meta', '{"progress": 100}');
    await finish(job, 1, 100);
    expect((await Job.fetch(redis.client, job.id)).meta).toEqual({ progress: 100 });
  });
});

describe('failure results', () => {
  it('apply failure_ttl to job, registry score and (only when set) the stream', async () => {
    const byDefault = await startedJob();
    const short = await startedJob({ failureTtl: 100 });
    const zero = await startedJob({ failureTtl: 0 });
    const never = await startedJob({ failureTtl: -1 });
    const now = unixNow();
    for (const job of [byDefault, short, zero, never])
      expect(await fail(job, { excString: 'Traceback: boom' })).toBe('failed');
    const failedKey = keys.registry('failed', 'results');
    expect(Number(await redis.client.zscore(failedKey, byDefault.id))).toBeGreaterThanOrEqual(
      now + 31_536_000,
    );
    expect(await redis.client.ttl(byDefault.key)).toBeGreaterThan(31_535_000);
    expect(await redis.client.ttl(keys.results(byDefault.id))).toBe(-1);
    expect(await redis.client.ttl(short.key)).toBeGreaterThan(90);
    expect(await redis.client.ttl(keys.results(short.id))).toBeGreaterThan(90);
    expect(await redis.client.exists(zero.key, keys.results(zero.id))).toBe(0);
    expect(await redis.client.zscore(failedKey, never.id)).toBe('-1');
    expect(await redis.client.ttl(never.key)).toBe(-1);
    expect(await redis.client.zcard(keys.registry('started', 'results'))).toBe(0);
  });

  it('retries with retries left: queued again or scheduled, no failed entry, no result, meta kept', async () => {
    const again = await startedJob({ retry: { max: 2 }, meta: { step: 'before' } });
    const later = await startedJob({ retry: { max: 2, interval: [0, 30] } });
    await redis.client.hset(again.key, 'meta', '{"step": "during"}');
    later.retriesLeft = 1;
    expect(await fail(again, { excString: 'boom' })).toBe('retried');
    expect(await fail(later, { excString: 'boom' })).toBe('scheduled');
    const fresh = await Job.fetch(redis.client, again.id);
    expect([fresh.status, fresh.retriesLeft, fresh.meta]).toEqual(['queued', 1, { step: 'during' }]);
    expect(await redis.client.lrange(keys.queue('results'), 0, -1)).toEqual([again.id]);
    expect(await redis.client.hget(later.key, 'status')).toBe('scheduled');
    expect(
      Number(await redis.client.zscore(keys.registry('scheduled', 'results'), later.id)),
    ).toBeGreaterThanOrEqual(unixNow() + 29);
    expect(await redis.client.zcard(keys.registry('failed', 'results'))).toBe(0);
    expect(await redis.client.exists(keys.results(again.id), keys.results(later.id))).toBe(0);
  });

  it('stop-job failures are never retried and land in the failed registry as stopped', async () => {
    const job = await startedJob({ retry: { max: 3 } });
    expect(
      await fail(job, { excString: 'Job stopped by user, work-horse terminated.', status: 'stopped' }),
    ).toBe('failed');
    expect(await redis.client.hget(job.key, 'status')).toBe('stopped');
    expect(await redis.client.zscore(keys.registry('failed', 'results'), job.id)).not.toBeNull();
  });

  it('without the default exception handler the job is failed but in no registry and has no result', async () => {
    const job = await startedJob();
    await fail(job, { excString: 'boom', defaultHandler: false });
    expect(await redis.client.hget(job.key, 'status')).toBe('failed');
    for (const kind of ['started', 'failed', 'finished'] as const)
      expect(await redis.client.zcard(keys.registry(kind, 'results'))).toBe(0);
    expect(await allResults(redis.client, job.id)).toEqual([]);
  });
});

describe.skipIf(!pythonRqAvailable())('Python RQ reads what the transitions wrote', () => {
  it('return_value(), latest_result(), exc_info and exc_string', async () => {
    const success = await startedJob();
    const nothing = await startedJob();
    const unserializable = await startedJob();
    const failure = await startedJob({ meta: { kept: true } });
    const stopped = await startedJob();
    await finish(success, { answer: [42, 'déjà'], ok: true, ratio: 0.25 }, 100);
    await finish(nothing, null, 100);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await finish(unserializable, circular, 100);
    const traceback = 'Traceback (most recent call last):\n  File "tasks.js", line 1\nError: naïve failure ✗';
    await fail(failure, { excString: traceback });
    await fail(stopped, { excString: 'Job stopped by user, work-horse terminated.', status: 'stopped' });
    const out = await readFromPython([success.id, nothing.id, unserializable.id, failure.id, stopped.id]);
    expect(out[success.id]).toMatchObject({
      status: 'finished',
      return_value: { answer: [42, 'déjà'], ok: true, ratio: 0.25 },
      result: { answer: [42, 'déjà'], ok: true, ratio: 0.25 },
      type: 'SUCCESSFUL',
      finished: true,
      failed: false,
      worker_name: 'w1',
      ended: true,
    });
    expect(out[nothing.id]).toMatchObject({
      status: 'finished',
      return_value: null,
      type: 'SUCCESSFUL',
      results: 1,
    });
    expect(out[unserializable.id]).toMatchObject({
      status: 'finished',
      return_value: 'Unserializable return value',
    });
    expect(out[failure.id]).toMatchObject({
      status: 'failed',
      type: 'FAILED',
      exc_info: traceback,
      exc_string: traceback,
      failed: true,
      meta: { kept: true },
      results: 1,
    });
    expect(out[stopped.id]).toMatchObject({
      status: 'stopped',
      type: 'FAILED',
      exc_string: 'Job stopped by user, work-horse terminated.',
      failed: true,
    });
    expect(await latestResult(redis.client, failure.id)).toMatchObject({
      type: 'failed',
      excString: traceback,
    });
  });

  it('every entry carries worker_name, as RQ 2.x readers expect', async () => {
    const success = await startedJob();
    const failure = await startedJob();
    await finish(success, 7, 100);
    await fail(failure, { excString: 'boom' });
    expect(await latestResult(redis.client, success.id)).toMatchObject({
      type: 'successful',
      workerName: 'w1',
    });
    expect(await latestResult(redis.client, failure.id)).toMatchObject({ type: 'failed', workerName: 'w1' });
  });

  it('decodes each type RQ 2.10 writes, with its execution', async () => {
    const types: ResultType[] = ['successful', 'failed', 'stopped', 'retried', 'max_retries_exceeded'];
    const startedAt = new Date(1_796_187_592_074);
    const endedAt = new Date(1_796_187_592_097);
    const multi = redis.client.multi();
    for (const type of types)
      addResult(multi, 'typed', {
        type,
        workerName: 'w2',
        excString: type === 'successful' ? undefined : `${type} text`,
        returnValue: type === 'successful' ? [1] : undefined,
        execution: { id: `e-${type}`, startedAt, endedAt },
      });
    await multi.exec();
    const read = (await allResults(redis.client, 'typed')).reverse();
    expect(read.map((r) => [r.type, r.typeCode])).toEqual(types.map((t, i) => [t, i + 1]));
    expect(read[0]).toMatchObject({ returnValue: [1], workerName: 'w2', execution: { id: 'e-successful' } });
    expect(read[4]).toMatchObject({ excString: 'max_retries_exceeded text' });
    expect(read[3]?.execution).toEqual({ id: 'e-retried', startedAt, endedAt });
    // A type from a later release is kept by number and read as a failure.
    await redis.client.xadd(keys.results('typed'), '*', 'type', '9');
    expect(await latestResult(redis.client, 'typed')).toMatchObject({ type: 'failed', typeCode: 9 });
  });
});
