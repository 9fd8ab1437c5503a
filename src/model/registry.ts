import type { Redis } from 'ioredis';
import { keys, type RegistryKind } from '../redis/keys.js';
import { InvalidJobOperation } from './errors.js';
import { Job } from './job.js';
import { JSONSerializer, type Serializer } from './serializer.js';
import { formatTimestamp, unixNow } from './time.js';
import { enqueueCommands, failCommands } from './transitions.js';

// The six per-queue sorted sets. Scores mean different things per kind (rq-protocol §1):
// started = when the job counts as abandoned, finished/failed = expiry, deferred = time of
// deferral, scheduled = when to run, canceled = time of cancel.

const CLEANED_KINDS = new Set<RegistryKind>(['started', 'finished', 'failed']);

export class Registry {
  readonly key: string;

  constructor(
    readonly kind: RegistryKind,
    readonly queueName: string,
    readonly connection: Redis,
    readonly serializer: Serializer = JSONSerializer,
  ) {
    this.key = keys.registry(kind, queueName);
  }

  /** Like RQ, counting the started/finished/failed registries cleans them first. */
  async count(options: { cleanup?: boolean } = {}): Promise<number> {
    if (options.cleanup !== false && CLEANED_KINDS.has(this.kind)) await this.cleanup();
    return this.connection.zcard(this.key);
  }

  /** Ids in score order, paged in Redis (start and end inclusive, as ZRANGE). */
  async jobIds(start = 0, end = -1): Promise<string[]> {
    return this.connection.zrange(this.key, start, end);
  }

  async contains(id: string): Promise<boolean> {
    return (await this.connection.zscore(this.key, id)) !== null;
  }

  async remove(id: string, options: { deleteJob?: boolean } = {}): Promise<number> {
    const multi = this.connection.multi().zrem(this.key, id);
    if (options.deleteJob) multi.del(keys.job(id), keys.jobDependents(id), keys.jobDependencies(id));
    const replies = await multi.exec();
    return Number(replies?.[0]?.[1] ?? 0);
  }

  /**
   * Expiry clean-up as RQ does it: finished and failed drop entries whose score has
   * passed; started fails abandoned jobs (or retries them when they have retries left).
   */
  async cleanup(now: number = unixNow()): Promise<string[]> {
    if (this.kind === 'finished' || this.kind === 'failed') {
      await this.connection.zremrangebyscore(this.key, 0, now);
      return [];
    }
    if (this.kind !== 'started') return [];
    const abandoned = await this.connection.zrangebyscore(this.key, 0, now);
    if (abandoned.length === 0) return [];
    const jobs = await Job.fetchMany(this.connection, abandoned, this.serializer);
    const multi = this.connection.multi();
    const ended = new Date();
    for (const job of jobs) {
      if (!job) continue;
      job.excInfo = `Moved to FailedJobRegistry, due to AbandonedJobError, at ${formatTimestamp(ended)}`;
      failCommands(multi, job, { excString: job.excInfo, ended });
    }
    multi.zremrangebyscore(this.key, 0, now);
    await multi.exec();
    return abandoned;
  }

  /** FailedJobRegistry.requeue: back to its queue as `queued`, at the tail or front. */
  async requeue(id: string, options: { atFront?: boolean } = {}): Promise<Job> {
    if (this.kind !== 'failed') throw new InvalidJobOperation(`Only failed jobs can be requeued, not ${this.kind} ones`);
    const job = await Job.fetch(this.connection, id, this.serializer);
    const removed = await this.connection.zrem(this.key, id);
    if (removed === 0) throw new InvalidJobOperation(`Job ${id} is not in the failed registry of queue ${this.queueName}`, 'Run rqts info to see which queue holds it');
    job.startedAt = undefined;
    job.endedAt = undefined;
    job.excInfo = '';
    const multi = this.connection.multi();
    enqueueCommands(multi, job, { atFront: options.atFront });
    await multi.exec();
    return job;
  }
}

export interface RegistryCounts {
  started: number;
  finished: number;
  failed: number;
  deferred: number;
  scheduled: number;
  canceled: number;
}
