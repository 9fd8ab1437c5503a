import { inflateSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Job } from '../../src/model/job.js';
import { RqtsError } from '../../src/errors.js';
import { parseTimeout, Queue, validateQueueName } from '../../src/model/queue.js';
import { parseTimestamp } from '../../src/model/time.js';
import { keys } from '../../src/redis/keys.js';
import { pythonRqAvailable, runPython } from '../helpers/python.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { startRoundTripCounter, type RoundTripCounter } from './round-trips.js';

let redis: TestRedis;
let counter: RoundTripCounter;
let counted: Redis;

beforeAll(async () => {
  redis = await startRedis();
  counter = await startRoundTripCounter(redis.port);
  counted = new Redis(counter.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  await counted.ping();
});
afterAll(async () => {
  counted.disconnect();
  await counter.close();
  await redis.stop();
});
beforeEach(async () => {
  await redis.client.flushdb();
});

async function scriptCalls(): Promise<number> {
  const stats = await redis.client.info('commandstats');
  return (
    Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0) +
    Number(/cmdstat_eval:calls=(\d+)/.exec(stats)?.[1] ?? 0)
  );
}

async function execCalls(): Promise<number> {
  const stats = await redis.client.info('commandstats');
  return Number(/cmdstat_exec:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

async function rawHash(id: string): Promise<Record<string, Buffer>> {
  return redis.client.hgetallBuffer(keys.job(id));
}

describe('Queue.enqueue', () => {
  it('costs one round trip and one atomic script call per job', async () => {
    const queue = new Queue('rt', counted);
    // The counter itself must see two sequential commands as two trips.
    const start = counter.count();
    await counted.get('probe-1');
    await counted.get('probe-2');
    expect(counter.count() - start).toBe(2);
    for (let i = 0; i < 3; i++) {
      const [tripsBefore, scriptsBefore, execBefore] = [
        counter.count(),
        await scriptCalls(),
        await execCalls(),
      ];
      await queue.enqueue('tasks.add', [i, 1], { k: 'v' }, { ttl: 60, meta: { i } });
      expect(counter.count() - tripsBefore).toBe(1);
      expect((await scriptCalls()) - scriptsBefore).toBe(1);
      expect((await execCalls()) - execBefore).toBe(0);
    }
  });

  it('writes the job hash RQ writes (§5.1, §6.1)', async () => {
    const before = Date.now();
    const job = await new Queue('default', redis.client).enqueue('tasks.greet', ['Zoë', 2], { loud: true });
    const hash = await rawHash(job.id);
    const text = (field: string): string | undefined => hash[field]?.toString('utf8');
    for (const field of [
      'success_callback_name',
      'failure_callback_name',
      'stopped_callback_name',
      'started_at',
      'ended_at',
      'last_heartbeat',
      'worker_name',
    ]) {
      expect(text(field), field).toBe('');
    }
    expect(text('status')).toBe('queued');
    expect(text('origin')).toBe('default');
    expect(text('timeout')).toBe('180');
    expect(text('description')).toBe("tasks.greet('Zoë', 2, loud=True)");
    expect(text('created_at')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}000Z$/);
    expect(parseTimestamp(text('enqueued_at'))!.getTime()).toBeGreaterThanOrEqual(
      Math.floor(before / 1000) * 1000,
    );
    expect(hash.data!.subarray(0, 2).toString('hex')).toBe('789c');
    expect(inflateSync(hash.data!).toString()).toBe(
      '["tasks.greet", null, ["Zo\\u00eb", 2], {"loud": true}]',
    );
    for (const absent of [
      'meta',
      'ttl',
      'result_ttl',
      'failure_ttl',
      'exc_info',
      'retries_left',
      'dependency_ids',
    ])
      expect(hash[absent], absent).toBeUndefined();
    expect(job.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await redis.client.smembers(keys.allQueues)).toEqual([keys.queue('default')]);
    expect(await redis.client.lrange(keys.queue('default'), 0, -1)).toEqual([job.id]);
    expect(await redis.client.ttl(job.key)).toBe(-1);
  });

  it('honours at_front, custom ids, ttl, result/failure ttl, meta, description and timeout', async () => {
    const queue = new Queue('opts', redis.client);
    const first = await queue.enqueue('tasks.a');
    const custom = await queue.enqueue(
      'tasks.b',
      [],
      {},
      {
        jobId: 'my-id_1',
        atFront: true,
        ttl: 300,
        resultTtl: -1,
        failureTtl: 3600,
        meta: { team: 'ops', ü: [1] },
        description: 'déjà vu',
        timeout: '5m',
        retry: { max: 3, interval: [10, 20, 40] },
      },
    );
    expect(custom.id).toBe('my-id_1');
    expect(await queue.jobIds()).toEqual(['my-id_1', first.id]);
    const hash = await rawHash('my-id_1');
    expect(hash.ttl?.toString()).toBe('300');
    expect(hash.result_ttl?.toString()).toBe('-1');
    expect(hash.failure_ttl?.toString()).toBe('3600');
    expect(hash.timeout?.toString()).toBe('300');
    expect(hash.description?.toString()).toBe('déjà vu');
    expect(hash.meta?.toString()).toBe('{"team": "ops", "\\u00fc": [1]}');
    expect(hash.retries_left?.toString()).toBe('3');
    expect(hash.retry_intervals?.toString()).toBe('[10, 20, 40]');
    const ttl = await redis.client.ttl(keys.job('my-id_1'));
    expect(ttl).toBeGreaterThan(290);
    expect(ttl).toBeLessThanOrEqual(300);
    const back = await Job.fetch(redis.client, 'my-id_1');
    expect(back.meta).toEqual({ team: 'ops', ü: [1] });
    expect([back.ttl, back.resultTtl, back.failureTtl, back.timeout, back.retriesLeft]).toEqual([
      300, -1, 3600, 300, 3,
    ]);
  });

  it('converts timeout units and refuses invalid timeouts with one line', () => {
    expect([
      parseTimeout(45),
      parseTimeout('45'),
      parseTimeout('90s'),
      parseTimeout('5m'),
      parseTimeout('2h'),
      parseTimeout('1d'),
      parseTimeout('1D'),
      parseTimeout(-1),
      parseTimeout('-1'),
    ]).toEqual([45, 45, 90, 300, 7200, 86400, 86400, -1, -1]);
    expect(parseTimeout(undefined)).toBeUndefined();
    for (const bad of [0, '0', '0m', -2, 1.5, 'abc', '5x', '1.5h', 'm']) {
      let error: unknown;
      try {
        parseTimeout(bad);
      } catch (e) {
        error = e;
      }
      expect(error, String(bad)).toBeInstanceOf(RqtsError);
      expect((error as RqtsError).code).toBe('BAD_ARGUMENT');
      expect((error as RqtsError).toLine()).not.toContain('\n');
    }
  });

  it('refuses bad input before writing anything', async () => {
    expect(() => new Queue('has space', redis.client)).toThrow(
      expect.objectContaining({ code: 'BAD_QUEUE_NAME' }),
    );
    expect(() => validateQueueName('a,b')).toThrow(/not allowed/);
    expect(() => validateQueueName('')).toThrow(/not allowed/);
    expect(() => validateQueueName('tab\there')).toThrow(/not allowed/);
    const queue = new Queue('strict', redis.client);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const attempts: [string, () => Promise<unknown>][] = [
      ['ttl 0', () => queue.enqueue('tasks.a', [], {}, { ttl: 0 })],
      ['ttl fraction', () => queue.enqueue('tasks.a', [], {}, { ttl: 1.5 })],
      ['result_ttl fraction', () => queue.enqueue('tasks.a', [], {}, { resultTtl: 2.5 })],
      ['timeout 0', () => queue.enqueue('tasks.a', [], {}, { timeout: 0 })],
      ['empty id', () => queue.enqueue('tasks.a', [], {}, { jobId: '' })],
      // RQ 2.8's rule: a 2.x worker splits ids at ':' and refuses anything but [A-Za-z0-9_-].
      ['colon id', () => queue.enqueue('tasks.a', [], {}, { jobId: 'tenant:42' })],
      ['dotted id', () => queue.enqueue('tasks.a', [], {}, { jobId: 'a.b' })],
      ['accented id', () => queue.enqueue('tasks.a', [], {}, { jobId: 'jöb' })],
      ['scheduled colon id', () => queue.enqueueIn(60, 'tasks.a', [], {}, { jobId: 'x:1' })],
      ['colon id in a batch', () => queue.enqueueMany([{ funcName: 'tasks.a', jobId: 'b:1' }])],
      ['dependent colon id', () => queue.enqueue('tasks.a', [], {}, { jobId: 'c:1', dependsOn: ['p'] })],
      [
        'meta array',
        () => queue.enqueue('tasks.a', [], {}, { meta: [] as unknown as Record<string, unknown> }),
      ],
      ['no function', () => queue.enqueue('')],
      ['function arg', () => queue.enqueue('tasks.a', [() => 1])],
      ['circular arg', () => queue.enqueue('tasks.a', [circular])],
      ['bad retry', () => queue.enqueue('tasks.a', [], {}, { retry: { max: 2, interval: [-5] } })],
    ];
    for (const [what, attempt] of attempts) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, what).toBeInstanceOf(RqtsError);
      expect((error as RqtsError).toLine(), what).not.toContain('\n');
    }
    expect(await redis.client.dbsize()).toBe(0);
  });
});

