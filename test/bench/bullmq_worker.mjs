// The Node peer for the drain: one BullMQ Worker, concurrency 1, a no-op processor, exiting
// once the queue is drained (`node bullmq_worker.mjs QUEUE REDIS_URL`), so its whole-process
// time compares with `rqts worker --burst`.
import { Worker } from 'bullmq';

const [queueName, url] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const worker = new Worker(queueName, async () => null, {
  connection: { host: hostname, port: Number(port), maxRetriesPerRequest: null },
  concurrency: 1,
});
worker.on('failed', (job, error) => console.error(`job ${job?.id} failed: ${error.message}`));
await new Promise((resolve) => worker.once('drained', resolve));
await worker.close();
