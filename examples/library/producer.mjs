// A producer: enqueues two jobs on the `example` queue. Python RQ workers run them too
// (with -S rq.serializers.JSONSerializer), and so does `rqts worker -P examples/library example`.
//   node examples/library/producer.mjs [redis://127.0.0.1:6379/0]
import { connect, Queue } from 'rqts';

const redis = await connect(process.argv[2] ?? process.env.RQ_REDIS_URL ?? 'redis://127.0.0.1:6379/0');
const queue = new Queue('example', redis);
const sum = await queue.enqueue('tasks.add', [1, 2], {}, { resultTtl: 600 });
const boom = await queue.enqueue('tasks.explode', ['on purpose']);
console.log(`enqueued ${sum.id} ${boom.id}`);
await redis.quit();
