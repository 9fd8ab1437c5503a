import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { connect, maskPassword } from '../../redis/connection.js';
import { freePort } from '../../redis/free-port.js';
import { keys, REGISTRY_KINDS, workerNameFromKey } from '../../redis/keys.js';
import { RqtsError } from '../../errors.js';
import { Queue } from '../../model/queue.js';
import { PACKAGE_ROOT } from './local-workers.js';
import { keyOf } from '../keymap.js';

// `rqts console --demo`: everything a newcomer needs in one command. It never touches a
// Redis it did not start: a private throwaway redis-server by default; only an explicit
// `--demo --url URL` writes elsewhere, into queues of its own (demo.*), and removes every
// key it created on quit. The console launches two workers on the tasks shipped in
// examples/demo and the feeder keeps them busy with quick, slow, failing and hanging jobs.

export const DEMO_TASKS_DIR = path.join(PACKAGE_ROOT, 'examples', 'demo');

/** The queues a demo uses: plain names on its private server, demo.* on a shared one. */
export interface DemoQueues {
  high: string;
  normal: string;
  low: string;
  /** Nobody listens on it (flagged NO-WORKER). */
  orphan: string;
}

export const PRIVATE_DEMO_QUEUES: DemoQueues = {
  high: 'high',
  normal: 'default',
  low: 'low',
  orphan: 'reports',
};
export const SHARED_DEMO_QUEUES: DemoQueues = {
  high: 'demo.high',
  normal: 'demo.default',
  low: 'demo.low',
  orphan: 'demo.reports',
};

export function demoQueueNames(queues: DemoQueues): string[] {
  return [queues.high, queues.normal, queues.low, queues.orphan];
}

/** Each demo worker serves its own queue first, so the failing jobs on low get their turn. */
export function demoWorkerQueues(queues: DemoQueues): string[][] {
  return [
    [queues.high, queues.normal],
    [queues.low, queues.normal],
  ];
}

export interface DemoRedis {
  url: string;
  /** Header note: whose Redis this is. */
  note: string;
  /** True when we started the server: it (and the demo workers) go away on exit. */
  private: boolean;
  queues: DemoQueues;
  /** On a shared server: what the demo will write there (printed before it starts). */
  warning: string | undefined;
  /**
   * Worker keys without a TTL on the shared server before the demo: any worker's start-up
   * (RQ's cleanup_ghosts, the demo's workers too) gives them one, and the demo takes it back.
   */
  untimedWorkers: string[];
  stop(): Promise<void>;
}

export function redisServerAvailable(binary = 'redis-server'): boolean {
  const probe = spawnSync(binary, ['--version'], { stdio: 'ignore' });
  return probe.status === 0 && !probe.error;
}

/**
 * `sharedUrl`: the server the user named with --url; without it a private redis-server is
 * started whatever answers at the default address.
 */
