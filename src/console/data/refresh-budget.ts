// How often one console may refresh. A refresh reads every worker hash and every queue's
// sizes, so its cost grows with the fleet: at 10,000 workers one refresh is ~27,000 Redis
// commands. The console must stay a light guest on a production Redis, so the interval
// stretches until one console costs at most REDIS_CPU_BUDGET of a Redis core, and until the
// console itself spends at most a quarter of its time reading (keystrokes stay prompt).

/**
 * Redis CPU per console command, in microseconds: Redis's own CPU (utime + stime from /proc)
 * over a window with one console attached, minus the same window without it, divided by the
 * console's commands (`npm run bench:console`, 1,000 and 10,000 workers, 2026-12-03: 0.8-1.7
 * µs on the 2-core development VM). Taken near the high end: a slower Redis host makes the
 * console refresh less often, a faster one leaves it a little under budget.
 */
export const REDIS_US_PER_COMMAND = 1.6;
export const REDIS_CPU_BUDGET = 0.02;
/** The console may spend at most 1/4 of its time inside a refresh. */
const READ_SHARE = 0.25;
/** Never slower than this: a picture older than half a minute is not a live view. */
export const MAX_INTERVAL_MS = 30_000;

export interface RefreshPace {
  intervalMs: number;
  /** Why it is longer than asked, for the header; undefined at the asked interval. */
  reason: 'redis-budget' | 'slow-read' | undefined;
}

export function refreshPace(askedMs: number, commands: number, readMs: number): RefreshPace {
  const forRedis = (commands * REDIS_US_PER_COMMAND) / 1000 / REDIS_CPU_BUDGET;
  const forReading = readMs / READ_SHARE;
  const longest = Math.max(askedMs, forRedis, forReading);
  if (longest === askedMs) return { intervalMs: askedMs, reason: undefined };
  // Round up to a tenth of a second so the header does not flicker between 3.41s and 3.43s.
  const intervalMs = Math.min(MAX_INTERVAL_MS, Math.ceil(longest / 100) * 100);
  return { intervalMs, reason: forRedis >= forReading ? 'redis-budget' : 'slow-read' };
}
