import type { DequeueReply } from '../redis/scripts/index.js';
import { JOB_HASH_FIELDS } from '../redis/job-fields.js';
import { RqtsError } from '../errors.js';
import { Job } from '../model/job.js';
import type { Serializer } from '../model/serializer.js';

// What a worker's dequeue answers (scripts/dequeue-n.lua, also the second half of
// finish-dequeue-n.lua), read into a Job: the known fields by position, or a custom job
// class's whole hash; a hash that cannot be run becomes a job to fail with its reason.

/** An id taken from a queue whose hash was gone or had no `data` (RQ drops those too). */
export interface DroppedId {
  queue: string;
  id: string;
}

export type DequeueResult =
  /** `problem`: why the hash cannot be run (a malformed field), to fail the job with at once. */
  | { kind: 'job'; queue: string; job: Job; problem?: string; dropped?: DroppedId[] }
  | { kind: 'empty'; dropped?: DroppedId[] }
  | { kind: 'suspended' }
  | { kind: 'unregistered' };

export interface DequeueRequest {
  queues: readonly string[];
  mode: 'horse' | 'simple';
  monitoringInterval: number;
}

export interface DequeueRequest {
  queues: readonly string[];
  mode: 'horse' | 'simple';
  monitoringInterval: number;
}

/** How a worker reads job hashes. */
export interface JobReader {
  /** The dequeue asked for JOB_HASH_FIELDS only (rqts's own Job class). */
  knownFieldsOnly: boolean;
  jobClass: typeof Job;
  serializer: Serializer;
}

export function readDequeueReply(
  reply: DequeueReply,
  queues: readonly string[],
  reader: JobReader,
): DequeueResult {
  if (reply === null) return { kind: 'empty' };
  if (Buffer.isBuffer(reply))
    return reply.toString() === 'unregistered' ? { kind: 'unregistered' } : { kind: 'suspended' };
  const [index, id, values, droppedFlat] = reply;
  const dropped = droppedFlat && droppedIds(droppedFlat, queues);
  if (index === 0) return { kind: 'empty', dropped };
  const hash: Record<string, Buffer> = {};
  if (reader.knownFieldsOnly) {
    JOB_HASH_FIELDS.forEach((field, i) => {
      const value = values[i];
      if (value) hash[field] = value;
    });
  } else {
    for (let i = 0; i + 1 < values.length; i += 2) hash[values[i]!.toString()] = values[i + 1]!;
  }
  const queue = queues[index - 1] ?? '';
  const problems: string[] = [];
  let job: Job;
  try {
    job = reader.jobClass.fromHash(id.toString(), hash, reader.serializer, problems);
  } catch (error) {
    // A custom job class that refuses the hash: fail it as rqts reads it, with its words.
    problems.push(error instanceof RqtsError ? error.toLine() : String(error));
    job = Job.fromHash(id.toString(), hash, reader.serializer, problems);
  }
  // The script put the id in this queue's started registry: a hash without `origin` must
  // still leave from there (and fail into this queue, not into one named "").
  if (job.origin === '') job.origin = queue;
  if (problems.length > 0) {
    // A retry would meet the same field again: the job fails once, with the reason.
    job.retriesLeft = undefined;
    return { kind: 'job', queue, job, problem: problems.join('; '), dropped };
  }
  return dropped ? { kind: 'job', queue, job, dropped } : { kind: 'job', queue, job };
}

function droppedIds(flat: (number | Buffer)[], queues: readonly string[]): DroppedId[] {
  const dropped: DroppedId[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2)
    dropped.push({ queue: queues[Number(flat[i]) - 1] ?? '?', id: String(flat[i + 1]) });
  return dropped;
}
