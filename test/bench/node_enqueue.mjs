// Times the Node producers for the bench, each in a fresh process like the Python one:
// `node node_enqueue.mjs rqts|bullmq single|bulk N QUEUE REDIS_URL` prints {"seconds", "cpuSeconds"}
// for N jobs after a short untimed warm-up (connection, Lua script loading, JIT).
import { Queue as BullQueue } from 'bullmq';
import { Redis } from 'ioredis';
import { Queue } from '../../dist/index.js';

const WARM_UP = 50;
const [lib, mode, count, queueName, url] = process.argv.slice(2);
const n = Number(count);

function rqtsProducer() {
  const connection = new Redis(url);
  const queue = new Queue(queueName, connection);
  return {
    single: async (k) => {
      for (let i = 0; i < k; i++) await queue.enqueue('bench_tasks.noop');
    },
    specs: (k) => Array.from({ length: k }, () => ({ funcName: 'bench_tasks.noop' })),
    bulk: (specs) => queue.enqueueMany(specs),
    close: async () => connection.quit(),
  };
}

function bullProducer() {
  const { hostname, port } = new URL(url);
  const queue = new BullQueue(queueName, { connection: { host: hostname, port: Number(port) } });
  return {
    single: async (k) => {
      for (let i = 0; i < k; i++) await queue.add('noop', {});
    },
    specs: (k) => Array.from({ length: k }, () => ({ name: 'noop', data: {} })),
    bulk: (specs) => queue.addBulk(specs),
    close: async () => queue.close(),
  };
}

const producer = lib === 'rqts' ? rqtsProducer() : lib === 'bullmq' ? bullProducer() : undefined;
if (!producer || !['single', 'bulk'].includes(mode) || !(n > 0)) {
  console.error('usage: node node_enqueue.mjs rqts|bullmq single|bulk N QUEUE REDIS_URL');
  process.exit(1);
}
let timed;
if (mode === 'single') {
  await producer.single(WARM_UP);
  timed = await clock(() => producer.single(n));
} else {
  await producer.bulk(producer.specs(WARM_UP));
  const specs = producer.specs(n);
  timed = await clock(() => producer.bulk(specs));
}
await producer.close();
console.log(JSON.stringify(timed));

/** Wall seconds and this process's CPU seconds (user + system) spent in `work`. */
async function clock(work) {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
