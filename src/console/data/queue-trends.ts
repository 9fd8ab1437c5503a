import { secondsSince } from '../../model/time.js';
import type { QueueEntry } from './snapshot.js';

// Per-queue trends over the last minutes, from what every refresh already reads (the queue's
// length, its finished and failed registry sizes, the age of its oldest job): no extra Redis
// command. RQ keeps no per-queue counters, so finished/s and failed/s are the growth of the
// two registries between refreshes. That undercounts jobs kept with result_ttl=0 (they never
// enter the finished registry), and a registry cleanup shrinking it counts as no finish, not
// as negative ones.

export const BUCKET_SECONDS = 10;
/** Five minutes of history per queue. */
export const BUCKETS = 30;
/** The rates are averaged over this last stretch (the sparkline shows all five minutes). */
const RATE_SECONDS = 60;
/** "Growing" looks at the last two minutes of backlog and needs one minute of it at least. */
const GROWTH_BUCKETS = 12;
const MIN_GROWTH_BUCKETS = 6;
const MIN_GROWTH_JOBS = 10;
const MIN_GROWTH_SHARE = 0.2;

interface Bucket {
  /** Start of the slot, in whole slots since the epoch. */
  slot: number;
  queued: number;
  oldestAgeSeconds: number | undefined;
  finished: number;
  failed: number;
  seconds: number;
}

interface History {
  buckets: Bucket[];
  last: { at: number; finished: number; failed: number } | undefined;
}

export interface QueueTrend {
  /** Backlog at the end of each slot since the first seen, oldest first (at most BUCKETS). */
  backlog: number[];
  /** Age of the oldest queued job at the end of each slot, same slots (undefined: empty queue). */
  oldestAge: (number | undefined)[];
  finishedPerSecond: number;
  failedPerSecond: number;
  /** failed / (finished + failed) over the rate window; undefined when nothing ended. */
  errorRate: number | undefined;
  /** The backlog kept growing over the last minutes: by how many jobs, over how many seconds. */
  growing: { by: number; seconds: number } | undefined;
}

export class QueueTrends {
  private readonly histories = new Map<string, History>();
  /** Bumps on every record: a memo key for views. */
  version = 0;

  record(queues: readonly QueueEntry[], at: number): void {
    const slot = Math.floor(at / 1000 / BUCKET_SECONDS);
    const seen = new Set<string>();
    for (const q of queues) {
      seen.add(q.name);
      let history = this.histories.get(q.name);
      if (!history) {
        history = { buckets: [], last: undefined };
        this.histories.set(q.name, history);
      }
      const finished = q.counts.finished;
      const failed = q.counts.failed;
      let bucket = history.buckets.at(-1);
      if (!bucket || bucket.slot !== slot) {
        bucket = { slot, queued: 0, oldestAgeSeconds: undefined, finished: 0, failed: 0, seconds: 0 };
        history.buckets.push(bucket);
        const oldest = slot - BUCKETS + 1;
        while ((history.buckets[0]?.slot ?? slot) < oldest) history.buckets.shift();
      }
      bucket.queued = q.queued;
      bucket.oldestAgeSeconds = q.queued > 0 ? secondsSince(q.oldestEnqueuedAt, at) : undefined;
      if (history.last) {
        const seconds = (at - history.last.at) / 1000;
        if (seconds > 0) {
          bucket.finished += Math.max(0, finished - history.last.finished);
          bucket.failed += Math.max(0, failed - history.last.failed);
          bucket.seconds += seconds;
        }
      }
      history.last = { at, finished, failed };
    }
    // A queue that is gone (deleted, or the console switched Redis) leaves no history behind.
    for (const name of this.histories.keys()) if (!seen.has(name)) this.histories.delete(name);
    this.version++;
  }

  /** A gap in refreshes (an outage) must not read as a burst: start the deltas afresh. */
  forgetCounters(): void {
    for (const history of this.histories.values()) history.last = undefined;
  }

  trend(queue: string, now: number): QueueTrend | undefined {
    const history = this.histories.get(queue);
    if (!history || history.buckets.length === 0) return undefined;
    const slot = Math.floor(now / 1000 / BUCKET_SECONDS);
    const bySlot = new Map(history.buckets.map((b) => [b.slot, b]));
    const backlog: number[] = [];
    const oldestAge: (number | undefined)[] = [];
    let carried: Bucket | undefined;
    const firstSlot = Math.max(slot - BUCKETS + 1, history.buckets[0]?.slot ?? slot);
    for (let s = firstSlot; s <= slot; s++) {
      // A slot without a refresh (the console was busy, or frozen) keeps the last backlog seen.
      carried = bySlot.get(s) ?? carried;
      backlog.push(carried?.queued ?? 0);
      oldestAge.push(carried?.oldestAgeSeconds);
    }
    const recent = history.buckets.filter((b) => b.slot > slot - RATE_SECONDS / BUCKET_SECONDS);
    const seconds = recent.reduce((n, b) => n + b.seconds, 0);
    const finished = recent.reduce((n, b) => n + b.finished, 0);
    const failed = recent.reduce((n, b) => n + b.failed, 0);
    return {
      backlog,
      oldestAge,
      finishedPerSecond: seconds > 0 ? finished / seconds : 0,
      failedPerSecond: seconds > 0 ? failed / seconds : 0,
      errorRate: finished + failed > 0 ? failed / (finished + failed) : undefined,
      growing: growth(history.buckets.filter((b) => b.slot > slot - GROWTH_BUCKETS)),
    };
  }
}

/**
 * Growing: over the last two minutes the backlog rose by at least 10 jobs and 20%, ends at
 * its highest, and never fell by more than a tenth of the rise between two slots: a queue
 * that workers are draining, even slowly, does not qualify.
 */
function growth(buckets: readonly Bucket[]): QueueTrend['growing'] {
  if (buckets.length < MIN_GROWTH_BUCKETS) return undefined;
  const first = buckets[0]?.queued ?? 0;
  const last = buckets.at(-1)?.queued ?? 0;
  const rise = last - first;
  if (rise < Math.max(MIN_GROWTH_JOBS, first * MIN_GROWTH_SHARE)) return undefined;
  if (buckets.some((b) => b.queued > last)) return undefined;
  for (let i = 1; i < buckets.length; i++) {
    const drop = (buckets[i - 1]?.queued ?? 0) - (buckets[i]?.queued ?? 0);
    if (drop > rise / 10) return undefined;
  }
  const span = ((buckets.at(-1)?.slot ?? 0) - (buckets[0]?.slot ?? 0)) * BUCKET_SECONDS;
  return { by: rise, seconds: span };
}
