import { constants } from 'node:os';
import type { Redis } from 'ioredis';
import type { JobCallback } from '../model/callbacks.js';
import { escapeControl } from '../model/control-text.js';
import { Job } from '../model/job.js';
import { loadExport } from '../model/load-export.js';
import { resolveSerializer } from '../model/serializer.js';
import { clientFromOptions } from '../redis/connection.js';
import { keys } from '../redis/keys.js';
import { realError } from '../redis/refusal.js';
import { settleCallbacks } from './callbacks.js';
import { signalGroup } from '../process-group.js';
import type { CallbackRun } from './current-job.js';
import { settledWithin } from '../deadline.js';
import { loadExceptionHandlers, runExceptionHandlers } from './exception-handlers.js';
import type { ExecOutcome } from './executor.js';
import type { HorseSetup, TakenAs } from './horse-protocol.js';
import { runJobFunction, type JobPayload, type RunOutcome } from './job-runner.js';
import { outcomeWrite } from './outcome-write.js';
import { retryRefused } from './refused-writes.js';
import { WorkerStore, type StepOutcome } from './store.js';
import { sendWebhooks } from './webhooks.js';
import { consoleLogger, escapingLogger, type WorkerLogger } from './worker-logger.js';

// A horse whose worker died mid-job (SIGKILL, the OOM killer, a crash) does what RQ's forked
// horse does: it lets the job run to its end, under the job's timeout, and records the
// outcome itself: finished with its result, or failed or retried, callbacks included. It
// writes through the worker's own store code and fenced scripts, so a write is dropped unless
// the job is still in the started registry under the member the worker took it as, with this
// worker's name in worker_name; a job maintenance failed meanwhile stays failed. The dead
// worker's hash is left alone (no counters, state or TTL): it ages out as any dead worker's.

/** The job a horse ran last, as far as the horse saw it (horse-main.ts keeps it). */
export interface Attempt {
  payload: JobPayload;
  roots: readonly string[];
  taken: TakenAs | undefined;
  /** When its run message arrived (ms): its timeout counts from here, as the worker's did. */
  startedAt: number;
  main: Promise<RunOutcome>;
  /** The callbacks the worker had started before it died, each at most once. */
  callbacks: Map<CallbackRun['kind'], { promise: Promise<RunOutcome>; startedAt: number }>;
}

/** What the recorder takes over in the horse once the worker is gone. */
export interface OrphanHooks {
  /** An error thrown outside the job's call chain: it fails the job instead of ending the horse. */
  crash: ((excString: string) => void) | undefined;
  /** getCurrentJob().saveMeta(), now written by the horse. */
  saveMeta: ((jobId: string, meta: Record<string, unknown>) => Promise<void>) | undefined;
}

export interface PendingMeta {
  jobId: string;
  meta: Record<string, unknown>;
  resolve: () => void;
}

/** How long the horse keeps trying to reach Redis before it leaves the job to maintenance. */
const RECORD_WITHIN_MS = 60_000;
const RECHECK_MS = 1000;
/** The worker's default busy heartbeat: every 30 s, good for 30 s + 60 s. */
const HEARTBEAT_MS = 30_000;
const STARTED_TTL_S = 90;
const TIMED_OUT: ExecOutcome = {
  kind: 'died',
  reason: 'timeout',
  rawStatus: constants.signals.SIGKILL,
  signal: 'SIGKILL',
};

