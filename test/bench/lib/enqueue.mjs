import path from 'node:path';
import { BENCH_DIR } from './drain.mjs';
import { run } from './processes.mjs';

// Producer throughput: each library in a fresh process (node_enqueue.mjs, python_enqueue.py)
// that times only its N enqueues, after an untimed warm-up.

const ROOT = path.resolve(BENCH_DIR, '../..');

export const ENQUEUE_RUNNERS = {
  rqtsSingle: {
    label: 'rqts Queue.enqueue (awaited one by one)',
    command: (url, n) => [
      process.execPath,
      [path.join(BENCH_DIR, 'node_enqueue.mjs'), 'rqts', 'single', String(n), 'bench', url],
    ],
  },
  bullmqSingle: {
    label: 'BullMQ Queue.add (awaited one by one)',
    command: (url, n) => [
      process.execPath,
      [path.join(BENCH_DIR, 'node_enqueue.mjs'), 'bullmq', 'single', String(n), 'bench', url],
    ],
  },
  pythonSingle: {
    label: 'Python RQ q.enqueue loop',
    command: (url, n) => [
      '/usr/bin/python3',
      [path.join(BENCH_DIR, 'python_enqueue.py'), 'single', String(n), 'bench'],
    ],
  },
  rqtsBulk: {
    label: 'rqts Queue.enqueueMany',
    command: (url, n) => [
      process.execPath,
      [path.join(BENCH_DIR, 'node_enqueue.mjs'), 'rqts', 'bulk', String(n), 'bench', url],
    ],
  },
  bullmqBulk: {
    label: 'BullMQ Queue.addBulk',
    command: (url, n) => [
      process.execPath,
      [path.join(BENCH_DIR, 'node_enqueue.mjs'), 'bullmq', 'bulk', String(n), 'bench', url],
    ],
  },
  pythonBulk: {
    label: 'Python RQ q.enqueue_many',
    command: (url, n) => [
      '/usr/bin/python3',
      [path.join(BENCH_DIR, 'python_enqueue.py'), 'bulk', String(n), 'bench'],
    ],
  },
};

export async function enqueueOnce(redis, runner, n) {
  await redis.client.flushall();
  const [command, args] = runner.command(redis.url, n);
  const { output } = await run(command, args, { cwd: ROOT, env: { REDIS_URL: redis.url } });
  const { seconds, cpuSeconds } = JSON.parse(output.trim().split('\n').pop());
  return { n, seconds, cpuMsPerJob: (cpuSeconds * 1000) / n };
}
