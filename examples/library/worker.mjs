// A worker script with its job modules preloaded: imported once here, before the first job,
// so no job pays for loading them (RQ's docs recommend the same for Python). A SimpleWorker
// runs jobs in this process, so the loaded module is the one jobs use; `rqts worker` gets the
// same effect from its reused horse.
//   node examples/library/worker.mjs [redis://127.0.0.1:6379/0]
import path from 'node:path';
import { connect, latestResult, SimpleWorker } from 'rqts';
import './tasks.js';
import { report } from './exception-handler.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const redis = await connect(process.argv[2] ?? process.env.RQ_REDIS_URL ?? 'redis://127.0.0.1:6379/0');
const worker = new SimpleWorker(redis, {
  queues: ['example'],
  burst: true, // quit once the queue is empty
  paths: [here],
  exceptionHandlers: [report],
});
const finished = [];
worker.on('job:finished', (job) => finished.push(job.id));
await worker.work();
for (const id of finished) console.log(`result of ${id}: ${(await latestResult(redis, id))?.returnValue}`);
await redis.quit();
