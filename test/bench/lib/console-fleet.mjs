import { keys } from '../../../dist/redis/keys.js';
import { formatTimestamp } from '../../../dist/model/time.js';

// A fleet as the console sees it in production, written straight into the bench's private
// Redis the way Python RQ and rqts workers write it: registered workers (half busy on a
// job, all heartbeating and finishing jobs), queues with queued jobs and failed registries.

export const queueName = (i) => `queue${String(i).padStart(3, '0')}`;
export const workerName = (i) =>
  `fleet-host${String(i % 50).padStart(2, '0')}.worker${String(i).padStart(5, '0')}`;

function jobHash(queue, status, description, now, extra = {}) {
  return {
    origin: queue,
    status,
    description,
    created_at: now,
    enqueued_at: now,
    data: '',
    ...extra,
  };
}

/** Writes the fleet in batches (one MULTI per batch keeps Redis responsive). */
export async function seedFleet(client, { workers, queues, queued, failed }) {
  const now = formatTimestamp(new Date());
  const names = Array.from({ length: queues }, (_, i) => queueName(i));
  let multi = client.pipeline();
  let n = 0;
  const flush = async (force = false) => {
    if (!force && ++n % 2000 !== 0) return;
    await multi.exec();
    multi = client.pipeline();
  };
  for (const q of names) {
    multi.sadd(keys.allQueues, keys.queue(q));
    await flush();
  }
  for (let i = 0; i < queued; i++) {
    const q = names[i % queues];
    const id = `q-${q}-${i}`;
    multi.rpush(keys.queue(q), id);
    multi.hset(keys.job(id), jobHash(q, 'queued', `tasks.work(${i})`, now));
    await flush();
  }
  const failedAt = Date.now() / 1000;
  for (let i = 0; i < failed; i++) {
    const q = names[i % queues];
    const id = `f-${q}-${i}`;
    multi.zadd(keys.registry('failed', q), failedAt + 86400 + i, id);
    multi.hset(
      keys.job(id),
      jobHash(q, 'failed', `tasks.flaky(${i})`, now, {
        ended_at: now,
        exc_info: `Traceback (most recent call last):\n  File "tasks.py", line 3, in flaky\n${i % 3 === 0 ? 'TimeoutError: upstream took too long' : 'ValueError: bad input ' + (i % 17)}`,
      }),
    );
    await flush();
  }
  for (let i = 0; i < workers; i++) {
    const name = workerName(i);
    const q = names[i % queues];
    const busy = i % 2 === 0;
    multi.hset(keys.worker(name), {
      birth: now,
      last_heartbeat: now,
      queues: q,
      pid: String(10_000 + i),
      hostname: `fleet-host${String(i % 50).padStart(2, '0')}`,
      ip_address: '127.0.0.1:1',
      version: i % 3 === 0 ? '1.13.0' : i % 3 === 1 ? '2.1.0' : '0.1.0',
      python_version: i % 3 === 2 ? '' : '3.11.2',
      state: busy ? 'busy' : 'idle',
      successful_job_count: String(i * 3),
      failed_job_count: String(i % 7),
      total_working_time: '12.5',
      ...(busy ? { current_job: `run-${name}-0`, current_job_working_time: '3' } : {}),
    });
    multi.sadd(keys.allWorkers, keys.worker(name));
    multi.sadd(keys.workersOfQueue(q), keys.worker(name));
    if (busy)
      multi.hset(
        keys.job(`run-${name}-0`),
        jobHash(q, 'started', `tasks.crunch(${i})`, now, { timeout: '180', started_at: now }),
      );
    await flush();
  }
  await flush(true);
}

/**
 * The fleet's life: every `everyMs`, each worker beats, a share of them finish or fail a
 * job, and busy ones move on to a new job (new ids, as a real fleet produces).
 */
export function animateFleet(client, { workers, queues }, everyMs = 2000) {
  let round = 0;
  let stopped = false;
  let running = Promise.resolve();
  const step = async () => {
    round++;
    const now = formatTimestamp(new Date());
    const pipeline = client.pipeline();
    for (let i = 0; i < workers; i++) {
      const name = workerName(i);
      const fields = { last_heartbeat: now };
      if (i % 2 === 0) {
        const previous = `run-${name}-${round - 1}`;
        const next = `run-${name}-${round}`;
        pipeline.del(keys.job(previous));
        pipeline.hset(
          keys.job(next),
          jobHash(queueName(i % queues), 'started', `tasks.crunch(${i}, ${round})`, now, {
            timeout: '180',
            started_at: now,
          }),
        );
        fields.current_job = next;
        pipeline.hincrby(keys.worker(name), i % 10 === 0 ? 'failed_job_count' : 'successful_job_count', 1);
      }
      pipeline.hset(keys.worker(name), fields);
    }
    await pipeline.exec();
  };
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(step).catch(() => undefined);
  }, everyMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
