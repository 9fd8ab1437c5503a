import { AsyncLocalStorage } from 'node:async_hooks';

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
}

export interface CurrentJob extends JobPayload {
  /** Aborted when the job is stopped or times out; long jobs may watch it to stop early. */
  signal: AbortSignal;
  /** Persists `meta` (only that field, as RQ's save_meta). */
  saveMeta(): Promise<void>;
}

// Shared through a global symbol: a job module may import rqts from another copy of the
// package (dist vs. src, or a nested node_modules) and must still see the same store.
const STORE_KEY = Symbol.for('rqts.currentJob');
const holder = globalThis as { [STORE_KEY]?: AsyncLocalStorage<CurrentJob> };
const storage = (holder[STORE_KEY] ??= new AsyncLocalStorage<CurrentJob>());

export function getCurrentJob(): CurrentJob | undefined {
  return storage.getStore();
}

export function runWithCurrentJob<T>(job: CurrentJob, fn: () => T): T {
  return storage.run(job, fn);
}
