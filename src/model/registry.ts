import type { Redis } from 'ioredis';
import { keys, type RegistryKind } from '../redis/keys.js';
import { InvalidJobOperation } from '../errors.js';
import { Job } from './job.js';
import { SCRIPTS } from '../redis/scripts/index.js';
import { compress, JSONSerializer, type Serializer } from './serializer.js';
import { formatTimestamp, unixNow } from './time.js';
import { cleanAbandoned, type CleanupOptions } from './abandoned.js';
import { startedJobIds, startedMembersOf } from './started-member.js';

// The six per-queue sorted sets. Scores mean different things per kind (docs/protocol.md §1):
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

  /**
   * Job ids in score order, paged in Redis (start and end inclusive, as ZRANGE). Started
   * members are read in both forms (plain id, RQ 2.x `job_id:execution_id`).
   */
  async jobIds(start = 0, end = -1): Promise<string[]> {
    const members = await this.connection.zrange(this.key, start, end);
    return this.kind === 'started' ? startedJobIds(members) : members;
  }

  /** The members as stored (for the started registry, possibly composite). */
  async members(start = 0, end = -1): Promise<string[]> {
    return this.connection.zrange(this.key, start, end);
  }

  async contains(id: string): Promise<boolean> {
    if (this.kind === 'started') return (await startedMembersOf(this.connection, this.key, id)).length > 0;
    return (await this.connection.zscore(this.key, id)) !== null;
  }

  async remove(id: string, options: { deleteJob?: boolean } = {}): Promise<number> {
    const members = this.kind === 'started' ? await startedMembersOf(this.connection, this.key, id) : [id];
    if (members.length === 0 && !options.deleteJob) return 0;
    const multi = this.connection.multi().zrem(this.key, ...(members.length > 0 ? members : [id]));
    if (options.deleteJob) multi.del(keys.job(id), keys.jobDependents(id), keys.jobDependencies(id));
    const replies = await multi.exec();
    return Number(replies?.[0]?.[1] ?? 0);
  }

  /**
   * Expiry clean-up as RQ does it: finished and failed drop entries whose score has
   * passed; started fails abandoned jobs (or retries them when they have retries left).
   */
  async cleanup(now: number = unixNow(), options: CleanupOptions = {}): Promise<string[]> {
    if (this.kind === 'finished' || this.kind === 'failed') {
      await this.connection.zremrangebyscore(this.key, 0, now);
      return [];
    }
    if (this.kind !== 'started') return [];
    return cleanAbandoned(this, now, options);
  }

  /** FailedJobRegistry.requeue: back to its queue as `queued`, in one atomic step. */
  async requeue(id: string, options: { atFront?: boolean } = {}): Promise<Job> {
    if (this.kind !== 'failed')
      throw new InvalidJobOperation(`Only failed jobs can be requeued, not ${this.kind} ones`);
    const job = await Job.fetch(this.connection, id, this.serializer);
    const enqueuedAt = new Date();
    const moved = await SCRIPTS.requeueFailed.call(
      this.connection,
      [this.key, job.key, keys.queue(job.origin), keys.allQueues],
      [
        id,
        formatTimestamp(enqueuedAt),
        compress(''),
        options.atFront ? 'front' : 'back',
        String(job.ttl ?? 0),
      ],
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

export type { CleanupOptions };

export interface RegistryCounts {
  started: number;
  finished: number;
  failed: number;
  deferred: number;
  scheduled: number;
  canceled: number;
}
