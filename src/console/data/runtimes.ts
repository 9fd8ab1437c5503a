import { formatDuration } from '../text.js';

// How long each function usually runs, learnt from finished jobs, to tell a slow job from a
// stuck one long before its timeout. Pure: the sampler (runtime-sampler.ts) feeds it runs
// read from the finished registries; everything here is unit-tested without Redis.

/** One finished run: the function it called and how long it ran (ended_at − started_at). */
export interface Run {
  func: string;
  seconds: number;
}

export interface RunStats {
  p50: number;
  p95: number;
  n: number;
}

export interface SlowThresholds {
  /** A job is SLOW past factor × its function's p95 … */
  factor: number;
  /** … and past this many seconds (quick functions jitter by more than their p95). */
  floorSeconds: number;
}

export const DEFAULT_SLOW: SlowThresholds = { factor: 3, floorSeconds: 5 };

/**
 * The function a job calls, from its description: RQ and rqts both write `module.func(args)`,
 * readable without decoding the (maybe pickled) payload.
 */
export function functionOf(description: string | undefined): string | undefined {
  if (!description) return undefined;
  const open = description.indexOf('(');
  const name = (open < 0 ? description : description.slice(0, open)).trim();
  return name === '' ? undefined : name;
}

/** Nearest-rank percentile of an ascending list (q in 0..1). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? NaN;
}

export function statsOf(seconds: readonly number[]): RunStats | undefined {
  if (seconds.length === 0) return undefined;
  const sorted = [...seconds].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), n: sorted.length };
}

/** Runs kept in all and per function: a fixed memory whatever the traffic. */
export const BOOK_LIMITS = { jobs: 5000, perFunction: 200 } as const;

/**
 * Finished runs by job id (each job hash is read once), the newest kept. Statistics are
 * computed on demand and cached until a run is added.
 */
export class RuntimeBook {
  private readonly runs = new Map<string, Run>();
  private cache: Map<string, RunStats | undefined> | undefined;
  /** Bumped on every change: a cheap dependency for memoised views. */
  version = 0;

  constructor(private readonly limits: { jobs: number; perFunction: number } = BOOK_LIMITS) {}

  has(id: string): boolean {
    return this.runs.has(id);
  }

  /** Record a run; undefined marks a job that cannot count (no timestamps) so it is not re-read. */
  add(id: string, run: Run | undefined): void {
    if (this.runs.has(id)) return;
    this.runs.set(id, run ?? { func: '', seconds: NaN });
    while (this.runs.size > this.limits.jobs) {
      const oldest = this.runs.keys().next().value;
      if (oldest === undefined) break;
      this.runs.delete(oldest);
    }
    this.cache = undefined;
    this.version++;
  }

  stats(func: string | undefined): RunStats | undefined {
    if (func === undefined) return undefined;
    this.cache ??= this.compute();
    return this.cache.get(func);
  }

  private compute(): Map<string, RunStats | undefined> {
    const byFunc = new Map<string, number[]>();
    for (const run of this.runs.values()) {
      if (run.func === '' || !Number.isFinite(run.seconds)) continue;
      const list = byFunc.get(run.func) ?? [];
      list.push(run.seconds);
      byFunc.set(run.func, list);
    }
    const out = new Map<string, RunStats | undefined>();
    // Map order is insertion order: the tail holds the newest runs.
    for (const [func, list] of byFunc) out.set(func, statsOf(list.slice(-this.limits.perFunction)));
    return out;
  }
}

/** Turn a finished job's fields into a run, or undefined when it cannot count. */
export function runOf(
  description: string | undefined,
  startedAt: Date | undefined,
  endedAt: Date | undefined,
): Run | undefined {
  const func = functionOf(description);
  if (!func || !startedAt || !endedAt) return undefined;
  const seconds = (endedAt.getTime() - startedAt.getTime()) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? { func, seconds } : undefined;
}

export function isSlow(stats: RunStats | undefined, elapsed: number | undefined, t: SlowThresholds): boolean {
  if (!stats || elapsed === undefined) return false;
  return elapsed > t.factor * stats.p95 && elapsed > t.floorSeconds;
}

/** "usually 2.1 s (p95 of 180 runs), running 47 s" */
export function slowText(stats: RunStats, elapsed: number | undefined): string {
  const running = elapsed === undefined ? '' : `, running ${formatDuration(elapsed)}`;
  return `usually ${formatDuration(stats.p95)} (p95 of ${stats.n} run${stats.n === 1 ? '' : 's'})${running}`;
}

export function distributionText(stats: RunStats): string {
  return `p50 ${formatDuration(stats.p50)}, p95 ${formatDuration(stats.p95)}, n=${stats.n}`;
}
