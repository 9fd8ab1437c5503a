import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fixed, PreparedScript } from '../../src/redis/scripts/prepared.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// The worker's per-job script call, written by hand: same replies as ioredis's own path,
// and it survives a server that lost its scripts.

let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});

afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

const ECHO = "return {#KEYS, KEYS[1], ARGV[1], ARGV[2], ARGV[3], redis.call('GET', KEYS[1])}";

describe('PreparedScript', () => {
  it('sends keys and arguments (multi-byte text, numbers, fixed texts) and reads Buffers back', async () => {
    await client.set('k:é', 'v');
    const script = new PreparedScript(ECHO);
    await client.script('LOAD', ECHO);
    const reply = await script.callBuffer<unknown[]>(client, 1, [new Fixed('k:é'), 'naïve ✓', 42, new Fixed('')], async () => {
      throw new Error('no fallback expected');
    });
    expect(reply.map((part) => (Buffer.isBuffer(part) ? part.toString() : part))).toEqual([1, 'k:é', 'naïve ✓', '42', '', 'v']);
  });

  it('falls back when Redis has lost the script (restart, SCRIPT FLUSH), and passes other errors on', async () => {
    const script = new PreparedScript(ECHO);
    await client.script('FLUSH');
    const reply = await script.callBuffer(client, 1, ['k:é', 'a', 'b', 'c'], async () => 'fallback ran');
    expect(reply).toBe('fallback ran');
    const broken = new PreparedScript("return redis.call('NOSUCHCOMMAND')");
    await client.script('LOAD', "return redis.call('NOSUCHCOMMAND')");
    await expect(broken.callBuffer(client, 0, [], async () => 'no')).rejects.toThrow(/Unknown Redis command|unknown command/i);
  });
});
