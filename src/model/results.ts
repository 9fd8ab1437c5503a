import type { ChainableCommander, Redis } from 'ioredis';
import { keys } from '../redis/keys.js';
import { compress, decompress, toBuffer, JSONSerializer, type Serializer } from './serializer.js';

// The results stream rq:results:<id> (RQ 1.12+, Redis >= 5): one entry per outcome,
// readable by Python's job.return_value() / latest_result().

export const RESULT_SUCCESSFUL = 1;
export const RESULT_FAILED = 2;
export const RESULT_STOPPED = 3;

export interface JobResult {
  type: 'successful' | 'failed' | 'stopped';
  returnValue?: unknown;
  excString?: string;
  createdAt: Date;
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
): void {
  const key = keys.results(jobId);
  multi.xadd(
    key,
    'MAXLEN',
    '~',
    '10',
    '*',
    'type',
    String(RESULT_FAILED),
    'worker_name',
    workerName,
    'exc_string',
    compress(excString).toString('base64'),
  );
  if (jobFailureTtl !== undefined && jobFailureTtl >= 0) multi.expire(key, jobFailureTtl);
}

/** Decodes one XRANGE entry (id, flat field list); exported for pipelined readers. */
export function decodeResultEntry(
  id: string,
  flat: Buffer[],
  serializer: Serializer = JSONSerializer,
): JobResult {
  const fields = new Map<string, Buffer>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!.toString(), flat[i + 1]!);
  const typeNumber = Number(fields.get('type')?.toString() ?? '0');
  const type =
    typeNumber === RESULT_SUCCESSFUL ? 'successful' : typeNumber === RESULT_STOPPED ? 'stopped' : 'failed';
  const result: JobResult = { type, createdAt: new Date(Number(id.split('-')[0])) };
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
  return result;
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
