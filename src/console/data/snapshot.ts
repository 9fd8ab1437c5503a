import {
  CRON_FIELDS,
  CRON_SCAN_LIMIT,
  cronRegistryEntries,
  cronSchedulerFrom,
  type CronSchedulerEntry,
} from '../../model/cron-scheduler.js';
import type { Redis } from 'ioredis';
import {
  keys,
  queueNameFromKey,
  REGISTRY_KINDS,
  workerNameFromKey,
  type RegistryKind,
} from '../../redis/keys.js';
import type { RegistryCounts } from '../../model/registry.js';
import { workerRecordFromHash, type WorkerRecord } from '../../model/worker-record.js';
import { tryParseTimestamp } from '../../model/time.js';
import { reply, type Replies } from './replies.js';
import {
  readJobPage,
  readJobDetail,
  planJobPage,
  planJobDetail,
  type JobPage,
  type JobPageRequest,
  type JobDetail,
} from './jobs.js';

// One consistent read of everything the console shows, in a fixed number of round trips
// whatever the number of workers and queues:
//   1. SMEMBERS rq:workers, SMEMBERS rq:queues, EXISTS rq:suspended (+ INFO server once)
//   2. HGETALL of every worker, one PUBSUB NUMSUB for every command channel, queue and
//      registry sizes, the head of every queue (+ the ids of the jobs page on screen)
//   3. the current job of every busy worker and the oldest queued job of every queue
//      (+ the hashes of the jobs page and the detail on screen)
// Round trip 1 doubles as the latency probe: it is the smallest request we make.

export interface WorkerEntry {
  name: string;
  /** undefined for a ghost: listed in rq:workers but its hash is gone. */
  record: WorkerRecord | undefined;
  /** Subscribers on rq:pubsub:<name>: 0 means nobody would hear a command. */
  listeners: number;
  /** PTTL of the worker key in ms: -1 no TTL, -2 gone, undefined unknown. */
  pttlMs: number | undefined;
}

/** A started-registry entry: its job, its deadline (score) and who runs it per the job hash. */
export interface StartedEntry {
  queue: string;
  id: string;
  /** The registry score: when the job counts as abandoned (Unix seconds). */
  deadline: number;
  workerName: string | undefined;
  status: string | undefined;
  description: string | undefined;
  startedAt: Date | undefined;
}

/** What INFO server says about the server's life (a changed run_id is a restart). */
export interface ServerIdentity {
  runId: string | undefined;
  uptimeSeconds: number | undefined;
}

export interface CurrentJob {
  id: string;
  description: string | undefined;
  status: string | undefined;
  origin: string | undefined;
  timeout: number | undefined;
  startedAt: Date | undefined;
  exists: boolean;
}

export interface QueueEntry {
  name: string;
  /** false for a queue only some worker listens on (absent from rq:queues). */
  known: boolean;
  queued: number;
  counts: RegistryCounts;
  oldestJobId: string | undefined;
  oldestEnqueuedAt: Date | undefined;
  /** Head of the started registry (at most STARTED_SCAN_LIMIT), read for the ORPHANED flag. */
  startedHead: { id: string; deadline: number }[];
}

export interface Snapshot {
  takenAt: number;
  latencyMs: number;
  durationMs: number;
  roundTrips: number;
  /** Redis commands this read sent (what the console's refresh budget is counted in). */
  commands: number;
  serverVersion: string | undefined;
  /** Read with the version (first tick, after each reconnect). */
  server: ServerIdentity | undefined;
  suspended: boolean;
  workers: WorkerEntry[];
  /** The first STARTED_SCAN_LIMIT entries of every queue's started registry. */
  started: StartedEntry[];
  queues: QueueEntry[];
  currentJobs: Map<string, CurrentJob>;
  jobPage: JobPage | undefined;
  detail: JobDetail | undefined;
  /** RQ 2.4+ cron schedulers (at most CRON_SCAN_LIMIT), newest beat first. */
  cron: CronSchedulerEntry[];
}

export interface SnapshotRequest {
  /** Ask INFO server in round trip 1 (first tick and after a reconnect). */
  wantVersion?: boolean;
  jobPage?: JobPageRequest;
  detailJobId?: string;
}

/**
 * A pipeline resolves even when the connection is down, with an error in every reply.
 * One bad key (a foreign WRONGTYPE) must not blank the screen, but all replies failing
 * means Redis is not there: that is an error for the poller to report.
 */
async function exec(pipeline: ReturnType<Redis['pipeline']>): Promise<Replies> {
  const replies = ((await pipeline.exec()) ?? []) as Replies;
  const firstError = replies[0]?.[0];
  if (firstError && replies.every(([error]) => error)) throw firstError;
  return replies;
}

export function parseServerVersion(info: string): string | undefined {
  return /redis_version:([^\r\n]+)/.exec(info)?.[1];
}

export function parseServerIdentity(info: string): ServerIdentity {
  const uptime = /uptime_in_seconds:(\d+)/.exec(info)?.[1];
  return {
    runId: /run_id:([0-9a-f]+)/.exec(info)?.[1],
    uptimeSeconds: uptime === undefined ? undefined : Number(uptime),
  };
}

