import { writeFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { RqtsError } from '../errors.js';
import { Job } from '../model/job.js';
import { loadExport } from '../model/load-export.js';
import type { Serializer } from '../model/serializer.js';
import {
  DEQUEUE_STRATEGIES,
  WORKER_DEFAULTS,
  type DequeueStrategy,
  type WorkerOptions,
} from '../worker/options.js';
import { RQ_PROTOCOL_CHOICES, type RqProtocolChoice } from '../worker/rq-protocol.js';
import { SimpleWorker } from '../worker/simple-worker.js';
import { Worker } from '../worker/worker.js';
import type { FlagTable, FlagValues } from './command.js';
import { createLogger, LOGGING_LEVELS, logFormats, type CliLogger } from './logging.js';
import type { CliSettings } from './settings.js';
import { metricsHostFlag } from './metrics.js';

// The flags of `rq worker` 1.16 (docs/protocol.md §8.3), shared by `rqts worker` and
// `rqts worker-pool`, and the one function that turns them into WorkerOptions.

export const loggingFlags = {
  loggingLevel: {
    type: 'string',
    short: 'l',
    default: 'INFO',
    choices: LOGGING_LEVELS,
    valueName: 'LEVEL',
    description: 'Lowest level logged',
  },
  logFormat: {
    type: 'string',
    valueName: 'FORMAT',
    description: "Python logging format of each line (default '%(asctime)s %(message)s')",
  },
  dateFormat: {
    type: 'string',
    valueName: 'FORMAT',
    description: "strftime format of %(asctime)s (default '%H:%M:%S')",
  },
  logJson: { type: 'boolean', description: "Write pino's JSON lines instead of RQ's human lines" },
  quiet: { type: 'boolean', short: 'q', description: 'Log warnings and errors only' },
  verbose: { type: 'boolean', short: 'v', description: 'Log debug lines too' },
} as const satisfies FlagTable;

export const workerFlags = {
  metricsPort: {
    type: 'number',
    valueName: 'PORT',
    description:
      "Serve Prometheus metrics on PORT (GET /metrics): this worker's job counters and state, its queues' sizes and oldest-job age",
  },
  ...metricsHostFlag,
  burst: { type: 'boolean', short: 'b', description: 'Quit when every queue is empty' },
  withScheduler: {
    type: 'boolean',
    short: 's',
    description: 'Also enqueue due scheduled jobs (enqueue_at/enqueue_in, retry intervals) of these queues',
  },
  name: {
    type: 'string',
    short: 'n',
    valueName: 'NAME',
    description: 'Worker name (default: settings NAME or a random hex id); a live name is refused',
  },
  resultsTtl: {
    type: 'number',
    default: WORKER_DEFAULTS.resultTtl,
    valueName: 'SECONDS',
    description: 'Keep results this long when the job sets no result_ttl',
  },
  workerTtl: {
    type: 'number',
    default: WORKER_DEFAULTS.workerTtl,
    valueName: 'SECONDS',
    description: 'Worker key lifetime between heartbeats (idle TTL is this + 60)',
  },
  jobMonitoringInterval: {
    type: 'number',
    default: WORKER_DEFAULTS.jobMonitoringInterval,
    valueName: 'SECONDS',
    description: 'Heartbeat period while a job runs',
  },
  maintenanceInterval: {
    type: 'number',
    default: WORKER_DEFAULTS.maintenanceInterval,
    valueName: 'SECONDS',
    description: 'Registry clean-up period',
  },
  maxJobs: { type: 'number', valueName: 'N', description: 'Quit after running N jobs' },
  maxIdleTime: { type: 'number', valueName: 'SECONDS', description: 'Quit after being idle this long' },
  maxJobsPerHorse: {
    type: 'number',
    valueName: 'N',
    description: 'Replace the horse process after N jobs (1 = a fresh process per job, as RQ)',
  },
  dequeueStrategy: {
    type: 'string',
    aliases: ['-ds'],
    default: 'default',
    choices: DEQUEUE_STRATEGIES,
    valueName: 'STRATEGY',
    description: 'Queue order (also -ds): default (priority order), round_robin, random',
  },
  rqProtocol: {
    type: 'string',
    default: 'auto',
    choices: RQ_PROTOCOL_CHOICES,
    valueName: 'VERSION',
    description:
      'RQ wire format: 1 (plain ids in the started registry), 2 (RQ 2.x job_id:execution_id members and execution records), auto (2 if a registered peer runs RQ >= 2.0, else 1)',
  },
  workerClass: {
    type: 'string',
    short: 'w',
    env: 'RQ_WORKER_CLASS',
    valueName: 'CLASS',
    description:
      'Worker (a reused horse process), SimpleWorker (in-process), RoundRobinWorker, RandomWorker, or a dotted path to a Worker subclass',
  },
  jobClass: {
    type: 'string',
    short: 'j',
    env: 'RQ_JOB_CLASS',
    valueName: 'CLASS',
    description: 'Dotted path to a Job subclass used to load jobs',
  },
  queueClass: {
    type: 'string',
    env: 'RQ_QUEUE_CLASS',
    valueName: 'CLASS',
    description:
      'Dotted path to a Queue subclass (checked; rqts workers dequeue with their own atomic script)',
  },
  connectionClass: {
    type: 'string',
    env: 'RQ_CONNECTION_CLASS',
    valueName: 'CLASS',
    description: 'Dotted path to an ioredis Redis subclass used for the connection',
  },
  exceptionHandler: {
    type: 'string',
    multiple: true,
    valueName: 'PATH',
    description:
      'Dotted path to an exception handler (repeatable, run in order; returning false stops the chain)',
  },
  disableDefaultExceptionHandler: {
    type: 'boolean',
    short: 'd',
    description: 'Do not move failed jobs to the failed registry',
  },
  disableJobDescLogging: { type: 'boolean', description: 'Do not log job descriptions' },
  deathPenaltyClass: {
    type: 'string',
    valueName: 'CLASS',
    description: 'Dotted path to a death penalty class (arm/disarm) enforcing job timeouts',
  },
  pid: { type: 'string', valueName: 'FILE', description: 'Write the worker process id to FILE' },
  sentryDsn: {
    type: 'string',
    env: 'RQ_SENTRY_DSN',
    valueName: 'DSN',
    description: 'Report failed jobs to Sentry (needs the @sentry/node package installed)',
  },
  sentryCaCerts: {
    type: 'string',
    env: 'RQ_SENTRY_CA_CERTS',
    valueName: 'FILE',
    description: 'CA bundle for Sentry',
  },
  sentryDebug: { type: 'boolean', env: 'RQ_SENTRY_DEBUG', description: 'Enable Sentry debug output' },
} as const satisfies FlagTable;

export type WorkerFlagValues = FlagValues<typeof workerFlags> & FlagValues<typeof loggingFlags>;

export type WorkerConstructor = typeof Worker;

const BUILT_IN_CLASSES: Record<string, { cls: WorkerConstructor; strategy?: DequeueStrategy }> = {
  Worker: { cls: Worker },
  SimpleWorker: { cls: SimpleWorker },
  RoundRobinWorker: { cls: Worker, strategy: 'round_robin' },
  RandomWorker: { cls: Worker, strategy: 'random' },
};

/** RQ's class names (rq.Worker, rq.worker.SimpleWorker …) map to ours; else a dotted path. */
export async function resolveWorkerClass(
  name: string | undefined,
  roots: readonly string[],
): Promise<{ cls: WorkerConstructor; strategy?: DequeueStrategy }> {
  if (!name) return { cls: Worker };
  const short = name.replace(/^rq\.(worker\.)?/, '').replace(/^rqts\./, '');
  const builtIn = BUILT_IN_CLASSES[short];
  if (builtIn) return builtIn;
  const value = await loadExport(name, roots);
  if (
    typeof value !== 'function' ||
    typeof (value as { prototype?: { work?: unknown } }).prototype?.work !== 'function'
  ) {
    throw new RqtsError(
      'LOAD_FAILED',
      `Worker class ${name} is not a Worker subclass`,
      'Export a class that extends Worker or SimpleWorker from rqts',
    );
  }
  return { cls: value as WorkerConstructor };
}

export async function resolveJobClass(
  name: string | undefined,
  roots: readonly string[],
): Promise<typeof Job | undefined> {
  if (!name || /^(rq\.job\.)?Job$/.test(name)) return undefined;
  const value = await loadExport(name, roots);
  if (typeof value !== 'function' || typeof (value as { fromHash?: unknown }).fromHash !== 'function') {
    throw new RqtsError(
      'LOAD_FAILED',
      `Job class ${name} is not a Job subclass`,
      'Export a class that extends Job from rqts',
    );
  }
  return value as typeof Job;
}

export async function checkClassOption(
  kind: 'Queue' | 'Connection',
  name: string | undefined,
  roots: readonly string[],
): Promise<unknown> {
  if (
    !name ||
    /^(rq\.(queue\.)?Queue|redis\.(client\.)?Redis|redis\.Redis|ioredis\.Redis|Redis|Queue)$/.test(name)
  )
    return undefined;
  const value = await loadExport(name, roots);
  if (typeof value !== 'function')
    throw new RqtsError(
      'LOAD_FAILED',
      `${kind} class ${name} is not a class`,
      `Export a ${kind === 'Queue' ? 'Queue' : 'Redis'} subclass`,
    );
  return value;
}

export function effectiveLevel(flags: Pick<WorkerFlagValues, 'quiet' | 'verbose' | 'loggingLevel'>): string {
  if (flags.quiet && flags.verbose)
    throw new RqtsError('BAD_ARGUMENT', '--quiet and --verbose cannot be used together', 'Pick one');
  return flags.quiet ? 'WARNING' : flags.verbose ? 'DEBUG' : flags.loggingLevel;
}

function positive(value: number | undefined, flag: string, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1))
    throw new RqtsError(
      'BAD_ARGUMENT',
      `--${flag} ${value} is not allowed`,
      'Give a whole number, 1 or more',
    );
  return value;
}

