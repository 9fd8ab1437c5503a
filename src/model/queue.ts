import type { Redis } from 'ioredis';
import {
  DEPENDENTS_SUFFIX,
  JOB_KEY_PREFIX,
  keys,
  queueNameFromKey,
  REGISTRY_KINDS,
  type RegistryKind,
} from '../redis/keys.js';
import { SCRIPTS } from '../redis/scripts/index.js';
import { setCallbacks, type CallbackOptions } from './callbacks.js';
import { RqtsError } from '../errors.js';
import { DEFAULT_TIMEOUT, Job, type JobCall } from './job.js';
import { Registry, type RegistryCounts } from './registry.js';
import { JSONSerializer, type Serializer } from './serializer.js';
import { parseDuration } from './time.js';
import {
  enqueueDependentScriptParts,
  enqueueScriptParts,
  scheduleCommands,
  type ScriptParts,
} from './transitions.js';

export interface EnqueueOptions extends CallbackOptions {
  jobId?: string;
  /** Seconds, or RQ's unit strings ('90s', '5m', '2h', '1d'); -1 for no limit. */
  timeout?: number | string;
  resultTtl?: number;
  failureTtl?: number;
  ttl?: number;
  description?: string;
  meta?: Record<string, unknown>;
  atFront?: boolean;
  retry?: { max: number; interval?: number | number[] };
  /** Job ids this job waits for (RQ's depends_on): it is deferred until they have finished. */
  dependsOn?: string | readonly string[];
  /** Run after a dependency failed, was stopped or canceled too (RQ's Dependency(allow_failure=True)). */
  allowDependencyFailures?: boolean;
}

export interface EnqueueSpec extends EnqueueOptions {
  funcName: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
}

/** RQ refuses names that would break its comma-joined `queues` field; so do we, and spaces too. */
export function validateQueueName(name: string): string {
  if (name === '' || /[\s,]/.test(name)) {
    throw new RqtsError(
      'BAD_QUEUE_NAME',
      `Queue name ${JSON.stringify(name)} is not allowed`,
      'Use a name without spaces or commas, e.g. high or emails_default',
    );
  }
  return name;
}

/** RQ's timeout units: an int, or a number followed by d, h, m or s. */
export function parseTimeout(value: number | string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'number') return checkTimeout(value, String(value));
  const seconds = parseDuration(value, { negative: true });
  if (seconds === undefined)
    throw new RqtsError(
      'BAD_ARGUMENT',
      `Timeout ${JSON.stringify(value)} is not a number of seconds`,
      "Give seconds (180), or a unit: '90s', '5m', '2h', '1d'; -1 for none",
    );
  return checkTimeout(seconds, value);
}

function checkWholeSeconds(name: string, value: number | undefined): void {
  if (value !== undefined && !Number.isInteger(value))
    throw new RqtsError(
      'BAD_ARGUMENT',
      `${name} must be whole seconds, got ${value}`,
      'Give an integer (-1 for no expiry)',
    );
}

function checkTimeout(seconds: number, text: string): number {
  if (!Number.isInteger(seconds) || seconds === 0 || seconds < -1) {
    throw new RqtsError(
      'BAD_ARGUMENT',
      `Timeout ${text} is not allowed`,
      'Use a positive number of seconds, or -1 for no limit',
    );
  }
  return seconds;
}

export class Queue {
  readonly name: string;
  readonly key: string;

  constructor(
    name: string,
    readonly connection: Redis,
    readonly options: { serializer?: Serializer; defaultTimeout?: number; existing?: boolean } = {},
  ) {
    // `existing`: a name read back from rq:queues. A Python producer may have used a name we
    // refuse to create; it must still be listed and counted (rq info does), just not enqueued to.
    this.name = options.existing ? name : validateQueueName(name);
    this.key = keys.queue(name);
  }

  get serializer(): Serializer {
    return this.options.serializer ?? JSONSerializer;
  }

  /** Every queue RQ knows of (`rq:queues`), sorted by name. */
  static async all(connection: Redis, options: { serializer?: Serializer } = {}): Promise<Queue[]> {
    const queueKeys = await connection.smembers(keys.allQueues);
    return queueKeys
      .filter((key) => key.startsWith(keys.queue('')))
      .map(queueNameFromKey)
      .sort()
      .map((name) => new Queue(name, connection, { ...options, existing: true }));
  }

