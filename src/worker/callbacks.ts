import { jobCallback, type JobCallback } from '../model/callbacks.js';
import type { Job } from '../model/job.js';
import type { CallbackRun } from './current-job.js';
import { describeDeath, timeoutMessage } from './death-penalty.js';
import type { ExecOutcome } from './executor.js';

// A job's callbacks decide how it ends, as on a Python worker (RQ 1.16 and 2.10 behave
// alike, observed side by side in test/interop/callbacks.test.ts):
// - success callback: runs after the function returned; if it raises or outlives its
//   timeout the job fails with that error instead (retries apply), and the failure
//   callback then runs too;
// - failure callback: runs after the function raised or outlived its own timeout, on every
//   failed attempt (retried ones too); if it raises or times out, its error replaces the
//   job's in exc_info;
// - stopped callback: runs after stop-job. Python lets its error escape the worker loop:
//   the worker quits and leaves the job `started` for the abandoned-job clean-up. rqts logs
//   the error and ends the job `stopped` as if the callback had returned.
// A horse that crashes or is killed (kill-horse, cold shutdown) runs no callback, as in RQ.
// Each callback runs as its own call in the horse, under its own timeout (default 60 s).

export interface CallbackHost {
  /** Runs one callback under the death penalty of its timeout; the outcome of that run. */
  run(callback: JobCallback, run: CallbackRun): Promise<ExecOutcome>;
  warn(message: string): void;
}

/** The outcome to record once the job's callbacks have run. */
export async function settleCallbacks(
  job: Job,
  outcome: ExecOutcome,
  jobTimeout: number,
  host: CallbackHost,
): Promise<ExecOutcome> {
  let settled = outcome;
  if (settled.kind === 'succeeded') {
    const success = jobCallback(job, 'success');
    if (!success) return settled;
    const failure = await runCallback(host, success, {
      kind: 'success',
      name: success.name,
      result: settled.value,
    });
    if (!failure) return settled;
    settled = failure;
  }
  if (settled.kind === 'failed' || (settled.kind === 'died' && settled.reason === 'timeout')) {
    const failureCallback = jobCallback(job, 'failure');
    if (!failureCallback) return settled;
    const excString =
      settled.kind === 'failed' ? settled.excString : describeDeath(settled, jobTimeout).excString;
    const failure = await runCallback(host, failureCallback, {
      kind: 'failure',
      name: failureCallback.name,
      excString,
    });
    // A horse that died in the failure callback ends the job as any horse death does.
    return failure ?? settled;
  }
  if (settled.kind === 'died' && settled.reason === 'stop-job') {
    const stopped = jobCallback(job, 'stopped');
    if (!stopped) return settled;
    const failure = await runCallback(host, stopped, { kind: 'stopped', name: stopped.name });
    if (failure)
      host.warn(
        `Job ${job.id}: error while executing stopped callback ${stopped.name}: ${
          failure.kind === 'failed' ? failure.excString : failure.reason
        }`,
      );
  }
  return settled;
}

/** Undefined when the callback returned; else how its failure ends the job. */
async function runCallback(
  host: CallbackHost,
  callback: JobCallback,
  run: CallbackRun,
): Promise<Exclude<ExecOutcome, { kind: 'succeeded' }> | undefined> {
  const outcome = await host.run(callback, run);
  switch (outcome.kind) {
    case 'succeeded':
      return undefined;
    case 'failed':
      return outcome;
    case 'died':
      // RQ raises JobTimeoutException naming the callback's timeout.
      return outcome.reason === 'timeout'
        ? { kind: 'failed', excString: timeoutMessage(callback.timeout) }
        : outcome;
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}