describe('Queue.enqueueAt / enqueueIn', () => {
  it("schedule as RQ's enqueue_at does: status scheduled, in the scheduled registry by due second, ttl not yet running", async () => {
    const queue = new Queue('later', redis.client);
    const due = new Date(Date.now() + 90_000);
    const at = await queue.enqueueAt(due, 'tasks.add', [1, 2], {}, { ttl: 30 });
    const inMinute = await queue.enqueueIn(60, 'tasks.add');
    expect((await Job.fetch(redis.client, at.id)).status).toBe('scheduled');
    expect(Number(await redis.client.zscore(keys.registry('scheduled', 'later'), at.id))).toBe(
      Math.floor(due.getTime() / 1000),
    );
    expect(
      Number(await redis.client.zscore(keys.registry('scheduled', 'later'), inMinute.id)) - Date.now() / 1000,
    ).toBeCloseTo(60, -1);
    expect(await redis.client.ttl(keys.job(at.id))).toBe(-1);
    expect(await queue.count()).toBe(0);
    await expect(queue.enqueueIn(-1, 'tasks.add')).rejects.toThrow(/Cannot schedule -1 seconds from now/);
    await expect(queue.enqueueAt(new Date('soon'), 'tasks.add')).rejects.toThrow(/not a valid date/);
  });

  it.skipIf(!pythonRqAvailable())("is what Python's ScheduledJobRegistry lists", async () => {
    const job = await new Queue('later', redis.client).enqueueIn(120, 'tasks.add', [1, 2]);
    const out = await runPython(`
import json
from redis import Redis
from rq import Queue
from rq.registry import ScheduledJobRegistry
q = Queue('later', connection=Redis.from_url(${JSON.stringify(redis.url)}))
registry = ScheduledJobRegistry(queue=q)
print(json.dumps({'ids': registry.get_job_ids(), 'status': q.fetch_job(${JSON.stringify(job.id)}).get_status()}))
`);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ ids: [job.id], status: 'scheduled' });
  });
});

