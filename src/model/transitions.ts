import type { ChainableCommander } from 'ioredis';
import { DEPENDENTS_SUFFIX, JOB_KEY_PREFIX, keys } from '../redis/keys.js';
import type { PackedArg } from '../redis/packed-command.js';
import { SCRIPTS } from '../redis/scripts/index.js';
import { DEFAULT_FAILURE_TTL, type Job } from './job.js';
import { addFailureResult, encodeReturnValue, type ResultExecution } from './results.js';
import { formatLocalDatetime, formatSeconds, formatTimestamp, formatUtcDatetime, unixNow } from './time.js';

// The Redis commands of each job state change (docs/protocol.md §6), queued into a MULTI the
// caller owns. Callers add their own bookkeeping (worker counters) to the same MULTI, so
// every transition lands in one atomic step and one round trip.

export interface EnqueueCommandOptions {
  atFront?: boolean;
  now?: Date;
  /**
   * Write `meta` too (default). Re-enqueues of a job that just ran (retries) leave it out,
   * so meta saved by the job itself while it ran is not overwritten by a stale copy.
   */
  includeMeta?: boolean;
}

/** A script call's keys and arguments, apart. */
export interface ScriptParts<Arg = string | Buffer> {
  keys: Arg[];
  args: Arg[];
}

/** Keys and arguments of enqueue-job-3.lua for one job (marks it queued). */
export function enqueueScriptParts(job: Job, options: EnqueueCommandOptions = {}): ScriptParts {
  job.status = 'queued';
  job.enqueuedAt = options.now ?? new Date();
  const args: (string | Buffer)[] = [
    job.id,
    options.atFront ? 'front' : 'back',
    job.ttl !== undefined && job.ttl > 0 ? String(job.ttl) : '0',
    keys.jobDependents(job.id),
    keys.jobDependencies(job.id),
  ];
  for (const field of job.hashFields(options.includeMeta)) args.push(field);
  return { keys: [keys.allQueues, job.key, keys.queue(job.origin)], args };
}

/** Keys and arguments of enqueue-dependent-4.lua for a job with dependencies. */
export function enqueueDependentScriptParts(
  job: Job,
  options: EnqueueCommandOptions & { allowFailures?: boolean } = {},
): ScriptParts {
  const plain = enqueueScriptParts(job, options);
  const [id, atFront, ttl, dependents, dependencies, ...fields] = plain.args;
  return {
    keys: [...plain.keys, keys.registry('deferred', job.origin)],
    args: [
      id!,
      atFront!,
      ttl!,
      dependents!,
      dependencies!,
      JOB_KEY_PREFIX,
      DEPENDENTS_SUFFIX,
      String(unixNow((options.now ?? new Date()).getTime())),
      options.allowFailures ? 'allow-failures' : 'finished-only',
      String(job.dependencyIds.length),
      ...job.dependencyIds,
      ...fields,
    ],
  };
}

export function enqueueCommands(
  multi: ChainableCommander,
  job: Job,
  options: EnqueueCommandOptions = {},
): void {
  const parts = enqueueScriptParts(job, options);
  SCRIPTS.enqueueJob.queue(multi, parts.keys, parts.args);
}

export function expireJobKeys(multi: ChainableCommander, job: Job, ttl: number): void {
  multi.expire(job.key, ttl);
  multi.expire(keys.jobDependents(job.id), ttl);
  multi.expire(keys.jobDependencies(job.id), ttl);
}

export function failedScore(failureTtl: number, now: number): number {
  return failureTtl < 0 ? failureTtl : now + failureTtl;
}

export interface FinishOptions {
  returnValue: unknown;
  resultTtl: number;
  ended: Date;
  /** The worker's own bookkeeping, done in the same atomic step. */
  worker?: { key: string; workingSeconds: number; idleTtl: number };
  /** Finish only while the job is still `worker`'s, under started-registry `member` (see the script). */
  fence?: StepFence;
}

/** Which worker must still hold a job, under which started-registry member, and the call's token. */
export interface StepFence {
  member: string;
  worker: string;
  token: string;
}

/**
 * Success (§6.5): finished registry, result entry, TTLs, dependents released, out of the
 * started registry, and the worker's counters: one script call (scripts/finish-job-7.lua).
 */
export function finishCommands(multi: ChainableCommander, job: Job, options: FinishOptions): void {
  const parts = finishScriptParts(job, options);
  SCRIPTS.finishJob.queue(multi, parts.keys, parts.args);
}

