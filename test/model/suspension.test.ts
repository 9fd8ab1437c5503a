import { describe, expect, it } from 'vitest';
import { RqtsError } from '../../src/errors.js';
import { isSuspended, resume, suspend } from '../../src/model/suspension.js';
import { keys } from '../../src/redis/keys.js';
import { pythonRqAvailable, runPython } from '../helpers/python.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
useRedis((started) => (redis = started));

describe('suspension', () => {
  it('sets rq:suspended to 1, optionally with a TTL, and resume deletes it', async () => {
    await suspend(redis.client);
    expect(await redis.client.get(keys.suspended)).toBe('1');
    expect(await redis.client.ttl(keys.suspended)).toBe(-1);
    expect(await isSuspended(redis.client)).toBe(true);
    await suspend(redis.client, 30);
    expect(await redis.client.ttl(keys.suspended)).toBeGreaterThan(25);
    await resume(redis.client);
    expect(await isSuspended(redis.client)).toBe(false);
  });

  it('refuses a duration that would expire at once', async () => {
    for (const bad of [0, -5, 1.5]) {
      await expect(suspend(redis.client, bad)).rejects.toBeInstanceOf(RqtsError);
    }
    expect(await isSuspended(redis.client)).toBe(false);
  });

  it.skipIf(!pythonRqAvailable())('is the same flag Python RQ reads and writes', async () => {
    await suspend(redis.client);
    const read = await runPython(
      `
import os
from redis import Redis
from rq.suspension import is_suspended, resume
r = Redis.from_url(os.environ['REDIS_URL'])
print(bool(is_suspended(r)))
resume(r)
`,
      { REDIS_URL: redis.url },
    );
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout.trim()).toBe('True');
    expect(await isSuspended(redis.client)).toBe(false);
  });
});
