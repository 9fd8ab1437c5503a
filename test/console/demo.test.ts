import { stripVTControlCharacters as stripAnsi } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DemoFeeder,
  PRIVATE_DEMO_QUEUES,
  SHARED_DEMO_QUEUES,
  prepareDemoRedis,
} from '../../src/console/data/demo.js';
import { runConsole } from '../../src/console/run.js';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { FakeStdin, FakeStdout } from './render.js';

/** Every key with its type, TTL and value: "exactly as it found it" means this is unchanged. */
async function dumpKeyspace(client: Redis): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of (await client.keys('*')).sort()) {
    const type = await client.type(key);
    const ttl = (await client.ttl(key)) > 0 ? 'ttl' : String(await client.ttl(key));
    let value: unknown;
    if (type === 'string') value = await client.get(key);
    else if (type === 'hash') value = await client.hgetall(key);
    else if (type === 'list') value = await client.lrange(key, 0, -1);
    else if (type === 'set') value = (await client.smembers(key)).sort();
    else if (type === 'zset') value = await client.zrange(key, 0, -1, 'WITHSCORES');
    else value = '(other)';
    out[key] = `${type} ${ttl} ${JSON.stringify(value)}`;
  }
  return out;
}

/** runConsole on a fake terminal; `quit()` presses q and resolves with the exit code. */
function startDemoConsole(options: { url: string; demoUrl?: string }): {
  screen: () => string;
  errors: () => string;
  quit: () => Promise<{ code: number; ms: number }>;
} {
  const stdout = new FakeStdout(140, 40);
  const stderr = new FakeStdout(140, 40);
  const stdin = new FakeStdin();
  const done = runConsole({
    url: options.url,
    demo: true,
    demoUrl: options.demoUrl,
    intervalMs: 250,
    patchConsole: false,
    everyFrame: true,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
  });
  return {
    screen: () => stripAnsi(stdout.frames.slice(-3).join('')),
    errors: () => stderr.frames.join(''),
    async quit() {
      const at = Date.now();
      stdin.write('q');
      const code = await done;
      return { code, ms: Date.now() - at };
    },
  };
}

describe('--demo', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => redis?.stop());

  /** Someone's real work on the server the demo is pointed at. */
  async function stageRealWork(): Promise<void> {
    const high = new Queue('high', redis.client);
    await high.enqueue('billing.charge', [42], {}, { description: 'real job, must stay queued' });
    await new Queue('default', redis.client).enqueue('billing.refund', [7]);
    await redis.client.set('app:setting', 'keep me');
    await redis.client.hset(keys.worker('prod-1'), { queues: 'high', state: 'idle' });
    await redis.client.sadd(keys.allWorkers, keys.worker('prod-1'));
  }

  it('runs on its own private redis-server even when a server answers at the URL, and leaves it untouched', async () => {
    await redis.client.flushall();
    await stageRealWork();
    const before = await dumpKeyspace(redis.client);
    const demo = startDemoConsole({ url: redis.url });
    await waitFor(() => /demo: private Redis on 127\.0\.0\.1:\d+/.test(demo.screen()), 15_000, 'demo header');
    // The private server's workers pick up the demo's jobs: busy rows on screen.
    await waitFor(() => /\bbusy\b/.test(demo.screen()), 20_000, 'a busy demo worker');
    const { code, ms } = await demo.quit();
    expect(code).toBe(0);
    // No warm wait on the never-ending job: the throwaway server and its workers just go.
    expect(ms).toBeLessThan(2500);
    expect(await dumpKeyspace(redis.client)).toEqual(before);
  });

  it('--demo --url: warns what it writes, uses demo.* queues, and removes every key it created on quit', async () => {
    await redis.client.flushall();
    await stageRealWork();
    const before = await dumpKeyspace(redis.client);
    const demo = startDemoConsole({ url: redis.url, demoUrl: redis.url });
    await waitFor(() => demo.errors(), 5000, 'the warning');
    expect(demo.errors()).toMatch(
      /^Warning: rqts console --demo --url redis:\/\/127\.0\.0\.1:\d+\/0 writes into that server: queues demo\.high, demo\.default, demo\.low, demo\.reports/,
    );
    expect(demo.errors()).toContain('removes every key it created when you quit');
    // Let the demo really work: jobs finish, one hangs, its workers register.
    await waitFor(
      async () =>
        (await redis.client.zcard(keys.registry('finished', SHARED_DEMO_QUEUES.high))) > 0 &&
        (await redis.client.zcard(keys.registry('started', SHARED_DEMO_QUEUES.normal))) > 0,
      30_000,
      'demo jobs finished and running',
    );
    // Its workers never took the real jobs.
    expect(await redis.client.llen(keys.queue('high'))).toBe(1);
    const { code } = await demo.quit();
    expect(code).toBe(0);
    expect(await dumpKeyspace(redis.client)).toEqual(before);
  });

  it('refuses to share a server whose demo.* queues already hold something', async () => {
    await redis.client.flushall();
    await new Queue(SHARED_DEMO_QUEUES.high, redis.client).enqueue('x.y');
    await expect(prepareDemoRedis({ sharedUrl: redis.url })).rejects.toThrow(
      /already has the demo's queue demo\.high/,
    );
  });

  it('says in one line what to install when redis-server is missing', async () => {
    const error = await prepareDemoRedis({ binary: '/nonexistent/redis-server' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'rqts console --demo runs its own private redis-server, and /nonexistent/redis-server is not installed',
    );
    expect((error as { hint?: string }).hint).toMatch(/apt-get install redis-server.*--demo --url URL/);
  });

  it('feeds quick, slow, failing and hanging jobs, and one queue nobody serves', async () => {
    await redis.client.flushall();
    const feeder = new DemoFeeder(redis.client, { everyMs: 100_000 });
    await feeder.start();
    await feeder.stop();
    const q = PRIVATE_DEMO_QUEUES;
    const ids = [
      ...(await redis.client.lrange(keys.queue(q.normal), 0, -1)),
      ...(await redis.client.lrange(keys.queue(q.high), 0, -1)),
      ...(await redis.client.lrange(keys.queue(q.low), 0, -1)),
    ];
    const descriptions = await Promise.all(ids.map((id) => redis.client.hget(keys.job(id), 'description')));
    const text = descriptions.join('\n');
    for (const name of ['tasks.quick', 'tasks.slow', 'tasks.hang()']) expect(text).toContain(name);
    expect(await redis.client.llen(keys.queue(q.orphan))).toBe(1);
    expect(feeder.created.size).toBe(ids.length + 1);
    // The failing job comes every other round.
    const second = new DemoFeeder(redis.client, { everyMs: 50 });
    await second.start();
    await waitFor(async () => (await redis.client.llen(keys.queue(q.low))) > 0, 5000, 'a failing job on low');
    await second.stop();
    const low = await redis.client.lrange(keys.queue(q.low), 0, -1);
    expect(await redis.client.hget(keys.job(low[0] ?? ''), 'description')).toMatch(
      /^tasks\.failing\('demo failure #\d+'\)$/,
    );
  });
});
