import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  Fixed,
  isNoScript,
  packCommand,
  packPrefix,
  sendPacked,
  type PackedArg,
} from '../../src/redis/packed-command.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// The worker's per-job script call, written as prebuilt bytes: texts encoded once (Fixed),
// multi-byte text and binary arguments, Buffer replies, and a clear NOSCRIPT when Redis has
// lost the script (the caller then goes the ordinary way).

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

const ECHO = {
  lua: "return {#KEYS, KEYS[1], ARGV[1], ARGV[2], ARGV[3], redis.call('GET', KEYS[1])}",
  numberOfKeys: 1,
};

/** EVALSHA sha numKeys ...keysAndArgs, prebuilt (as redis/scripts/script.ts builds it). */
function packEvalsha(script: { lua: string; numberOfKeys: number }, keysAndArgs: PackedArg[]): Buffer {
  const sha = createHash('sha1').update(script.lua).digest('hex');
  return packCommand(keysAndArgs, packPrefix(['evalsha', sha, String(script.numberOfKeys)]));
}

describe('packed EVALSHA', () => {
  it('sends fixed texts, multi-byte text and binary arguments, and reads Buffers back', async () => {
    await client.set('k:é', 'v');
    await client.script('LOAD', ECHO.lua);
    const binary = Buffer.from([0x78, 0x9c, 0x00, 0xff, 0x0d, 0x0a]);
    const reply = (await sendPacked(
      client,
      packEvalsha(ECHO, [new Fixed('k:é'), 'naïve ✓', binary, new Fixed('')]),
      { buffers: true },
    )) as unknown[];
    expect(reply[0]).toBe(1);
    expect(reply.slice(1).map((part) => (part as Buffer).toString('hex'))).toEqual(
      ['k:é', 'naïve ✓', binary, '', 'v'].map((part) => Buffer.from(part).toString('hex')),
    );
  });

  it('is refused with NOSCRIPT once Redis has lost the script (restart, SCRIPT FLUSH)', async () => {
    await client.script('FLUSH');
    const error = await sendPacked(client, packEvalsha(ECHO, ['k:é', 'a', 'b', 'c'])).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isNoScript(error)).toBe(true);
    // The connection is still in step: the next command gets its own reply.
    expect(await client.get('k:é')).toBe('v');
  });
});
