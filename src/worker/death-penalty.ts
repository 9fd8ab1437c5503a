import { explainDeath } from './horse-vitals.js';
import { RqtsError } from '../errors.js';
import { loadExport } from '../model/load-export.js';
import type { ExecOutcome } from './executor.js';

// The death penalty ends a job that outlives its timeout. The default arms a timer that
// kills the horse; a custom class (--death-penalty-class, a dotted path like job functions)
// gets the same two calls and decides when to call `kill`.

export interface DeathPenalty {
  arm(): void;
  disarm(): void;
}

export type DeathPenaltyClass = new (timeoutSeconds: number, kill: () => void) => DeathPenalty;

/**
 * Counts the time this process was running, not wall time: a worker stopped (SIGSTOP, a VM
 * pause) finds its monotonic clock far ahead when it resumes, and a plain timer would kill
 * a job that was not running either. A tick that comes much later than asked counts as one
 * tick.
 */
export class TimerDeathPenalty implements DeathPenalty {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutSeconds: number,
    private readonly kill: () => void,
  ) {}

  arm(): void {
    if (this.timeoutSeconds <= 0) return;
    const limit = this.timeoutSeconds * 1000;
    const tick = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, limit / 10));
    let counted = 0;
    let last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      const gap = now - last;
      last = now;
      counted += gap > tick + PAUSE_MS ? tick : gap;
      if (counted < limit) return;
      this.disarm();
      this.kill();
    }, tick);
  }

  disarm(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

const MIN_TICK_MS = 20;
const MAX_TICK_MS = 500;
/** A tick this much later than asked means the process was not running. */
const PAUSE_MS = 2000;

export async function loadDeathPenaltyClass(
  dotted: string | undefined,
  roots: readonly string[],
): Promise<DeathPenaltyClass> {
  if (!dotted) return TimerDeathPenalty;
  const value = await loadExport(dotted, roots);
  if (typeof value !== 'function') {
    throw new RqtsError(
      'LOAD_FAILED',
      `Death penalty ${dotted} is not a class`,
      'Export a class with arm() and disarm() methods',
    );
  }
  return value as DeathPenaltyClass;
}

export function timeoutMessage(seconds: number): string {
  return `JobTimeoutException: Task exceeded maximum timeout value (${seconds} seconds)`;
}

/** What a job's failure says when its horse died (docs/protocol.md §6.7), by cause. */
export function describeDeath(
  outcome: Extract<ExecOutcome, { kind: 'died' }>,
  timeout: number,
): { excString: string; status: 'failed' | 'stopped' } {
  switch (outcome.reason) {
    case 'stop-job':
      return { excString: 'Job stopped by user, work-horse terminated.', status: 'stopped' };
    case 'timeout':
      return { excString: timeoutMessage(timeout), status: 'failed' };
    case 'shutdown':
      return {
        excString: 'Worker was shut down cold while the job ran; work-horse terminated.',
        status: 'failed',
      };
    default: {
      // RQ's text first, trailing "; " included, so log searches written for Python keep
      // working; then what rqts saw of the death (signal, memory, the OOM killer).
      const signalPart = outcome.signal ? ` (signal ${outcome.rawStatus & 0x7f})` : '';
      const cause = outcome.reason === 'kill-horse' ? 'kill-horse' : 'crashed';
      const why = explainDeath(cause, outcome.signal, outcome.rawStatus >> 8, outcome.vitals);
      return {
        excString: `Work-horse terminated unexpectedly; waitpid returned ${outcome.rawStatus}${signalPart}; ${why}`,
        status: 'failed',
      };
    }
  }
}
