import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Redis } from 'ioredis';
import { JOB_KEY_PREFIX, keys } from '../redis/keys.js';
import { SCRIPTS } from '../redis/scripts/index.js';
import { formatTimestamp, unixNow } from '../model/time.js';
import type { RqProtocol } from './rq-protocol.js';

// `--with-scheduler`: moves due jobs from each queue's scheduled registry to the queue
// (enqueue_at / enqueue_in from Python, retries with intervals). As RQ's scheduler, a
// queue is served by whoever holds rq:scheduler-lock:<q> (61 s TTL, refreshed each tick), so
// rqts and Python schedulers never both serve one queue. Runs on the worker's own event
// loop: no extra process is needed in Node. Speaking RQ 1.x the lock's value is the PID;
// speaking 2.x it is the scheduler's name, and the scheduler keeps the identity hash
// rq:scheduler:<name> that 2.10 reads it by (docs/protocol.md §7.4).

const LOCK_SECONDS = 61;
const BATCH = 1000;

export class Scheduler {
  private readonly held = new Set<string>();
  /** Set once the worker knows its fleet's protocol (before the first tick). */
  protocol: RqProtocol = 1;
  /** Speaking 2.x: 32 hex digits, as 2.10 names its schedulers (not the worker's name). */
  readonly name = randomBytes(16).toString('hex');
  private registered = false;

  constructor(
    private readonly connection: Redis,
    private readonly queues: readonly string[],
    private readonly log: (message: string) => void,
  ) {}

  /** What the locks hold: the PID for 1.x readers, the identity's name for 2.x ones. */
  private get lockValue(): string {
    return this.protocol === 2 ? this.name : String(process.pid);
  }

  /** One tick: take or refresh locks, then enqueue due jobs. Returns how many moved. */
  async tick(): Promise<number> {
    let moved = 0;
    for (const queue of this.queues) {
      const lock = keys.schedulerLock(queue);
      if (this.held.has(queue)) {
        // Refresh only if the lock is still ours; another scheduler may have taken over.
        const owner = await this.connection.get(lock);
        if (owner === this.lockValue) await this.connection.expire(lock, LOCK_SECONDS);
        else this.held.delete(queue);
      } else if ((await this.connection.set(lock, this.lockValue, 'EX', LOCK_SECONDS, 'NX')) === 'OK') {
        this.held.add(queue);
        this.log(`Scheduler for ${queue} started with PID ${process.pid}`);
      }
      if (!this.held.has(queue)) continue;
      const now = new Date();
      const ids = await SCRIPTS.enqueueScheduled.call(
        this.connection,
        [keys.registry('scheduled', queue), keys.queue(queue)],
        [String(unixNow(now.getTime())), JOB_KEY_PREFIX, formatTimestamp(now), keys.allQueues, String(BATCH)],
      );
      moved += ids.length;
    }
    if (this.protocol === 2 && this.held.size > 0) await this.beat();
    return moved;
  }

  /**
   * 2.10's birth (the whole hash) the first time a lock is held, then its heartbeat: a new
   * last_heartbeat and the 61 s TTL again, in one MULTI each tick, as 2.10 refreshes it.
   */
  private async beat(): Promise<void> {
    const key = keys.schedulerIdentity(this.name);
    const now = formatTimestamp(new Date());
    const multi = this.connection.multi();
    if (this.registered) multi.hset(key, 'last_heartbeat', now);
    else
      multi.hset(key, {
        name: this.name,
        hostname: os.hostname(),
        pid: String(process.pid),
        queues: this.queues.join(','),
        created_at: now,
        last_heartbeat: now,
      });
    multi.expire(key, LOCK_SECONDS);
    await multi.exec();
    this.registered = true;
  }

  /** Releases the locks this scheduler holds (at shutdown) and its identity, as RQ's does. */
  async stop(): Promise<void> {
    for (const queue of this.held) {
      const lock = keys.schedulerLock(queue);
      if ((await this.connection.get(lock)) === this.lockValue) await this.connection.del(lock);
    }
    this.held.clear();
    if (this.registered) await this.connection.del(keys.schedulerIdentity(this.name));
    this.registered = false;
  }
}
