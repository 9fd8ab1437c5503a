import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestResult, Queue, SimpleWorker, Worker, type WorkerOptions } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import type { WorkerLogger } from '../../src/worker/worker-logger.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';

// Bad input from Redis (issue 12, defects 4, 6, 7, 8): a malformed hash fails its job with a
// reason and the worker carries on; nothing from Redis reaches the log unescaped.

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

let redis: TestRedis;
useRedis((started) => (redis = started));

function options(queues: string[]): WorkerOptions {
  return { queues, burst: true, paths: [FIXTURES] };
}

function capture(): { logger: WorkerLogger; lines: string[] } {
  const lines: string[] = [];
  const push = (m: string): void => void lines.push(m);
  return { logger: { debug: push, info: push, warn: push, error: push }, lines };
}

describe.each([
  ['Worker', Worker],
  ['SimpleWorker', SimpleWorker],
] as const)('%s and malformed job hashes', (label, WorkerClass) => {
  it.each(['timeout', 'result_ttl', 'failure_ttl', 'ttl', 'retries_left'])(
    'a job with %s "abc" fails at once naming the field, and the worker runs the next job',
    async (field) => {
      const queue = new Queue(`poison-${label}-${field}`, redis.client);
      const bad = await queue.enqueue('tasks.add', [1, 2]);
      const good = await queue.enqueue('tasks.add', [2, 3]);
      await redis.client.hset(
        keys.job(bad.id),
        field,
        'abc',
        'retries_left',
        field === 'retries_left' ? 'abc' : '2',
      );
      const { logger } = capture();
      const worker = new WorkerClass(redis.client, options([queue.name]), { logger, handleSignals: false });
      await expect(worker.work()).resolves.toBe(true);

      const result = await latestResult(redis.client, bad.id);
      expect(result?.excString).toContain(`non-integer ${field}: "abc"`);
      expect(result?.excString?.split('\n')).toHaveLength(1);
      expect(await redis.client.hget(keys.job(bad.id), 'status')).toBe('failed');
      expect(await redis.client.zscore(keys.registry('failed', queue.name), bad.id)).not.toBeNull();
      // Not retried: it would meet the same field again.
      expect(await queue.count()).toBe(0);
      expect((await latestResult(redis.client, good.id))?.returnValue).toBe(5);
      expect(await redis.client.zcard(keys.registry('started', queue.name))).toBe(0);
    },
  );
});

describe('a job hash without origin', () => {
  it('takes the origin from the queue it was popped from: finished there, no started entry left', async () => {
    const queue = new Queue('originless', redis.client);
    const job = await queue.enqueue('tasks.add', [20, 22]);
    await redis.client.hdel(keys.job(job.id), 'origin');
    const worker = new Worker(redis.client, options(['other', 'originless']), {
      logger: capture().logger,
      handleSignals: false,
    });
    await worker.work();
    expect((await latestResult(redis.client, job.id))?.returnValue).toBe(42);
    expect(await redis.client.zcard(keys.registry('started', 'originless'))).toBe(0);
    expect(await redis.client.zcard(keys.registry('started', ''))).toBe(0);
    expect(await redis.client.zscore(keys.registry('finished', 'originless'), job.id)).not.toBeNull();
  });

  it('fails into the queue it was popped from when it fails', async () => {
    const queue = new Queue('originless-fail', redis.client);
    const job = await queue.enqueue('tasks.fail', ['kaput']);
    await redis.client.hdel(keys.job(job.id), 'origin');
    await new Worker(redis.client, options([queue.name]), {
      logger: capture().logger,
      handleSignals: false,
    }).work();
    expect(await redis.client.zscore(keys.registry('failed', queue.name), job.id)).not.toBeNull();
    expect(await redis.client.zcard(keys.registry('failed', ''))).toBe(0);
    expect(await redis.client.zcard(keys.registry('started', queue.name))).toBe(0);
  });
});

describe("control characters in the worker's log", () => {
  it('are escaped in descriptions and errors: no OSC title, clear screen or forged line', async () => {
    const queue = new Queue('hostile', redis.client);
    const described = await queue.enqueue('tasks.add', [1, 1]);
    await redis.client.hset(
      keys.job(described.id),
      'description',
      'x\u001b]0;owned\u0007\u001b[2J\r\n12:00:00 hostile: Job OK (forged)',
    );
    const failing = await queue.enqueue('tasks.fail', ['bad\u001b[31m\rnews\u009b']);
    const { logger, lines } = capture();
    await new Worker(redis.client, options([queue.name]), { logger, handleSignals: false }).work();
    const text = lines.join('\n');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('x\\e]0;owned\\x07\\e[2J\\r\\n12:00:00 hostile: Job OK (forged)');
    expect(text).toContain('bad\\e[31m\\rnews\\x9b');
    expect(lines.filter((line) => line.startsWith('12:00:00'))).toEqual([]);
    expect(lines.some((line) => line.includes(described.id))).toBe(true);
    expect(lines.some((line) => line.includes(failing.id))).toBe(true);
  });
});

describe('dropped ids', () => {
  it('are logged with the id and the queue', async () => {
    const queue = new Queue('dropping', redis.client);
    await redis.client.rpush(keys.queue('dropping'), 'ghost-without-hash');
    const nodata = await queue.enqueue('tasks.add', [1, 2]);
    await redis.client.hdel(keys.job(nodata.id), 'data');
    const good = await queue.enqueue('tasks.add', [3, 4]);
    await redis.client.rpush(keys.queue('dropping'), 'ghost-at-the-end');
    const { logger, lines } = capture();
    await new Worker(redis.client, options([queue.name]), { logger, handleSignals: false }).work();
    expect((await latestResult(redis.client, good.id))?.returnValue).toBe(7);
    for (const id of ['ghost-without-hash', nodata.id, 'ghost-at-the-end'])
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^dropping: dropped job ${id}\\b`)));
  });
});
