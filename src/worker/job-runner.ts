import { cachedExport, loadExport } from '../model/load-export.js';
import { runWithCurrentJob, type CallbackRun, type CurrentJob, type JobPayload } from './current-job.js';

export type { JobPayload };

// Runs one job function, wherever it runs (a horse or the worker itself). Python calls
// func(*args, **kwargs); JavaScript has no keyword arguments, so non-empty kwargs arrive
// as one extra, last argument (an object).

export type RunOutcome = { ok: true; value: unknown } | { ok: false; excString: string };

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return `Error: ${typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error))}`;
}

export async function runJobFunction(
  payload: JobPayload,
  roots: readonly string[],
  hooks: { signal: () => AbortSignal; saveMeta: (meta: Record<string, unknown>) => Promise<void> },
): Promise<RunOutcome> {
  const callback = payload.callback;
  const name = callback?.name ?? payload.funcName;
  let fn = cachedExport(name, roots);
  if (fn === undefined) {
    try {
      fn = await loadExport(name, roots);
    } catch (error) {
      return { ok: false, excString: describeError(error) };
    }
  }
  if (typeof fn !== 'function') {
    return { ok: false, excString: `TypeError: ${name} is not a function (it is ${typeof fn})` };
  }
  const current = new RunningJob(payload, hooks);
  const callArgs = callback
    ? callbackArgs(current, callback)
    : Object.keys(payload.kwargs).length > 0
      ? [...payload.args, payload.kwargs]
      : payload.args;
  try {
    const value: unknown = await runWithCurrentJob(current, () =>
      (fn as (...a: unknown[]) => unknown)(...callArgs),
    );
    // A callback's return value means nothing to RQ; only whether it threw.
    return callback ? { ok: true, value: null } : checkSerializable(payload.funcName, value);
  } catch (error) {
    return { ok: false, excString: describeError(error) };
  }
}

/**
 * RQ calls on_success(job, connection, result), on_failure(job, connection, type, value,
 * traceback) and on_stopped(job, connection). A horse has no Redis connection, and a
 * failure reaches it as text, so JS callbacks get (job, result), (job, excString), (job).
 */
function callbackArgs(job: CurrentJob, callback: CallbackRun): unknown[] {
  switch (callback.kind) {
    case 'success':
      return [job, callback.result];
    case 'failure':
      return [job, callback.excString];
    case 'stopped':
      return [job];
    default: {
      const unreachable: never = callback;
      return unreachable;
    }
  }
}

/**
 * What getCurrentJob() returns. A class rather than an object literal with a getter: the
 * literal was built field by field for every job, in V8's slow dictionary form.
 */
class RunningJob implements CurrentJob {
  readonly id: string;
  readonly funcName: string;
  readonly args: unknown[];
  readonly kwargs: Record<string, unknown>;
  readonly origin: string;
  readonly description: string | undefined;
  readonly timeout: number;
  meta: Record<string, unknown>;

  constructor(
    payload: JobPayload,
    private readonly hooks: {
      signal: () => AbortSignal;
      saveMeta: (meta: Record<string, unknown>) => Promise<void>;
    },
  ) {
    this.id = payload.id;
    this.funcName = payload.funcName;
    this.args = payload.args;
    this.kwargs = payload.kwargs;
    this.origin = payload.origin;
    this.description = payload.description;
    this.timeout = payload.timeout;
    this.meta = payload.meta;
  }

  /** Made on first use: most jobs never look at it, and an AbortController per job showed. */
  get signal(): AbortSignal {
    return this.hooks.signal();
  }

  saveMeta(): Promise<void> {
    return this.hooks.saveMeta(this.meta);
  }
}

/** The result must survive JSON; say so plainly instead of storing something else. */
function checkSerializable(funcName: string, value: unknown): RunOutcome {
  if (value === undefined) return { ok: true, value: null };
  try {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`a ${typeof value} has no JSON form`);
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      excString: `TypeError: the return value of ${funcName} is not JSON-serializable (${(error as Error).message})`,
    };
  }
}