/** Started jobs read per queue and refresh, for the ORPHANED judgement (a fixed cost). */
export const STARTED_SCAN_LIMIT = 100;
const STARTED_FIELDS = ['worker_name', 'status', 'description', 'started_at'] as const;

const CURRENT_JOB_FIELDS = [
  'description',
  'status',
  'origin',
  'timeout',
  'started_at',
  'created_at',
] as const;

export async function readSnapshot(redis: Redis, request: SnapshotRequest = {}): Promise<Snapshot> {
  const started = performance.now();
  let roundTrips = 0;

  // Round trip 1.
  const first = redis
    .pipeline()
    .smembers(keys.allWorkers)
    .smembers(keys.allQueues)
    .exists(keys.suspended)
    .zrevrange(keys.cronSchedulers, 0, CRON_SCAN_LIMIT - 1, 'WITHSCORES');
  if (request.wantVersion) first.info('server');
  const r1 = await exec(first);
  roundTrips++;
  const latencyMs = performance.now() - started;
  const workerKeys = reply<string[]>(r1, 0, [])
    .filter((k) => k.startsWith(keys.worker('')))
    .sort();
  const queueKeys = reply<string[]>(r1, 1, []).filter((k) => k.startsWith(keys.queue('')));
  const suspended = reply<number>(r1, 2, 0) === 1;
  const cronFlat = reply<string[]>(r1, 3, []);
  const info = request.wantVersion ? reply<string>(r1, 4, '') : undefined;
  const serverVersion = info === undefined ? undefined : parseServerVersion(info);
  const server = info === undefined || info === '' ? undefined : parseServerIdentity(info);

  // Round trip 2.
  const second = redis.pipeline();
  // PTTL next to each hash: with last_heartbeat it gives the TTL the worker set at its beat.
  for (const key of workerKeys) second.hgetall(key).pttl(key);
  const workerNames = workerKeys.map(workerNameFromKey);
  if (workerNames.length > 0)
    second.call('PUBSUB', 'NUMSUB', ...workerNames.map((n) => keys.workerChannel(n)));
  const r2WorkerEnd = workerKeys.length * 2 + (workerNames.length > 0 ? 1 : 0);
  const r2 = { replies: [] as Replies };
  // Queue names come from rq:queues now; queues only named by workers are added after
  // the worker hashes arrive, so their sizes are read in round trip 3 (rare, and still fixed).
  const knownQueues = queueKeys.map(queueNameFromKey).sort();
  const QUEUE_STRIDE = 3 + REGISTRY_KINDS.length;
  for (const name of knownQueues) planQueueSizes(second, name);
  const pagePlan = request.jobPage ? planJobPage(second, request.jobPage) : undefined;
  const detailPlan = request.detailJobId ? planJobDetail(second, request.detailJobId) : undefined;
  // Last in the pipeline, so the offsets above stay as they are.
  const cronNames = cronRegistryEntries(cronFlat);
  for (const c of cronNames) second.hmget(keys.cronScheduler(c.name), ...CRON_FIELDS);
  r2.replies = await exec(second);
  roundTrips++;
  const cronBase = r2.replies.length - cronNames.length;
  const cron = cronNames.map((c, i) =>
    cronSchedulerFrom(c.name, c.score, reply<(string | null)[]>(r2.replies, cronBase + i, [])),
  );

  const numsub = workerNames.length > 0 ? reply<unknown[]>(r2.replies, workerKeys.length * 2, []) : [];
  const listenersByChannel = new Map<string, number>();
  for (let i = 0; i + 1 < numsub.length; i += 2)
    listenersByChannel.set(String(numsub[i]), Number(numsub[i + 1]));
  const workers: WorkerEntry[] = workerNames.map((name, i) => {
    const hash = reply<Record<string, string>>(r2.replies, i * 2, {});
    const pttl = reply<number | null>(r2.replies, i * 2 + 1, null);
    return {
      name,
      record: Object.keys(hash).length > 0 ? workerRecordFromHash(name, hash) : undefined,
      listeners: listenersByChannel.get(keys.workerChannel(name)) ?? 0,
      pttlMs: pttl === null ? undefined : Number(pttl),
    };
  });
  const queues: QueueEntry[] = knownQueues.map((name, q) =>
    queueFromReplies(name, true, r2.replies, r2WorkerEnd + q * QUEUE_STRIDE),
  );
  const pageBase = r2WorkerEnd + knownQueues.length * QUEUE_STRIDE;

  // Round trip 3.
  const third = redis.pipeline();
  let thirdCount = 0;
  const currentIds = [
    ...new Set(workers.map((w) => w.record?.currentJob).filter((id): id is string => Boolean(id))),
  ];
  for (const id of currentIds) third.hmget(keys.job(id), ...CURRENT_JOB_FIELDS);
  thirdCount += currentIds.length;
  const known = new Set(knownQueues);
  const extraQueues = [...new Set(workers.flatMap((w) => w.record?.queues ?? []))]
    .filter((q) => !known.has(q))
    .sort();
  const extraBase = thirdCount;
  for (const name of extraQueues) planQueueSizes(third, name);
  thirdCount += extraQueues.length * QUEUE_STRIDE;
  const startedHeads = queues.flatMap((q) => q.startedHead.map((e) => ({ queue: q.name, ...e })));
  const startedBase = thirdCount;
  for (const e of startedHeads) third.hmget(keys.job(e.id), ...STARTED_FIELDS);
  thirdCount += startedHeads.length;
  const headBase = thirdCount;
  const headQueues = queues.filter((q) => q.oldestJobId !== undefined);
  for (const q of headQueues) third.hmget(keys.job(q.oldestJobId ?? ''), 'enqueued_at', 'created_at');
  thirdCount += headQueues.length;
  const pageFinish = pagePlan ? pagePlan.finish(r2.replies, pageBase, third) : undefined;
  const detailFinish = detailPlan
    ? detailPlan.finish(
        r2.replies,
        pageBase + (pagePlan?.commands ?? 0),
        third,
        queues.map((q) => q.name),
      )
    : undefined;
  thirdCount += (pageFinish?.commands ?? 0) + (detailFinish?.commands ?? 0);

  let r3: Replies = [];
  if (thirdCount > 0) {
    r3 = await exec(third);
    roundTrips++;
  }
  const currentJobs = new Map<string, CurrentJob>();
  currentIds.forEach((id, i) => {
    const [description, status, origin, timeout, startedAt, createdAt] = reply<(string | null)[]>(r3, i, []);
    const timeoutNumber =
      timeout === null || timeout === undefined || timeout === '' ? undefined : Number(timeout);
    currentJobs.set(id, {
      id,
      description: description ?? undefined,
      status: status ?? undefined,
      origin: origin ?? undefined,
      timeout: Number.isFinite(timeoutNumber) ? timeoutNumber : undefined,
      startedAt: tryParseTimestamp(startedAt),
      exists: createdAt !== null && createdAt !== undefined,
    });
  });
  const startedJobs: StartedEntry[] = startedHeads.map((e, i) => {
    const [workerName, status, description, startedAt] = reply<(string | null)[]>(r3, startedBase + i, []);
    return {
      queue: e.queue,
      id: e.id,
      deadline: e.deadline,
      workerName: workerName || undefined,
      status: status ?? undefined,
      description: description ?? undefined,
      startedAt: tryParseTimestamp(startedAt),
    };
  });
  extraQueues.forEach((name, q) =>
    queues.push(queueFromReplies(name, false, r3, extraBase + q * QUEUE_STRIDE)),
  );
  headQueues.forEach((q, i) => {
    const [enqueuedAt, createdAt] = reply<(string | null)[]>(r3, headBase + i, []);
    q.oldestEnqueuedAt = tryParseTimestamp(enqueuedAt) ?? tryParseTimestamp(createdAt);
  });
  queues.sort((a, b) => a.name.localeCompare(b.name));
  const pageStart3 = headBase + headQueues.length;
  const jobPage = pageFinish ? readJobPage(pageFinish.plan, r3, pageStart3) : undefined;
  const detail = detailFinish
    ? readJobDetail(detailFinish.plan, r3, pageStart3 + (pageFinish?.commands ?? 0))
    : undefined;

  return {
    takenAt: Date.now(),
    latencyMs,
    durationMs: performance.now() - started,
    roundTrips,
    commands: r1.length + r2.replies.length + r3.length,
    serverVersion,
    server,
    suspended,
    workers,
    started: startedJobs,
    queues,
    currentJobs,
    jobPage,
    detail,
    cron,
  };
}