describe('Queue.enqueue with dependsOn', () => {
  it("defers a job until its dependencies finish, as RQ's depends_on does, and enqueues at once when they have", async () => {
    const queue = new Queue('deps', redis.client);
    const parent = await queue.enqueue('tasks.add', [1, 2]);
    const child = await queue.enqueue('tasks.add', [3, 4], {}, { dependsOn: parent.id });
    expect(child.status).toBe('deferred');
    expect((await Job.fetch(redis.client, child.id)).status).toBe('deferred');
    expect(await redis.client.zscore(keys.registry('deferred', 'deps'), child.id)).not.toBeNull();
    expect(await redis.client.smembers(keys.jobDependents(parent.id))).toEqual([child.id]);
    expect(await redis.client.smembers(keys.jobDependencies(child.id))).toEqual([parent.id]);
    expect(await queue.jobIds()).toEqual([parent.id]);
    await redis.client.hset(keys.job(parent.id), 'status', 'finished');
    const late = await queue.enqueue('tasks.add', [5, 6], {}, { dependsOn: [parent.id, 'gone-long-ago'] });
    expect(late.status).toBe('queued');
    expect(await queue.jobIds()).toEqual([parent.id, late.id]);
  });

  it('waits for a failed dependency unless failures are allowed', async () => {
    const queue = new Queue('deps', redis.client);
    const parent = await queue.enqueue('tasks.fail');
    await redis.client.hset(keys.job(parent.id), 'status', 'failed');
    expect((await queue.enqueue('tasks.add', [], {}, { dependsOn: parent.id })).status).toBe('deferred');
    const tolerant = await queue.enqueue(
      'tasks.add',
      [],
      {},
      { dependsOn: parent.id, allowDependencyFailures: true },
    );
    expect(tolerant.status).toBe('queued');
    expect(await redis.client.hget(keys.job(tolerant.id), 'allow_dependency_failures')).toBe('1');
    await expect(queue.enqueueMany([{ funcName: 'tasks.add', dependsOn: parent.id }])).rejects.toThrow(
      /enqueueMany does not take dependsOn/,
    );
  });

  it.skipIf(!pythonRqAvailable())(
    "is what Python's DeferredJobRegistry and Job.dependency_ids show",
    async () => {
      const queue = new Queue('deps', redis.client);
      const parent = await queue.enqueue('tasks.add', [1, 2]);
      const child = await queue.enqueue('tasks.add', [3, 4], {}, { dependsOn: parent.id });
      const out = await runPython(`
import json
from redis import Redis
from rq import Queue
from rq.registry import DeferredJobRegistry
q = Queue('deps', connection=Redis.from_url(${JSON.stringify(redis.url)}))
job = q.fetch_job(${JSON.stringify(child.id)})
print(json.dumps({'deferred': DeferredJobRegistry(queue=q).get_job_ids(), 'status': job.get_status(), 'deps': job._dependency_ids}))
`);
      expect(out.code, out.stderr).toBe(0);
      expect(JSON.parse(out.stdout)).toEqual({ deferred: [child.id], status: 'deferred', deps: [parent.id] });
    },
  );
});

