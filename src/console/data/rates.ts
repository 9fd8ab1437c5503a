import type { Snapshot } from './snapshot.js';

// Jobs per second, from the workers' own counters (successful_job_count and
// failed_job_count grow by HINCRBY on every outcome). RQ keeps no global counter, so we
// sum per-worker deltas between two snapshots. A worker that appears, disappears or
// restarts (counter going down) contributes nothing rather than a bogus spike.

export interface Counters {
  at: number;
  perWorker: Map<string, { finished: number; failed: number }>;
}

export interface Rate {
  finished: number;
  failed: number;
}

export interface RateSample extends Rate {
  at: number;
}

export function countersOf(snapshot: Pick<Snapshot, 'takenAt' | 'workers'>): Counters {
  const perWorker = new Map<string, { finished: number; failed: number }>();
  for (const w of snapshot.workers) {
    if (w.record)
      perWorker.set(w.name, { finished: w.record.successfulJobCount, failed: w.record.failedJobCount });
  }
  return { at: snapshot.takenAt, perWorker };
}

export function rateBetween(previous: Counters, next: Counters): Rate {
  const seconds = (next.at - previous.at) / 1000;
  if (seconds <= 0) return { finished: 0, failed: 0 };
  let finished = 0;
  let failed = 0;
  for (const [name, now] of next.perWorker) {
    const before = previous.perWorker.get(name);
    if (!before) continue;
    if (now.finished >= before.finished) finished += now.finished - before.finished;
    if (now.failed >= before.failed) failed += now.failed - before.failed;
  }
  return { finished: finished / seconds, failed: failed / seconds };
}

export const HISTORY_SECONDS = 300;

export function pushSample(
  samples: readonly RateSample[],
  sample: RateSample,
  keepSeconds = HISTORY_SECONDS,
): RateSample[] {
  const cutoff = sample.at - keepSeconds * 1000;
  return [...samples.filter((s) => s.at >= cutoff), sample];
}

/** Averages samples into `buckets` equal time slots ending now (oldest first); empty slots are 0. */
export function bucketize(
  samples: readonly RateSample[],
  now: number,
  bucketSeconds: number,
  buckets: number,
  pick: (s: Rate) => number,
): number[] {
  const sums = new Array<number>(buckets).fill(0);
  const counts = new Array<number>(buckets).fill(0);
  const span = bucketSeconds * 1000;
  for (const s of samples) {
    const slot = buckets - 1 - Math.floor((now - s.at) / span);
    if (slot < 0 || slot >= buckets) continue;
    sums[slot] = (sums[slot] ?? 0) + pick(s);
    counts[slot] = (counts[slot] ?? 0) + 1;
  }
  return sums.map((sum, i) => (counts[i] ? sum / (counts[i] ?? 1) : 0));
}

/** The current rate shown in the header: the average over the last `seconds`. */
export function recentRate(samples: readonly RateSample[], now: number, seconds = 10): Rate {
  const recent = samples.filter((s) => now - s.at <= seconds * 1000);
  if (recent.length === 0) return { finished: 0, failed: 0 };
  return {
    finished: recent.reduce((n, s) => n + s.finished, 0) / recent.length,
    failed: recent.reduce((n, s) => n + s.failed, 0) / recent.length,
  };
}
