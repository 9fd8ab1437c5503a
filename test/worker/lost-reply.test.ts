import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { SCRIPTS } from '../../src/redis/scripts/index.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, killSpawned, runRqts } from '../helpers/rqts-process.js';
import { startProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

// Issue 12, defect 1: when the connection drops after Redis ran a worker's step but before
// its reply arrived, ioredis sends the step again on the new connection. Replayed, a dequeue
// popped a second job and stranded the first in the started registry, never run; a
// finish-and-dequeue did the same. Each step must count once.

let redis: TestRedis;
let proxy: TcpProxy;
useRedis((started) => (redis = started), killSpawned);

beforeAll(async () => {
  proxy = await startProxy(redis.port);
  // Loaded beforehand, so the first call of each runs at once (no NOSCRIPT round first).
  for (const script of [SCRIPTS.dequeue, SCRIPTS.finishDequeue])
    await redis.client.script('LOAD', script.source);
});

afterAll(async () => {
  await proxy.close();
});

/** A RESP bulk string, as the argument appears on the wire. */
function bulk(text: string): string {
  return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
}

async function expectEachRanOnce(queue: string, ids: string[]): Promise<void> {
  for (const id of ids) {
    expect(await redis.client.hget(keys.job(id), 'status'), id).toBe('finished');
    expect(await redis.client.xlen(keys.results(id)), id).toBe(1);
  }
  expect(await redis.client.zcard(keys.registry('started', queue))).toBe(0);
  expect(await redis.client.llen(keys.queue(queue))).toBe(0);
}

describe('a reply lost on a dropped connection', () => {
  it('of a dequeue: the resent dequeue answers the job taken, and pops nothing more', async () => {
    const queue = new Queue('lost-dequeue', redis.client);
    const jobs = [await queue.enqueue('tasks.add', [1, 2]), await queue.enqueue('tasks.add', [3, 4])];
    const sprung = proxy.dropReplyOf(bulk(keys.queue('lost-dequeue')));
    const run = await runRqts(['worker', 'lost-dequeue', '--url', proxy.url, '--path', FIXTURES, '--burst']);
    await sprung;
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('Lost the connection to Redis; reconnecting');
    await expectEachRanOnce(
      'lost-dequeue',
      jobs.map((job) => job.id),
    );
  });

  it('of a finish-and-dequeue: counted once, and the job it took runs', async () => {
    const queue = new Queue('lost-finish', redis.client);
    const jobs = [
      await queue.enqueue('tasks.add', [1, 2]),
      await queue.enqueue('tasks.add', [3, 4]),
      await queue.enqueue('tasks.add', [5, 6]),
    ];
    const sprung = proxy.dropReplyOf(bulk(keys.results(jobs[0]!.id)));
    const run = await runRqts(['worker', 'lost-finish', '--url', proxy.url, '--path', FIXTURES, '--burst']);
    await sprung;
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('Lost the connection to Redis; reconnecting');
    expect(run.output).toMatch(/the finished write was sent twice over a lost connection; it counted once/);
    await expectEachRanOnce(
      'lost-finish',
      jobs.map((job) => job.id),
    );
  });
});
