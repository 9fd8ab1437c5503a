import type { Redis } from 'ioredis';
import { JOB_KEY_PREFIX, keys } from '../redis/keys.js';
import { withScripts } from '../redis/scripts/index.js';
import { formatTimestamp, unixNow } from '../model/time.js';

// `--with-scheduler`: moves due jobs from each queue's scheduled registry to the queue
// (enqueue_at / enqueue_in from Python, retries with intervals). As RQ's scheduler, a
// queue is served by whoever holds rq:scheduler-lock:<q> (value: the PID, 61 s TTL,
// refreshed each tick), so rqts and Python schedulers never both serve one queue. Runs on
// the worker's own event loop: no extra process is needed in Node.

const LOCK_SECONDS = 61;
const BATCH = 1000;

export class Scheduler {
  private readonly held = new Set<string>();

  constructor(
    private readonly connection: Redis,
    private readonly queues: readonly string[],
    private readonly log: (message: string) => void,
  ) {}

  /** One tick: take or refresh locks, then enqueue due jobs. Returns how many moved. */
  async tick(): Promise<number> {
    const scripts = withScripts(this.connection);
    let moved = 0;
    for (const queue of this.queues) {
      const lock = keys.schedulerLock(queue);
      if (this.held.has(queue)) {
        // Refresh only if the lock is still ours; another scheduler may have taken over.
        const owner = await this.connection.get(lock);
        if (owner === String(process.pid)) await this.connection.expire(lock, LOCK_SECONDS);
        else this.held.delete(queue);
      } else if ((await this.connection.set(lock, String(process.pid), 'EX', LOCK_SECONDS, 'NX')) === 'OK') {
        this.held.add(queue);
        this.log(`Scheduler for ${queue} started with PID ${process.pid}`);
      }
      if (!this.held.has(queue)) continue;
      const now = new Date();
      const ids = await scripts.rqtsEnqueueScheduled(
        keys.registry('scheduled', queue),
        keys.queue(queue),
        unixNow(now.getTime()),
        JOB_KEY_PREFIX,
        formatTimestamp(now),
        keys.allQueues,
        BATCH,
      );
      moved += ids.length;
    }
    return moved;
  }

  /** Releases the locks this scheduler holds (at shutdown), as RQ's scheduler does. */
  async stop(): Promise<void> {
    for (const queue of this.held) {
      const lock = keys.schedulerLock(queue);
      if ((await this.connection.get(lock)) === String(process.pid)) await this.connection.del(lock);
    }
    this.held.clear();
  }
}
