import { Queue as BullQueue } from 'bullmq';
import path from 'node:path';
import { Job, Queue } from '../../../dist/index.js';
import { commandStats } from './redis-server.mjs';
import { cpuSeconds, runTimed } from './processes.mjs';

// One drain: N no-op jobs already queued, one worker process started with --burst (or the
// BullMQ equivalent), timed until it exits. Two clocks are kept:
//  - span: first job's started_at to last job's ended_at, as each worker wrote them in Redis
//    (steady-state throughput; excludes process start-up and shutdown);
//  - process: spawn to exit, start-up included.
// The ratios use the span; the process time is printed beside it.

export const BENCH_DIR = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const ROOT = path.resolve(BENCH_DIR, '../..');
const QUEUE = 'bench';
const CHUNK = 1000;

/** N no-op jobs on the bench queue, in bulk batches; their ids in order. */
export async function enqueueRq(client, n) {
  const queue = new Queue(QUEUE, client);
  const ids = [];
  for (let done = 0; done < n; done += CHUNK) {
    const specs = Array.from({ length: Math.min(CHUNK, n - done) }, () => ({ funcName: 'bench_tasks.noop' }));
    for (const job of await queue.enqueueMany(specs)) ids.push(job.id);
  }
  return ids;
}

async function collectRq(client, ids) {
  let first = Infinity;
  let last = -Infinity;
  for (let done = 0; done < ids.length; done += CHUNK) {
    const jobs = await Job.fetchMany(client, ids.slice(done, done + CHUNK));
    for (const [i, job] of jobs.entries()) {
      if (job?.status !== 'finished' || !job.startedAt || !job.endedAt) {
        throw new Error(`job ${ids[done + i]} ended as ${job?.status ?? 'missing'}, not finished`);
      }
      first = Math.min(first, job.startedAt.getTime());
      last = Math.max(last, job.endedAt.getTime());
    }
  }
  return { first, last };
}

function bullConnection(url) {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}

async function enqueueBull(url, n) {
  const queue = new BullQueue(QUEUE, { connection: bullConnection(url) });
  const ids = [];
  for (let done = 0; done < n; done += CHUNK) {
    const specs = Array.from({ length: Math.min(CHUNK, n - done) }, () => ({ name: 'noop', data: {} }));
    for (const job of await queue.addBulk(specs)) ids.push(job.id);
  }
  await queue.close();
  return ids;
}

async function collectBull(url, ids) {
  const queue = new BullQueue(QUEUE, { connection: bullConnection(url) });
  try {
    const jobs = await queue.getCompleted(0, -1);
    if (jobs.length !== ids.length) throw new Error(`BullMQ completed ${jobs.length} of ${ids.length} jobs`);
    return {
      first: Math.min(...jobs.map((job) => job.processedOn)),
      last: Math.max(...jobs.map((job) => job.finishedOn)),
    };
  } finally {
    await queue.close();
  }
}

const rqts = (workerArgs) => ({
  enqueue: (redis, n) => enqueueRq(redis.client, n),
  command: (redis) => [
    process.execPath,
    [
      path.join(ROOT, 'bin/rqts.js'),
      'worker',
      QUEUE,
      '--burst',
      '--url',
      redis.url,
      '--path',
      BENCH_DIR,
      ...workerArgs,
    ],
  ],
  collect: (redis, ids) => collectRq(redis.client, ids),
});

const bull = (workerArgs) => ({
  enqueue: (redis, n) => enqueueBull(redis.url, n),
  command: (redis) => [
    process.execPath,
    [path.join(BENCH_DIR, 'bullmq_worker.mjs'), QUEUE, redis.url, ...workerArgs],
  ],
  collect: (redis, ids) => collectBull(redis.url, ids),
});

const python = (workerArgs) => ({
  enqueue: (redis, n) => enqueueRq(redis.client, n),
  command: (redis) => [
    '/usr/bin/python3',
    [
      '-m',
      'rq.cli',
      'worker',
      QUEUE,
      '--burst',
      '--url',
      redis.url,
      '--path',
      BENCH_DIR,
      '-S',
      'rq.serializers.JSONSerializer',
      ...workerArgs,
    ],
  ],
  collect: (redis, ids) => collectRq(redis.client, ids),
});

/** The drain runners, by id; `jobsEnv` names the variable that sets each one's N. */
export const DRAIN_RUNNERS = {
  rqtsWorker: { label: 'rqts worker (Worker, reused horse)', jobsEnv: 'BENCH_JOBS', ...rqts([]) },
  rqtsSimple: {
    label: 'rqts worker -w SimpleWorker',
    jobsEnv: 'BENCH_JOBS',
    ...rqts(['-w', 'SimpleWorker']),
  },
  bullmq: {
    label: 'BullMQ Worker (in-process, concurrency 1)',
    jobsEnv: 'BENCH_JOBS',
    ...bull([]),
  },
  bullmqSandboxed: {
    label: 'BullMQ sandboxed processor (child, concurrency 1)',
    jobsEnv: 'BENCH_JOBS',
    ...bull(['--sandboxed']),
  },
  pythonSimple: {
    label: 'Python RQ -w SimpleWorker',
    jobsEnv: 'BENCH_PYTHON_SIMPLE_JOBS',
    ...python(['-w', 'rq.worker.SimpleWorker']),
  },
  pythonFork: { label: 'Python RQ Worker (fork per job)', jobsEnv: 'BENCH_PYTHON_FORK_JOBS', ...python([]) },
};

/** The same worker on an empty queue: its start-up and shutdown alone, to net out of the drain. */
export async function startupOnce(redis, runner) {
  await redis.client.flushall();
  const [command, args] = runner.command(redis);
  const { seconds, cpuSeconds } = await runTimed(command, args, { cwd: ROOT });
  return { seconds, cpuSeconds };
}

export async function drainOnce(redis, runner, n) {
  await redis.client.flushall();
  const ids = await runner.enqueue(redis, n);
  await redis.client.config('RESETSTAT');
  const redisCpuBefore = cpuSeconds(redis.pid);
  const [command, args] = runner.command(redis);
  const { seconds: processSeconds, cpuSeconds: workerCpu } = await runTimed(command, args, { cwd: ROOT });
  const redisCpu = cpuSeconds(redis.pid) - redisCpuBefore;
  const stats = await commandStats(redis.client);
  const { first, last } = await runner.collect(redis, ids);
  const spanSeconds = (last - first) / 1000;
  return {
    n,
    spanSeconds,
    processSeconds,
    workerCpuSeconds: workerCpu,
    redisCpuMsPerJob: (redisCpu * 1000) / n,
    commandsPerJob: stats.total / n,
    perCommand: stats.perCommand,
  };
}
