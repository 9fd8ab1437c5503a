import path from 'node:path';
import { findWorkers, Job, Queue } from '../../../dist/index.js';
import { BENCH_DIR } from './drain.mjs';
import { childPids, privateBytes, rssBytes, start, stop, waitFor } from './processes.mjs';

// Idle memory of a long-running worker: after one no-op job has run (so the job module is
// loaded and the rqts horse is warm), once the worker reports itself idle, sum VmRSS of the
// worker and every child it has (the rqts horse; none for Python, whose fork horse has exited).
// Sampled over a second, the highest sum is reported.

const ROOT = path.resolve(BENCH_DIR, '../..');
const QUEUE = 'bench-idle';
const SAMPLES = 10;

const COMMANDS = {
  rqts: (url) => [
    process.execPath,
    [path.join(ROOT, 'bin/rqts.js'), 'worker', QUEUE, '--url', url, '--path', BENCH_DIR],
  ],
  python: (url) => [
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
};

export async function idleRss(redis, kind) {
  await redis.client.flushall();
  const [job] = await new Queue(QUEUE, redis.client).enqueueMany([{ funcName: 'bench_tasks.noop' }]);
  const [command, args] = COMMANDS[kind](redis.url);
  const proc = start(command, args, { cwd: ROOT });
  try {
    await waitFor(
      async () => (await Job.fetch(redis.client, job.id).catch(() => undefined))?.status === 'finished',
      30_000,
      `${kind} worker to run its first job`,
    );
    await waitFor(
      async () => (await findWorkers(redis.client)).some((w) => w.state === 'idle'),
      30_000,
      `${kind} worker to be idle`,
    );
    if (kind === 'rqts') await waitFor(() => childPids(proc.child.pid).length > 0, 10_000, 'the rqts horse');
    let worst = { workerBytes: 0, childBytes: 0, childPrivateBytes: 0, children: 0 };
    for (let i = 0; i < SAMPLES; i++) {
      const children = childPids(proc.child.pid);
      const sample = {
        workerBytes: rssBytes(proc.child.pid),
        childBytes: children.reduce((sum, pid) => sum + rssBytes(pid), 0),
        childPrivateBytes: children.reduce((sum, pid) => sum + privateBytes(pid), 0),
        children: children.length,
      };
      if (sample.workerBytes + sample.childBytes > worst.workerBytes + worst.childBytes) worst = sample;
      await new Promise((resolve) => setTimeout(resolve, 1000 / SAMPLES));
    }
    return worst;
  } catch (error) {
    throw new Error(`${error.message}\n${proc.output().slice(-2000)}`);
  } finally {
    await stop(proc);
  }
}
