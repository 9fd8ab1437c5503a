import { readdirSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_HASH_FIELDS } from '../../src/redis/job-fields.js';
import { SCRIPTS } from '../../src/redis/scripts/index.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// The script layer (src/redis/scripts): every script's text is its .lua files as written (no
// interpolation), each script file says what it takes and guarantees, and a call reaches
// Redis by whichever path fits: ioredis first, prebuilt EVALSHA once loaded, the ordinary way
// again after NOSCRIPT, queued into a MULTI, and through a client with a key prefix.

const DIR = new URL('../../src/redis/scripts/', import.meta.url);

function luaFiles(sub = ''): string[] {
  return readdirSync(new URL(sub, DIR))
    .filter((name) => name.endsWith('.lua'))
    .map((name) => sub + name);
}

describe('the .lua files', () => {
  it('name the keys, arguments and guarantee of each script; no interpolation anywhere', () => {
    for (const file of luaFiles()) {
      const text = readFileSync(new URL(file, DIR), 'utf8');
      expect(text, file).toMatch(/^-- (KEYS|The console)/);
      expect(text, file).toMatch(/-- (Guarantee|Returns)/);
      expect(text, file).not.toContain('${');
    }
    for (const file of luaFiles('lib/')) expect(readFileSync(new URL(file, DIR), 'utf8')).not.toContain('${');
  });

  it("spell the dequeue's field list as JOB_HASH_FIELDS, in order", () => {
    const text = readFileSync(new URL('lib/dequeue.lua', DIR), 'utf8');
    const lists = [...text.matchAll(/'HMGET', jobKey, ((?:'\w+'(?:, )?)+)\)/g)]
      .map((match) => match[1]!.split(', ').map((quoted) => quoted.slice(1, -1)))
      .filter((fields) => fields.length > 2);
    expect(lists.length).toBe(2);
    for (const fields of lists) expect(fields).toEqual([...JOB_HASH_FIELDS]);
  });

  it('every script is one Script with a name, a key count and its source', () => {
    const names = Object.values(SCRIPTS).map((script) => script.name);
    expect(new Set(names).size).toBe(names.length);
    for (const script of Object.values(SCRIPTS)) expect(script.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(SCRIPTS.dequeue.source).toContain('local FIELD_TIMEOUT = 5\n');
  });
});

describe('Script calls', () => {
  let redis: TestRedis;
  let client: Redis;
  let prefixed: Redis;

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    prefixed = new Redis(redis.url, { keyPrefix: 'p:' });
  });

  afterAll(async () => {
    client.disconnect();
    prefixed.disconnect();
    await redis.stop();
  });

  const empty = (on: Redis, queue: string): Promise<number> =>
    SCRIPTS.emptyQueue.call(on, [queue], ['job:', ':dependents']);

  it('run the ordinary way first, then as prebuilt bytes, and again after NOSCRIPT', async () => {
    for (let round = 0; round < 3; round++) {
      await client.rpush('q', 'a', 'b');
      expect(await empty(client, 'q')).toBe(2);
    }
    await client.script('FLUSH');
    await client.rpush('q', 'c');
    expect(await empty(client, 'q')).toBe(1);
    expect(await empty(client, 'q')).toBe(0);
  });

  it('in a batch: each call answered in order, NOSCRIPT ones sent again', async () => {
    const partsOf = (i: number): { keys: string[]; args: string[] } => ({
      keys: [`batch:${i}`],
      args: ['job:', ':dependents'],
    });
    for (let i = 0; i < 3; i++) await client.rpush(`batch:${i}`, ...Array.from({ length: i + 1 }, () => 'x'));
    const first = await SCRIPTS.emptyQueue.callMany(client, 3, partsOf);
    expect(first.map(([error, n]) => [error, n])).toEqual([
      [null, 1],
      [null, 2],
      [null, 3],
    ]);
    await client.script('FLUSH');
    for (let i = 0; i < 3; i++) await client.rpush(`batch:${i}`, 'y');
    expect((await SCRIPTS.emptyQueue.callMany(client, 3, partsOf)).map(([, n]) => n)).toEqual([1, 1, 1]);
  });

  it('queued into a MULTI, by SHA on a client that defined it, by EVAL on one that did not', async () => {
    const plain = new Redis(redis.url);
    try {
      for (const on of [client, plain]) {
        await on.rpush('m', 'a');
        const multi = on.multi();
        SCRIPTS.emptyQueue.queue(multi, ['m'], ['job:', ':dependents']);
        multi.llen('m');
        expect(await multi.exec()).toEqual([
          [null, 1],
          [null, 0],
        ]);
      }
    } finally {
      plain.disconnect();
    }
  });

  it("through a client with a key prefix: the prefix reaches the script's keys", async () => {
    await client.rpush('p:pq', 'a', 'b', 'c');
    for (let round = 0; round < 2; round++) expect(await empty(prefixed, 'pq')).toBe(round === 0 ? 3 : 0);
    expect(await client.exists('p:pq')).toBe(0);
  });

  it('answer text as text on either path, and Buffers when asked for', async () => {
    const fenced = (): Promise<string> =>
      SCRIPTS.fencedBatch.call(client, ['job:f', 'wip:f', 'worker:f'], ['f', 'w', '']);
    // The first call goes through ioredis, the second as prebuilt bytes.
    for (let round = 0; round < 2; round++)
      expect(await fenced()).toBe('it is no longer in the started registry');
    const dequeued = await SCRIPTS.dequeue.call(client, [], ['worker:none', ...Array<string>(12).fill('')], {
      buffers: true,
    });
    expect(Buffer.isBuffer(dequeued) && dequeued.toString()).toBe('unregistered');
  });

  it('refuse a key list of the wrong length', () => {
    expect(() => SCRIPTS.emptyQueue.queue(client.multi(), [], [])).toThrow(/takes 1 keys/);
  });
});
