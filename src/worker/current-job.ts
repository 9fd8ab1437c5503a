import { AsyncLocalStorage } from 'node:async_hooks';
import { trickOn } from '../tricks.js';

// What a job function can learn about itself: getCurrentJob() inside the function (or
// anything it awaits) returns this. In a horse, saveMeta travels to the worker over IPC,
// because the horse never talks to Redis.

/** What crosses from the worker to wherever the job runs: plain data, no Redis. */
export interface JobPayload {
  id: string;
  funcName: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  origin: string;
  description: string | undefined;
  /** Seconds, -1 for none. */
  timeout: number;
  meta: Record<string, unknown>;
  /** Set when this run is one of the job's callbacks rather than the job function itself. */
  callback?: CallbackRun;
}

/** A callback run: what the worker hands the callback besides the job (CurrentJob). */
export type CallbackRun =
  | { kind: 'success'; name: string; result: unknown }
  | { kind: 'failure'; name: string; excString: string }
  | { kind: 'stopped'; name: string };

export interface CurrentJob extends Omit<JobPayload, 'callback'> {
  /** Aborted when the job is stopped or times out; long jobs may watch it to stop early. */
  signal: AbortSignal;
  /** Persists `meta` (only that field, as RQ's save_meta). */
  saveMeta(): Promise<void>;
}

// Where the running job is kept. Usually one job at a time runs in a process (a horse, or
// a SimpleWorker), and a plain slot is enough: the slot belongs to that job until its
// promise settles. Only when a second job starts while one still holds the slot (two
// workers in one process, or a timed-out SimpleWorker job still running) does the new
// job get an AsyncLocalStorage context. Node 20 tracks every promise in the process once
// an AsyncLocalStorage is in use, which cost a busy worker a tenth of its CPU, so it is
// kept for that case only.
// Shared through a global symbol: a job module may import rqts from another copy of the
// package (dist vs. src, or a nested node_modules) and must still see the same job.
interface CurrentJobSlot {
  job: CurrentJob | undefined;
  storage: AsyncLocalStorage<CurrentJob> | undefined;
}

const SLOT_KEY = Symbol.for('rqts.currentJobSlot');
const holder = globalThis as { [SLOT_KEY]?: CurrentJobSlot };
const slot = (holder[SLOT_KEY] ??= { job: undefined, storage: undefined });

export function getCurrentJob(): CurrentJob | undefined {
  return slot.storage?.getStore() ?? slot.job;
}

const SLOT = trickOn('current-job-slot');

export function runWithCurrentJob<T>(job: CurrentJob, fn: () => T | Promise<T>): Promise<T> {
  if (!SLOT || slot.job !== undefined) {
    slot.storage ??= new AsyncLocalStorage<CurrentJob>();
    return Promise.resolve(slot.storage.run(job, fn));
  }
  slot.job = job;
  const release = (): void => {
    if (slot.job === job) slot.job = undefined;
  };
  let result: T | Promise<T>;
  try {
    result = fn();
  } catch (error) {
    release();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  return Promise.resolve(result).finally(release);
}
