import { RqtsError } from '../errors.js';
import { validateQueueName } from '../model/queue.js';
import { findWorker } from '../model/worker-record.js';
import { defaultPoolName, startPool, type MemberInfo } from '../pool/pool.js';
import type { WorkerLogger } from '../worker/worker-logger.js';
import { ShutdownSignals } from '../worker/shutdown-signals.js';
import { cleanupGhosts } from '../worker/worker-hash.js';
import { defineCommand, kebabCase, type FlagTable } from './command.js';
import { connectionFlags, openConnection, type ConnectionFlagValues } from './connection-options.js';
import { createLogger, logFormats } from './logging.js';
import { metricsHostFlag, startMetricsEndpoint } from './metrics.js';
import type { MetricsServer } from '../metrics/metrics.js';
import type { OpenedConnection } from './connection-options.js';
import {
  buildWorkerOptions,
  effectiveLevel,
  loggingFlags,
  workerFlags,
  writePidFile,
} from './worker-flags.js';
import { refuseWhenSuspended } from './worker-process.js';

// `rqts worker-pool`: N supervised `rqts worker` processes from one command (issue 5).
// Every per-worker flag of `rqts worker` applies to each member; --name and --pid take
// their pool meaning (a prefix for members' names, the pool's own pid file), and -n is
// --num-workers as in RQ. The pool checks the options, Redis and suspension once, then
// hands each member the same `rqts worker` argv (src/pool/pool.ts does the supervising).

// --name/-n and --pid are per worker in `rqts worker`; the pool gives them its own meaning.
const {
  name: _memberName,
  pid: _memberPid,
  burst: _memberBurst,
  metricsPort: _memberMetricsPort,
  metricsHost: _memberMetricsHost,
  ...memberFlags
} = workerFlags;

const poolFlags = {
  numWorkers: {
    type: 'number',
    short: 'n',
    default: 2,
    valueName: 'N',
    description: 'How many worker processes to keep running',
  },
  name: {
    type: 'string',
    valueName: 'NAME',
    description:
      "Pool name: the workers are NAME-w1-<hex>, NAME-w2-<hex> …, and each worker hash's rqts_pool field (default pool-<random hex>)",
  },
  pid: { type: 'string', valueName: 'FILE', description: "Write the pool's process id to FILE" },
  burst: {
    type: 'boolean',
    short: 'b',
    description: 'Each worker quits when the queues are empty; the pool exits when all have',
  },
  metricsPort: {
    type: 'number',
    valueName: 'PORT',
    description:
      "Serve Prometheus metrics for every member on one endpoint, PORT (GET /metrics), and the pool's queues",
  },
  ...metricsHostFlag,
} as const satisfies FlagTable;

/** The flags each member receives, as `rqts worker` spells them. */
const FORWARDED = { ...connectionFlags, ...memberFlags, ...loggingFlags } as const satisfies FlagTable;

