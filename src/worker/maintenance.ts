import type { Redis } from 'ioredis';
import { keys } from '../redis/keys.js';
import { Job } from '../model/job.js';
import { Registry, type CleanupOptions } from '../model/registry.js';
import { startedMembersOf } from '../model/started-member.js';
import type { Serializer } from '../model/serializer.js';
import { unixNow } from '../model/time.js';
import { failCommands } from '../model/transitions.js';
import { cleanWorkerRegistry } from '../model/worker-record.js';
import { cleanGroups } from '../model/groups.js';
import type { RqProtocol } from './rq-protocol.js';

// Registry clean-up every maintenance interval (docs/protocol.md §7), under RQ's per-queue lock
// so Python and rqts workers sharing a queue do not both clean it.

const LOCK_SECONDS = 899;
const INTERMEDIATE_GRACE_SECONDS = 60;

export class Maintenance {
  private lastRun: number | undefined;
  /** Speaking RQ 2.x, maintenance also cleans groups, as a 2.x worker's does. */
  protocol: RqProtocol = 1;

  constructor(
    private readonly connection: Redis,
    private readonly queues: readonly string[],
    private readonly intervalSeconds: number,
    private readonly serializer: Serializer | undefined,
    private readonly log: (message: string) => void,
    /** The worker's exception handlers, for jobs its clean-up finds abandoned (as RQ 2.x). */
    private readonly onAbandoned?: CleanupOptions['onAbandoned'],
  ) {}

  due(now = Date.now()): boolean {
    return this.lastRun === undefined || now - this.lastRun > this.intervalSeconds * 1000;
  }

  async run(): Promise<void> {
    this.lastRun = Date.now();
    for (const queue of this.queues) {
      const lock = keys.cleanRegistriesLock(queue);
      const acquired = await this.connection.set(lock, '1', 'EX', LOCK_SECONDS, 'NX');
      if (acquired !== 'OK') continue;
      this.log(`Cleaning registries for queue: ${queue}`);
      try {
        const now = unixNow();
        await new Registry('finished', queue, this.connection, this.serializer).cleanup(now);
        await new Registry('started', queue, this.connection, this.serializer).cleanup(now, {
          onAbandoned: this.onAbandoned,
        });
        await new Registry('failed', queue, this.connection, this.serializer).cleanup(now);
        await cleanWorkerRegistry(this.connection, queue);
        await this.cleanIntermediate(queue);
      } finally {
        await this.connection.del(lock);
      }
    }
    // Once per run, after the queues, as 2.10 does it (observed).
    if (this.protocol === 2) await cleanGroups(this.connection);
  }

  /**
   * Ids left in RQ 1.15+'s intermediate list by a Python worker that died between its LMOVE
   * and marking the job started. rqts never uses the list itself; it cleans it as RQ does.
   */
  private async cleanIntermediate(queue: string): Promise<void> {
    const listKey = keys.intermediate(queue);
    const ids = await this.connection.lrange(listKey, 0, -1);
    if (ids.length === 0) return;
    const startedKey = keys.registry('started', queue);
    for (const id of ids) {
      // A 2.x worker records the job it took as `id:execution_id`.
      if ((await startedMembersOf(this.connection, startedKey, id)).length > 0) continue;
      const job = (await Job.fetchMany(this.connection, [id], this.serializer))[0];
      if (!job) {
        await this.connection.lrem(listKey, 1, id);
        continue;
      }
      const seenKey = keys.intermediateFirstSeen(queue, id);
      const firstSeen = await this.connection.set(
        seenKey,
        String(Date.now() / 1000),
        'EX',
        86400,
        'NX',
        'GET',
      );
      if (firstSeen === null || Date.now() / 1000 - Number(firstSeen) < INTERMEDIATE_GRACE_SECONDS) continue;
      const multi = this.connection.multi();
      failCommands(multi, job, { excString: 'Job was stuck in intermediate queue.', ended: new Date() });
      multi.lrem(listKey, 1, id);
      await multi.exec();
    }
  }
}