export async function prepareDemoRedis(
  options: { sharedUrl?: string; binary?: string } = {},
): Promise<DemoRedis> {
  if (options.sharedUrl !== undefined) return prepareSharedDemo(options.sharedUrl);
  const binary = options.binary ?? 'redis-server';
  if (!redisServerAvailable(binary)) {
    throw new RqtsError(
      'UNREACHABLE',
      `rqts console --demo runs its own private redis-server, and ${binary} is not installed`,
      'Install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), or pass --demo --url URL to use a server you choose',
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
          'Start Redis yourself and pass --demo --url URL',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url: privateUrl,
    note: `demo: private Redis on 127.0.0.1:${port}, discarded on exit`,
    private: true,
    queues: PRIVATE_DEMO_QUEUES,
    warning: undefined,
    untimedWorkers: [],
    async stop() {
      // The throwaway server goes with everything in it: no warm wait for anyone.
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
        server.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function prepareSharedDemo(url: string): Promise<DemoRedis> {
  const queues = SHARED_DEMO_QUEUES;
  const client = await connect(url, { connectTimeoutMs: 3000 });
  let untimedWorkers: string[];
  try {
    const listed = await client.smembers(keys.allWorkers);
    const ttls =
      listed.length > 0 ? ((await listed.reduce((p, k) => p.ttl(k), client.pipeline()).exec()) ?? []) : [];
    untimedWorkers = listed.filter((_, i) => Number(ttls[i]?.[1]) === -1);
    // Clean-up deletes the demo queues' keys: they must be the demo's own from the start.
    const probe = client.pipeline();
    for (const name of demoQueueNames(queues)) probe.exists(...queueKeysOf(name));
    const replies = (await probe.exec()) ?? [];
    const taken = demoQueueNames(queues).filter((_, i) => Number(replies[i]?.[1] ?? 0) > 0);
    if (taken.length > 0)
      throw new RqtsError(
        'BAD_ARGUMENT',
        `${maskPassword(url)} already has the demo's queue ${taken.join(', ')}`,
        'Another demo may be running there; empty those queues or run rqts console --demo without --url (private Redis)',
      );
  } finally {
    client.disconnect();
  }
  return {
    url,
    note: `demo on ${maskPassword(url)}: queues demo.*, removed on quit`,
    private: false,
    queues,
    untimedWorkers,
    warning:
      `rqts console --demo --url ${maskPassword(url)} writes into that server: queues ${demoQueueNames(queues).join(', ')} ` +
      '(their jobs, registries and results) and the workers it launches (rq:workers entries and hashes). ' +
      'It removes every key it created when you quit.',
    stop: () => Promise.resolve(),
  };
}

/** Every per-queue key a demo queue can grow (list, registries, worker set, locks). */
function queueKeysOf(name: string): string[] {
  return [
    keys.queue(name),
    keys.intermediate(name),
    ...REGISTRY_KINDS.map((kind) => keys.registry(kind, name)),
    keys.workersOfQueue(name),
    keys.cleanRegistriesLock(name),
    keys.schedulerLock(name),
  ];
}

/**
 * Removes what a demo wrote to a shared server: its queues' keys, every job it created or
 * that sits in its queues, and its workers' hashes and set entries. Call it after the demo's
 * workers have exited (a running worker would write again).
 */
export async function removeDemoKeys(
  redis: Redis,
  demo: Pick<DemoRedis, 'queues' | 'untimedWorkers'>,
  workerNames: Iterable<string>,
  jobIds: Iterable<string>,
): Promise<void> {
  const queues = demo.queues;
  const names = demoQueueNames(queues);
  const read = redis.pipeline();
  for (const name of names) {
    read.lrange(keys.queue(name), 0, -1).lrange(keys.intermediate(name), 0, -1);
    for (const kind of REGISTRY_KINDS) read.zrange(keys.registry(kind, name), 0, -1);
  }
  const listed = ((await read.exec()) ?? []).flatMap(([, ids]) =>
    Array.isArray(ids) ? (ids as unknown[]).map(String) : [],
  );
  // RQ 2.x started-registry members are <job id>:<execution id>.
  const ids = new Set([...jobIds, ...listed.map((member) => member.split(':')[0] ?? '')]);
  ids.delete('');
  const multi = redis.multi();
  for (const name of names) {
    multi.del(...queueKeysOf(name));
    multi.srem(keys.allQueues, keys.queue(name));
    for (const id of ids) multi.del(keys.intermediateFirstSeen(name, id));
  }
  for (const id of ids)
    multi.del(keys.job(id), keys.jobDependents(id), keys.jobDependencies(id), keys.results(id));
  for (const worker of workerNames) {
    multi.del(keys.worker(worker), keys.pool(worker));
    multi.srem(keys.allWorkers, keys.worker(worker));
  }
  for (const key of demo.untimedWorkers) multi.persist(key);
  await multi.exec();
}

/** Workers registered on nothing but demo queues: the demo's, launched or from a demo pool. */
export async function demoWorkerNames(redis: Redis, queues: DemoQueues): Promise<string[]> {
  const names = new Set(demoQueueNames(queues));
  const members = (await redis.smembers(keys.allWorkers)).filter((k) => k.startsWith(keys.worker('')));
  if (members.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const key of members) pipeline.hget(key, 'queues');
  const replies = (await pipeline.exec()) ?? [];
  return members
    .filter((_, i) => {
      const text = replies[i]?.[1];
      return typeof text === 'string' && text !== '' && text.split(',').every((q) => names.has(q));
    })
    .map(workerNameFromKey);
}

export class DemoFeeder {
  private timer: NodeJS.Timeout | undefined;
  private round = 0;
  private hangId: string | undefined;
  private lastHangAt = 0;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Every job this feeder enqueued, so a shared server can be cleaned of them. */
  readonly created = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly options: { everyMs?: number; maxQueued?: number; queues?: DemoQueues } = {},
  ) {}

  private get queues(): DemoQueues {
    return this.options.queues ?? PRIVATE_DEMO_QUEUES;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.running = this.first();
    await this.running;
    if (this.stopped) return;
    this.timer = setInterval(() => {
      this.running = this.running.then(() => (this.stopped ? undefined : this.feed())).catch(() => undefined);
    }, this.options.everyMs ?? 3000);
    this.timer.unref();
  }

  /** Stops feeding; resolves once no enqueue is in flight any more. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running.catch(() => undefined);
  }

  private async first(): Promise<void> {
    const job = await new Queue(this.queues.orphan, this.redis).enqueue(
      'tasks.quick',
      [1],
      {},
      {
        description: `tasks.quick(1)  (nobody listens on this queue: launch a worker with ${keyOf('action.launch')})`,
      },
    );
    this.created.add(job.id);
    await this.feed();
  }

  private note(jobs: { id: string }[]): void {
    for (const job of jobs) this.created.add(job.id);
  }

  private async feed(): Promise<void> {
    this.round++;
    const high = new Queue(this.queues.high, this.redis);
    const normal = new Queue(this.queues.normal, this.redis);
    const low = new Queue(this.queues.low, this.redis);
    const queued = (await Promise.all([high.count(), normal.count(), low.count()])).reduce(
      (a, b) => a + b,
      0,
    );
    await this.keepOneHanging(normal);
    if (queued >= (this.options.maxQueued ?? 25)) return;
    this.note(
      await high.enqueueMany([
        { funcName: 'tasks.quick', args: [this.round] },
        { funcName: 'tasks.quick', args: [this.round + 1] },
      ]),
    );
    this.note(
      await normal.enqueueMany([
        { funcName: 'tasks.quick', args: [this.round * 10] },
        { funcName: 'tasks.slow', args: [2 + (this.round % 5)] },
      ]),
    );
    if (this.round % 2 === 0)
      this.note([await low.enqueue('tasks.failing', [`demo failure #${this.round}`])]);
    if (this.round % 5 === 0) this.note([await low.enqueue('tasks.slow', [8])]);
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
      {
        timeout: 3600,
        description: `tasks.hang()  (never ends: try ${keyOf('action.killHorse')} or ${keyOf('action.stopJob')} on its worker)`,
      },
    );
    this.created.add(job.id);
    this.hangId = job.id;
    this.lastHangAt = Date.now();
  }
}
