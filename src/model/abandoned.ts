import type { Redis } from 'ioredis';
import { keys } from '../redis/keys.js';
import { DEFAULT_FAILURE_TTL, Job } from './job.js';
import type { Serializer } from './serializer.js';
import { legacyReading, parseStartedMember, type StartedMember } from './started-member.js';
import { abandonCommands, abandonedExcInfo, failedScore } from './transitions.js';

// The started registry's clean-up (docs/protocol.md §7.2): members whose score has passed belong
// to jobs whose worker stopped heartbeating. Each such *job* is failed or retried, and exactly
// the member that was read leaves rq:wip: never a range removal that could take a member
// refreshed a moment later, and never a member dropped because its hash was not found
// under the composite name an RQ 2.x worker writes.

export interface CleanupOptions {
  /**
   * Runs for each job an RQ 2.x worker abandoned, once it is failed or retried (a worker's
   * exception handlers; RQ 1.x runs none for abandoned jobs).
   */
  onAbandoned?: (job: Job, excString: string) => unknown;
}

interface StartedRegistryRef {
  readonly connection: Redis;
  readonly key: string;
  readonly queueName: string;
  readonly serializer: Serializer;
}

/** A live worker writing the job between our read and our write aborts the write; then we reread. */
const ATTEMPTS = 3;

interface Resolved {
  member: StartedMember;
  hash: Record<string, Buffer> | undefined;
}

/** Returns the job ids it failed or retried. */
export async function cleanAbandoned(
  registry: StartedRegistryRef,
  now: number,
  options: CleanupOptions,
): Promise<string[]> {
  const expired = await registry.connection.zrangebyscore(registry.key, 0, now);
  if (expired.length === 0) return [];
  // WATCH belongs to a connection: a private one, so no other caller's EXEC can clear it.
  // A lazy, offline-refusing caller (the console's client) must not make it fail before it is up.
  const fenced = registry.connection.duplicate({ lazyConnect: false, enableOfflineQueue: true });
  try {
    for (let attempt = 1; ; attempt++) {
      const done = await cleanOnce(registry, fenced, expired, now, options);
      if (done) return done;
      if (attempt === ATTEMPTS) return []; // still busy: the next clean-up tries again
    }
  } finally {
    fenced.disconnect();
  }
}

async function cleanOnce(
  registry: StartedRegistryRef,
  fenced: Redis,
  members: readonly string[],
  now: number,
  options: CleanupOptions,
): Promise<string[] | undefined> {
  const resolved = await resolve(fenced, members.map(parseStartedMember));
  await fenced.watch(...new Set(resolved.map((r) => keys.job(r.member.jobId))));
  // Scores read after WATCH: a member refreshed since the range read is alive again.
  const scores = await fenced.zmscore(registry.key, ...members);
  const at = new Date();
  const multi = fenced.multi();
  const handled: string[] = [];
  const handlerCalls: [Job, string][] = [];
  resolved.forEach(({ member, hash }, i) => {
    const score = scores[i];
    if (score === null || score === undefined || Number(score) > now) return;
    multi.zrem(registry.key, member.member);
    if (member.executionId !== undefined) {
      multi.del(keys.execution(member.jobId, member.executionId));
      multi.zrem(keys.executions(member.jobId), member.executionId);
    }
    // Gone, or not a job rqts can read (no data): RQ skips it and so do we; the member goes.
    if (!hash?.data || handled.includes(member.jobId)) return;
    handled.push(member.jobId);
    const rq2 = member.executionId !== undefined;
    let job: Job;
    try {
      job = Job.fromHash(member.jobId, hash, registry.serializer);
    } catch {
      // A hash we cannot read (say a garbage timeout) must still leave "executing".
      multi.hset(keys.job(member.jobId), 'status', 'failed');
      multi.zadd(
        keys.registry('failed', registry.queueName),
        String(failedScore(DEFAULT_FAILURE_TTL, now)),
        member.jobId,
      );
      return;
    }
    if (rq2 && options.onAbandoned) handlerCalls.push([job, abandonedExcInfo(at, rq2)]);
    abandonCommands(multi, job, { at, rq2 });
  });
  const replies = await multi.exec();
  if (replies === null) return undefined;
  // After the write, not before as RQ does: an aborted attempt must not call them for a job
  // that turned out to be alive.
  for (const [job, excString] of handlerCalls) await options.onAbandoned?.(job, excString);
  return handled;
}

/**
 * Fetches each member's job hash: the split id's, or for a colon member whose split id has
 * no job, the whole member's (an RQ 1.x job id with a colon in it).
 */
async function resolve(connection: Redis, members: StartedMember[]): Promise<Resolved[]> {
  const pipeline = connection.pipeline();
  for (const member of members) {
    pipeline.hgetallBuffer(keys.job(member.jobId));
    if (member.executionId !== undefined) pipeline.hgetallBuffer(keys.job(member.member));
  }
  const replies = (await pipeline.exec()) ?? [];
  let index = 0;
  return members.map((member): Resolved => {
    const hash = replies[index++]?.[1] as Record<string, Buffer> | undefined;
    if (member.executionId === undefined) return { member, hash };
    const whole = replies[index++]?.[1] as Record<string, Buffer> | undefined;
    if (!hash?.data && whole?.data) return { member: legacyReading(member)!, hash: whole };
    return { member, hash };
  });
}
