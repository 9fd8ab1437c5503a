import type { ChainableCommander, Redis } from 'ioredis';
import { keys } from '../redis/keys.js';
import { compress, decompress, toBuffer, JSONSerializer, type Serializer } from './serializer.js';

// The results stream rq:results:<id> (RQ 1.12+, Redis >= 5): one entry per outcome,
// readable by Python's job.return_value() / latest_result().

export const RESULT_SUCCESSFUL = 1;
export const RESULT_FAILED = 2;
export const RESULT_STOPPED = 3;
/** RQ 2.x: an attempt that failed and was retried (2.x writes it for each retry). */
export const RESULT_RETRIED = 4;
/** RQ 2.x: the last attempt failed with no retries left. */
export const RESULT_MAX_RETRIES_EXCEEDED = 5;

/** RQ's Result.Type names, lower-cased. */
export type ResultType = 'successful' | 'failed' | 'stopped' | 'retried' | 'max_retries_exceeded';

const TYPE_NAMES: Record<number, ResultType> = {
  [RESULT_SUCCESSFUL]: 'successful',
  [RESULT_FAILED]: 'failed',
  [RESULT_STOPPED]: 'stopped',
  [RESULT_RETRIED]: 'retried',
  [RESULT_MAX_RETRIES_EXCEEDED]: 'max_retries_exceeded',
};

const TYPE_CODES = Object.fromEntries(
  Object.entries(TYPE_NAMES).map(([code, name]) => [name, Number(code)]),
) as Record<ResultType, number>;

/** The execution a result belongs to (RQ 2.10 writes it; 1.x readers ignore it). */
export interface ResultExecution {
  id: string;
  startedAt?: Date;
  endedAt?: Date;
}

export interface JobResult {
  /** A type number this release does not know reads as `failed`, with `typeCode` kept. */
  type: ResultType;
  typeCode: number;
  returnValue?: unknown;
  excString?: string;
  createdAt: Date;
  /** The worker that wrote it; '' for a clean-up (RQ 2.x), undefined when not written (1.x). */
  workerName?: string;
  execution?: ResultExecution;
}

/** What a writer puts in one entry; the stream id (and so createdAt) comes from Redis. */
export interface ResultEntry {
  type: ResultType;
  returnValue?: unknown;
  excString?: string;
  workerName: string;
  /** Only when speaking RQ 2.x. */
  execution?: ResultExecution;
}

const UNSERIALIZABLE = 'Unserializable return value';

/** The `return_value` field of a success entry: base64 of the serialized value, none for null. */
export function encodeReturnValue(
  returnValue: unknown,
  serializer: Serializer = JSONSerializer,
): string | undefined {
  if (returnValue === undefined || returnValue === null) return undefined;
  let encoded: Buffer;
  try {
    encoded = toBuffer(serializer.dumps(returnValue));
  } catch {
    // Serialized like any value, so Python's return_value() still loads it.
    encoded = unserializableMarker(serializer);
  }
  return encoded.toString('base64');
}

function unserializableMarker(serializer: Serializer): Buffer {
  try {
    return toBuffer(serializer.dumps(UNSERIALIZABLE));
  } catch {
    return Buffer.from(UNSERIALIZABLE);
  }
}

/**
 * The field list of one entry, in RQ 2.10's order: type, worker_name, then exc_string,
 * return_value and the execution fields when present. Values are base64 (return value of
 * the serialized value, exc_string of zlib of the text) and float epoch seconds.
 */
export function resultFields(entry: ResultEntry, serializer: Serializer = JSONSerializer): string[] {
  const fields = ['type', String(TYPE_CODES[entry.type]), 'worker_name', entry.workerName];
  if (entry.excString !== undefined) fields.push('exc_string', compress(entry.excString).toString('base64'));
  const value = encodeReturnValue(entry.returnValue, serializer);
  if (value !== undefined) fields.push('return_value', value);
  const execution = entry.execution;
  if (execution) {
    fields.push('execution_id', execution.id);
    if (execution.startedAt) fields.push('execution_started_at', epochSeconds(execution.startedAt));
    if (execution.endedAt) fields.push('execution_ended_at', epochSeconds(execution.endedAt));
  }
  return fields;
}

