import { RqtsError } from '../errors.js';
import type { Job } from './job.js';

// Job callbacks (RQ 1.9+ on_success / on_failure, 1.15+ on_stopped): a dotted name stored in
// `<kind>_callback_name`, and since 1.15 a timeout in `<kind>_callback_timeout`, which RQ
// writes only when the callback is set (default 60 s, RQ's CALLBACK_TIMEOUT).

export type CallbackKind = 'success' | 'failure' | 'stopped';

export const CALLBACK_KINDS: readonly CallbackKind[] = ['success', 'failure', 'stopped'];

export const DEFAULT_CALLBACK_TIMEOUT = 60;

/** A callback as a producer names it: the dotted name, or the name with its own timeout. */
export type CallbackSpec = string | { name: string; timeout?: number };

export interface CallbackOptions {
  onSuccess?: CallbackSpec;
  onFailure?: CallbackSpec;
  onStopped?: CallbackSpec;
}

export interface JobCallback {
  kind: CallbackKind;
  name: string;
  /** Seconds the callback may run before it counts as failed (RQ's JobTimeoutException). */
  timeout: number;
}

const OPTION_OF: Record<CallbackKind, keyof CallbackOptions> = {
  success: 'onSuccess',
  failure: 'onFailure',
  stopped: 'onStopped',
};

type NameField = 'successCallbackName' | 'failureCallbackName' | 'stoppedCallbackName';
type TimeoutField = 'successCallbackTimeout' | 'failureCallbackTimeout' | 'stoppedCallbackTimeout';

const FIELDS: Record<CallbackKind, { name: NameField; timeout: TimeoutField }> = {
  success: { name: 'successCallbackName', timeout: 'successCallbackTimeout' },
  failure: { name: 'failureCallbackName', timeout: 'failureCallbackTimeout' },
  stopped: { name: 'stoppedCallbackName', timeout: 'stoppedCallbackTimeout' },
};

/** The job's callback of one kind, with RQ's default timeout when none was stored. */
export function jobCallback(job: Job, kind: CallbackKind): JobCallback | undefined {
  const fields = FIELDS[kind];
  const name = job[fields.name];
  if (!name) return undefined;
  return { kind, name, timeout: job[fields.timeout] ?? DEFAULT_CALLBACK_TIMEOUT };
}

/** Sets the callbacks a producer asked for, refusing what a worker could never resolve. */
export function setCallbacks(job: Job, options: CallbackOptions): void {
  for (const kind of CALLBACK_KINDS) {
    const spec = options[OPTION_OF[kind]];
    if (spec === undefined) continue;
    const name = typeof spec === 'string' ? spec : spec.name;
    if (typeof name !== 'string' || !/^[^\s.]+(\.[^\s.]+)+$/.test(name))
      throw new RqtsError(
        'BAD_ARGUMENT',
        `${OPTION_OF[kind]} ${JSON.stringify(name)} is not a dotted name (module.export)`,
        'Name the callback like a job function, e.g. tasks.notify',
      );
    const timeout = typeof spec === 'string' ? undefined : spec.timeout;
    // Python reads the stored timeout with int().
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout <= 0))
      throw new RqtsError(
        'BAD_ARGUMENT',
        `${OPTION_OF[kind]} timeout ${String(timeout)} is not allowed`,
        'Give a positive whole number of seconds',
      );
    // As RQ's Callback: the timeout is always stored with the name.
    job[FIELDS[kind].name] = name;
    job[FIELDS[kind].timeout] = timeout ?? DEFAULT_CALLBACK_TIMEOUT;
  }
}