export const workerPoolCommand = defineCommand({
  name: 'worker-pool',
  summary: 'Run several supervised workers from one command (as rq worker-pool)',
  usage: '[QUEUES...]',
  description:
    'Starts --num-workers worker processes on the queues, each with its own name and registration (rq info and rqts console show them; ' +
    'the console groups them by pool). A worker that dies is replaced, after 1 s, 2 s, 4 s … if it keeps dying. With --burst the pool ' +
    'exits when every worker has finished: 0, or 1 if a worker crashed. SIGINT/SIGTERM stops every worker warmly (current jobs finish); ' +
    'a second signal stops them cold (jobs fail); a third kills them. Two signals within one second count as one. Each line of a worker ' +
    'starts with its short id ([w1]), or carries it as workerId with --log-json.',
  flags: { ...connectionFlags, ...poolFlags, ...memberFlags, ...loggingFlags },
  examples: [
    'rqts worker-pool high default low -n 3',
    'rqts worker-pool --burst -n 4 -P ./jobs emails',
    'rqts worker-pool -w SimpleWorker --name web --log-json default',
  ],
  async run({ args, flags, io }) {
    const level = effectiveLevel(flags);
    if (!Number.isInteger(flags.numWorkers) || flags.numWorkers < 1) {
      throw new RqtsError(
        'BAD_ARGUMENT',
        `--num-workers ${flags.numWorkers} is not allowed`,
        'Give a whole number of workers, 1 or more',
      );
    }
    if (flags.name !== undefined && !/^\S+$/.test(flags.name)) {
      throw new RqtsError(
        'BAD_ARGUMENT',
        `--name ${JSON.stringify(flags.name)} is not a usable pool name`,
        'Give a name without spaces',
      );
    }
    const poolName = flags.name ?? defaultPoolName();
    // Persistent, as a member's: a connection dropped during these checks is retried, not fatal.
    const connection = await openConnection(flags, { persistent: true });
    let queues: string[];
    try {
      // Fail here, once, on a bad class, serializer or queue name, rather than in N members.
      const built = await buildWorkerOptions(args, { ...flags, name: undefined, pid: undefined }, connection);
      queues = built.options.queues;
      queues.forEach(validateQueueName);
      await refuseWhenSuspended(connection.client);
      await cleanupGhosts(connection.client);
    } finally {
      await connection.close();
    }
    const base = createLogger({
      json: flags.logJson,
      level,
      name: 'rqts.pool',
      ...logFormats(flags, connection.settings.dictConfig),
      prefix: '[pool] ',
    });
    const logger = flags.logJson ? base.child({ pool: poolName }) : base;
    let metricsConnection: OpenedConnection | undefined;
    let metrics: MetricsServer | undefined;
    if (flags.metricsPort !== undefined) {
      metricsConnection = await openConnection(flags, {
        persistent: true,
        connectionName: 'rqts-pool-metrics',
      });
      metrics = await startMetricsEndpoint(metricsConnection.client, flags.metricsPort, flags.metricsHost, {
        pool: poolName,
        queues,
      });
      logger.info(`Metrics for the pool on http://${flags.metricsHost}:${metrics.port}/metrics`);
    }
    const pool = startPool({
      workerArgs: [...forwardedArgv(flags), '--', ...args],
      numWorkers: flags.numWorkers,
      burst: flags.burst,
      name: poolName,
      logger,
    });
    const notes = new Set<Promise<void>>();
    pool.on('member:exited', (member, exit) => {
      if (!exit.unexpected) return;
      const note = noteAbandonedJob(flags, member, logger).finally(() => notes.delete(note));
      notes.add(note);
    });
    writePidFile(flags.pid);
    logger.info(
      `Pool ${pool.name} started ${pool.numWorkers} worker(s) on ${queues.join(', ')}${flags.burst ? ' in burst mode' : ''} (pid ${process.pid})`,
    );
    const signals = new ShutdownSignals(() => pool.stop());
    signals.install();
    try {
      const exit = await pool.exited;
      await Promise.all(notes);
      return exit.code;
    } catch (error) {
      io.error(`rqts worker-pool failed: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    } finally {
      signals.remove();
      await metrics?.close();
      await metricsConnection?.close();
      logger.flush();
    }
  },
});

/**
 * Where the job of a member that died went: its worker hash still names it. One short read,
 * only on a death, so the pool needs no connection (nor per-job messages) the rest of the time.
 */
async function noteAbandonedJob(
  flags: ConnectionFlagValues,
  member: MemberInfo,
  logger: WorkerLogger,
): Promise<void> {
  try {
    const connection = await openConnection(flags);
    try {
      const record = await findWorker(connection.client, member.name);
      if (record?.currentJob) {
        logger.warn(
          `${member.id} (worker ${member.name}) was running job ${record.currentJob}: its horse lets it finish and records the outcome itself; a job that never reached the horse stays in the started registry until the abandoned-job clean-up fails it, or retries it if it has retries left`,
        );
      }
    } finally {
      await connection.close();
    }
  } catch {
    // Redis unreachable: the note is a courtesy, the death itself was logged.
  }
}

/** Flag values back to `--flag=value` tokens for `rqts worker` (--burst and --name are the pool's to add). */
function forwardedArgv(flags: Record<string, unknown>): string[] {
  const argv: string[] = [];
  for (const [key, spec] of Object.entries(FORWARDED)) {
    const value = flags[key];
    const flag = `--${kebabCase(key)}`;
    if (spec.type === 'boolean') {
      if (value === true) argv.push(flag);
    } else if (Array.isArray(value)) {
      for (const item of value) argv.push(`${flag}=${String(item)}`);
    } else if (value !== undefined) {
      argv.push(`${flag}=${value as string}`);
    }
  }
  return argv;
}
