import os from 'node:os';
import type { ChainableCommander, Redis } from 'ioredis';
import { RqtsError } from '../errors.js';
import { formatTimestamp } from '../model/time.js';
import type { WorkerState } from '../model/worker-record.js';
import { keys } from '../redis/keys.js';
import { PROTOCOL_VERSION_TEXT, type RqProtocol } from './rq-protocol.js';

// The worker's own record, as RQ 1.16 writes it (docs/protocol.md §3): its hash rq:worker:<name>,
// its place in rq:workers and rq:workers:<queue>, its state and heartbeats. The job steps
// (store.ts) build on it.

/** The RQ release whose wire format rqts speaks by default; Python readers show it as the version. */
export const RQ_PROTOCOL_VERSION = PROTOCOL_VERSION_TEXT[1];

export interface WorkerIdentity {
  name: string;
  queues: string[];
  rqtsVersion: string;
  poolName: string | undefined;
}

export class WorkerHash {
  readonly key: string;
  /** The RQ wire format written: 2 = composite members and execution records (rq-protocol §9). */
  protocol: RqProtocol = 1;

  constructor(
    readonly connection: Redis,
    readonly identity: WorkerIdentity,
  ) {
    this.key = keys.worker(identity.name);
  }

  /** A name is taken while its hash exists without a `death` field (docs/protocol.md §3.3). */
  async assertNameFree(): Promise<void> {
    const [exists, dead] = await Promise.all([
      this.connection.exists(this.key),
      this.connection.hexists(this.key, 'death'),
    ]);
    if (exists === 1 && dead === 0) {
      throw new RqtsError(
        'WORKER_EXISTS',
        `There exists an active worker named ${JSON.stringify(this.identity.name)} already`,
        'Pick another --name, or stop that worker first',
      );
    }
  }

  private async ownAddress(): Promise<string> {
    try {
      await this.connection.client('SETNAME', this.identity.name.replace(/\s/g, '_'));
      const info = String(await this.connection.call('CLIENT', 'INFO'));
      return /\baddr=(\S+)/.exec(info)?.[1] ?? 'unknown';
    } catch {
      return 'unknown';
    }
  }

  async registerBirth(workerTtl: number): Promise<void> {
    const now = formatTimestamp(new Date());
    const address = await this.ownAddress();
    const multi = this.connection.multi();
    multi.del(this.key);
    multi.hset(this.key, {
      birth: now,
      last_heartbeat: now,
      queues: this.identity.queues.join(','),
      pid: String(process.pid),
      hostname: os.hostname(),
      ip_address: address,
      version: PROTOCOL_VERSION_TEXT[this.protocol],
      python_version: `rqts ${this.identity.rqtsVersion} (Node.js ${process.version})`,
      ...(this.identity.poolName ? { rqts_pool: this.identity.poolName } : {}),
    });
    multi.sadd(keys.allWorkers, this.key);
    for (const queue of this.identity.queues) multi.sadd(keys.workersOfQueue(queue), this.key);
    multi.expire(this.key, workerTtl + 60);
    await multi.exec();
  }

  async registerDeath(): Promise<void> {
    const multi = this.connection.multi();
    multi.srem(keys.allWorkers, this.key);
    for (const queue of this.identity.queues) multi.srem(keys.workersOfQueue(queue), this.key);
    multi.hset(this.key, 'death', formatTimestamp(new Date()));
    multi.expire(this.key, 60);
    await multi.exec();
  }

  /** Resolves false when the worker key had vanished (Redis restarted or flushed, TTL lapsed). */
  async setState(state: WorkerState, ttl?: number): Promise<boolean> {
    const multi = this.connection.multi();
    if (ttl !== undefined) this.heartbeatCommands(multi, ttl);
    multi.hset(this.key, 'state', state);
    const replies = await multi.exec();
    return ttl === undefined || Number(replies?.[0]?.[1]) === 1;
  }

  heartbeatCommands(multi: ChainableCommander, ttl: number): void {
    multi.expire(this.key, ttl);
    multi.hset(this.key, 'last_heartbeat', formatTimestamp(new Date()));
  }

  async heartbeat(ttl: number): Promise<void> {
    const multi = this.connection.multi();
    this.heartbeatCommands(multi, ttl);
    await multi.exec();
  }

  async setShutdownRequested(): Promise<void> {
    await this.connection.hset(this.key, 'shutdown_requested_date', formatTimestamp(new Date()));
  }
}

/** RQ's cleanup_ghosts at worker start: a listed worker key without a TTL gets one. */
export async function cleanupGhosts(connection: Redis, ttl = 420): Promise<void> {
  const workerKeys = await connection.smembers(keys.allWorkers);
  if (workerKeys.length === 0) return;
  const pipeline = connection.pipeline();
  for (const key of workerKeys) pipeline.ttl(key);
  const ttls = (await pipeline.exec()) ?? [];
  const ghosts = workerKeys.filter((_, i) => Number(ttls[i]?.[1]) === -1);
  if (ghosts.length === 0) return;
  const fix = connection.pipeline();
  for (const key of ghosts) fix.expire(key, ttl);
  await fix.exec();
}
