import path from 'node:path';
import { Queue as BullQueue } from 'bullmq';
import { findWorkers, Job, Queue } from '../../../dist/index.js';
import { BENCH_DIR } from './drain.mjs';
import { treeMemory } from './memory.mjs';
import { childPids, start, stop, waitFor } from './processes.mjs';

// Idle memory of a long-running worker, each started alone on an emptied Redis: one no-op job
// runs first (so the job module is loaded, the rqts horse or BullMQ's sandbox child is up),
// then the tree's memory (lib/memory.mjs) is read 1 s after the worker turns idle and again
// after SETTLE_MS of idle, when V8's idle-time GCs and heap shrinking have run. The 1 s figure
// alone flattered whatever trims memory early. Python RQ is read a third time with its forked
// horse alive, during a sleeping job.

const ROOT = path.resolve(BENCH_DIR, '../..');
const QUEUE = 'bench-idle';
const FIRST_MS = 1000;
const SLEEP_JOB_SECONDS = 3;

const rqtsCommand = (args) => (url) => [
  process.execPath,
  [path.join(ROOT, 'bin/rqts.js'), 'worker', QUEUE, '--url', url, '--path', BENCH_DIR, ...args],
];
const bullCommand = (args) => (url) => [
  process.execPath,
  [path.join(BENCH_DIR, 'bullmq_worker.mjs'), QUEUE, url, '--stay', ...args],
];

const rq = {
  enqueue: (redis, spec = { funcName: 'bench_tasks.noop' }) =>
    new Queue(QUEUE, redis.client).enqueueMany([spec]).then(([job]) => job.id),
  finished: async (redis, id) =>
    (await Job.fetch(redis.client, id).catch(() => undefined))?.status === 'finished',
  idle: async (redis) => (await findWorkers(redis.client)).some((w) => w.state === 'idle'),
};

const bull = {
  enqueue: async (redis) => {
    const queue = new BullQueue(QUEUE, { connection: bullConnection(redis.url) });
    try {
      return (await queue.add('noop', {})).id;
    } finally {
      await queue.close();
    }
  },
  finished: async (redis, id) => {
    const queue = new BullQueue(QUEUE, { connection: bullConnection(redis.url) });
    try {
      return (await queue.getJobState(id)) === 'completed';
    } finally {
      await queue.close();
    }
  },
  // bullmq_worker.mjs --stay prints `idle` on each 'drained' event.
  idle: (redis, proc) => /^idle$/m.test(proc.output()),
};

function bullConnection(url) {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}

/** The memory runners, by id (BENCH_ONLY names them); `children` is how many to wait for. */
export const MEMORY_RUNNERS = {
  memRqtsWorker: { label: 'rqts Worker + horse', command: rqtsCommand([]), children: 1, ...rq },
  memRqtsSimple: {
    label: 'rqts SimpleWorker',
    command: rqtsCommand(['-w', 'SimpleWorker']),
    children: 0,
    ...rq,
  },
  memBullmq: { label: 'BullMQ Worker (in-process)', command: bullCommand([]), children: 0, ...bull },
  memBullmqSandboxed: {
    label: 'BullMQ sandboxed processor + child',
    command: bullCommand(['--sandboxed']),
    children: 1,
    ...bull,
  },
  memPython: {
    label: 'Python RQ Worker',
    command: (url) => [
      '/usr/bin/python3',
      [
        '-m',
        'rq.cli',
        'worker',
        QUEUE,
        '--url',
        url,
        '--path',
        BENCH_DIR,
        '-S',
        'rq.serializers.JSONSerializer',
      ],
    ],
    children: 0,
    duringJob: true,
    ...rq,
  },
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** { first, settled, duringJob? }: treeMemory() readings of one runner. */
export async function idleMemory(redis, runner, settleMs) {
  await redis.client.flushall();
  const id = await runner.enqueue(redis);
  const [command, args] = runner.command(redis.url);
  const proc = start(command, args, { cwd: ROOT });
  const pid = proc.child.pid;
  try {
    await waitFor(() => runner.finished(redis, id), 60_000, `${runner.label} to run its first job`);
    await waitFor(() => runner.idle(redis, proc), 30_000, `${runner.label} to be idle`);
    await waitFor(
      () => childPids(pid).length >= runner.children,
      10_000,
      `${runner.label}: its child process`,
    );
    const idleAt = Date.now();
    await sleep(FIRST_MS);
    const first = treeMemory(pid);
    await sleep(Math.max(0, idleAt + settleMs - Date.now()));
    const settled = treeMemory(pid);
    let duringJob;
    if (runner.duringJob) {
      const sleeper = await runner.enqueue(redis, {
        funcName: 'bench_tasks.sleep',
        args: [SLEEP_JOB_SECONDS],
      });
      await waitFor(
        async () =>
          childPids(pid).length > 0 && (await Job.fetch(redis.client, sleeper))?.status === 'started',
        20_000,
        `${runner.label} to fork a horse for the sleeping job`,
      );
      await sleep(FIRST_MS);
      duringJob = treeMemory(pid);
    }
    return { first, settled, duringJob };
  } catch (error) {
    throw new Error(`${error.message}\n${proc.output().slice(-2000)}`, { cause: error });
  } finally {
    await stop(proc);
  }
}
