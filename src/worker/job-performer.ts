import type { EventEmitter } from 'node:events';
import type { Job, JobCall } from '../model/job.js';
import type { JobCallback } from '../model/callbacks.js';
import { escapeControl } from '../model/control-text.js';
import { RqtsError } from '../errors.js';
import { realError } from '../redis/refusal.js';
import { settleCallbacks } from './callbacks.js';
import type { CallbackRun } from './current-job.js';
import { TimerDeathPenalty, type DeathPenaltyClass } from './death-penalty.js';
import { runExceptionHandlers, type ExceptionHandler } from './exception-handlers.js';
import type { ExecOutcome, Executor } from './executor.js';
import { takenAs } from './horse-setup.js';
import type { JobPayload } from './job-runner.js';
import type { ResolvedWorkerOptions } from './options.js';
import { outcomeWrite } from './outcome-write.js';
import type { DequeueRequest, DequeueResult, StepOutcome, WorkerStore } from './store.js';
import { sendWebhooks } from './webhooks.js';
import type { WorkerEvents } from './worker-events.js';
import type { WorkerLogger } from './worker-logger.js';

// One job on a worker, from the moment it was taken to its outcome in Redis: the payload, the
// run under the death penalty with the busy heartbeat going, its callbacks, the outcome written
// in one fenced step (with the next dequeue riding along when it may), then the log lines,
// exception handlers and webhooks. The worker's loop (worker.ts) decides when; this decides how.

/** The job being run, and a graceful stop in progress: when it was asked for, and its kill. */
export interface CurrentRun {
  job: Job;
  startedAt: number;
  gracefulStop?: { abortedAt: number; graceSeconds: number; kill: NodeJS.Timeout };
}

/** What a performer needs of its worker. */
export interface PerformerHost {
  readonly name: string;
  readonly options: ResolvedWorkerOptions;
  readonly store: WorkerStore;
  readonly executor: Executor;
  readonly executionMode: 'horse' | 'simple';
  readonly log: WorkerLogger;
  readonly idleTtl: number;
  /** Loaded when work() starts. */
  handlers(): readonly ExceptionHandler[];
  deathPenalty(): DeathPenaltyClass | undefined;
  emit: EventEmitter<WorkerEvents>['emit'];
  persist<T>(what: string, step: () => Promise<T>): Promise<T>;
  /** The dequeue that may ride along with this job's finish, when the loop's next step is one. */
  nextDequeue(): DequeueRequest | undefined;
  setTitle(doing: string): void;
}

export class JobPerformer {
  current: CurrentRun | undefined;
  /** The next dequeue's answer, fetched in the same round trip as the last finish. */
  private prefetched: DequeueResult | undefined;
  /** Webhook failures are logged, never the job's. */
  private readonly warn = (message: string): void => this.host.log.warn(message);

  constructor(private readonly host: PerformerHost) {}

  takePrefetched(): DequeueResult | undefined {
    const prefetched = this.prefetched;
    this.prefetched = undefined;
    return prefetched;
  }

  async perform(job: Job, queue: string, problem: string | undefined): Promise<void> {
    const startedAt = Date.now();
    this.current = { job, startedAt };
    const payload = this.begin(job, queue, problem);
    if (typeof payload === 'string') {
      await this.recordFailure(job, payload, 'failed', 0);
    } else {
      const outcome = await settleCallbacks(job, await this.execute(job, payload), payload.timeout, {
        run: (callback, run) => this.runCallback(job, payload, callback, run),
        warn: (message) => this.host.log.warn(message),
      });
      await this.record(job, outcome, (Date.now() - startedAt) / 1000, payload.timeout);
    }
    this.current = undefined;
  }

  /** The kill-horse command: kills the running job's horse, if there is one. */
  killHorse(): void {
    if (!this.current || !this.host.executor.kill('kill-horse'))
      this.host.log.info('Kill horse command received, but no horse is running');
  }

  /** The stop-job command: the kill now, or with `graceful` seconds its AbortSignal first. */
  stopJob(jobId: string, graceful: number | undefined): void {
    const current = this.current;
    if (current?.job.id !== jobId) {
      this.host.log.info(`Not working on job ${jobId}, ignoring stop-job`);
      return;
    }
    if (graceful !== undefined) this.stopGracefully(current, graceful);
    else this.host.executor.kill('stop-job');
  }

