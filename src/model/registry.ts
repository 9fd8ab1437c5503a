import type { Redis } from 'ioredis';
import { keys, type RegistryKind } from '../redis/keys.js';
import { InvalidJobOperation } from './errors.js';
import { DEFAULT_FAILURE_TTL, Job } from './job.js';
import { withScripts } from '../redis/scripts/index.js';
import { compress, JSONSerializer, type Serializer } from './serializer.js';
import { formatTimestamp, unixNow } from './time.js';
import { abandonCommands } from './transitions.js';

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
    const pipeline = this.connection.pipeline();
    for (const id of abandoned) pipeline.hgetallBuffer(keys.job(id));
    const hashes = (await pipeline.exec()) ?? [];
    const multi = this.connection.multi();
    const at = new Date();
    abandoned.forEach((id, i) => {
      const hash = hashes[i]?.[1] as Record<string, Buffer> | undefined;
      if (!hash || !hash.data) return; // gone (or no data): RQ skips it, the range removal drops it
      let job: Job;
      try {
        job = Job.fromHash(id, hash, this.serializer);
      } catch {
        // A hash we cannot read (say a garbage timeout) must still leave "executing".
        multi.hset(keys.job(id), 'status', 'failed');
        multi.zadd(keys.registry('failed', this.queueName), String(now + DEFAULT_FAILURE_TTL), id);
        return;
      }
      abandonCommands(multi, job, at);
    });
    multi.zremrangebyscore(this.key, 0, now);
    await multi.exec();
    return abandoned;
  }

  /** FailedJobRegistry.requeue: back to its queue as `queued`, in one atomic step. */
  async requeue(id: string, options: { atFront?: boolean } = {}): Promise<Job> {
    if (this.kind !== 'failed')
      throw new InvalidJobOperation(`Only failed jobs can be requeued, not ${this.kind} ones`);
    const job = await Job.fetch(this.connection, id, this.serializer);
    const enqueuedAt = new Date();
    const moved = await withScripts(this.connection).rqtsRequeueFailed(
      this.key,
      job.key,
      keys.queue(job.origin),
      keys.allQueues,
      id,
      formatTimestamp(enqueuedAt),
      compress(''),
      options.atFront ? '1' : '0',
      job.ttl ?? 0,
    );
    if (moved === 0)
      throw new InvalidJobOperation(
        `Job ${id} is not in the failed registry of queue ${this.queueName}`,
        'Run rqts info to see which queue holds it',
      );
    job.status = 'queued';
    job.enqueuedAt = enqueuedAt;
    job.startedAt = undefined;
    job.endedAt = undefined;
    job.excInfo = '';
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
