import type { Redis } from 'ioredis';
import { keys } from '../../redis/keys.js';
import { Maintenance } from '../../worker/maintenance.js';

// Removing a dead worker whose hash lingers (SIGKILLed: nobody registered its death, and its
// key lives until its TTL runs out). Only its entry goes: its running job stays in the started
// registry, where the console flags it ORPHANED for F (fail) or r (requeue), never lost.

/**
 * Deletes the worker's hash and takes it out of rq:workers and its queues' worker sets, in one
 * MULTI; its current job is left where it is. Returns the job it was running, if any.
 */
export async function removeWorkerEntry(
  redis: Redis,
  worker: string,
  queues: readonly string[],
): Promise<{ currentJob: string | undefined }> {
  const key = keys.worker(worker);
  const currentJob = (await redis.hget(key, 'current_job')) || undefined;
  const multi = redis.multi().del(key).srem(keys.allWorkers, key);
  for (const q of queues) multi.srem(keys.workersOfQueue(q), key);
  await multi.exec();
  return { currentJob };
}

/**
 * The clean-up a worker's maintenance runs on one queue, now, under the same lock; says what
 * it changed (from the registries' sizes before and after) or that a worker holds the lock.
 */
export async function cleanQueueNow(redis: Redis, queue: string): Promise<string> {
  if ((await redis.exists(keys.cleanRegistriesLock(queue))) === 1)
    return 'a worker is cleaning it right now (its lock is held); nothing done';
  const sizes = async (): Promise<number[]> => {
    const replies =
      (await redis
        .pipeline()
        .zcard(keys.registry('started', queue))
        .zcard(keys.registry('finished', queue))
        .zcard(keys.registry('failed', queue))
        .scard(keys.workersOfQueue(queue))
        .exec()) ?? [];
    return replies.map((r) => Number(r[1] ?? 0));
  };
  const [startedBefore = 0, finishedBefore = 0, , workersBefore = 0] = await sizes();
  await new Maintenance(redis, [queue], 0, undefined, () => undefined).run();
  const [startedAfter = 0, finishedAfter = 0, , workersAfter = 0] = await sizes();
  const abandoned = startedBefore - startedAfter;
  const expired = finishedBefore - finishedAfter;
  const dead = workersBefore - workersAfter;
  if (abandoned + expired + dead === 0)
    return 'nothing to clean (no abandoned job, expired entry or dead worker)';
  return [
    abandoned > 0 ? `${abandoned} abandoned started job${abandoned === 1 ? '' : 's'} failed or retried` : '',
    expired > 0 ? `${expired} expired finished entr${expired === 1 ? 'y' : 'ies'} dropped` : '',
    dead > 0 ? `${dead} dead worker${dead === 1 ? '' : 's'} taken out of its worker set` : '',
  ]
    .filter(Boolean)
    .join(', ');
}
