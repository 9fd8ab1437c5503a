import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { connect, maskPassword } from '../../redis/connection.js';
import { freePort } from '../../redis/free-port.js';
import { keys } from '../../redis/keys.js';
import { RqtsError } from '../../model/errors.js';
import { Queue } from '../../model/queue.js';
import { PACKAGE_ROOT } from './local-workers.js';

// `rqts console --demo`: everything a newcomer needs in one command. Use the Redis at the
// URL if one answers; otherwise start a private throwaway redis-server (and say so); the
// console then launches two workers on the tasks shipped in examples/demo and this feeder
// keeps them busy with quick, slow, failing and hanging jobs.

export const DEMO_TASKS_DIR = path.join(PACKAGE_ROOT, 'examples', 'demo');

export interface DemoRedis {
  url: string;
  /** Header note: whose Redis this is. */
  note: string;
  /** True when we started the server: it (and the demo workers) go away on exit. */
  private: boolean;
  stop(): Promise<void>;
}

export function redisServerAvailable(binary = 'redis-server'): boolean {
  const probe = spawnSync(binary, ['--version'], { stdio: 'ignore' });
  return probe.status === 0;
}

export async function prepareDemoRedis(url: string, options: { binary?: string } = {}): Promise<DemoRedis> {
  try {
    const client = await connect(url, { connectTimeoutMs: 1500 });
    client.disconnect();
    return { url, note: `demo on ${maskPassword(url)}`, private: false, stop: async () => undefined };
  } catch (error) {
    if (error instanceof RqtsError && error.code !== 'UNREACHABLE') throw error;
  }
  const binary = options.binary ?? 'redis-server';
  if (!redisServerAvailable(binary)) {
    throw new RqtsError(
      'UNREACHABLE',
      `No Redis answers at ${maskPassword(url)} and no redis-server binary is installed`,
      'Install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), or pass --url to a running one',
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'rqts-demo-redis-'));
  const server: ChildProcess = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const privateUrl = `redis://127.0.0.1:${port}/0`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const client = await connect(privateUrl, { connectTimeoutMs: 500 });
      client.disconnect();
      break;
    } catch (error) {
      if (Date.now() > deadline || server.exitCode !== null) {
        server.kill('SIGKILL');
        throw new RqtsError(
          'UNREACHABLE',
          `Could not start a private redis-server on port ${port} (${(error as Error).message})`,
          'Start Redis yourself and pass --url',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url: privateUrl,
    note: `demo: private Redis on 127.0.0.1:${port}, discarded on exit`,
    private: true,
    async stop() {
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
        server.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Queues the demo workers listen on, and one nobody listens on (flagged NO-WORKER). */
// Each demo worker serves its own queue first, so the failing jobs on low get their turn.
export const DEMO_WORKER_QUEUES: readonly string[][] = [
  ['high', 'default'],
  ['low', 'default'],
];
export const DEMO_ORPHAN_QUEUE = 'reports';

export class DemoFeeder {
  private timer: NodeJS.Timeout | undefined;
  private round = 0;
  private hangId: string | undefined;
  private lastHangAt = 0;

  constructor(
    private readonly redis: Redis,
    private readonly options: { everyMs?: number; maxQueued?: number } = {},
  ) {}

  async start(): Promise<void> {
    await new Queue(DEMO_ORPHAN_QUEUE, this.redis).enqueue(
      'tasks.quick',
      [1],
      {},
      { description: 'tasks.quick(1)  (nobody listens on this queue: launch a worker with L)' },
    );
    await this.feed();
    this.timer = setInterval(() => void this.feed().catch(() => undefined), this.options.everyMs ?? 3000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async feed(): Promise<void> {
    this.round++;
    const high = new Queue('high', this.redis);
    const normal = new Queue('default', this.redis);
    const low = new Queue('low', this.redis);
    const queued = (await Promise.all([high.count(), normal.count(), low.count()])).reduce(
      (a, b) => a + b,
      0,
    );
    await this.keepOneHanging(normal);
    if (queued >= (this.options.maxQueued ?? 25)) return;
    await high.enqueueMany([
      { funcName: 'tasks.quick', args: [this.round] },
      { funcName: 'tasks.quick', args: [this.round + 1] },
    ]);
    await normal.enqueueMany([
      { funcName: 'tasks.quick', args: [this.round * 10] },
      { funcName: 'tasks.slow', args: [2 + (this.round % 5)] },
    ]);
    if (this.round % 2 === 0) await low.enqueue('tasks.failing', [`demo failure #${this.round}`]);
    if (this.round % 5 === 0) await low.enqueue('tasks.slow', [8]);
  }

  /** One job that never ends (until you kill its horse or stop it), re-offered after 30 s. */
  private async keepOneHanging(queue: Queue): Promise<void> {
    if (this.hangId) {
      const status = await this.redis.hget(keys.job(this.hangId), 'status');
      if (status === 'queued' || status === 'started') return;
      if (Date.now() - this.lastHangAt < 30_000) return;
    }
    const job = await queue.enqueue(
      'tasks.hang',
      [],
      {},
      { timeout: 3600, description: 'tasks.hang()  (never ends: try K or S on its worker)' },
    );
    this.hangId = job.id;
    this.lastHangAt = Date.now();
  }
}