describe('Queue.enqueueMany', () => {
  it('enqueues a batch in one round trip, keeping order and at_front', async () => {
    const queue = new Queue('bulk', counted);
    const before = counter.count();
    const jobs = await queue.enqueueMany([
      { funcName: 'tasks.a', args: [1] },
      { funcName: 'tasks.b', args: [2], jobId: 'front', atFront: true },
      ...Array.from({ length: 50 }, (_, i) => ({ funcName: 'tasks.c', args: [i], ttl: 100 })),
    ]);
    expect(counter.count() - before).toBe(1);
    expect(jobs).toHaveLength(52);
    const ids = await queue.jobIds();
    expect(ids[0]).toBe('front');
    expect(ids.slice(1)).toEqual([jobs[0]!.id, ...jobs.slice(2).map((j) => j.id)]);
    expect(await redis.client.ttl(jobs[5]!.key)).toBeGreaterThan(90);
    expect((await Job.fetch(redis.client, jobs[5]!.id)).getCall()).toEqual({
      funcName: 'tasks.c',
      args: [3],
      kwargs: {},
    });
  });

  it('writes nothing when one spec is bad', async () => {
    const queue = new Queue('bulk', redis.client);
    await expect(
      queue.enqueueMany([{ funcName: 'tasks.a' }, { funcName: 'tasks.b', timeout: 'soon' }]),
    ).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    expect(await redis.client.dbsize()).toBe(0);
  });
});