export async function recordOrphaned(
  setup: HorseSetup,
  attempt: Attempt,
  hooks: OrphanHooks,
  pending: readonly PendingMeta[],
): Promise<void> {
  const log = escapingLogger(consoleLogger());
  const id = attempt.payload.id;
  const who = `Horse ${process.pid}: worker ${setup.worker.name} is gone`;
  const why =
    setup.cannotRecord ?? (attempt.taken ? undefined : 'its worker did not say how it took the job');
  if (why || !attempt.taken) {
    log.warn(`${who}; job ${id} is left to the abandoned-job clean-up, because ${why ?? 'unknown'}`);
    return;
  }
  const taken = attempt.taken;
  const crash = new Promise<RunOutcome>((resolve) => {
    hooks.crash = (excString) => resolve({ ok: false, excString });
  });
  const client = clientFromOptions(setup.redis, `${setup.worker.name.replace(/\s/g, '_')}:horse`);
  let timedOut = false;
  try {
    const serializer = await resolveSerializer(setup.serializer, attempt.roots);
    const jobClass = setup.jobClass ? ((await loadExport(setup.jobClass, attempt.roots)) as typeof Job) : Job;
    const store = new WorkerStore(client, setup.worker, serializer, jobClass);
    store.protocol = setup.protocol;
    store.keepsWorkerHash = false;
    hooks.saveMeta = (jobId, meta) => store.saveMeta(jobId, meta);
    const job = await withinReach(stillOurs(client, store, jobClass, setup, taken, id));
    if (job === 'unreachable') {
      log.error(`${who}; Redis did not answer, so job ${id} is left to the abandoned-job clean-up`);
      return;
    }
    if (!job) {
      log.info(`${who}; it had recorded job ${id} already`);
      return;
    }
    // Metas the job saved that the worker may never have written.
    for (const meta of pending) {
      await store.saveMeta(meta.jobId, meta.meta).catch(() => undefined);
      meta.resolve();
    }
    log.warn(`${who}; the horse lets job ${id} finish and records its outcome itself`);
    const timeout = attempt.payload.timeout;
    // Nobody else beats for the job now: without this, a job running on for more than a
    // minute would be failed as abandoned by the next worker's maintenance.
    const beat = (): void => void store.startedHeartbeat(job, STARTED_TTL_S).catch(() => undefined);
    beat();
    const beating = setInterval(beat, HEARTBEAT_MS);
    let outcome: ExecOutcome;
    try {
      const main = await bounded(attempt.main, crash, remaining(attempt.startedAt, timeout));
      timedOut = main === TIMED_OUT;
      outcome = await settleCallbacks(job, main, timeout, {
        run: (callback, run) => callbackHere(attempt, callback, run, crash, hooks),
        warn: (message) => log.warn(message),
      });
    } finally {
      clearInterval(beating);
    }
    const write = outcomeWrite(outcome, timeout, serializer);
    const warn = (message: string): void => log.warn(message);
    const ours = async (): Promise<boolean> =>
      (await stillOurs(client, store, jobClass, setup, taken, id)) !== undefined;
    if (write.kind === 'finish') {
      const step = (): Promise<StepOutcome> =>
        store
          .finishJob(job, write.value, job.resultTtl ?? setup.resultTtl, 0, 0)
          .then((finished) => finished.outcome);
      const written = await withinReach(persist(`record job ${id} as finished`, step, ours, log));
      report(log, who, job, 'finished', written);
      if (isWritten(written)) await sendWebhooks(job, 'finished', warn);
      return;
    }
    const failure = {
      excString: write.excString,
      status: write.status,
      defaultHandler: setup.defaultHandler,
    };
    let result = 'failed';
    const step = (): Promise<StepOutcome> =>
      store.failJob(job, failure, 0, 0).then((failed) => {
        result = failed.result;
        return failed.outcome;
      });
    const written = await withinReach(persist(`record job ${id} as ${write.status}`, step, ours, log));
    report(log, who, job, result === 'failed' ? write.status : `failed, ${result}`, written, write.excString);
    if (isWritten(written)) {
      const handlers = await loadExceptionHandlers(setup.exceptionHandlers, attempt.roots);
      await runExceptionHandlers(handlers, job, write.excString, (error) =>
        log.error(`Exception handler failed: ${String(error)}`),
      );
      // As the worker: `failed` hooks once, at the end, never for a retried or stopped attempt.
      if (write.status === 'failed' && result === 'failed')
        await sendWebhooks(job, 'failed', warn, write.excString);
    }
  } finally {
    client.disconnect();
    // The job outlived its timeout and may still run: end it, and whatever it spawned.
    if (timedOut) signalGroup(process.pid);
  }
}

