import { cachedExport, loadExport } from '../model/load-export.js';
import { runWithCurrentJob, type CurrentJob, type JobPayload } from './current-job.js';

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
  let fn = cachedExport(payload.funcName, roots);
  if (fn === undefined) {
    try {
      fn = await loadExport(payload.funcName, roots);
    } catch (error) {
      return { ok: false, excString: describeError(error) };
    }
  }
  if (typeof fn !== 'function') {
    return { ok: false, excString: `TypeError: ${payload.funcName} is not a function (it is ${typeof fn})` };
  }
  const current = new RunningJob(payload, hooks);
  const callArgs = Object.keys(payload.kwargs).length > 0 ? [...payload.args, payload.kwargs] : payload.args;
  try {
    const value: unknown = await runWithCurrentJob(current, () =>
      (fn as (...a: unknown[]) => unknown)(...callArgs),
    );
    return checkSerializable(payload.funcName, value);
  } catch (error) {
    return { ok: false, excString: describeError(error) };
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
