import { RqtsError } from '../errors.js';
import { isSuspended } from '../model/suspension.js';
import { joinPool, type PoolMembership } from '../pool/member.js';
import { realError } from '../redis/refusal.js';
import { cleanupGhosts } from '../worker/worker-hash.js';
import type { CommandIo } from './command.js';
import { openConnection, type ConnectionFlagValues } from './connection-options.js';
import { startMetricsEndpoint } from './metrics.js';
import type { MetricsServer } from '../metrics/metrics.js';
import {
  buildWorkerWithSentry,
  createWorkerLogger,
  writePidFile,
  type WorkerFlagValues,
} from './worker-flags.js';

// One worker process, from parsed `rqts worker` flags to its exit code: what `rqts worker`
// runs, and what each member of `rqts worker-pool` runs (the pool forks `rqts worker` with
// its identity in the environment; pool/member.ts is the member's end of the protocol).

export async function runWorkerProcess(
  args: string[],
  flags: ConnectionFlagValues & WorkerFlagValues,
  io: Pick<CommandIo, 'error'>,
): Promise<number> {
  const member = joinPool();
  const connection = await openConnection(flags, { persistent: true });
  const base = createWorkerLogger(flags, connection.settings, { prefix: member?.prefix });
  const logger =
    member && flags.logJson ? base.child({ pool: member.identity.pool, workerId: member.identity.id }) : base;
  let metrics: MetricsServer | undefined;
  try {
    const built = await buildWorkerWithSentry(args, flags, connection, (m) => logger.warn(m));
    if (member) {
      built.options.poolName = member.identity.pool;
      // Stopped before it ever registered: nothing to record, nothing to wait for.
      if (member.stopped) return 0;
    } else {
      await refuseWhenSuspended(connection.client);
      await cleanupGhosts(connection.client);
    }
    const worker = new built.cls(connection.client, built.options, { logger });
    member?.attach(worker);
    if (flags.metricsPort !== undefined) {
      const names = new Set<string>();
      worker.on('worker:registered', (name: string) => names.add(name));
      metrics = await startMetricsEndpoint(connection.client, flags.metricsPort, flags.metricsHost, {
        workerNames: () => names,
        queues: built.options.queues,
      });
      logger.info(`Metrics on http://${flags.metricsHost}:${metrics.port}/metrics`);
    }
    writePidFile(flags.pid);
    await worker.work();
    return 0;
  } catch (error) {
    return failed(error, member, logger, io);
  } finally {
    await metrics?.close();
    logger.flush();
    await connection.close();
  }
}

/** Workers do not start while rqts is suspended (a pool checks once for all its members). */
export async function refuseWhenSuspended(client: Parameters<typeof isSuspended>[0]): Promise<void> {
  if (await isSuspended(client)) {
    throw new RqtsError(
      'SUSPENDED',
      'rqts is currently suspended, to resume job execution run "rqts resume"',
      'Workers do not start while rq:suspended is set',
    );
  }
}

function failed(
  error: unknown,
  member: PoolMembership | undefined,
  logger: { error(line: string): void },
  io: Pick<CommandIo, 'error'>,
): number {
  if (error instanceof RqtsError) {
    // A member's one line goes through its logger, prefixed with its slot id.
    if (!member) throw error;
    logger.error(error.toLine());
    return 1;
  }
  // EXECABORT hides the reply that caused it; show that one.
  const real = realError(error);
  logger.error(`Worker failed: ${real.stack ?? real.message}`);
  if (!member) io.error(`rqts worker stopped on an unexpected error: ${real.message}`);
  return 1;
}
