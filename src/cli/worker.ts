import { realError } from '../redis/refusal.js';
import { RqtsError } from '../errors.js';
import { isSuspended } from '../model/suspension.js';
import { cleanupGhosts } from '../worker/worker-hash.js';
import { defineCommand } from './command.js';
import { connectionFlags, openConnection } from './connection-options.js';
import { startMetricsEndpoint } from './metrics.js';
import type { MetricsServer } from '../metrics/metrics.js';
import {
  buildWorkerWithSentry,
  createWorkerLogger,
  loggingFlags,
  workerFlags,
  writePidFile,
} from './worker-flags.js';

export const workerCommand = defineCommand({
  name: 'worker',
  summary: 'Run a worker on one or more queues (as rq worker)',
  usage: '[QUEUES...]',
  description:
    'Listens on the queues in priority order (default: settings QUEUES, else "default") and runs their jobs. ' +
    'A job function is a dotted name resolved under --path: tasks.add is export add of tasks.js. ' +
    'SIGINT/SIGTERM (or `rqts shutdown NAME`) stops warmly after the current job; a second signal stops cold.',
  flags: { ...connectionFlags, ...workerFlags, ...loggingFlags },
  examples: [
    'rqts worker high default low',
    'rqts worker --burst -P ./jobs emails',
    'rqts worker -w SimpleWorker --max-jobs 100 default',
  ],
  async run({ args, flags, io }) {
    const connection = await openConnection(flags, { persistent: true });
    const logger = createWorkerLogger(flags, connection.settings);
    let metrics: MetricsServer | undefined;
    try {
      const built = await buildWorkerWithSentry(args, flags, connection, (m) => logger.warn(m));
      if (await isSuspended(connection.client)) {
        throw new RqtsError(
          'SUSPENDED',
          'rqts is currently suspended, to resume job execution run "rqts resume"',
          'Workers do not start while rq:suspended is set',
        );
      }
      await cleanupGhosts(connection.client);
      // Test-only fault injection: die the instant a job has been taken (proves the hand-off is atomic).
      const afterDequeue =
        process.env.RQTS_FAULT === 'kill-after-dequeue'
          ? () => process.kill(process.pid, 'SIGKILL')
          : undefined;
      const worker = new built.cls(connection.client, built.options, { logger, afterDequeue });
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
      if (error instanceof RqtsError) throw error;
      // EXECABORT hides the reply that caused it; show that one.
      const real = realError(error);
      logger.error(`Worker failed: ${real.stack ?? real.message}`);
      io.error(`rqts worker stopped on an unexpected error: ${real.message}`);
      return 1;
    } finally {
      await metrics?.close();
      logger.flush();
      await connection.close();
    }
  },
});
