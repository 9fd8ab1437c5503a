import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { keys } from '../redis/keys.js';
import { NoSuchJobError, PickleNotSupportedError, RqtsError } from '../errors.js';
import { callString, pythonJsonDumps } from './python-text.js';
import {
  compress,
  compressData,
  decompress,
  JSONSerializer,
  looksLikePickle,
  toBuffer,
  type Serializer,
} from './serializer.js';
import { formatTimestamp, tryParseTimestamp } from './time.js';
import { startedMembersOf } from './started-member.js';
import { readRq2Fields, type Rq2JobFields } from './rq2-fields.js';

export type JobStatus =
  | 'queued'
  | 'started'
  | 'finished'
  | 'failed'
  | 'deferred'
  | 'scheduled'
  | 'stopped'
  | 'canceled'
  | 'created';

export const JOB_STATUSES: readonly JobStatus[] = [
  'queued',
  'started',
  'finished',
  'failed',
  'deferred',
  'scheduled',
  'stopped',
  'canceled',
];

export const DEFAULT_TIMEOUT = 180;
export const DEFAULT_RESULT_TTL = 500;
export const DEFAULT_FAILURE_TTL = 31_536_000;

export interface JobCall {
  funcName: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/** Fields as stored in the job hash; everything optional because foreign hashes vary. */
export interface JobData {
  id: string;
  origin: string;
  status?: JobStatus | (string & {});
  description?: string;
  /** Seconds; -1 means no limit; undefined means the worker's default. */
  timeout?: number;
  resultTtl?: number;
  failureTtl?: number;
  ttl?: number;
  meta: Record<string, unknown>;
  createdAt?: Date;
  enqueuedAt?: Date;
  startedAt?: Date;
  endedAt?: Date;
  lastHeartbeat?: Date;
  workerName: string;
  retriesLeft?: number;
  retryIntervals?: number[];
  dependencyIds: string[];
  successCallbackName: string;
  failureCallbackName: string;
  stoppedCallbackName: string;
  /** Seconds each callback may run (RQ 1.15+); written only with the callback's name. */
  successCallbackTimeout?: number;
  failureCallbackTimeout?: number;
  stoppedCallbackTimeout?: number;
  /** Legacy text of the last failure; RQ keeps it compressed in the hash. */
  excInfo?: string;
}

export class Job implements JobData {
  id: string;
  origin: string;
  status?: JobStatus | (string & {});
  description?: string;
  timeout?: number;
  resultTtl?: number;
  failureTtl?: number;
  ttl?: number;
  meta: Record<string, unknown> = {};
  createdAt?: Date;
  enqueuedAt?: Date;
  startedAt?: Date;
  endedAt?: Date;
  lastHeartbeat?: Date;
  workerName = '';
  retriesLeft?: number;
  retryIntervals?: number[];
  dependencyIds: string[] = [];
  successCallbackName = '';
  failureCallbackName = '';
  stoppedCallbackName = '';
  successCallbackTimeout?: number;
  failureCallbackTimeout?: number;
  stoppedCallbackTimeout?: number;
  excInfo?: string;
  /** RQ 2.x's Repeat, retry-at-front and webhook fields, when the hash has any. */
  rq2?: Rq2JobFields;
  /** The raw `data` field; decoded lazily so pickled jobs still show their metadata. */
  private rawData: Buffer | undefined;
  private call: JobCall | undefined;
  readonly serializer: Serializer;

  constructor(
    init: Partial<JobData> & { id: string; origin: string },
    serializer: Serializer = JSONSerializer,
  ) {
    this.id = init.id;
    this.origin = init.origin;
    this.serializer = serializer;
    // Skip explicit undefineds so `{ meta: undefined }` cannot erase the defaults above.
    // A plain key loop: a worker builds a job per dequeue, and entries/assign allocated per field.
    const self = this as unknown as Record<string, unknown>;
    for (const field of Object.keys(init)) {
      const value = (init as Record<string, unknown>)[field];
      if (value !== undefined) self[field] = value;
    }
  }

  static create(
    call: JobCall,
    options: Partial<Omit<JobData, 'id'>> & { id?: string; origin: string },
    serializer: Serializer = JSONSerializer,
  ): Job {
    const job = new Job(
      { id: options.id === undefined ? randomUUID() : validateJobId(options.id), origin: options.origin },
      serializer,
    );
    // The constructor's generic copy costs more than the rest of a producer's job building.
    const fields = job as unknown as Record<string, unknown>;
    for (const field in options) {
      const value = (options as Record<string, unknown>)[field];
      if (value !== undefined && field !== 'id') fields[field] = value;
    }
    job.setCall(call);
    job.createdAt ??= new Date();
    job.description ??= callString(call.funcName, call.args, call.kwargs);
    return job;
  }

