import type { ExecOutcome, ExecuteContext, Executor, KillReason } from './executor.js';
import { runJobFunction, type JobPayload } from './job-runner.js';

// SimpleWorker's executor: jobs run in the worker's own process. Fastest, no isolation:
// a stop or a timeout aborts the job's signal and settles the job at once, but code that
// ignores the signal keeps running in the background (JavaScript cannot kill a call).

export class InProcessExecutor implements Executor {
  private current:
    { controller: AbortController | undefined; settle: (outcome: ExecOutcome) => void } | undefined;

  readonly horsePid = undefined;

  async prepare(): Promise<void> {}

  async execute(job: JobPayload, context: ExecuteContext): Promise<ExecOutcome> {
    return new Promise<ExecOutcome>((resolve) => {
      let settled = false;
      const settle = (outcome: ExecOutcome): void => {
        if (settled) return;
        settled = true;
        this.current = undefined;
        resolve(outcome);
      };
      const current: { controller: AbortController | undefined; settle: typeof settle } = {
        controller: undefined,
        settle,
      };
      this.current = current;
      context.onStarted?.();
      const signal = (): AbortSignal => (current.controller ??= new AbortController()).signal;
      void runJobFunction(job, context.roots, { signal, saveMeta: context.saveMeta }).then((outcome) =>
        settle(
          outcome.ok
            ? { kind: 'succeeded', value: outcome.value }
            : { kind: 'failed', excString: outcome.excString },
        ),
      );
    });
  }

  kill(reason: KillReason): boolean {
    const current = this.current;
    if (!current) return false;
    // kill-horse has no horse to kill here, as in RQ's SimpleWorker: ignored.
    if (reason === 'kill-horse') return false;
    // A job that never asked for its signal still gets an aborted one if it asks later.
    (current.controller ??= new AbortController()).abort(reason);
    current.settle({ kind: 'died', reason, rawStatus: 0, signal: undefined });
    return true;
  }

  abort(reason: string): boolean {
    const current = this.current;
    if (!current) return false;
    (current.controller ??= new AbortController()).abort(new Error(reason));
    return true;
  }

  async close(): Promise<void> {}
}