  /** A stop that lets the job clean up: its AbortSignal fires now, the kill after the grace. */
  private stopGracefully(current: CurrentRun, graceSeconds: number): void {
    const { executor, log } = this.host;
    if (current.gracefulStop) return;
    if (!executor.abort(`stop-job: ${graceSeconds} s to clean up`)) {
      executor.kill('stop-job');
      return;
    }
    log.info(`Stopping job ${current.job.id} gracefully: ${graceSeconds} s before its horse is killed`);
    const kill = setTimeout(() => executor.kill('stop-job'), graceSeconds * 1000);
    kill.unref();
    current.gracefulStop = { abortedAt: Date.now(), graceSeconds, kill };
  }

  /** The job's payload for the executor, or the one-line reason it cannot run. */
  private begin(job: Job, queue: string, problem: string | undefined): JobPayload | string {
    this.host.emit('job:started', job, queue);
    // One-line fields: a line feed in a description must not start a forged log line.
    this.host.log.info(
      this.host.options.disableJobDescLogging
        ? `${queue}: ${escapeControl(job.id)}`
        : `${queue}: ${escapeControl(job.description ?? job.funcName ?? '?')} (${escapeControl(job.id)})`,
    );
    if (problem !== undefined) return problem;
    let call: JobCall;
    try {
      call = job.getCall();
    } catch (error) {
      return error instanceof RqtsError ? error.toLine() : String(error);
    }
    this.host.setTitle(`Running ${call.funcName}`);
    return {
      id: job.id,
      funcName: call.funcName,
      args: call.args,
      kwargs: call.kwargs,
      origin: job.origin,
      description: job.description,
      timeout: effectiveTimeout(job),
      meta: job.meta,
    };
  }

  /** One callback of the job, in the horse like the job, under the callback's own timeout. */
  private async runCallback(
    job: Job,
    payload: JobPayload,
    callback: JobCallback,
    run: CallbackRun,
  ): Promise<ExecOutcome> {
    this.host.log.debug(`Running ${callback.kind} callback ${callback.name} for ${job.id}`);
    // As RQ's job.heartbeat(now, callback timeout): the started entry outlives the callback.
    await this.host.store.jobHeartbeat(
      job,
      callback.timeout + 60,
      (Date.now() - (this.current?.startedAt ?? Date.now())) / 1000,
    );
    return this.execute(job, { ...payload, callback: run }, callback.timeout);
  }

  /** Runs the payload under the death penalty, with the busy heartbeat going. */
  private async execute(job: Job, payload: JobPayload, timeout = payload.timeout): Promise<ExecOutcome> {
    const { executor, options, store } = this.host;
    const penalty = new (this.host.deathPenalty() ?? TimerDeathPenalty)(timeout, () =>
      executor.kill('timeout'),
    );
    const heartbeat = setInterval(
      () =>
        void this.busyHeartbeat(job, timeout).catch((e: unknown) =>
          this.host.log.warn(`Heartbeat failed: ${realError(e).message}`),
        ),
      options.jobMonitoringInterval * 1000,
    );
    try {
      return await executor.execute(payload, {
        roots: options.paths,
        onStarted: () => penalty.arm(),
        saveMeta: (meta) => store.saveMeta(job.id, meta),
        taken: this.host.executionMode === 'horse' ? takenAs(store, job) : undefined,
      });
    } finally {
      penalty.disarm();
      clearInterval(heartbeat);
    }
  }

  private async record(job: Job, outcome: ExecOutcome, working: number, timeout: number): Promise<void> {
    const { host } = this;
    const graceful = this.current?.gracefulStop;
    if (graceful) {
      clearTimeout(graceful.kill);
      await this.recordFailure(job, gracefulStopReason(outcome, graceful), 'stopped', working);
      return;
    }
    if (outcome.kind === 'died') host.emit('horse:died', job, outcome);
    const write = outcomeWrite(outcome, timeout, host.options.serializer);
    if (write.kind === 'fail') {
      await this.recordFailure(job, write.excString, write.status, working);
      return;
    }
    const resultTtl = job.resultTtl ?? host.options.resultTtl;
    const finished = await host.persist(`record job ${job.id} as finished`, () =>
      host.store.finishJob(
        job,
        write.value,
        resultTtl,
        working,
        host.idleTtl,
        // A job with webhooks sends them before the next job starts, as 2.10 does.
        job.rq2?.webhooks ? undefined : host.nextDequeue(),
      ),
    );
    this.prefetched = finished.next;
    if (reportStep(host.log, job, 'finished', finished.outcome)) return;
    host.emit('job:finished', job, write.value);
    if (finished.repeated)
      host.log.info(
        // 2.10's line, with the count the run read, whether queued at once or later.
        `Worker ${host.name}: job ${escapeControl(job.id)} scheduled to repeat (${job.rq2?.repeatsLeft ?? 0} left)`,
      );
    host.log.info(`${job.origin}: Job OK (${escapeControl(job.id)})`);
    host.log.info(
      resultTtl > 0
        ? `Result is kept for ${resultTtl} seconds`
        : resultTtl === 0
          ? 'Result discarded immediately'
          : 'Result will never expire, clean up result key manually',
    );
    await sendWebhooks(job, 'finished', this.warn);
  }