  createJob(spec: EnqueueSpec): Job {
    if (this.options.existing) validateQueueName(this.name);
    const call: JobCall = { funcName: spec.funcName, args: spec.args ?? [], kwargs: spec.kwargs ?? {} };
    if (!call.funcName) throw new RqtsError('BAD_ARGUMENT', 'No function given', 'Name it like tasks.add');
    if (spec.ttl !== undefined && (!Number.isInteger(spec.ttl) || spec.ttl <= 0))
      throw new RqtsError(
        'BAD_ARGUMENT',
        `ttl must be a positive number of seconds, got ${spec.ttl}`,
        'Give whole seconds greater than 0',
      );
    // Python reads these fields with int(): "1.5" in the hash would break every Python reader.
    checkWholeSeconds('result_ttl', spec.resultTtl);
    checkWholeSeconds('failure_ttl', spec.failureTtl);
    if (
      spec.meta !== undefined &&
      (typeof spec.meta !== 'object' || spec.meta === null || Array.isArray(spec.meta))
    ) {
      throw new RqtsError(
        'BAD_ARGUMENT',
        'meta must be an object',
        'Pass meta as a plain object, e.g. { team: "ops" }',
      );
    }
    const job = Job.create(
      call,
      {
        id: spec.jobId,
        origin: this.name,
        timeout: parseTimeout(spec.timeout) ?? this.options.defaultTimeout ?? DEFAULT_TIMEOUT,
        resultTtl: spec.resultTtl,
        failureTtl: spec.failureTtl,
        ttl: spec.ttl,
        description: spec.description,
        meta: spec.meta ?? {},
      },
      this.serializer,
    );
    if (spec.dependsOn !== undefined) {
      const ids = typeof spec.dependsOn === 'string' ? [spec.dependsOn] : [...spec.dependsOn];
      if (ids.length === 0 || ids.some((id) => typeof id !== 'string' || id === ''))
        throw new RqtsError(
          'BAD_ARGUMENT',
          'depends_on needs job ids',
          'Give the ids of the jobs to wait for',
        );
      job.dependencyIds = ids;
    }
    if (spec.retry && spec.retry.max > 0) {
      const interval = spec.retry.interval ?? 0;
      const intervals = Array.isArray(interval) ? interval : [interval];
      if (!Number.isInteger(spec.retry.max) || intervals.some((n) => !Number.isInteger(n) || n < 0)) {
        throw new RqtsError(
          'BAD_ARGUMENT',
          `Retry ${JSON.stringify(spec.retry)} is not allowed`,
          'Give max as an integer and intervals as whole seconds >= 0',
        );
      }
      job.retriesLeft = spec.retry.max;
      job.retryIntervals = intervals;
    }
    setCallbacks(job, spec);
    return job;
  }

  /** One MULTI/EXEC, one round trip (docs/protocol.md §6.1). */
  async enqueue(
    funcName: string,
    args: unknown[] = [],
    kwargs: Record<string, unknown> = {},
    options: EnqueueOptions = {},
  ): Promise<Job> {
    const job = this.createJob({ ...options, funcName, args, kwargs });
    if (job.dependencyIds.length > 0) {
      const parts = enqueueDependentScriptParts(job, {
        atFront: options.atFront,
        allowFailures: options.allowDependencyFailures,
      });
      const status = await SCRIPTS.enqueueDependent.call(this.connection, parts.keys, parts.args);
      job.status = String(status);
      if (job.status === 'deferred') job.enqueuedAt = undefined;
      return job;
    }
    const parts = enqueueScriptParts(job, { atFront: options.atFront });
    await SCRIPTS.enqueueJob.call(this.connection, parts.keys, parts.args);
    return job;
  }

  /** RQ's enqueue_at: the job waits in the scheduled registry until `due`; a scheduler enqueues it then. */
  async enqueueAt(
    due: Date,
    funcName: string,
    args: unknown[] = [],
    kwargs: Record<string, unknown> = {},
    options: EnqueueOptions = {},
  ): Promise<Job> {
    if (Number.isNaN(due.getTime()))
      throw new RqtsError(
        'BAD_ARGUMENT',
        'The time to enqueue at is not a valid date',
        'Give a Date, e.g. new Date(Date.now() + 60_000)',
      );
    const job = this.createJob({ ...options, funcName, args, kwargs });
    if (job.dependencyIds.length > 0)
      throw new RqtsError(
        'BAD_ARGUMENT',
        'A scheduled job cannot also wait for other jobs here',
        'Use either dependsOn or a schedule',
      );
    const multi = this.connection.multi();
    scheduleCommands(multi, job, due, { atFront: options.atFront });
    const failed = ((await multi.exec()) ?? []).find(([error]) => error);
    if (failed?.[0]) throw failed[0];
    return job;
  }

