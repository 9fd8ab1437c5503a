import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { Counter, Gauge, Registry } from 'prom-client';
import { countersOf, rateBetween, type Counters } from '../console/data/rates.js';
import { readSnapshot, type Snapshot } from '../console/data/snapshot.js';
import { REGISTRY_KINDS } from '../redis/keys.js';
import { settledWithin } from '../deadline.js';
import { secondsSince } from '../model/time.js';

// Prometheus metrics for an RQ Redis, read at scrape time with the console's own snapshot
// (a few pipelined round trips, read-only: no clean-up, no writes). One Registry serves the
// standalone exporter (the whole Redis), a worker (its own hash and its queues) and a pool
// (its members), chosen by `scope`. Names follow Prometheus conventions: gauges for what
// is there now, *_total counters for what only grows, base units (seconds).

export interface MetricsScope {
  /** Only these workers (a worker's own name), or those of this pool; all when unset. */
  workerNames?: () => ReadonlySet<string>;
  pool?: string;
  /** Only these queues; all when unset. */
  queues?: readonly string[];
}

export interface RqMetrics {
  registry: Registry;
  /** Reads Redis and updates every metric; a failed read sets rq_up to 0. */
  refresh(): Promise<void>;
}

const READ_TIMEOUT_MS = 3000;

export function createRqMetrics(
  client: Redis,
  scope: MetricsScope = {},
  options: { processMetrics?: boolean } = {},
): RqMetrics {
  const registry = new Registry();
  // Not prom-client's default metrics: promtool rejects several of their names (gauges
  // ending in _total). Memory is the one a worker's operator asks for.
  if (options.processMetrics ?? true) {
    new Gauge({
      name: 'rqts_process_resident_memory_bytes',
      help: 'Resident memory of this rqts process (the exporter, the worker or the pool supervisor)',
      registers: [registry],
      collect() {
        this.set(process.memoryUsage.rss());
      },
    });
  }
  const gauge = (name: string, help: string, labelNames: string[] = []): Gauge =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const up = gauge('rq_up', 'Whether the last read of Redis succeeded (1) or not (0)');
  const readSeconds = gauge('rq_scrape_duration_seconds', 'How long reading Redis took for this scrape');
  const suspended = gauge('rq_suspended', 'Whether RQ is suspended (rq:suspended is set)');
  const jobs = gauge(
    'rq_jobs',
    'Jobs per queue in each status (queued: waiting in the queue; the others: registry sizes)',
    ['queue', 'status'],
  );
  const oldest = gauge(
    'rq_queue_oldest_job_age_seconds',
    'Age of the oldest job waiting in the queue (0 when empty)',
    ['queue'],
  );
  const workers = gauge('rq_workers', 'Registered workers by state', ['state']);
  const versions = gauge('rq_workers_by_version', 'Registered workers by RQ (or rqts) version', ['version']);
  const rate = gauge(
    'rq_jobs_per_second',
    'Jobs ended per second between the last two scrapes, summed over workers',
    ['status'],
  );
  const workerJobs = new Counter({
    name: 'rq_worker_jobs_total',
    help: "Jobs a worker ended, from its hash's successful_job_count and failed_job_count",
    labelNames: ['worker', 'status'],
    registers: [registry],
  });
  const workingSeconds = new Counter({
    name: 'rq_worker_working_seconds_total',
    help: "Time a worker spent running jobs (its hash's total_working_time)",
    labelNames: ['worker'],
    registers: [registry],
  });
  let previous: Counters | undefined;

  const apply = (snapshot: Snapshot): void => {
    const wantWorkers = scope.workerNames?.();
    const entries = snapshot.workers.filter(
      (w) =>
        w.record !== undefined &&
        (!wantWorkers || wantWorkers.has(w.name)) &&
        (scope.pool === undefined || w.record.pool === scope.pool),
    );
    const queues = snapshot.queues.filter((q) => !scope.queues || scope.queues.includes(q.name));
    for (const metric of [jobs, oldest, workers, versions, rate, workerJobs, workingSeconds]) metric.reset();
    suspended.set(snapshot.suspended ? 1 : 0);
    for (const queue of queues) {
      jobs.set({ queue: queue.name, status: 'queued' }, queue.queued);
      for (const kind of REGISTRY_KINDS) jobs.set({ queue: queue.name, status: kind }, queue.counts[kind]);
      oldest.set({ queue: queue.name }, secondsSince(queue.oldestEnqueuedAt, snapshot.takenAt) ?? 0);
    }
    for (const { name, record } of entries) {
      if (!record) continue;
      workers.inc({ state: record.state });
      versions.inc({ version: record.version ?? 'unknown' });
      workerJobs.inc({ worker: name, status: 'finished' }, record.successfulJobCount);
      workerJobs.inc({ worker: name, status: 'failed' }, record.failedJobCount);
      workingSeconds.inc({ worker: name }, record.totalWorkingTime);
    }
    const counters = countersOf({ takenAt: snapshot.takenAt, workers: entries });
    const perSecond = previous ? rateBetween(previous, counters) : { finished: 0, failed: 0 };
    previous = counters;
    rate.set({ status: 'finished' }, perSecond.finished);
    rate.set({ status: 'failed' }, perSecond.failed);
  };

  return {
    registry,
    async refresh() {
      const started = performance.now();
      try {
        const read = readSnapshot(client);
        if (!(await settledWithin(read, READ_TIMEOUT_MS))) throw new Error('Redis did not answer in time');
        apply(await read);
        up.set(1);
      } catch {
        up.set(0);
        previous = undefined;
      } finally {
        readSeconds.set((performance.now() - started) / 1000);
      }
    },
  };
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** GET /metrics in Prometheus's text format; anything else gets a pointer there. */
export async function serveMetrics(
  metrics: RqMetrics,
  port: number,
  host = '0.0.0.0',
): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || !request.url?.startsWith('/metrics')) {
      response.writeHead(request.url === '/' ? 200 : 404, { 'content-type': 'text/plain' });
      response.end('rqts metrics: scrape /metrics\n');
      return;
    }
    void metrics.refresh().then(async () => {
      const body = await metrics.registry.metrics();
      response.writeHead(200, { 'content-type': metrics.registry.contentType });
      response.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
