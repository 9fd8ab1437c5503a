import type { Redis } from 'ioredis';
import { formatTimestamp } from '../../src/model/time.js';
import { keys } from '../../src/redis/keys.js';

// Fake worker hashes written straight into Redis (as a Python worker would write them), for
// scale tests and the refresh benchmark, plus a round-trip counter for a client.

/** Counts socket writes: ioredis writes a whole pipeline at once, so writes = round trips here. */
export function countWrites(client: Redis): { count: () => number; reset: () => void } {
  const stream = (client as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
  const original = stream.write.bind(stream);
  let writes = 0;
  stream.write = (...args: unknown[]) => {
    writes++;
    return original(...args);
  };
  return { count: () => writes, reset: () => (writes = 0) };
}

export async function writeFakeWorkers(
  client: Redis,
  prefix: string,
  count: number,
  options: { busy?: boolean; queues?: string[] } = {},
): Promise<void> {
  const queues = options.queues ?? ['default'];
  const now = formatTimestamp(new Date());
  const multi = client.multi();
  for (let i = 0; i < count; i++) {
    const name = `${prefix}${i}`;
    const jobId = `${name}-job`;
    multi.hset(keys.worker(name), {
      birth: now,
      last_heartbeat: now,
      queues: queues.join(','),
      pid: String(1000 + i),
      hostname: 'bench',
      state: options.busy ? 'busy' : 'idle',
      successful_job_count: String(i),
      failed_job_count: '0',
      total_working_time: '1.5',
      ...(options.busy ? { current_job: jobId, current_job_working_time: '2' } : {}),
    });
    multi.sadd(keys.allWorkers, keys.worker(name));
    for (const q of queues) multi.sadd(keys.workersOfQueue(q), keys.worker(name));
    if (options.busy)
      multi.hset(keys.job(jobId), {
        description: `tasks.work(${i})`,
        status: 'started',
        origin: queues[0] ?? 'default',
        timeout: '180',
        started_at: now,
        created_at: now,
        data: '',
      });
  }
  await multi.exec();
}