  get key(): string {
    return keys.job(this.id);
  }

  setCall(call: JobCall): void {
    const copy = { funcName: call.funcName, args: [...call.args], kwargs: { ...call.kwargs } };
    this.rawData = compressData(
      this.dumpsOrExplain([copy.funcName, null, copy.args, copy.kwargs], 'arguments', true),
    );
    this.call = copy;
  }

  private dumpsOrExplain(value: unknown, what: string): Buffer;
  private dumpsOrExplain(value: unknown, what: string, asText: true): Buffer | string;
  private dumpsOrExplain(value: unknown, what: string, asText = false): Buffer | string {
    try {
      // The JSON text goes straight into the zlib stream, with no Buffer in between.
      if (asText && this.serializer === JSONSerializer) return pythonJsonDumps(value);
      return toBuffer(this.serializer.dumps(value));
    } catch (error) {
      throw new RqtsError(
        'NOT_SERIALIZABLE',
        `Job ${this.id} ${what} cannot be serialized: ${(error as Error).message}`,
        'Pass JSON values only (strings, numbers, booleans, null, arrays, plain objects)',
      );
    }
  }

  /** Decodes the call; throws a one-line error for pickle or garbage instead of crashing. */
  getCall(): JobCall {
    if (this.call) return this.call;
    if (!this.rawData)
      throw new RqtsError(
        'MALFORMED_JOB',
        `Job ${this.id} has no data field`,
        'The hash is incomplete; delete or re-enqueue the job',
      );
    const plain = decompress(this.rawData);
    if (looksLikePickle(plain)) throw new PickleNotSupportedError(this.id);
    let decoded: unknown;
    try {
      decoded = this.serializer.loads(plain);
    } catch (error) {
      throw new RqtsError(
        'DESERIALIZE_FAILED',
        `Job ${this.id} data cannot be decoded: ${(error as Error).message}`,
        'Check the serializer the producer used',
      );
    }
    if (!Array.isArray(decoded) || typeof decoded[0] !== 'string') {
      throw new RqtsError(
        'DESERIALIZE_FAILED',
        `Job ${this.id} data is not [func, instance, args, kwargs]`,
        'Check the serializer the producer used',
      );
    }
    const [funcName, , args, kwargs] = decoded as [string, unknown, unknown, unknown];
    this.call = {
      funcName,
      args: Array.isArray(args) ? args : [],
      kwargs:
        kwargs && typeof kwargs === 'object' && !Array.isArray(kwargs)
          ? (kwargs as Record<string, unknown>)
          : {},
    };
    return this.call;
  }

  /** The function name, or undefined when the payload cannot be decoded. */
  get funcName(): string | undefined {
    try {
      return this.getCall().funcName;
    } catch {
      return undefined;
    }
  }

  get isPickled(): boolean {
    return this.rawData !== undefined && looksLikePickle(decompress(this.rawData));
  }

  /** The full mapping RQ writes on every save (§5.1), as Redis strings. */
  toHash(options: { includeMeta?: boolean } = {}): Record<string, string | Buffer> {
    const fields = this.hashFields(options.includeMeta);
    const hash: Record<string, string | Buffer> = {};
    for (let i = 0; i < fields.length; i += 2) hash[fields[i] as string] = fields[i + 1]!;
    return hash;
  }

  /** toHash as field, value, field, value …: the form HSET and the enqueue script take. */
  hashFields(includeMeta = true): (string | Buffer)[] {
    const fields: (string | Buffer)[] = [
      'created_at',
      formatTimestamp(this.createdAt ?? new Date()),
      'data',
      this.rawData ?? Buffer.alloc(0),
      'success_callback_name',
      this.successCallbackName,
      'failure_callback_name',
      this.failureCallbackName,
      'stopped_callback_name',
      this.stoppedCallbackName,
      'started_at',
      this.startedAt ? formatTimestamp(this.startedAt) : '',
      'ended_at',
      this.endedAt ? formatTimestamp(this.endedAt) : '',
      'last_heartbeat',
      this.lastHeartbeat ? formatTimestamp(this.lastHeartbeat) : '',
      'worker_name',
      this.workerName,
      'origin',
      this.origin,
    ];
    if (this.description !== undefined) fields.push('description', this.description);
    if (this.enqueuedAt) fields.push('enqueued_at', formatTimestamp(this.enqueuedAt));
    if (this.status) fields.push('status', this.status);
    if (this.timeout !== undefined) fields.push('timeout', String(this.timeout));
    if (this.resultTtl !== undefined) fields.push('result_ttl', String(this.resultTtl));
    if (this.failureTtl !== undefined) fields.push('failure_ttl', String(this.failureTtl));
    if (this.ttl !== undefined) fields.push('ttl', String(this.ttl));
    if (this.retriesLeft !== undefined) fields.push('retries_left', String(this.retriesLeft));
    if (this.successCallbackTimeout !== undefined)
      fields.push('success_callback_timeout', String(this.successCallbackTimeout));
    if (this.failureCallbackTimeout !== undefined)
      fields.push('failure_callback_timeout', String(this.failureCallbackTimeout));
    if (this.stoppedCallbackTimeout !== undefined)
      fields.push('stopped_callback_timeout', String(this.stoppedCallbackTimeout));
    // json.dumps spelling (", " separators), as Python writes these two fields.
    if (this.retryIntervals) fields.push('retry_intervals', pythonJsonDumps(this.retryIntervals));
    if (this.dependencyIds.length > 0) {
      fields.push(
        'dependency_id',
        this.dependencyIds[0] ?? '',
        'dependency_ids',
        pythonJsonDumps(this.dependencyIds),
      );
    }
    if (this.excInfo !== undefined) fields.push('exc_info', compress(this.excInfo));
    if (includeMeta !== false && !isEmptyRecord(this.meta))
      fields.push('meta', this.dumpsOrExplain(this.meta, 'meta'));
    return fields;
  }