  /** RQ's enqueue_in: enqueueAt `seconds` from now. */
  async enqueueIn(
    seconds: number,
    funcName: string,
    args: unknown[] = [],
    kwargs: Record<string, unknown> = {},
    options: EnqueueOptions = {},
  ): Promise<Job> {
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new RqtsError(
        'BAD_ARGUMENT',
        `Cannot schedule ${seconds} seconds from now`,
        'Give a delay of 0 seconds or more',
      );
    return this.enqueueAt(new Date(Date.now() + seconds * 1000), funcName, args, kwargs, options);
  }

  async enqueueJob(job: Job, options: { atFront?: boolean } = {}): Promise<Job> {
    // One atomic script call (scripts/enqueue-job-3.lua): no MULTI, no pipeline object.
    const parts = enqueueScriptParts(job, options);
    await SCRIPTS.enqueueJob.call(this.connection, parts.keys, parts.args);
    return job;
  }

  /** Many jobs in one pipelined round trip; each job's enqueue is atomic on its own, as RQ's. */
  async enqueueMany(specs: readonly EnqueueSpec[]): Promise<Job[]> {
    if (specs.some((spec) => spec.dependsOn !== undefined)) {
      throw new RqtsError(
        'BAD_ARGUMENT',
        'enqueueMany does not take dependsOn',
        'Enqueue jobs with dependencies one by one with enqueue()',
      );
    }
    const jobs = specs.map((spec) => this.createJob(spec));
    const partsOf = (i: number): ScriptParts => enqueueScriptParts(jobs[i]!, { atFront: specs[i]?.atFront });
    const failed = (await SCRIPTS.enqueueJob.callMany(this.connection, jobs.length, partsOf)).find(
      ([error]) => error,
    );
    if (failed?.[0]) throw failed[0];
    return jobs;
  }

  async count(): Promise<number> {
    return this.connection.llen(this.key);
  }

  /** Paged in Redis: ids from `offset`, at most `length` (-1 for all). */
  async jobIds(offset = 0, length = -1): Promise<string[]> {
    const end = length < 0 ? -1 : offset + length - 1;
    return this.connection.lrange(this.key, offset, end);
  }

  async jobs(offset = 0, length = -1): Promise<Job[]> {
    const ids = await this.jobIds(offset, length);
    return (await Job.fetchMany(this.connection, ids, this.serializer)).filter(
      (j): j is Job => j !== undefined,
    );
  }

  async fetchJob(id: string): Promise<Job | undefined> {
    try {
      return await Job.fetch(this.connection, id, this.serializer);
    } catch {
      return undefined;
    }
  }

  /** RQ's Queue.empty: atomically pops every id and deletes those jobs. Returns the count. */
  async empty(): Promise<number> {
    return SCRIPTS.emptyQueue.call(this.connection, [this.key], [JOB_KEY_PREFIX, DEPENDENTS_SUFFIX]);
  }

  /** Empty, then forget the queue entirely. */
  async delete(): Promise<number> {
    const removed = await this.empty();
    await this.connection.multi().srem(keys.allQueues, this.key).del(this.key).exec();
    return removed;
  }

  registry(kind: RegistryKind): Registry {
    return new Registry(kind, this.name, this.connection, this.serializer);
  }

  get startedJobRegistry(): Registry {
    return this.registry('started');
  }

  get finishedJobRegistry(): Registry {
    return this.registry('finished');
  }

  get failedJobRegistry(): Registry {
    return this.registry('failed');
  }

  /** Sizes of all six registries in one round trip (no clean-up: a pure read). */
  async registryCounts(): Promise<RegistryCounts> {
    const pipeline = this.connection.pipeline();
    for (const kind of REGISTRY_KINDS) pipeline.zcard(keys.registry(kind, this.name));
    const replies = (await pipeline.exec()) ?? [];
    const counts = {} as RegistryCounts;
    REGISTRY_KINDS.forEach((kind, i) => {
      counts[kind] = Number(replies[i]?.[1] ?? 0);
    });
    return counts;
  }
}
