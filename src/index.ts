// The public library API of rqts, and nothing else.
export { keys, type RegistryKind } from './redis/keys.js';
export {
  connect,
  resolveRedisUrl,
  parseRedisUrl,
  maskPassword,
  type RedisSettings,
} from './redis/connection.js';
export {
  Job,
  type JobStatus,
  type JobData,
  type JobCall,
  DEFAULT_TIMEOUT,
  DEFAULT_RESULT_TTL,
  DEFAULT_FAILURE_TTL,
  validateJobId,
} from './model/job.js';
export { Queue, type EnqueueOptions, type EnqueueSpec, parseTimeout } from './model/queue.js';
export { type CallbackOptions, type CallbackSpec } from './model/callbacks.js';
export { Registry, type RegistryCounts } from './model/registry.js';
export { latestResult, allResults, type JobResult } from './model/results.js';
export { JSONSerializer, resolveSerializer, type Serializer } from './model/serializer.js';
export {
  findWorkers,
  findWorker,
  countWorkers,
  cleanWorkerRegistry,
  type WorkerRecord,
  type WorkerState,
} from './model/worker-record.js';
export { suspend, resume, isSuspended } from './model/suspension.js';
export {
  sendCommand,
  sendShutdownCommand,
  sendKillHorseCommand,
  sendStopJobCommand,
  type WorkerCommand,
} from './model/commands.js';
export { RqtsError, NoSuchJobError, InvalidJobOperation, PickleNotSupportedError } from './errors.js';
export { formatTimestamp, parseTimestamp } from './model/time.js';
export { Worker, type WorkerEvents, type WorkerDeps, type WorkerClassName } from './worker/worker.js';
export { SimpleWorker } from './worker/simple-worker.js';
export { type WorkerOptions, type DequeueStrategy, WORKER_DEFAULTS } from './worker/options.js';
export { getCurrentJob, type CurrentJob } from './worker/current-job.js';
export { type DeathPenalty, type DeathPenaltyClass, TimerDeathPenalty } from './worker/death-penalty.js';
export { type ExceptionHandler } from './worker/exception-handlers.js';
export {
  startPool,
  WorkerPool,
  type PoolOptions,
  type PoolExit,
  type PoolEvents,
  type MemberInfo,
  type MemberExit,
  type MemberState,
  type StopLevel,
  type PoolLineHandler,
} from './pool/pool.js';
export { VERSION } from './version.js';