/**
 * Texts of the finish script that are the same for every job of a worker and origin. A worker
 * passes them pre-encoded (Fixed), since it runs this once per job; others get plain strings.
 */
export interface FinishTexts {
  started: PackedArg;
  finished: PackedArg;
  jobPrefix: PackedArg;
  queuePrefix: PackedArg;
  deferredPrefix: PackedArg;
  allQueues: PackedArg;
}

export function finishTexts(origin: string): FinishTexts {
  return {
    started: keys.registry('started', origin),
    finished: keys.registry('finished', origin),
    jobPrefix: JOB_KEY_PREFIX,
    queuePrefix: keys.queue(''),
    deferredPrefix: keys.registry('deferred', ''),
    allQueues: keys.allQueues,
  };
}

/** finish-job-7's keys and arguments (7 keys, 16 arguments); marks the job finished. */
export function finishScriptParts(
  job: Job,
  options: FinishOptions,
  texts: FinishTexts = finishTexts(job.origin),
  workerKey?: PackedArg,
): ScriptParts<PackedArg> {
  job.endedAt = options.ended;
  if (options.resultTtl !== 0) job.status = 'finished';
  const worker = options.worker;
  return {
    keys: [
      job.key,
      texts.started,
      texts.finished,
      keys.results(job.id),
      workerKey ?? worker?.key ?? job.key,
      keys.jobDependents(job.id),
      keys.jobDependencies(job.id),
    ],
    args: [
      job.id,
      formatTimestamp(options.ended),
      String(options.resultTtl),
      String(unixNow(options.ended.getTime())),
      encodeReturnValue(options.returnValue, job.serializer) ?? '',
      formatSeconds(worker?.workingSeconds ?? 0),
      String(worker?.idleTtl ?? 0),
      worker ? 'worker' : 'none',
      texts.jobPrefix,
      texts.queuePrefix,
      texts.deferredPrefix,
      texts.allQueues,
      job.dependencyIds.length > 0 ? 'with-dependencies' : 'no-dependencies',
      options.fence?.member ?? '',
      options.fence?.worker ?? '',
      options.fence?.token ?? '',
    ],
  };
}

export interface FailOptions {
  excString: string;
  ended: Date;
  /** `stopped` for stop-job; never retried. */
  status?: 'failed' | 'stopped';
  /** --disable-default-exception-handler: the job leaves every registry with no result. */
  defaultHandler?: boolean;
  /** The job's started-registry member, when it is not the job id. */
  member?: string;
  /** Speaking RQ 2.x: the run that failed; its records go and the result entry names it. */
  execution?: ResultExecution;
}

export function shouldRetry(job: Job, status: 'failed' | 'stopped' = 'failed'): boolean {
  return status !== 'stopped' && job.retriesLeft !== undefined && job.retriesLeft > 0;
}

/** Failure (§6.6): retry when the job has retries left, else the failed registry. */
export function failCommands(
  multi: ChainableCommander,
  job: Job,
  options: FailOptions,
): 'retried' | 'failed' | 'scheduled' {
  const status = options.status ?? 'failed';
  job.endedAt = options.ended;
  multi.zrem(keys.registry('started', job.origin), options.member ?? job.id);
  if (options.execution) {
    // Redis drops the executions zset itself once its last member goes.
    multi.del(keys.execution(job.id, options.execution.id));
    multi.zrem(keys.executions(job.id), options.execution.id);
  }
  if (shouldRetry(job, status)) return retryCommands(multi, job, options.ended);
  job.status = status;
  // Only dependents that allow dependency failures qualify; the script checks. Speaking 2.x
  // (an execution) a stopped parent releases none of them (RQ 2.8+, §6.10).
  releaseDependents(multi, job, status, options.ended, options.execution ? 2 : 1);
  if (options.defaultHandler === false) {
    multi.hset(job.key, 'status', status);
    return 'failed';
  }
  const failureTtl = job.failureTtl ?? DEFAULT_FAILURE_TTL;
  const now = unixNow(options.ended.getTime());
  multi.hset(job.key, job.toHash({ includeMeta: false }));
  // RQ expires with failure_ttl 0 too (the job is gone at once); negative means keep forever.
  if (failureTtl >= 0) expireJobKeys(multi, job, failureTtl);
  multi.zadd(keys.registry('failed', job.origin), String(failedScore(failureTtl, now)), job.id);
  addFailureResult(multi, job.id, options.excString, job.failureTtl, job.workerName ?? '', {
    execution: options.execution && { ...options.execution, endedAt: options.ended },
  });
  return 'failed';
}