function planQueueSizes(pipeline: ReturnType<Redis['pipeline']>, name: string): void {
  pipeline.llen(keys.queue(name));
  for (const kind of REGISTRY_KINDS) pipeline.zcard(keys.registry(kind, name));
  pipeline.lindex(keys.queue(name), 0);
  pipeline.zrange(keys.registry('started', name), 0, STARTED_SCAN_LIMIT - 1, 'WITHSCORES');
}

function queueFromReplies(name: string, known: boolean, replies: Replies, base: number): QueueEntry {
  const counts = {} as Record<RegistryKind, number>;
  REGISTRY_KINDS.forEach((kind, k) => {
    counts[kind] = Number(reply(replies, base + 1 + k, 0));
  });
  const head = reply<string | null>(replies, base + 1 + REGISTRY_KINDS.length, null);
  const flat = reply<string[]>(replies, base + 2 + REGISTRY_KINDS.length, []);
  const startedHead: { id: string; deadline: number }[] = [];
  // RQ 2.x members are <job id>:<execution id>; job ids never hold a colon there.
  for (let i = 0; i + 1 < flat.length; i += 2)
    startedHead.push({ id: (flat[i] ?? '').split(':')[0] ?? '', deadline: Number(flat[i + 1]) });
  return {
    name,
    known,
    queued: Number(reply(replies, base, 0)),
    counts: counts,
    oldestJobId: head ?? undefined,
    oldestEnqueuedAt: undefined,
    startedHead,
  };
}