export interface BuiltWorkerOptions {
  options: WorkerOptions;
  cls: WorkerConstructor;
}

export async function buildWorkerOptions(
  args: string[],
  flags: WorkerFlagValues,
  context: { settings: CliSettings; serializer: Serializer; paths: string[] },
): Promise<BuiltWorkerOptions> {
  const { cls, strategy } = await resolveWorkerClass(flags.workerClass, context.paths);
  const jobClass = await resolveJobClass(flags.jobClass, context.paths);
  await checkClassOption('Queue', flags.queueClass, context.paths);
  const resultTtl = flags.resultsTtl;
  if (!Number.isInteger(resultTtl) || resultTtl < -1)
    throw new RqtsError(
      'BAD_ARGUMENT',
      `--results-ttl ${resultTtl} is not allowed`,
      'Give seconds, 0 to discard, or -1 to keep forever',
    );
  const options: WorkerOptions = {
    queues: args.length > 0 ? args : (context.settings.queues ?? ['default']),
    name: flags.name ?? context.settings.name,
    burst: flags.burst,
    withScheduler: flags.withScheduler,
    paths: context.paths,
    resultTtl,
    workerTtl: positive(flags.workerTtl, 'worker-ttl'),
    jobMonitoringInterval: positive(flags.jobMonitoringInterval, 'job-monitoring-interval'),
    maintenanceInterval: positive(flags.maintenanceInterval, 'maintenance-interval'),
    maxJobs: positive(flags.maxJobs, 'max-jobs'),
    maxIdleTime: positive(flags.maxIdleTime, 'max-idle-time'),
    maxJobsPerHorse: positive(flags.maxJobsPerHorse, 'max-jobs-per-horse'),
    dequeueStrategy:
      flags.dequeueStrategy !== 'default'
        ? (flags.dequeueStrategy as DequeueStrategy)
        : (strategy ?? 'default'),
    exceptionHandlers: flags.exceptionHandler,
    disableDefaultExceptionHandler: flags.disableDefaultExceptionHandler,
    deathPenaltyClass: flags.deathPenaltyClass,
    disableJobDescLogging: flags.disableJobDescLogging,
    serializer: context.serializer,
    jobClass,
    rqProtocol: flags.rqProtocol as RqProtocolChoice,
  };
  return { options, cls };
}

