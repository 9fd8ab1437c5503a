import type { Redis } from 'ioredis';
import { JOB_HASH_FIELDS } from '../job-fields.js';
import { EXECUTION_KEY_PREFIX, EXECUTIONS_KEY_PREFIX } from '../keys.js';
import { Script } from './script.js';

// Every Lua script rqts runs, one `Script` each (script.ts knows how they reach Redis). The
// `.lua` file named after each script holds its KEYS/ARGV, its reply and its guarantee;
// `lib/` holds the fragments that two scripts share. Callers give keys and arguments and
// never see EVALSHA, NOSCRIPT or prebuilt bytes. Modes are words, never '0'/'1'/'2'.

const EXECUTION_CONSTANTS = {
  EXECUTION_PREFIX: EXECUTION_KEY_PREFIX,
  EXECUTIONS_PREFIX: EXECUTIONS_KEY_PREFIX,
};

/** A field's 1-based position in JOB_HASH_FIELDS, as Lua indexes the dequeue's HMGET reply. */
function fieldNumber(field: (typeof JOB_HASH_FIELDS)[number]): number {
  return JOB_HASH_FIELDS.indexOf(field) + 1;
}

const DEQUEUE_CONSTANTS = {
  ...EXECUTION_CONSTANTS,
  FIELD_STATUS: fieldNumber('status'),
  FIELD_TIMEOUT: fieldNumber('timeout'),
  FIELD_STARTED_AT: fieldNumber('started_at'),
  FIELD_LAST_HEARTBEAT: fieldNumber('last_heartbeat'),
  FIELD_WORKER_NAME: fieldNumber('worker_name'),
};

const RELEASE = 'lib/release-dependents.lua';
const FINISH = 'lib/finish-job.lua';
const DEQUEUE = 'lib/dequeue.lua';

/** dequeue-n's reply (Buffers); the fourth element lists queue index, id … of ids dropped. */
export type DequeueReply = null | Buffer | [number, Buffer, (Buffer | null)[], (number | Buffer)[]?];

/** 1 finished, 0 its hash was gone, else 'replayed' or why it was fenced off. */
export type FinishReply = number | string;

export const SCRIPTS = {
  dequeue: new Script<DequeueReply>({
    name: 'rqtsDequeue',
    keys: 'varying',
    files: [DEQUEUE, 'dequeue-n.lua'],
    constants: DEQUEUE_CONSTANTS,
  }),
  finishDequeue: new Script<[number | Buffer, DequeueReply]>({
    name: 'rqtsFinishDequeue',
    keys: 'varying',
    files: [RELEASE, FINISH, DEQUEUE, 'finish-dequeue-n.lua'],
    constants: DEQUEUE_CONSTANTS,
  }),
  finishJob: new Script<FinishReply>({
    name: 'rqtsFinishJob',
    keys: 7,
    files: [RELEASE, FINISH, 'finish-job-7.lua'],
    constants: EXECUTION_CONSTANTS,
  }),
  /** 'ok', 'replayed' or why the job is no longer this worker's. */
  fencedBatch: new Script<string>({
    name: 'rqtsFencedBatch',
    keys: 3,
    files: [RELEASE, 'lib/enqueue-job.lua', 'fenced-batch-3.lua'],
  }),
  /** The queue's length after the push. */
  enqueueJob: new Script<number>({
    name: 'rqtsEnqueueJob',
    keys: 3,
    files: ['lib/enqueue-job.lua', 'enqueue-job-3.lua'],
  }),
  enqueueDependent: new Script<'queued' | 'deferred'>({
    name: 'rqtsEnqueueDependent',
    keys: 4,
    files: ['enqueue-dependent-4.lua'],
  }),
  /** The ids released. */
  releaseDependents: new Script<string[]>({
    name: 'rqtsReleaseDependents',
    keys: 1,
    files: [RELEASE, 'release-dependents-1.lua'],
  }),
  repeatJob: new Script<'queued' | 'scheduled' | 0>({
    name: 'rqtsRepeatJob',
    keys: 6,
    files: ['repeat-job-6.lua'],
  }),
  /** The number of ids removed. */
  emptyQueue: new Script<number>({ name: 'rqtsEmptyQueue', keys: 1, files: ['empty-queue-1.lua'] }),
  /** 1 requeued, 0 not in the failed registry. */
  requeueFailed: new Script<number>({ name: 'rqtsRequeueFailed', keys: 4, files: ['requeue-failed-4.lua'] }),
  /** The ids enqueued. */
  enqueueScheduled: new Script<string[]>({
    name: 'rqtsEnqueueScheduled',
    keys: 2,
    files: ['enqueue-scheduled-2.lua'],
  }),
  /** The number of members removed. */
  cleanGroup: new Script<number>({ name: 'rqtsCleanGroup', keys: 2, files: ['clean-group-2.lua'] }),
  /** 1 done, 0 the job is no longer started there. */
  resolveOrphan: new Script<number>({ name: 'rqtsResolveOrphan', keys: 5, files: ['resolve-orphan-5.lua'] }),
  /** The console's bulk actions: {moved, no longer listed there, hash gone}. */
  bulkJobs: new Script<[number, number, number]>({
    name: 'rqtsBulkJobs',
    keys: 'varying',
    files: ['bulk-jobs-n.lua'],
  }),
} as const;

/**
 * Defines every script on a client, so MULTIs and pipelines made from it afterwards queue
 * scripts by SHA (a MULTI copies its client's scripts when it is made).
 */
export function defineScripts(client: Redis): void {
  for (const script of Object.values(SCRIPTS)) script.define(client);
}
