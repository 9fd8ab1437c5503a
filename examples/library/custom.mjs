// A worker with a custom serializer, job class and death penalty (each its own file here),
// fed by a producer using the same serializer.
//   node examples/library/custom.mjs [redis://127.0.0.1:6379/0]
import path from 'node:path';
import { connect, latestResult, Queue, Worker } from 'rqts';
import { RenamingJob } from './job-class.js';
import { compactJson } from './serializer.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const redis = await connect(process.argv[2] ?? process.env.RQ_REDIS_URL ?? 'redis://127.0.0.1:6379/0');

const queue = new Queue('custom', redis, { serializer: compactJson });
const renamed = await queue.enqueue('legacy.add', [2, 3]);
const slow = await queue.enqueue('tasks.nap', [20_000], {}, { timeout: 60 });

const worker = new Worker(redis, {
  queues: ['custom'],
  burst: true,
  paths: [here],
  serializer: compactJson,
  jobClass: RenamingJob,
  deathPenaltyClass: 'death-penalty.Impatient',
});
await worker.work();

console.log(
  `legacy.add ran as tasks.add: ${(await latestResult(redis, renamed.id, compactJson))?.returnValue}`,
);
console.log(`tasks.nap: ${(await latestResult(redis, slow.id, compactJson))?.type}`);
await redis.quit();
