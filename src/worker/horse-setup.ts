import type { Redis } from 'ioredis';
import type { Job } from '../model/job.js';
import { exportName } from '../model/load-export.js';
import { JSONSerializer } from '../model/serializer.js';
import { portableOptions } from '../redis/connection.js';
import type { HorseSetup, TakenAs } from './horse-protocol.js';
import type { ResolvedWorkerOptions } from './options.js';
import type { WorkerStore } from './store.js';

// What a worker tells its horse so the horse can record its job itself if the worker dies
// (horse-orphan.ts): once at start-up (setup), and with every job (how it was taken).

/** The horse's setup: connection, identity, protocol, and what it loads by dotted name. */
export function horseSetup(
  connection: Redis,
  store: WorkerStore,
  options: ResolvedWorkerOptions,
): HorseSetup {
  const { serializer, jobClass } = options;
  const serializerName = serializer && serializer !== JSONSerializer ? exportName(serializer) : undefined;
  const jobClassName = jobClass ? exportName(jobClass) : undefined;
  // A handler given as a function lives in this process only; one loaded by name goes along.
  const handlers = options.exceptionHandlers.map((h) => (typeof h === 'string' ? h : exportName(h)));
  const unnamed =
    serializer && serializer !== JSONSerializer && !serializerName
      ? 'its serializer was given as an object, not by dotted name'
      : jobClass && !jobClassName
        ? 'its job class was given as a class, not by dotted name'
        : undefined;
  return {
    redis: portableOptions(connection),
    worker: store.identity,
    protocol: store.protocol,
    resultTtl: options.resultTtl,
    defaultHandler: !options.disableDefaultExceptionHandler,
    serializer: serializerName,
    jobClass: jobClassName,
    exceptionHandlers: handlers.filter((h) => h !== undefined),
    cannotRecord: unnamed,
  };
}

/** How the worker took `job`: the fence its horse writes under if the worker dies. */
export function takenAs(store: WorkerStore, job: Job): TakenAs {
  const execution = store.executionOf(job);
  return {
    queue: job.origin,
    member: store.memberOf(job),
    startedAt: job.startedAt?.getTime(),
    execution: execution && { id: execution.id, startedAt: execution.startedAt.getTime() },
  };
}
