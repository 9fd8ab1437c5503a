import type { Job } from '../model/job.js';
import type { Serializer } from '../model/serializer.js';
import type { ExceptionHandler } from './exception-handlers.js';

// Every worker option in one place, with RQ 1.16's defaults; the CLI, the settings
// module and the pool all build a WorkerOptions and let withDefaults fill the rest.

import type { RqProtocolChoice } from './rq-protocol.js';

export type DequeueStrategy = 'default' | 'random' | 'round_robin';
export const DEQUEUE_STRATEGIES: readonly DequeueStrategy[] = ['default', 'random', 'round_robin'];

export interface WorkerOptions {
  /** Queue names in priority order. @default ['default'] */
  queues: string[];
  /** Worker name; must not belong to a live worker. @default uuid4 hex */
  name?: string;
  /** Quit when every queue is empty. @default false */
  burst?: boolean;
  /** Also move due scheduled jobs (enqueue_at/in, retry intervals) to their queues. @default false */
  withScheduler?: boolean;
  /** Import roots for job functions, handlers, serializers. @default ['.'] */
  paths?: string[];
  /** Default result_ttl for jobs that set none. @default 500 */
  resultTtl?: number;
  /** Worker key TTL while idle is workerTtl + 60. @default 420 */
  workerTtl?: number;
  /** Busy heartbeat period (seconds). @default 30 */
  jobMonitoringInterval?: number;
  /** Registry clean-up period (seconds). @default 600 */
  maintenanceInterval?: number;
  /** Stop after this many jobs. @default unlimited */
  maxJobs?: number;
  /** Stop after this many idle seconds. @default unlimited */
  maxIdleTime?: number;
  /** Recycle the horse after this many jobs (1 = RQ's process per job). @default unlimited */
  maxJobsPerHorse?: number;
  /** @default 'default' */
  dequeueStrategy?: DequeueStrategy;
  /** Exception handlers (functions, or dotted paths to them), run in order; false stops the chain. */
  exceptionHandlers?: (string | ExceptionHandler)[];
  /** Leave failed jobs out of the failed registry. @default false */
  disableDefaultExceptionHandler?: boolean;
  /** Dotted path of a death penalty class. @default the timer that kills the horse */
  deathPenaltyClass?: string;
  /** Do not log job descriptions. @default false */
  disableJobDescLogging?: boolean;
  serializer?: Serializer;
  /** A Job subclass to load jobs with. @default Job */
  jobClass?: typeof Job;
  /** rqts-only: the pool this worker belongs to, shown by the console. */
  poolName?: string;
  /** The RQ wire format: '1', '2', or 'auto' (from the peers' versions; see rq-protocol.ts). @default 'auto' */
  rqProtocol?: RqProtocolChoice;
}

export interface ResolvedWorkerOptions extends Required<
  Omit<
    WorkerOptions,
    | 'name'
    | 'maxJobs'
    | 'maxIdleTime'
    | 'maxJobsPerHorse'
    | 'deathPenaltyClass'
    | 'serializer'
    | 'poolName'
    | 'jobClass'
  >
> {
  name: string;
  maxJobs: number | undefined;
  maxIdleTime: number | undefined;
  maxJobsPerHorse: number | undefined;
  deathPenaltyClass: string | undefined;
  serializer: Serializer | undefined;
  poolName: string | undefined;
  jobClass: typeof Job | undefined;
}

export const WORKER_DEFAULTS = {
  resultTtl: 500,
  workerTtl: 420,
  jobMonitoringInterval: 30,
  maintenanceInterval: 600,
  jobTimeout: 180,
  failureTtl: 31_536_000,
} as const;

export function withDefaults(options: WorkerOptions, generatedName: string): ResolvedWorkerOptions {
  return {
    queues: options.queues.length > 0 ? options.queues : ['default'],
    name: options.name ?? generatedName,
    burst: options.burst ?? false,
    withScheduler: options.withScheduler ?? false,
    paths: options.paths && options.paths.length > 0 ? options.paths : ['.'],
    resultTtl: options.resultTtl ?? WORKER_DEFAULTS.resultTtl,
    workerTtl: options.workerTtl ?? WORKER_DEFAULTS.workerTtl,
    jobMonitoringInterval: options.jobMonitoringInterval ?? WORKER_DEFAULTS.jobMonitoringInterval,
    maintenanceInterval: options.maintenanceInterval ?? WORKER_DEFAULTS.maintenanceInterval,
    maxJobs: options.maxJobs,
    maxIdleTime: options.maxIdleTime,
    maxJobsPerHorse: options.maxJobsPerHorse,
    dequeueStrategy: options.dequeueStrategy ?? 'default',
    exceptionHandlers: options.exceptionHandlers ?? [],
    disableDefaultExceptionHandler: options.disableDefaultExceptionHandler ?? false,
    deathPenaltyClass: options.deathPenaltyClass,
    disableJobDescLogging: options.disableJobDescLogging ?? false,
    serializer: options.serializer,
    poolName: options.poolName,
    jobClass: options.jobClass,
    rqProtocol: options.rqProtocol ?? 'auto',
  };
}

/** RQ waits at most worker_ttl - 15 seconds between heartbeats while idle. */
export function dequeueTimeout(workerTtl: number): number {
  return Math.max(1, workerTtl - 15);
}