describe('the prebuilt script call (after the first enqueue on a client)', () => {
  it('writes the same hash as the first, ordinary call, multi-byte text and binary data included', async () => {
    const client = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    try {
      const queue = new Queue('packed', client);
      const options = {
        ttl: 300,
        meta: { ü: ['中文 😀'] },
        description: 'déjà vu – 😀',
        retry: { max: 2, interval: [5, 10] },
      };
      const args = ['Zoë', 'x'.repeat(300), { k: '\u0000\r\n$3' }];
      const first = await queue.enqueue('tasks.f', args, { ä: 1 }, options);
      const second = await queue.enqueue('tasks.f', args, { ä: 1 }, { ...options, atFront: true });
      const small = await queue.enqueueMany([
        { funcName: 'tasks.g', args: ['ß'] },
        { funcName: 'tasks.g', args: ['ß'] },
      ]);
      expect(await queue.jobIds()).toEqual([second.id, first.id, small[0]!.id, small[1]!.id]);
      const [a, b] = [await rawHash(first.id), await rawHash(second.id)];
      const same = (hash: Record<string, Buffer>): Record<string, string> =>
        Object.fromEntries(
          Object.entries(hash)
            .filter(([field]) => !['created_at', 'enqueued_at'].includes(field))
            .map(([field, value]) => [field, value.toString('base64')]),
        );
      expect(Object.keys(b)).toEqual(Object.keys(a));
      expect(same(b)).toEqual(same(a));
      expect(b.description?.toString()).toBe('déjà vu – 😀');
      expect(await client.ttl(second.key)).toBeGreaterThan(290);
      expect((await Job.fetch(client, second.id)).getCall()).toEqual({
        funcName: 'tasks.f',
        args,
        kwargs: { ä: 1 },
      });
      expect((await Job.fetch(client, small[1]!.id)).getCall()).toEqual({
        funcName: 'tasks.g',
        args: ['ß'],
        kwargs: {},
      });
    } finally {
      client.disconnect();
    }
  });

  it('loses no job when the server forgot the script (SCRIPT FLUSH, restart)', async () => {
    const queue = new Queue('flushed', redis.client);
    const before = await queue.enqueue('tasks.a');
    await redis.client.script('FLUSH');
    const after = await queue.enqueue('tasks.b');
    await redis.client.script('FLUSH');
    const batch = await queue.enqueueMany(
      Array.from({ length: 5 }, (_, i) => ({ funcName: 'tasks.c', args: [i] })),
    );
    await redis.client.script('FLUSH');
    const last = await queue.enqueue('tasks.d', [], {}, { atFront: true });
    expect(await queue.jobIds()).toEqual([last.id, before.id, after.id, ...batch.map((j) => j.id)]);
    for (const job of [after, ...batch, last])
      expect((await Job.fetch(redis.client, job.id)).status).toBe('queued');
  });
});