/** The logger a worker writes with: its flags first, then the settings module's DICT_CONFIG formatter. */
export function createWorkerLogger(
  flags: WorkerFlagValues,
  settings: CliSettings,
  extra: { prefix?: string } = {},
): CliLogger {
  return createLogger({
    json: flags.logJson,
    level: effectiveLevel(flags),
    ...logFormats(flags, settings.dictConfig),
    prefix: extra.prefix,
  });
}

/** buildWorkerOptions, with the Sentry exception handler last when a DSN is configured. */
export async function buildWorkerWithSentry(
  args: string[],
  flags: WorkerFlagValues,
  context: { settings: CliSettings; serializer: Serializer; paths: string[] },
  warn: (message: string) => void,
): Promise<BuiltWorkerOptions> {
  const built = await buildWorkerOptions(args, flags, context);
  const sentry = await sentryHandler(flags, context.settings, warn);
  if (sentry) built.options.exceptionHandlers = [...(built.options.exceptionHandlers ?? []), sentry];
  return built;
}

export function writePidFile(file: string | undefined): void {
  if (file) writeFileSync(file, String(process.pid));
}

/** Optional Sentry: reported through an exception handler when @sentry/node is installed. */
export async function sentryHandler(
  flags: Pick<WorkerFlagValues, 'sentryDsn' | 'sentryDebug' | 'sentryCaCerts'>,
  settings: CliSettings,
  warn: (m: string) => void,
): Promise<((job: Job, excString: string) => void) | undefined> {
  const dsn = flags.sentryDsn ?? settings.sentryDsn;
  if (!dsn) return undefined;
  const moduleName = '@sentry/node';
  try {
    const sentry = (await import(moduleName)) as {
      init(o: Record<string, unknown>): void;
      captureMessage(m: string, o?: unknown): void;
    };
    sentry.init({
      dsn,
      debug: flags.sentryDebug,
      ...(flags.sentryCaCerts ? { caCerts: flags.sentryCaCerts } : {}),
    });
    return (job, excString) =>
      sentry.captureMessage(excString.split('\n')[0] ?? excString, {
        extra: { jobId: job.id, funcName: job.funcName, origin: job.origin, traceback: excString },
      });
  } catch {
    warn(
      'Sentry DSN given but @sentry/node is not installed: run npm install @sentry/node to report failures',
    );
    return undefined;
  }
}

export type { Redis };
