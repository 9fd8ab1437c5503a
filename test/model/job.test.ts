import { describe, expect, it } from 'vitest';
import { NoSuchJobError, RqtsError } from '../../src/errors.js';
import { Job } from '../../src/model/job.js';
import { compress } from '../../src/model/serializer.js';
import { JOB_HASH_FIELDS } from '../../src/redis/job-fields.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
useRedis((started) => (redis = started));

const DATA = compress('["tasks.f", null, [1], {"k": "v"}]');

function bufferHash(hash: Record<string, string | Buffer>): Record<string, Buffer> {
  return Object.fromEntries(
    Object.entries(hash).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(v)]),
  );
}

describe('Job hashes', () => {
  it('are read whole from the fields a worker asks Redis for (JOB_HASH_FIELDS)', () => {
    const job = Job.create(
      { funcName: 'tasks.f', args: [1], kwargs: { k: 'v' } },
      { origin: 'q', description: 'd', timeout: 90, resultTtl: 10, failureTtl: 20, ttl: 30, meta: { a: 1 } },
    );
    Object.assign(job, {
      status: 'started',
      enqueuedAt: new Date(),
      startedAt: new Date(),
      endedAt: new Date(),
      lastHeartbeat: new Date(),
      workerName: 'w',
      retriesLeft: 2,
      retryIntervals: [1, 2],
      dependencyIds: ['p1', 'p2'],
      excInfo: 'Traceback',
      successCallbackName: 's',
      failureCallbackName: 'f',
      stoppedCallbackName: 't',
    });
    const full = bufferHash({ ...job.toHash(), some_python_field: 'x' });
    const known = Object.fromEntries(
      JOB_HASH_FIELDS.filter((field) => field in full).map((field) => [field, full[field]!]),
    );
    expect(
      Object.keys(full).filter((field) => !(JOB_HASH_FIELDS as readonly string[]).includes(field)),
    ).toEqual(['some_python_field']);
    expect(Job.fromHash(job.id, known)).toEqual(Job.fromHash(job.id, full));
  });

  it('a hash with only data reads with defaults', () => {
    const job = Job.fromHash('min', { data: DATA });
    expect(job.getCall()).toEqual({ funcName: 'tasks.f', args: [1], kwargs: { k: 'v' } });
    expect([
      job.origin,
      job.status,
      job.timeout,
      job.meta,
      job.workerName,
      job.dependencyIds,
      job.createdAt,
    ]).toEqual(['', undefined, undefined, {}, '', [], undefined]);
  });

  it('reads uncompressed data, as RQ does', () => {
    expect(Job.fromHash('raw', { data: Buffer.from('["tasks.g", null, [], {}]') }).funcName).toBe('tasks.g');
  });

  it('garbage fields: non-integer numbers are one-line errors; meta, lists and dates degrade', () => {
    for (const timeout of ['abc', '1.5', '0x10', '1e3']) {
      let error: unknown;
      try {
        Job.fromHash('bad', bufferHash({ data: DATA, timeout }));
      } catch (e) {
        error = e;
      }
      expect(error, timeout).toBeInstanceOf(RqtsError);
      expect((error as RqtsError).code).toBe('MALFORMED_JOB');
    }
    expect(Job.fromHash('sp', bufferHash({ data: DATA, timeout: ' 90 ' })).timeout).toBe(90);
    const job = Job.fromHash(
      'odd',
      bufferHash({
        data: DATA,
        meta: 'not json',
        retry_intervals: '{"x"',
        dependency_ids: '5',
        dependency_id: 'parent',
        created_at: 'soon',
      }),
    );
    expect(job.meta).toEqual({ unserialized: 'not json' });
    expect(job.retryIntervals).toEqual([]);
    expect(job.dependencyIds).toEqual(['parent']);
    expect(job.createdAt).toBeUndefined();
    expect(Job.fromHash('m5', bufferHash({ data: DATA, meta: '5' })).meta).toEqual({ unserialized: '5' });
  });

  it('undecodable data is a one-line error, never a crash', () => {
    for (const data of [Buffer.alloc(0), Buffer.from('{"not": "a call"}'), Buffer.from('\x00\x01garbage')]) {
      const job = Job.fromHash('x', { data });
      expect(() => job.getCall()).toThrow(RqtsError);
      expect(job.funcName).toBeUndefined();
    }
  });

  it('toHash always writes the fields RQ always writes, and explicit undefineds keep defaults', () => {
    const job = Job.create(
      { funcName: 'tasks.f', args: [], kwargs: {} },
      { origin: 'q', meta: undefined, workerName: undefined },
    );
    const hash = job.toHash();
    for (const field of [
      'created_at',
      'data',
      'success_callback_name',
      'failure_callback_name',
      'stopped_callback_name',
      'started_at',
      'ended_at',
      'last_heartbeat',
      'worker_name',
      'origin',
      'description',
    ]) {
      expect(hash[field], field).toBeDefined();
    }
    expect(hash.meta).toBeUndefined();
    job.retryIntervals = [10, 20];
    job.dependencyIds = ['a', 'b'];
    expect(job.toHash()).toMatchObject({
      retry_intervals: '[10, 20]',
      dependency_ids: '["a", "b"]',
      dependency_id: 'a',
    });
  });

  it('fetch raises NoSuchJobError for a missing hash or one without data', async () => {
    await expect(Job.fetch(redis.client, 'nothing')).rejects.toBeInstanceOf(NoSuchJobError);
    await redis.client.hset(keys.job('nodata'), 'status', 'queued');
    await expect(Job.fetch(redis.client, 'nodata')).rejects.toBeInstanceOf(NoSuchJobError);
    const job = Job.create({ funcName: 'tasks.f', args: ['é'], kwargs: {} }, { origin: 'q', meta: { a: 1 } });
    await job.save(redis.client);
    const back = await Job.fetch(redis.client, job.id);
    expect([back.getCall().args, back.meta, back.description, back.origin]).toEqual([
      ['é'],
      { a: 1 },
      "tasks.f('é')",
      'q',
    ]);
    back.meta.b = 2;
    await back.saveMeta(redis.client);
    expect(await redis.client.hget(job.key, 'meta')).toBe('{"a": 1, "b": 2}');
    expect((await Job.fetchMany(redis.client, [job.id, 'nothing'])).map((j) => j?.id)).toEqual([
      job.id,
      undefined,
    ]);
  });
});