describe('Queue reads, empty and delete', () => {
  it('counts, pages ids, fetches jobs and lists all queues', async () => {
    const queue = new Queue('reads', redis.client);
    const jobs = await queue.enqueueMany(
      Array.from({ length: 7 }, (_, i) => ({ funcName: 'tasks.n', args: [i] })),
    );
    expect(await queue.count()).toBe(7);
    expect(await queue.jobIds(2, 3)).toEqual(jobs.slice(2, 5).map((j) => j.id));
    expect((await queue.jobs(5)).map((j) => j.id)).toEqual(jobs.slice(5).map((j) => j.id));
    expect(await queue.fetchJob('nope')).toBeUndefined();
    await new Queue('another', redis.client).enqueue('tasks.x');
    // A name Python allowed but we refuse to create is still listed (rq info counts it), not enqueued to.
    await redis.client.sadd(keys.allQueues, keys.queue('bad name'), 'not-a-queue-key');
    const all = await Queue.all(redis.client);
    expect(all.map((q) => q.name)).toEqual(['another', 'bad name', 'reads']);
    expect(await all[1]!.count()).toBe(0);
    await expect(all[1]!.enqueue('tasks.x')).rejects.toMatchObject({ code: 'BAD_QUEUE_NAME' });
  });

  it('empty deletes the jobs and their dependents sets, leaving registries and results', async () => {
    const queue = new Queue('emptied', redis.client);
    const jobs = await queue.enqueueMany(
      Array.from({ length: 5 }, (_, i) => ({ funcName: 'tasks.n', args: [i] })),
    );
    await redis.client.sadd(keys.jobDependents(jobs[0]!.id), 'child');
    await redis.client.zadd(keys.registry('failed', 'emptied'), 1, 'old');
    await redis.client.xadd(keys.results(jobs[1]!.id), '*', 'type', '1');
    expect(await queue.empty()).toBe(5);
    expect(await queue.count()).toBe(0);
    for (const job of jobs) expect(await redis.client.exists(job.key)).toBe(0);
    expect(await redis.client.exists(keys.jobDependents(jobs[0]!.id))).toBe(0);
    expect(await redis.client.zcard(keys.registry('failed', 'emptied'))).toBe(1);
    expect(await redis.client.exists(keys.results(jobs[1]!.id))).toBe(1);
    expect(await redis.client.sismember(keys.allQueues, keys.queue('emptied'))).toBe(1);
  });

  it('delete empties the queue and removes it from rq:queues', async () => {
    const queue = new Queue('doomed', redis.client);
    const job = await queue.enqueue('tasks.n');
    await new Queue('kept', redis.client).enqueue('tasks.n');
    expect(await queue.delete()).toBe(1);
    expect(await redis.client.exists(job.key, queue.key)).toBe(0);
    expect(await redis.client.smembers(keys.allQueues)).toEqual([keys.queue('kept')]);
  });

  it('Job.delete takes the job out of its queue and registry but keeps its results', async () => {
    const queue = new Queue('jd', redis.client);
    const queued = await queue.enqueue('tasks.n');
    const failed = await queue.enqueue('tasks.n');
    await redis.client
      .multi()
      .lrem(queue.key, 0, failed.id)
      .hset(failed.key, 'status', 'failed')
      .zadd(keys.registry('failed', 'jd'), 9e9, failed.id)
      .xadd(keys.results(failed.id), '*', 'type', '2')
      .exec();
    await queued.delete(redis.client);
    await failed.delete(redis.client);
    expect(await queue.count()).toBe(0);
    expect(await redis.client.zcard(keys.registry('failed', 'jd'))).toBe(0);
    expect(await redis.client.exists(queued.key, failed.key)).toBe(0);
    expect(await redis.client.exists(keys.results(failed.id))).toBe(1);
  });
});

describe.skipIf(!pythonRqAvailable())('queues shared with Python RQ', () => {
  it('Python sees the same order, counts and fields after both sides enqueue, at_front included', async () => {
    const queue = new Queue('shared', redis.client);
    const ours = await queue.enqueue('tasks.ours', [1]);
    const py = await runPython(
      `
import os, json
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer
r = Redis.from_url(os.environ['REDIS_URL'])
q = Queue('shared', connection=r, serializer=JSONSerializer)
theirs = q.enqueue('tasks.theirs', 2, job_id='py-front', at_front=True)
print(json.dumps({'ids': q.job_ids, 'count': q.count, 'queues': sorted(x.name for x in Queue.all(connection=r)),
  'ours': [q.fetch_job(os.environ['OURS']).func_name, q.fetch_job(os.environ['OURS']).args, q.fetch_job(os.environ['OURS']).get_status()]}))
`,
      { REDIS_URL: redis.url, OURS: ours.id },
    );
    expect(py.code, py.stderr).toBe(0);
    const out = JSON.parse(py.stdout) as { ids: string[]; count: number; queues: string[]; ours: unknown[] };
    expect(out.ids).toEqual(await queue.jobIds());
    expect(out.ids).toEqual(['py-front', ours.id]);
    expect(out.count).toBe(await queue.count());
    expect(out.queues).toEqual((await Queue.all(redis.client)).map((q) => q.name));
    expect(out.ours).toEqual(['tasks.ours', [1], 'queued']);
    const theirs = await Job.fetch(redis.client, 'py-front');
    expect(theirs.getCall()).toEqual({ funcName: 'tasks.theirs', args: [2], kwargs: {} });
  });
});
