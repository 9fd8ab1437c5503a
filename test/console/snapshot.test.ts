import { deflateSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/console/data/snapshot.js';
import { jobDetailLines } from '../../src/console/data/detail.js';
import { Queue } from '../../src/model/queue.js';
import { formatTimestamp } from '../../src/model/time.js';
import { keys } from '../../src/redis/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { countWrites, writeFakeWorkers } from './fake-workers.js';

describe('the snapshot reader', () => {
  let redis: TestRedis;
  let client: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    client = redis.newClient();
    await client.ping();
  });
  afterAll(async () => redis.stop());

  it('costs the same few round trips for 5 workers and for 300', async () => {
    const writes = countWrites(client);
    await writeFakeWorkers(client, 'few-', 5, { busy: true });
    writes.reset();
    const small = await readSnapshot(client);
    const smallTrips = writes.count();
    await writeFakeWorkers(client, 'many-', 295, { busy: true, queues: ['default', 'other'] });
    writes.reset();
    const large = await readSnapshot(client);
    expect(writes.count()).toBe(smallTrips);
    expect(smallTrips).toBe(3);
    expect(large.roundTrips).toBe(3);
    expect(small.workers).toHaveLength(5);
    expect(large.workers).toHaveLength(300);
    expect(large.currentJobs.get('many-7-job')?.description).toBe('tasks.work(7)');
    // 'other' is only named by workers (nothing enqueued there): still listed, as unregistered.
    expect(large.queues.find((q) => q.name === 'other')?.known).toBe(false);
  });

  it('sees listeners per command channel, ghosts and suspension', async () => {
    const subscriber = redis.newClient();
    await subscriber.subscribe(keys.workerChannel('few-1'));
    await client.sadd(keys.allWorkers, keys.worker('gone'));
    await client.set(keys.suspended, '1');
    const snap = await readSnapshot(client, { wantVersion: true });
    expect(snap.workers.find((w) => w.name === 'few-1')?.listeners).toBe(1);
    expect(snap.workers.find((w) => w.name === 'few-2')?.listeners).toBe(0);
    expect(snap.workers.find((w) => w.name === 'gone')?.record).toBeUndefined();
    expect(snap.suspended).toBe(true);
    expect(snap.serverVersion).toMatch(/^\d+\.\d+/);
    await client.del(keys.suspended);
    subscriber.disconnect();
  });

  it('reads one page of a queue in Redis, with the age of its oldest job', async () => {
    const queue = new Queue('paged', client);
    const jobs = await queue.enqueueMany(
      Array.from({ length: 30 }, (_, i) => ({ funcName: 'tasks.n', args: [i] })),
    );
    const snap = await readSnapshot(client, {
      jobPage: { queue: 'paged', kind: 'queued', offset: 10, limit: 5 },
    });
    expect(snap.jobPage?.total).toBe(30);
    expect(snap.jobPage?.jobs.map((j) => j.id)).toEqual(jobs.slice(10, 15).map((j) => j.id));
    expect(snap.jobPage?.jobs[0]?.description).toBe('tasks.n(10)');
    const row = snap.queues.find((q) => q.name === 'paged');
    expect(row?.queued).toBe(30);
    expect(row?.oldestEnqueuedAt?.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('shows a pickled job by its metadata only', async () => {
    const id = 'pickled-1';
    // A pickle protocol 4 stream (0x80 0x04 ...), compressed as RQ stores it.
    const data = deflateSync(Buffer.from([0x80, 0x04, 0x95, 0x10, 0x00, 0x2e]));
    await client.hset(keys.job(id), {
      data,
      description: 'billing.charge(42)',
      status: 'queued',
      origin: 'pk',
      created_at: formatTimestamp(new Date()),
      enqueued_at: formatTimestamp(new Date()),
    });
    await client.rpush(keys.queue('pk'), id);
    await client.sadd(keys.allQueues, keys.queue('pk'));
    const snap = await readSnapshot(client, {
      jobPage: { queue: 'pk', kind: 'queued', offset: 0, limit: 10 },
      detailJobId: id,
    });
    expect(snap.jobPage?.jobs[0]).toMatchObject({
      id,
      pickled: true,
      description: 'billing.charge(42)',
      funcName: undefined,
    });
    const text = jobDetailLines(snap.detail, Date.now(), id)
      .map((l) => l.text)
      .join('\n');
    expect(text).toContain('billing.charge(42)');
    expect(text).toContain('pickled payload: not decoded');
  });
});
