import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, killSpawned, spawnRqts, type RqtsProcess } from '../helpers/rqts-process.js';
import { startProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait.js';

// A worker must never exit because a connection dropped. The fault matrix's proxy scenario
// found `rqts worker` and `rqts worker-pool` ending with "Cannot reach Redis … (Connection is
// closed.)" when a link dropped during start-up, and a pool ending on "Connection is closed."
// Here a proxy cuts the connections at chosen moments of start-up (the handshake, the
// registration, the command listener's SUBSCRIBE), then every connection while jobs run:
// the processes stay up, register, and every job runs exactly once.

let redis: TestRedis;
let proxy: TcpProxy;
let dir: string;
useRedis((started) => (redis = started), killSpawned);

beforeAll(async () => {
  proxy = await startProxy(redis.port);
  dir = mkdtempSync(path.join(tmpdir(), 'rqts-conn-drops-'));
});

afterAll(async () => {
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A RESP bulk string, as the argument appears on the wire. */
function bulk(text: string): string {
  return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
}

/** Springs each trap in turn: the next is set the moment the previous one cut its connection. */
async function dropInTurn(proc: RqtsProcess, patterns: readonly string[]): Promise<void> {
  for (const pattern of patterns) {
    let timer: NodeJS.Timeout | undefined;
    const sprung = await Promise.race([
      proxy.dropReplyOf(pattern).then(() => true),
      proc.exited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 20_000))),
    ]);
    clearTimeout(timer);
    expect(sprung, `drop at ${JSON.stringify(pattern)}; output:\n${proc.output()}`).toBe(true);
  }
}

function runsIn(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

const JOBS = 24;

const SYSTEMS = [
  {
    system: 'worker',
    args: (queue: string) => ['worker', queue, '--url', proxy.url, '--path', FIXTURES],
    // The client's ready check (INFO), the handshake's PING, the registration's HSET, the
    // command listener's SUBSCRIBE. ioredis sends command names in lower case.
    startUp: [bulk('info'), bulk('ping'), bulk('birth'), bulk('subscribe')],
  },
  {
    system: 'worker-pool',
    args: (queue: string) => [
      'worker-pool',
      queue,
      '-n',
      '1',
      '--name',
      queue,
      '--url',
      proxy.url,
      '--path',
      FIXTURES,
    ],
    // The pool's own start-up checks, then its member's handshake, registration and SUBSCRIBE.
    startUp: [bulk('info'), bulk(keys.suspended), bulk('info'), bulk('birth'), bulk('subscribe')],
  },
] as const;

describe.each(SYSTEMS)('rqts $system with connections dropped', ({ system, args, startUp }) => {
  it('stays up through drops at start-up and while running jobs; each job runs once', async () => {
    const queueName = `drops-${system}`;
    const file = path.join(dir, `${queueName}.runs`);
    const proc = spawnRqts(args(queueName));
    await dropInTurn(proc, startUp);
    await proc.waitForOutput('Listening for work', 30_000);

    const queue = new Queue(queueName, redis.client);
    const jobs = await queue.enqueueMany(
      Array.from({ length: JOBS }, (_, i) => ({ funcName: 'runs.record', args: [file, `job-${i}`] })),
    );
    // Every connection the worker has, cut three times while jobs are running.
    for (const after of [4, 10, 16]) {
      await waitFor(() => runsIn(file).length >= after, 30_000, `${after} runs; output:\n${proc.output()}`);
      expect(proxy.dropAll()).toBeGreaterThan(0);
    }
    await waitFor(
      async () => {
        const statuses = await Promise.all(jobs.map((job) => redis.client.hget(keys.job(job.id), 'status')));
        return statuses.every((status) => status === 'finished');
      },
      60_000,
      `all jobs finished; output:\n${proc.output()}`,
    );

    const runs = runsIn(file);
    expect(runs.length, proc.output()).toBe(JOBS);
    expect(new Set(runs).size).toBe(JOBS);
    for (const job of jobs) expect(await redis.client.xlen(keys.results(job.id)), job.id).toBe(1);
    expect(await redis.client.zcard(keys.registry('started', queueName))).toBe(0);
    expect(await redis.client.zcard(keys.registry('failed', queueName))).toBe(0);

    expect(proc.child.exitCode, proc.output()).toBeNull();
    expect(proc.output()).toContain('dropped during the handshake');
    expect(proc.output()).toContain('Lost the connection to Redis; reconnecting');
    expect(proc.output()).toContain('Reconnected to Redis');
    // Registered, and still so after the drops.
    const registered = await redis.client.smembers(keys.workersOfQueue(queueName));
    expect(registered, proc.output()).toHaveLength(1);
    expect(await redis.client.exists(registered[0]!)).toBe(1);

    proc.kill('SIGTERM');
    expect(await proc.exited, proc.output()).toBe(0);
  }, 120_000);
});