function epochSeconds(date: Date): string {
  return String(date.getTime() / 1000);
}

/** Queues `XADD rq:results:<id> MAXLEN ~ 10 *` of one entry, and its TTL when given. */
export function addResult(
  multi: ChainableCommander,
  jobId: string,
  entry: ResultEntry,
  options: { ttl?: number; serializer?: Serializer } = {},
): void {
  const key = keys.results(jobId);
  multi.xadd(key, 'MAXLEN', '~', '10', '*', ...resultFields(entry, options.serializer));
  if (options.ttl !== undefined && options.ttl >= 0) multi.expire(key, options.ttl);
}

/**
 * Queues the XADD for a failure; RQ sets a TTL only when the job set failure_ttl itself
 * (0 included, which drops the stream at once; negative keeps it). `worker_name` is the
 * worker that ran the job, '' when a clean-up failed it (as RQ 2.x writes).
 */
export function addFailureResult(
  multi: ChainableCommander,
  jobId: string,
  excString: string,
  jobFailureTtl: number | undefined,
  workerName = '',
  options: {
    type?: 'failed' | 'stopped' | 'retried' | 'max_retries_exceeded';
    execution?: ResultExecution;
  } = {},
): void {
  addResult(
    multi,
    jobId,
    { type: options.type ?? 'failed', excString, workerName, execution: options.execution },
    { ttl: jobFailureTtl },
  );
}

/** Decodes one XRANGE entry (id, flat field list); exported for pipelined readers. */
export function decodeResultEntry(
  id: string,
  flat: Buffer[],
  serializer: Serializer = JSONSerializer,
): JobResult {
  const fields = new Map<string, Buffer>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!.toString(), flat[i + 1]!);
  const typeCode = Number(fields.get('type')?.toString() ?? '0');
  const result: JobResult = {
    type: TYPE_NAMES[typeCode] ?? 'failed',
    typeCode,
    createdAt: new Date(Number(id.split('-')[0])),
  };
  const rv = fields.get('return_value');
  if (rv) {
    const raw = Buffer.from(rv.toString(), 'base64');
    try {
      result.returnValue = serializer.loads(raw);
    } catch {
      result.returnValue = raw.toString('utf8');
    }
  }
  const exc = fields.get('exc_string');
  if (exc) result.excString = decompress(Buffer.from(exc.toString(), 'base64')).toString('utf8');
  const worker = fields.get('worker_name');
  if (worker !== undefined) result.workerName = worker.toString();
  const execution = fields.get('execution_id')?.toString();
  if (execution) {
    result.execution = { id: execution };
    const started = epochDate(fields.get('execution_started_at'));
    const ended = epochDate(fields.get('execution_ended_at'));
    if (started) result.execution.startedAt = started;
    if (ended) result.execution.endedAt = ended;
  }
  return result;
}

function epochDate(value: Buffer | undefined): Date | undefined {
  const seconds = value ? Number(value.toString()) : Number.NaN;
  return Number.isFinite(seconds) ? new Date(seconds * 1000) : undefined;
}

export async function latestResult(
  connection: Redis,
  jobId: string,
  serializer: Serializer = JSONSerializer,
): Promise<JobResult | undefined> {
  const entries = (await connection.xrevrangeBuffer(keys.results(jobId), '+', '-', 'COUNT', 1)) as [
    Buffer,
    Buffer[],
  ][];
  const first = entries[0];
  return first ? decodeResultEntry(first[0].toString(), first[1], serializer) : undefined;
}

export async function allResults(
  connection: Redis,
  jobId: string,
  serializer: Serializer = JSONSerializer,
): Promise<JobResult[]> {
  const entries = (await connection.xrevrangeBuffer(keys.results(jobId), '+', '-')) as [Buffer, Buffer[]][];
  return entries.map(([id, flat]) => decodeResultEntry(id.toString(), flat, serializer));
}
