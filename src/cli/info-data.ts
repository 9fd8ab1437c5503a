import type { Redis } from 'ioredis';
import { readCronSchedulers, type CronSchedulerEntry } from '../model/cron-scheduler.js';
import { Queue } from '../model/queue.js';
import type { RegistryCounts } from '../model/registry.js';
import type { Serializer } from '../model/serializer.js';
import { cleanWorkerRegistry, findWorkers, type WorkerRecord } from '../model/worker-record.js';
import { keys, REGISTRY_KINDS } from '../redis/keys.js';

// What `rqts info` shows, read the way `rq info` reads it: the same clean-ups first
// (expired finished/failed entries, abandoned started jobs, dead workers in rq:workers:<q>),
// so both commands print the same numbers when run on the same Redis.

export interface QueueInfo {
  name: string;
  /** Jobs waiting in rq:queue:<name>. */
  count: number;
  registries: RegistryCounts;
}

export interface InfoSnapshot {
  redis: string;
  suspended: boolean;
  /** Seconds until a `suspend --duration` ends by itself; undefined when it does not. */
  suspendedSecondsLeft?: number;
  queues: QueueInfo[];
  /** Workers of the selected queues (all workers when no queue was named). */
  workers: WorkerRecord[];
  /** Per selected queue, the workers listening on it (for --by-queue). */
  workersByQueue: Record<string, WorkerRecord[]>;
  /** RQ 2.4+ `rq cron` schedulers and their jobs (empty on 1.x fleets). */
  cronSchedulers: CronSchedulerEntry[];
  updatedAt: Date;
}

export interface GatherOptions {
  /** Named queues; empty means every queue in rq:queues. */
  queueNames: readonly string[];
  serializer: Serializer;
  display: string;
  byQueue: boolean;
}

export async function gatherInfo(client: Redis, options: GatherOptions): Promise<InfoSnapshot> {
  const queues =
    options.queueNames.length > 0
      ? options.queueNames.map((name) => new Queue(name, client, { serializer: options.serializer }))
      : await Queue.all(client, { serializer: options.serializer });
  for (const queue of queues) {
    for (const kind of ['finished', 'started', 'failed'] as const) await queue.registry(kind).cleanup();
    await cleanWorkerRegistry(client, queue.name);
  }
  const pipeline = client.pipeline();
  for (const queue of queues) {
    pipeline.llen(queue.key);
    for (const kind of REGISTRY_KINDS) pipeline.zcard(keys.registry(kind, queue.name));
  }
  pipeline.exists(keys.suspended);
  pipeline.ttl(keys.suspended);
  const replies = (await pipeline.exec()) ?? [];
  const reply = (index: number): number => Number(replies[index]?.[1] ?? 0);
  const stride = 1 + REGISTRY_KINDS.length;
  const queueInfos = queues.map((queue, i): QueueInfo => {
    const registries = {} as RegistryCounts;
    REGISTRY_KINDS.forEach((kind, k) => {
      registries[kind] = reply(i * stride + 1 + k);
    });
    return { name: queue.name, count: reply(i * stride), registries };
  });
  const suspended = reply(queues.length * stride) === 1;
  const ttl = reply(queues.length * stride + 1);

  const workersByQueue: Record<string, WorkerRecord[]> = {};
  let workers: WorkerRecord[];
  if (options.queueNames.length > 0 || options.byQueue) {
    for (const queue of queues) workersByQueue[queue.name] = await findWorkers(client, { queue: queue.name });
  }
  if (options.queueNames.length > 0) {
    const union = new Map<string, WorkerRecord>();
    for (const list of Object.values(workersByQueue))
      for (const worker of list) union.set(worker.name, worker);
    workers = [...union.values()].sort((a, b) => a.name.localeCompare(b.name));
  } else {
    workers = await findWorkers(client);
  }
  return {
    redis: options.display,
    suspended,
    ...(suspended && ttl > 0 ? { suspendedSecondsLeft: ttl } : {}),
    queues: queueInfos,
    workers,
    workersByQueue,
    cronSchedulers: await readCronSchedulers(client),
    updatedAt: new Date(),
  };
}
