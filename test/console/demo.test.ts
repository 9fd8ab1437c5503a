import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ORPHAN_QUEUE, DemoFeeder, prepareDemoRedis } from '../../src/console/data/demo.js';
import { keys } from '../../src/redis/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';

describe('--demo', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => redis?.stop());

  it('uses the Redis at the URL when one answers', async () => {
    const demo = await prepareDemoRedis(redis.url);
    expect(demo.private).toBe(false);
    expect(demo.url).toBe(redis.url);
    await demo.stop();
  });

  it('starts a private throwaway redis-server when nothing answers, says so, and removes it', async () => {
    const demo = await prepareDemoRedis('redis://127.0.0.1:1/0');
    expect(demo.private).toBe(true);
    expect(demo.note).toMatch(/^demo: private Redis on 127\.0\.0\.1:\d+, discarded on exit$/);
    const client = new Redis(demo.url, { lazyConnect: true, retryStrategy: () => null });
    client.on('error', () => undefined);
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
    await demo.stop();
    const probe = new Redis(demo.url, {
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    probe.on('error', () => undefined);
    await expect(probe.connect()).rejects.toThrow();
    probe.disconnect();
  });

  it('feeds quick, slow, failing and hanging jobs, and one queue nobody serves', async () => {
    const feeder = new DemoFeeder(redis.client, { everyMs: 100_000 });
    await feeder.start();
    feeder.stop();
    const ids = [
      ...(await redis.client.lrange(keys.queue('default'), 0, -1)),
      ...(await redis.client.lrange(keys.queue('high'), 0, -1)),
      ...(await redis.client.lrange(keys.queue('low'), 0, -1)),
    ];
    const descriptions = await Promise.all(ids.map((id) => redis.client.hget(keys.job(id), 'description')));
    const text = descriptions.join('\n');
    for (const name of ['tasks.quick', 'tasks.slow', 'tasks.hang()']) expect(text).toContain(name);
    expect(await redis.client.llen(keys.queue(DEMO_ORPHAN_QUEUE))).toBe(1);
    // The failing job comes every other round.
    const second = new DemoFeeder(redis.client, { everyMs: 50 });
    await second.start();
    await waitFor(async () => (await redis.client.llen(keys.queue('low'))) > 0, 5000, 'a failing job on low');
    second.stop();
    const low = await redis.client.lrange(keys.queue('low'), 0, -1);
    expect(await redis.client.hget(keys.job(low[0] ?? ''), 'description')).toMatch(
      /^tasks\.failing\('demo failure #\d+'\)$/,
    );
  });
});