function dependentsReleaseArgs(): string[] {
  return [JOB_KEY_PREFIX, keys.queue(''), keys.registry('deferred', ''), keys.allQueues];
}

/** Deferred dependents whose dependencies have all ended go to their queues (§6.5, step 2). */
function releaseDependents(
  multi: ChainableCommander,
  job: Job,
  outcome: 'finished' | 'failed' | 'stopped',
  at: Date,
  rule: 1 | 2,
): void {
  SCRIPTS.releaseDependents.queue(
    multi,
    [keys.jobDependents(job.id)],
    [...dependentsReleaseArgs(), formatTimestamp(at), job.id, outcome, rule === 2 ? 'rq2' : 'rq1'],
  );
}

/** The exc_info RQ 1.16 stores on a job its worker abandoned (§7.2); 2.x prints the time in UTC. */
export function abandonedExcInfo(at: Date, rq2 = false): string {
  const when = rq2 ? formatUtcDatetime(at) : formatLocalDatetime(at);
  return `Moved to FailedJobRegistry, due to AbandonedJobError, at ${when}`;
}

export interface AbandonOptions {
  at?: Date;
  /**
   * The job was abandoned by an RQ 2.x worker (its member named an execution): fail it the
   * 2.x way, with a FAILED result entry and its allow_failure dependents released.
   */
  rq2?: boolean;
}

/**
 * Started-registry clean-up of one abandoned job (§7.2): retried when it has retries left,
 * else failed with the AbandonedJobError text in exc_info. As RQ 1.x, no result entry and no
 * ended_at; as RQ 2.x, a result entry by no worker and dependents released. The caller
 * removes the job's member from rq:wip.
 */
export function abandonCommands(
  multi: ChainableCommander,
  job: Job,
  options: AbandonOptions = {},
): 'retried' | 'failed' | 'scheduled' {
  const at = options.at ?? new Date();
  if (shouldRetry(job)) return retryCommands(multi, job, at);
  job.status = 'failed';
  job.excInfo = abandonedExcInfo(at, options.rq2);
  const failureTtl = job.failureTtl ?? DEFAULT_FAILURE_TTL;
  multi.hset(job.key, job.toHash({ includeMeta: false }));
  if (failureTtl >= 0) expireJobKeys(multi, job, failureTtl);
  multi.zadd(
    keys.registry('failed', job.origin),
    String(failedScore(failureTtl, unixNow(at.getTime()))),
    job.id,
  );
  if (options.rq2) {
    addFailureResult(multi, job.id, job.excInfo, job.failureTtl, '');
    releaseDependents(multi, job, 'failed', at, 2);
  }
  return 'failed';
}

function retryCommands(multi: ChainableCommander, job: Job, at: Date): 'retried' | 'scheduled' {
  const left = job.retriesLeft ?? 0;
  const intervals = job.retryIntervals ?? [0];
  const interval = intervals[Math.max(intervals.length - left, 0)] ?? intervals[intervals.length - 1] ?? 0;
  job.retriesLeft = left - 1;
  job.startedAt = undefined;
  if (interval <= 0) {
    // RQ 2.x's Retry(enqueue_at_front=True) is stored as enqueue_at_front_on_retry (§6.6).
    enqueueCommands(multi, job, { now: at, includeMeta: false, atFront: job.rq2?.enqueueAtFrontOnRetry });
    return 'retried';
  }
  scheduleCommands(multi, job, new Date(at.getTime() + interval * 1000), { includeMeta: false });
  return 'scheduled';
}

/**
 * RQ's schedule_job: the queue is known, the job saved as `scheduled`, and its id in the
 * scheduled registry, scored by the Unix second it is due. A scheduler (rqts --with-scheduler
 * or Python's) moves it to its queue then, at the front when `enqueue_at_front` is '1'. Its
 * ttl starts then too, as RQ's: a job waiting for its time does not expire.
 */
export function scheduleCommands(
  multi: ChainableCommander,
  job: Job,
  due: Date,
  options: { includeMeta?: boolean; atFront?: boolean } = {},
): void {
  job.status = 'scheduled';
  multi.sadd(keys.allQueues, keys.queue(job.origin));
  multi.hset(job.key, job.toHash({ includeMeta: options.includeMeta }));
  if (options.atFront) multi.hset(job.key, 'enqueue_at_front', '1');
  multi.zadd(keys.registry('scheduled', job.origin), String(unixNow(due.getTime())), job.id);
}
