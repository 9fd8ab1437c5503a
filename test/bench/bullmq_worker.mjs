// The Node peer: one BullMQ Worker, concurrency 1, a no-op processor.
//   node bullmq_worker.mjs QUEUE REDIS_URL [--sandboxed] [--stay]
// --sandboxed: the processor is a file (bullmq_processor.mjs) that BullMQ runs in a child
// process, its isolation equivalent of rqts's Worker and horse; without it the processor runs
// in the worker's own process, as rqts's SimpleWorker does.
// Without --stay it exits once the queue is drained, so its whole-process time compares with
// `rqts worker --burst`; with --stay it keeps running and prints `idle` each time the queue
// is drained (the idle-memory bench waits for that line).
import { Worker } from 'bullmq';
import path from 'node:path';

const [queueName, url, ...flags] = process.argv.slice(2);
const sandboxed = flags.includes('--sandboxed');
const stay = flags.includes('--stay');
const { hostname, port } = new URL(url);
const processor = sandboxed
  ? path.join(path.dirname(new URL(import.meta.url).pathname), 'bullmq_processor.mjs')
  : async () => null;
const worker = new Worker(queueName, processor, {
  connection: { host: hostname, port: Number(port), maxRetriesPerRequest: null },
  concurrency: 1,
});
worker.on('failed', (job, error) => console.error(`job ${job?.id} failed: ${error.message}`));
if (stay) {
  worker.on('drained', () => console.log('idle'));
  for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => void worker.close());
} else {
  await new Promise((resolve) => worker.once('drained', resolve));
  await worker.close();
}
