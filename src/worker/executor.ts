import type { TakenAs } from './horse-protocol.js';
import type { HorseVitals } from './horse-vitals.js';
import type { JobPayload } from './job-runner.js';

// How a worker runs a job: in a reusable horse process (Worker) or in its own process
// (SimpleWorker). The worker decides what an outcome means for Redis; executors only run.

export type KillReason = 'kill-horse' | 'stop-job' | 'timeout' | 'shutdown';

export type ExecOutcome =
  | { kind: 'succeeded'; value: unknown }
  | { kind: 'failed'; excString: string }
  /** The horse died or was killed before answering. */
  | {
      kind: 'died';
      reason: KillReason | 'crashed';
      rawStatus: number;
      signal: string | undefined;
      /** What the horse's memory and cgroup showed, where a horse process was sampled. */
      vitals?: HorseVitals;
    };

export interface ExecuteContext {
  roots: string[];
  /** Called when the job really starts (a horse may first need to boot): arm timeouts here. */
  onStarted?: () => void;
  saveMeta: (meta: Record<string, unknown>) => Promise<void>;
  /** How the worker took the job, for a horse that must record it after the worker died. */
  taken?: TakenAs;
}

export interface Executor {
  /** Process id of the horse while one exists (undefined for in-process execution). */
  readonly horsePid: number | undefined;
  /** The running job's horse's resident set at its last sample (undefined in-process). */
  readonly horseRssBytes?: number | undefined;
  /** The memory limit (cgroup) the running horse is under, when known. */
  readonly horseMemoryLimitBytes?: number | undefined;
  /** What that cgroup holds now (worker and horse together), when known. */
  readonly horseMemoryUsedBytes?: number | undefined;
  /** Starts whatever must be warm before the first job. */
  prepare(): Promise<void>;
  execute(job: JobPayload, context: ExecuteContext): Promise<ExecOutcome>;
  /** Ends the running job now; false when nothing runs or it cannot be killed. */
  kill(reason: KillReason): boolean;
  /** Fires the running job's AbortSignal without ending it (a graceful stop's first step). */
  abort(reason: string): boolean;
  close(): Promise<void>;
}
