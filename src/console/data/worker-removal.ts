import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { keys } from '../../redis/keys.js';

// Removing a dead worker whose hash lingers (SIGKILLed: nobody registered its death, and its
// key lives until its TTL runs out). Only its entry goes: its running job stays in the started
// registry, where the console flags it ORPHANED for F (fail) or r (requeue), never lost.

export type PidCheck = 'alive' | 'not-running' | 'other-host' | 'unknown';

/** Whether a worker's pid runs on this host (signal 0 asks without sending anything). */
export function checkPid(pid: number | undefined, host: string | undefined): PidCheck {
  if (pid === undefined || host === undefined) return 'unknown';
  if (host !== hostname()) return 'other-host';
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (error) {
    // EPERM: a process of another user holds that pid, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'not-running';
  }
}

export function pidCheckText(check: PidCheck, pid: number | undefined, host: string | undefined): string {
  const at = `${pid ?? '?'}@${host ?? '?'}`;
  switch (check) {
    case 'alive':
      return `pid ${at} is ALIVE on this host: it may be frozen (SIGSTOP) rather than dead; D or a signal first`;
    case 'not-running':
      return `pid ${at} is not running on this host: the worker is gone`;
    case 'other-host':
      return `pid ${at} runs on another host: this console cannot check it`;
    default:
      return `pid ${at}: unknown, cannot check`;
  }
}

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