  private async recordFailure(
    job: Job,
    excString: string,
    status: 'failed' | 'stopped',
    working: number,
  ): Promise<void> {
    const { host } = this;
    const { outcome, result } = await host.persist(`record job ${job.id} as ${status}`, () =>
      host.store.failJob(
        job,
        { excString, status, defaultHandler: !host.options.disableDefaultExceptionHandler },
        working,
        host.idleTtl,
      ),
    );
    if (reportStep(host.log, job, status, outcome, `: ${excString.split('\n').at(-1) ?? ''}`)) return;
    host.emit('job:failed', job, excString, result);
    const what =
      status === 'stopped'
        ? 'stopped'
        : result === 'failed'
          ? 'failed'
          : `failed, ${result} (${job.retriesLeft ?? 0} retries left)`;
    host.log.error(
      `[Job ${escapeControl(job.id)}]: ${what} while executing (${escapeControl(job.funcName ?? '?')})\n${excString}`,
    );
    await runExceptionHandlers([...host.handlers()], job, excString, (error) =>
      host.log.error(`Exception handler failed: ${String(error)}`),
    );
    // Not for a retried attempt, nor a stopped job: 2.10 sends `failed` hooks once, at the end.
    if (status === 'failed' && result === 'failed') await sendWebhooks(job, 'failed', this.warn, excString);
  }

  private async busyHeartbeat(job: Job, timeout: number): Promise<void> {
    const { executor, options } = this.host;
    const elapsed = (Date.now() - (this.current?.startedAt ?? Date.now())) / 1000;
    const interval = options.jobMonitoringInterval;
    const ttl =
      this.host.executionMode === 'simple'
        ? timeout > 0
          ? timeout + 60
          : 420
        : (timeout > 0 ? Math.max(1, Math.min(timeout - elapsed, interval)) : interval) + 60;
    await this.host.store.jobHeartbeat(job, Math.ceil(ttl), elapsed, {
      rssBytes: executor.horseRssBytes,
      limitBytes: executor.horseMemoryLimitBytes,
      usedBytes: executor.horseMemoryUsedBytes,
    });
  }
}

/**
 * True when the write was fenced off: the job stopped being ours while it ran (this worker
 * was stopped or cut off past its TTL, maintenance failed the job, another worker took it),
 * so its outcome is not ours to record. Logged, and the worker carries on.
 */
export function reportStep(
  log: WorkerLogger,
  job: Job,
  what: string,
  outcome: StepOutcome,
  detail = '',
): boolean {
  if (outcome.kind === 'replayed')
    log.warn(
      `Job ${escapeControl(job.id)}: the ${what} write was sent twice over a lost connection; it counted once`,
    );
  if (outcome.kind !== 'dropped') return false;
  log.warn(
    `Job ${escapeControl(job.id)}: dropping its ${what} outcome, because ${outcome.reason} (this worker lost it, probably stopped or cut off past its TTL)${detail}`,
  );
  return true;
}

function effectiveTimeout(job: Job): number {
  // RQ treats an empty or 0 timeout as the default 180 s.
  return job.timeout === undefined || job.timeout === 0 ? 180 : job.timeout;
}

/** A graceful stop ends the job stopped whatever it did after the signal; say what that was. */
function gracefulStopReason(outcome: ExecOutcome, stop: { abortedAt: number; graceSeconds: number }): string {
  const after = ((Date.now() - stop.abortedAt) / 1000).toFixed(1);
  if (outcome.kind === 'died' && outcome.reason === 'stop-job')
    return `Job stopped by user: it did not end within its ${stop.graceSeconds} s grace period after the abort signal; work-horse terminated.`;
  const how =
    outcome.kind === 'succeeded' ? 'returned' : outcome.kind === 'failed' ? 'raised' : 'its horse died';
  return `Job stopped gracefully by user: after the abort signal it ${how} within ${after} s (grace period ${stop.graceSeconds} s).`;
}
