import { RqtsError } from '../errors.js';
import { createRqMetrics, serveMetrics, type MetricsScope, type MetricsServer } from '../metrics/metrics.js';
import { ShutdownSignals } from '../worker/shutdown-signals.js';
import type { Redis } from 'ioredis';
import { defineCommand, type FlagTable } from './command.js';
import { connectionFlags, openConnection } from './connection-options.js';

// `rqts metrics`: a standalone Prometheus exporter for a whole Redis (what rq-exporter is
// for Python fleets), and the one place the worker's and the pool's --metrics-port start
// their endpoint.

export const metricsHostFlag = {
  metricsHost: {
    type: 'string',
    default: '0.0.0.0',
    valueName: 'ADDRESS',
    description: 'Address the metrics endpoint listens on (with --metrics-port)',
  },
} as const satisfies FlagTable;

/** Starts GET /metrics on port; a port in use is one clear line. */
export async function startMetricsEndpoint(
  client: Redis,
  port: number,
  host: string,
  scope: MetricsScope = {},
): Promise<MetricsServer> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RqtsError(
      'BAD_ARGUMENT',
      `Metrics port ${port} is not a port number`,
      'Give a port between 1 and 65535',
    );
  }
  try {
    return await serveMetrics(createRqMetrics(client, scope), port, host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new RqtsError(
      'BAD_ARGUMENT',
      `Cannot serve metrics on ${host}:${port} (${code})`,
      code === 'EADDRINUSE'
        ? 'Another process listens there: pick another port'
        : 'Check the address and port',
    );
  }
}

export const metricsCommand = defineCommand({
  name: 'metrics',
  summary: 'Serve Prometheus metrics for a whole Redis: queues, registries, workers, job rates',
  usage: '',
  description:
    'Listens on --port and answers GET /metrics in the Prometheus text format, reading Redis at each scrape (read-only): ' +
    'rq_jobs{queue,status}, rq_queue_oldest_job_age_seconds{queue}, rq_workers{state}, rq_workers_by_version{version}, ' +
    'rq_jobs_per_second{status}, rq_worker_jobs_total{worker,status}, rq_up. Runs until SIGINT/SIGTERM.',
  flags: {
    ...connectionFlags,
    port: { type: 'number', short: 'p', default: 9726, valueName: 'PORT', description: 'Port to listen on' },
    host: { type: 'string', default: '0.0.0.0', valueName: 'ADDRESS', description: 'Address to listen on' },
  },
  examples: ['rqts metrics --port 9726', 'rqts metrics --url redis://redis.internal:6379/0 --host 127.0.0.1'],
  async run({ flags, io }) {
    const connection = await openConnection(flags, { persistent: true, connectionName: 'rqts-metrics' });
    let server: MetricsServer | undefined;
    try {
      server = await startMetricsEndpoint(connection.client, flags.port, flags.host);
      io.print(`Serving metrics for ${connection.display} on http://${flags.host}:${server.port}/metrics`);
      await new Promise<void>((resolve) => {
        const signals = new ShutdownSignals(() => {
          signals.remove();
          resolve();
        });
        signals.install();
      });
      return 0;
    } finally {
      await server?.close();
      await connection.close();
    }
  },
});
