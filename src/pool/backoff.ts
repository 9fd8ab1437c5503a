// How long a pool waits before replacing a worker that died unexpectedly. The first death
// after a healthy run is replaced at once (a kill -9, an OOM kill); a worker that keeps
// dying soon after its start is replaced after 1 s, 2 s, 4 s … up to maxMs, so a broken
// deployment does not spin the CPU or flood the log.

export interface BackoffOptions {
  /** Delay before the second replacement in a row. @default 1000 */
  baseMs: number;
  /** Longest delay. @default 30000 */
  maxMs: number;
  /** A worker that lived this long before dying starts a fresh streak. @default 30000 */
  healthyAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 30_000, healthyAfterMs: 30_000 };

/** The streak of quick deaths, counting the one that just happened. */
export function nextCrashStreak(previous: number, uptimeMs: number, options: BackoffOptions): number {
  return uptimeMs >= options.healthyAfterMs ? 1 : previous + 1;
}

export function restartDelayMs(streak: number, options: BackoffOptions): number {
  if (streak <= 1) return 0;
  return Math.min(options.maxMs, options.baseMs * 2 ** (streak - 2));
}