/** The job again, as Redis holds it, if this attempt is still this worker's to record. */
async function stillOurs(
  client: Redis,
  store: WorkerStore,
  jobClass: typeof Job,
  setup: HorseSetup,
  taken: TakenAs,
  id: string,
): Promise<Job | undefined> {
  const hash = await client.hgetallBuffer(keys.job(id));
  if (hash.worker_name?.toString() !== setup.worker.name || hash.status?.toString() !== 'started')
    return undefined;
  const problems: string[] = [];
  const job = jobClass.fromHash(id, hash, store.serializer, problems);
  if (job.origin === '') job.origin = taken.queue;
  // A later attempt of the same job (a retry this worker took again) is not this one.
  if (taken.startedAt !== undefined && job.startedAt?.getTime() !== taken.startedAt) return undefined;
  if ((await client.zscore(keys.registry('started', job.origin), taken.member)) === null) return undefined;
  const execution = taken.execution && {
    id: taken.execution.id,
    startedAt: new Date(taken.execution.startedAt),
  };
  store.adopt(job, taken.member, execution);
  return job;
}

/**
 * One fenced write, sent once: on a lost connection the horse checks whether the job left
 * the started registry (the write landed, or someone else ended the job) before sending it
 * again, since its client never resends by itself.
 */
async function persist(
  what: string,
  step: () => Promise<StepOutcome>,
  ours: () => Promise<boolean>,
  log: WorkerLogger,
): Promise<StepOutcome | 'unknown'> {
  for (;;) {
    try {
      return await retryRefused(what, step, {
        warn: (line) => log.warn(line),
        info: (line) => log.info(line),
        giveUp: () => false,
      });
    } catch (error) {
      log.warn(`Could not ${what}: ${realError(error).message}; checking whether it landed`);
      await new Promise((resolve) => setTimeout(resolve, RECHECK_MS));
      const again = await ours().catch(() => true);
      if (!again) return 'unknown';
    }
  }
}

async function withinReach<T>(work: Promise<T>): Promise<T | 'unreachable'> {
  let value: T | 'unreachable' = 'unreachable';
  await settledWithin(
    work.then((v) => (value = v)),
    RECORD_WITHIN_MS,
  );
  return value;
}

function isWritten(written: StepOutcome | 'unknown' | 'unreachable'): boolean {
  return typeof written === 'object' && written.kind === 'written';
}

function report(
  log: WorkerLogger,
  who: string,
  job: Job,
  what: string,
  written: StepOutcome | 'unknown' | 'unreachable',
  excString?: string,
): void {
  const id = escapeControl(job.id);
  if (written === 'unreachable')
    log.error(`${who}; Redis did not take job ${id}'s outcome (${what}) in time`);
  else if (written === 'unknown')
    log.warn(`${who}; job ${id} left the started registry while its ${what} outcome was sent`);
  else if (written.kind === 'dropped')
    log.warn(`${who}; dropping job ${id}'s ${what} outcome, because ${written.reason}`);
  else log.warn(`${who}; the horse recorded job ${id} as ${what} itself${excString ? `\n${excString}` : ''}`);
}

function remaining(startedAt: number, timeout: number): number | undefined {
  return timeout > 0 ? startedAt + timeout * 1000 - Date.now() : undefined;
}

/** A run's outcome, or the timeout's, whichever comes first; an uncaught error fails it. */
async function bounded(
  run: Promise<RunOutcome>,
  crash: Promise<RunOutcome>,
  ms: number | undefined,
): Promise<ExecOutcome> {
  const settled = Promise.race([run, crash]).then((outcome): ExecOutcome =>
    outcome.ok
      ? { kind: 'succeeded', value: outcome.value }
      : { kind: 'failed', excString: outcome.excString },
  );
  if (ms === undefined) return settled;
  return (await settledWithin(settled, Math.max(0, ms))) ? settled : TIMED_OUT;
}

/** A callback, here: the one the worker had started if it had, else a new run, under its timeout. */
function callbackHere(
  attempt: Attempt,
  callback: JobCallback,
  run: CallbackRun,
  crash: Promise<RunOutcome>,
  hooks: OrphanHooks,
): Promise<ExecOutcome> {
  const known = attempt.callbacks.get(run.kind);
  const startedAt = known?.startedAt ?? Date.now();
  const promise =
    known?.promise ??
    runJobFunction({ ...attempt.payload, callback: run }, attempt.roots, {
      signal: () => new AbortController().signal,
      saveMeta: (meta) => hooks.saveMeta?.(attempt.payload.id, meta) ?? Promise.resolve(),
    });
  return bounded(promise, crash, remaining(startedAt, callback.timeout));
}