  /** Builds a job (or an instance of the subclass it is called on: custom job classes). */
  static fromHash<T extends Job>(
    this: new (init: Partial<JobData> & { id: string; origin: string }, serializer?: Serializer) => T,
    id: string,
    hash: Record<string, Buffer>,
    serializer: Serializer = JSONSerializer,
    /** Given: a malformed field is named here and left unset instead of throwing. */
    problems?: string[],
  ): T {
    const job = new this({ id, origin: textField(hash, 'origin') ?? '' }, serializer);
    job.rawData = hash.data;
    job.status = textField(hash, 'status') || undefined;
    job.description = textField(hash, 'description');
    job.timeout = intField(hash, 'timeout', id, problems);
    job.resultTtl = intField(hash, 'result_ttl', id, problems);
    job.failureTtl = intField(hash, 'failure_ttl', id, problems);
    job.ttl = intField(hash, 'ttl', id, problems);
    job.retriesLeft = intField(hash, 'retries_left', id, problems);
    job.createdAt = tryParseTimestamp(textField(hash, 'created_at'));
    job.enqueuedAt = tryParseTimestamp(textField(hash, 'enqueued_at'));
    job.startedAt = tryParseTimestamp(textField(hash, 'started_at'));
    job.endedAt = tryParseTimestamp(textField(hash, 'ended_at'));
    job.lastHeartbeat = tryParseTimestamp(textField(hash, 'last_heartbeat'));
    job.workerName = textField(hash, 'worker_name') ?? '';
    job.successCallbackName = textField(hash, 'success_callback_name') ?? '';
    job.failureCallbackName = textField(hash, 'failure_callback_name') ?? '';
    job.stoppedCallbackName = textField(hash, 'stopped_callback_name') ?? '';
    job.successCallbackTimeout = intField(hash, 'success_callback_timeout', id, problems);
    job.failureCallbackTimeout = intField(hash, 'failure_callback_timeout', id, problems);
    job.stoppedCallbackTimeout = intField(hash, 'stopped_callback_timeout', id, problems);
    const intervals = textField(hash, 'retry_intervals');
    if (intervals) {
      const parsed = safeJson(intervals, []);
      job.retryIntervals = Array.isArray(parsed)
        ? parsed.filter((n): n is number => typeof n === 'number')
        : [];
    }
    const depIdsText = textField(hash, 'dependency_ids');
    // Most jobs have no dependencies: skip JSON.parse('') and the exception it throws.
    const depIds = depIdsText ? safeJson(depIdsText, undefined) : undefined;
    const depId = textField(hash, 'dependency_id');
    job.dependencyIds = Array.isArray(depIds) ? depIds.map(String) : depId ? [depId] : [];
    const meta = hash.meta;
    if (meta && meta.length > 0) {
      let loaded: unknown;
      try {
        loaded = serializer.loads(meta);
      } catch {
        loaded = undefined;
      }
      job.meta = isPlainRecord(loaded) ? loaded : { unserialized: meta.toString('utf8') };
    }
    if (hash.exc_info && hash.exc_info.length > 0) job.excInfo = decompress(hash.exc_info).toString('utf8');
    job.rq2 = readRq2Fields(hash);
    return job;
  }

  static async fetch(connection: Redis, id: string, serializer: Serializer = JSONSerializer): Promise<Job> {
    const hash = await connection.hgetallBuffer(keys.job(id));
    if (!hash || !hash.data) throw new NoSuchJobError(id);
    return Job.fromHash(id, hash, serializer);
  }

