// Every Redis key rqts reads or writes, spelled exactly as RQ 1.16 spells them.
// Nothing outside this module builds a key string (a test enforces it): RQ's keys
// take no configurable prefix, so one typo here would silently split the keyspace
// between rqts and its Python peers.

export const PREFIX = 'rq:';
const QUEUE_PREFIX = 'rq:queue:';
const JOB_PREFIX = 'rq:job:';
const WORKER_PREFIX = 'rq:worker:';
const EXECUTION_PREFIX = 'rq:execution:';
const EXECUTIONS_PREFIX = 'rq:executions:';

export type RegistryKind = 'started' | 'finished' | 'failed' | 'deferred' | 'scheduled' | 'canceled';

// RQ names the started registry "wip" in Redis; every other kind keeps its own name.
const REGISTRY_SEGMENT: Record<RegistryKind, string> = {
  started: 'wip',
  finished: 'finished',
  failed: 'failed',
  deferred: 'deferred',
  scheduled: 'scheduled',
  canceled: 'canceled',
};

export const REGISTRY_KINDS: readonly RegistryKind[] = [
  'started',
  'finished',
  'failed',
  'deferred',
  'scheduled',
  'canceled',
];

export const keys = {
  /** Set of queue keys (`rq:queue:<q>`, not names). */
  allQueues: 'rq:queues',
  /** Set of worker keys (`rq:worker:<w>`). */
  allWorkers: 'rq:workers',
  suspended: 'rq:suspended',

  queue: (name: string): string => QUEUE_PREFIX + name,
  /** RQ 1.15+'s hand-off list for single-queue workers (LMOVE target). */
  intermediate: (name: string): string => `${QUEUE_PREFIX}${name}:intermediate`,
  intermediateFirstSeen: (name: string, jobId: string): string =>
    `${QUEUE_PREFIX}${name}:intermediate:first_seen:${jobId}`,
  registry: (kind: RegistryKind, queue: string): string => `${PREFIX}${REGISTRY_SEGMENT[kind]}:${queue}`,
  cleanRegistriesLock: (queue: string): string => `rq:clean_registries:${queue}`,
  /** RQ 2.4+ `rq cron`: zset of cron scheduler names, scored by their last heartbeat (epoch s). */
  cronSchedulers: 'rq:cron_schedulers',
  /** RQ 2.4+: one cron scheduler (hostname, pid, created_at, config_file, cron_jobs JSON). */
  cronScheduler: (name: string): string => `rq:cron_scheduler:${name}`,
  /** `--with-scheduler`'s per-queue lock; the value is the scheduler's PID ([2.10] its name). */
  schedulerLock: (queue: string): string => `rq:scheduler-lock:${queue}`,
  /**
   * RQ 2.10: a scheduler's identity hash (name, hostname, pid, queues, created_at,
   * last_heartbeat; TTL 61 s), which 2.10's `Queue.scheduler_pid` and `RQScheduler.fetch` read.
   */
  schedulerIdentity: (name: string): string => `rq:scheduler:${name}`,

  job: (id: string): string => JOB_PREFIX + id,
  jobDependents: (id: string): string => `${JOB_PREFIX}${id}${DEPENDENTS_SUFFIX}`,
  // The double colon is RQ's own long-standing spelling; we must match it byte for byte.
  jobDependencies: (id: string): string => `${JOB_PREFIX}:${id}:dependencies`,
  results: (id: string): string => `rq:results:${id}`,
  /** RQ 2.x: one run of a job (`id`, `created_at`, `last_heartbeat`), TTL = heartbeat TTL. */
  execution: (jobId: string, executionId: string): string => `${EXECUTION_PREFIX}${jobId}:${executionId}`,
  /** RQ 2.x: zset of a job's execution ids, scored by when each counts as expired. */
  executions: (jobId: string): string => EXECUTIONS_PREFIX + jobId,

  /** RQ 2.x: set of group ids (`Group.all`); worker maintenance drops empty groups from it. */
  allGroups: 'rq:groups',
  /** RQ 2.x: a group's set of job ids (`Group.create`, `enqueue_many`). */
  group: (id: string): string => `rq:group:${id}`,

  worker: (name: string): string => WORKER_PREFIX + name,
  workersOfQueue: (queue: string): string => `rq:workers:${queue}`,
  /** Pub/sub channel (not a key) on which a worker receives commands. */
  workerChannel: (name: string): string => `rq:pubsub:${name}`,
  /** rqts-only: which pool a worker belongs to; Python never reads it. */
  pool: (name: string): string => `rqts:pool:${name}`,
} as const;

export function queueNameFromKey(key: string): string {
  if (!key.startsWith(QUEUE_PREFIX)) throw new Error(`not a queue key: ${key}`);
  return key.slice(QUEUE_PREFIX.length);
}

export function workerNameFromKey(key: string): string {
  if (!key.startsWith(WORKER_PREFIX)) throw new Error(`not a worker key: ${key}`);
  return key.slice(WORKER_PREFIX.length);
}

export function jobIdFromKey(key: string): string {
  if (!key.startsWith(JOB_PREFIX)) throw new Error(`not a job key: ${key}`);
  return key.slice(JOB_PREFIX.length);
}

/** For Lua scripts, which derive job keys from ids they pop. */
export const JOB_KEY_PREFIX = JOB_PREFIX;
export const DEPENDENTS_SUFFIX = ':dependents';

/** Glob for SCAN over every job hash (used only by diagnostics, never on a hot path). */
export const JOB_KEY_PATTERN = `${JOB_PREFIX}*`;

/**
 * For Lua scripts, which derive a 2.x execution's keys from its started-registry member:
 * `rq:execution:` + `job_id:execution_id`, and `rq:executions:` + job id.
 */
export const EXECUTION_KEY_PREFIX = EXECUTION_PREFIX;
export const EXECUTIONS_KEY_PREFIX = EXECUTIONS_PREFIX;
