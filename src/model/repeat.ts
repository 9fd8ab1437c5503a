import type { ChainableCommander } from 'ioredis';
import { keys } from '../redis/keys.js';
import { SCRIPTS } from '../redis/scripts/index.js';
import type { Job } from './job.js';
import { formatTimestamp, unixNow } from './time.js';

// RQ 2.x's Repeat (docs/protocol.md §6.11): after each success a job with `repeats_left` > 0
// runs again, at once or after an interval in the scheduled registry, until none are left.

export interface RepeatPlan {
  /** repeats_left as this run read it. */
  left: number;
  /** Seconds until the next run; 0 queues it at once. */
  interval: number;
}

/**
 * The next run a finished job asks for, or undefined. The interval is
 * `repeat_intervals[min(repeats_left, len) − 1]`, as 2.10 picks it (observed: with
 * `Repeat(times=3, interval=[10, 20, 40])` the runs wait 40, 20, then 10 seconds), so the
 * last interval given also serves every repeat beyond the list.
 */
export function repeatPlan(job: Job): RepeatPlan | undefined {
  const left = job.rq2?.repeatsLeft;
  if (left === undefined || left <= 0) return undefined;
  const intervals = job.rq2?.repeatIntervals?.length ? job.rq2.repeatIntervals : [0];
  return { left, interval: intervals[Math.min(left, intervals.length) - 1] ?? 0 };
}

/** Queues scripts/repeat-job-6.lua after a finish by `worker` (same MULTI). */
export function repeatCommands(
  multi: ChainableCommander,
  job: Job,
  plan: RepeatPlan,
  worker: string,
  now: Date,
): void {
  SCRIPTS.repeatJob.queue(
    multi,
    [
      job.key,
      keys.queue(job.origin),
      keys.registry('scheduled', job.origin),
      keys.allQueues,
      keys.jobDependents(job.id),
      keys.jobDependencies(job.id),
    ],
    [
      job.id,
      worker,
      String(plan.left),
      String(plan.interval),
      String(unixNow(now.getTime()) + plan.interval),
      formatTimestamp(now),
    ],
  );
}