  /** Fetches many jobs in one round trip; missing ones come back undefined. */
  static async fetchMany(
    connection: Redis,
    ids: readonly string[],
    serializer: Serializer = JSONSerializer,
  ): Promise<(Job | undefined)[]> {
    if (ids.length === 0) return [];
    const pipeline = connection.pipeline();
    for (const id of ids) pipeline.hgetallBuffer(keys.job(id));
    const replies = (await pipeline.exec()) ?? [];
    return ids.map((id, i) => {
      const hash = replies[i]?.[1] as Record<string, Buffer> | undefined;
      if (!hash || !hash.data) return undefined;
      try {
        return Job.fromHash(id, hash, serializer);
      } catch {
        return undefined;
      }
    });
  }

  static async exists(connection: Redis, id: string): Promise<boolean> {
    return (await connection.exists(keys.job(id))) === 1;
  }

  async refresh(connection: Redis): Promise<void> {
    const fresh = await Job.fetch(connection, this.id, this.serializer);
    Object.assign(this, fresh);
  }

  async save(connection: Redis): Promise<void> {
    await connection.hset(this.key, this.toHash());
  }

  /** Writes only `meta`, as RQ's save_meta does, so concurrent status writes survive. */
  async saveMeta(connection: Redis): Promise<void> {
    await connection.hset(this.key, 'meta', this.dumpsOrExplain(this.meta, 'meta'));
  }

  async getStatus(connection: Redis): Promise<string | undefined> {
    return (await connection.hget(this.key, 'status')) ?? undefined;
  }

  /** RQ's Job.delete: out of its queue and status registry, hash and dependency sets gone. */
  async delete(connection: Redis): Promise<void> {
    const status = await this.getStatus(connection);
    const registry = registryOfStatus(status);
    const registryKey = registry && keys.registry(registry, this.origin);
    // A job an RQ 2.x worker runs is in rq:wip as `id:execution_id`.
    const members =
      registry === 'started' ? await startedMembersOf(connection, registryKey!, this.id) : [this.id];
    const multi = connection.multi();
    multi.lrem(keys.queue(this.origin), 0, this.id);
    if (registryKey && members.length > 0) multi.zrem(registryKey, ...members);
    multi.del(this.key, keys.jobDependents(this.id), keys.jobDependencies(this.id));
    await multi.exec();
  }
}

// RQ 2.8's rule for custom ids. 2.x splits started-registry members and execution keys at
// `:`, so a 2.x worker drops a job whose id has one; 1.x accepted anything.
const JOB_ID = /^[A-Za-z0-9_-]+$/;

/** Returns the id when RQ 2.8+ would accept it, else throws one line saying what to use. */
export function validateJobId(id: string): string {
  if (JOB_ID.test(id)) return id;
  throw new RqtsError(
    'BAD_ARGUMENT',
    id === '' ? 'The job id is empty' : `Job id ${JSON.stringify(id)} is not allowed`,
    'Use only letters, digits, _ and - (RQ 2.8+ workers refuse other ids), e.g. tenant-42, or none for a generated one',
  );
}

export function registryOfStatus(
  status: string | undefined,
): 'started' | 'finished' | 'failed' | 'deferred' | 'scheduled' | 'canceled' | undefined {
  switch (status) {
    case 'started':
    case 'finished':
    case 'failed':
    case 'deferred':
    case 'scheduled':
    case 'canceled':
      return status;
    case 'stopped':
      return 'failed';
    default:
      return undefined;
  }
}

// fromHash's field readers live at module level: as closures made per call they were
// rebuilt for every job a worker took, and optimized again with fromHash itself.
function textField(hash: Record<string, Buffer>, field: string): string | undefined {
  return hash[field]?.toString('utf8');
}

const PYTHON_INT = /^\s*[-+]?\d+\s*$/;

function intField(
  hash: Record<string, Buffer>,
  field: string,
  id: string,
  problems: string[] | undefined,
): number | undefined {
  const value = textField(hash, field);
  if (value === undefined || value === '') return undefined;
  // Python's int(): optional sign and surrounding spaces, decimal digits only.
  const parsed = PYTHON_INT.test(value) ? Number(value) : Number.NaN;
  if (Number.isSafeInteger(parsed)) return parsed;
  const error = new RqtsError(
    'MALFORMED_JOB',
    `Job ${id} has a non-integer ${field}: ${JSON.stringify(value)}`,
    'Fix or delete the job hash',
  );
  if (!problems) throw error;
  problems.push(error.toLine());
  return undefined;
}

function isEmptyRecord(value: Record<string, unknown>): boolean {
  for (const _ in value) return false;
  return true;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeJson(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}
